"""Reads of the ledgers' figures, summed by each metric's rule (see `metrics.py`).

Dashboards, rankings, evaluation formulas and exports read figures here, never raw rows: every
function is one grouped query over `LedgerFigure` (an index range of month and metric), so its
time does not grow with the number of bookings or activities, and its query count does not grow
with the number of palaces or months.

Values are the official ones (`LedgerFigure.objects.with_official()`): an accepted month's
snapshot, the latest computation otherwise. Sums follow the catalogue: `sum` adds, `max` takes the
largest, `ratio` and `avg_weighted` are recomputed from their summed inputs (never an average of
ratios). A palace or month without a ledger counts as zeros.

Who may call: any code that has already scoped the palaces to the caller (`venues.access`); these
functions do not check access themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db.models import Case, F, Max, Sum, When

from venues.models import Palace, Region

from .metrics import CODES, METRICS_BY_CODE, Rule, inputs_of
from .models import Ledger, LedgerFigure

ZERO = Decimal(0)
_RATIO_PLACES = Decimal("0.01")
_MEAN_PLACES = Decimal("0.01")


def _codes(metrics: Iterable[str] | None) -> list[str]:
    if metrics is None:
        return list(CODES)
    codes = list(dict.fromkeys(metrics))
    unknown = [c for c in codes if c not in METRICS_BY_CODE]
    if unknown:
        raise ValueError(f"Unknown ledger metrics: {', '.join(unknown)}")
    return codes


def finish(raw: dict[str, Decimal], codes: Iterable[str]) -> dict[str, Decimal]:
    """From summed (or maxed) stored figures to the values of `codes`, derived ones recomputed.

    `raw` holds, per code, the sum over the figures for `sum` metrics (and for the inputs of
    derived ones) and the maximum for `max` metrics. Public so that other readers that sum
    figures themselves (exports, rankings) derive ratios the same way.
    """
    out: dict[str, Decimal] = {}
    for code in codes:
        entry = METRICS_BY_CODE[code]
        if entry.rule == Rule.RATIO:
            denominator = raw.get(entry.denominator, ZERO)
            numerator = raw.get(entry.numerator, ZERO)
            value = numerator * entry.scale / denominator if denominator else ZERO
            out[code] = value.quantize(_RATIO_PLACES)
        elif entry.rule == Rule.AVG_WEIGHTED:
            weight = raw.get(entry.weight, ZERO)
            out[code] = (raw.get(entry.total, ZERO) / weight).quantize(_MEAN_PLACES) if weight else ZERO
        else:
            out[code] = raw.get(code, ZERO)
    return out


def _grouped(key: str | None, months: list[date], codes: list[str], **filters) -> dict:
    """{group key: {stored code: summed or maxed official value}} for `codes`' inputs."""
    needed = inputs_of(codes)
    stored = [c for c in needed if not METRICS_BY_CODE[c].is_derived]
    if not months or not stored:
        return {}
    rows = LedgerFigure.objects.with_official().filter(month__in=months, metric__in=stored, **filters)
    fields = ["metric"] if key is None else [key, "metric"]
    result: dict = defaultdict(dict)
    for row in rows.values(*fields).annotate(total=Sum("official"), largest=Max("official")).order_by():
        rule = METRICS_BY_CODE[row["metric"]].rule
        value = row["largest"] if rule == Rule.MAX else row["total"]
        result[None if key is None else row[key]][row["metric"]] = value if value is not None else ZERO
    return result


def figures_for(
    palace_ids: Iterable[int] | None, months: Iterable[date], metrics: Iterable[str] | None = None
) -> dict[int, dict[str, Decimal]]:
    """{palace id: {metric code: value over `months`}} for the palaces (None: every palace with a
    ledger in those months). Palaces asked for but without figures get zeros. One query."""
    months = list(months)
    codes = _codes(metrics)
    filters = {} if palace_ids is None else {"palace_id__in": list(palace_ids)}
    grouped = _grouped("palace_id", months, codes, **filters)
    keys = set(grouped) if palace_ids is None else set(filters["palace_id__in"])
    return {pk: finish(grouped.get(pk, {}), codes) for pk in sorted(keys)}


def province_totals(
    months: Iterable[date], metrics: Iterable[str] | None = None, *, palace_ids: Iterable[int] | None = None
) -> dict[str, Decimal]:
    """{metric code: value} over every palace of the province (or `palace_ids`) and `months`. One query."""
    codes = _codes(metrics)
    filters = {} if palace_ids is None else {"palace_id__in": list(palace_ids)}
    return finish(_grouped(None, list(months), codes, **filters).get(None, {}), codes)


def _city_of_palace():
    # A city-level palace sits in its city; a county-level one in a county whose parent is the city.
    return Case(
        When(palace__region__level=Region.Level.CITY, then=F("palace__region_id")),
        default=F("palace__region__parent_id"),
    )


def city_totals(
    months: Iterable[date], metrics: Iterable[str] | None = None, *, city_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Decimal]]:
    """{city (Region) id: {metric code: value}} over the palaces of each city and `months`.

    `city_ids`: only these cities (each gets an entry, zeros without figures); None: every city
    with figures in those months. One query.
    """
    months = list(months)
    codes = _codes(metrics)
    needed = [c for c in inputs_of(codes) if not METRICS_BY_CODE[c].is_derived]
    grouped: dict = defaultdict(dict)
    if months and needed:
        rows = (
            LedgerFigure.objects.with_official()
            .filter(month__in=months, metric__in=needed)
            .annotate(city=_city_of_palace())
        )
        if city_ids is not None:
            rows = rows.filter(city__in=list(city_ids))
        for row in (
            rows.values("city", "metric").annotate(total=Sum("official"), largest=Max("official")).order_by()
        ):
            rule = METRICS_BY_CODE[row["metric"]].rule
            value = row["largest"] if rule == Rule.MAX else row["total"]
            grouped[row["city"]][row["metric"]] = value if value is not None else ZERO
    keys = set(grouped) if city_ids is None else set(city_ids)
    return {pk: finish(grouped.get(pk, {}), codes) for pk in sorted(k for k in keys if k is not None)}


def monthly_totals(
    months: Iterable[date], metrics: Iterable[str] | None = None, *, palace_ids: Iterable[int] | None = None
) -> dict[date, dict[str, Decimal]]:
    """{month: {metric code: value}} for each of `months` (zeros where nothing was computed), over
    every palace (or `palace_ids`): the series of a chart by month. One query."""
    months = list(months)
    codes = _codes(metrics)
    filters = {} if palace_ids is None else {"palace_id__in": list(palace_ids)}
    grouped = _grouped("month", months, codes, **filters)
    return {month: finish(grouped.get(month, {}), codes) for month in sorted(months)}


def ledger_figures(
    ledgers: Iterable[Ledger], metrics: Iterable[str] | None = None
) -> dict[int, dict[str, Decimal]]:
    """{ledger id: {metric code: official value}} for a page of ledgers. One query."""
    ids = [ledger.pk for ledger in ledgers]
    codes = _codes(metrics)
    needed = [c for c in inputs_of(codes) if not METRICS_BY_CODE[c].is_derived]
    raw: dict[int, dict[str, Decimal]] = defaultdict(dict)
    if ids:
        rows = LedgerFigure.objects.with_official().filter(ledger_id__in=ids, metric__in=needed)
        for ledger_id, code, official in rows.values_list("ledger_id", "metric", "official"):
            raw[ledger_id][code] = official
    return {pk: finish(raw.get(pk, {}), codes) for pk in ids}


def palaces_with_city(palace_ids: Iterable[int] | None = None):
    """Palaces with their region and city loaded (for labels beside figures). One query."""
    palaces = Palace.objects.select_related("region", "region__parent")
    return palaces if palace_ids is None else palaces.filter(pk__in=list(palace_ids))
