"""Rankings (比学赶超): palaces compared on one ledger metric over a month, quarter or year.

Read from the ledgers' figures only (`LedgerFigure.objects.with_official()`, index (metric, month,
palace)), never from the raw rows: one grouped query sums each palace's figures for the period,
the previous period and the same period a year earlier at once, so a ranking costs the same few
queries for 10 palaces or 1,000, for a month or for a year.

Who may read a ranking: every staff role (palace staff and managers, city and provincial
officers) sees the whole ranking it asks for, province-wide if it likes. Comparing is the point of
比学赶超: a palace must see where it stands among the others. What a ranking shows of another
palace is its name, its city and one total per period; the ledger behind the figure (its lines,
status, history) stays within `venues.access.palaces_visible_to`: the pages link a row to its
ledger only when the reader may open it (`RankingRow.may_open`). Workers and strangers see no
ranking.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from venues import access
from venues.models import Palace, Region

from ..ledgers import rollups
from ..ledgers.data_version import data_version
from ..ledgers.models import Ledger, LedgerFigure
from .measures import Measure
from .periods import YEAR, Period

PER_VENUE, PER_SQM = "venue", "sqm"
PER_CHOICES = (PER_VENUE, PER_SQM)
TOP = 5
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")


CACHE_SECONDS = 300  # as the dashboards: the data version moves on every write anyway


@dataclass(frozen=True)
class RankingRow:
    rank: int
    palace: Palace
    city: Region | None
    value: Decimal
    previous: Decimal | None
    year_ago: Decimal | None
    change_mom: Decimal | None  # percent, one decimal; None when there is nothing to compare with
    change_yoy: Decimal | None
    may_open: bool  # may the reader open this palace's ledger (drill-down link)?


@dataclass(frozen=True)
class Ranking:
    measure: Measure
    period: Period
    per: str  # "" | PER_VENUE | PER_SQM
    rows: list[RankingRow]
    unranked: int  # palaces in the scope without a figure for the period

    @property
    def leaders(self) -> list[RankingRow]:
        return self.rows[:TOP]

    @property
    def laggards(self) -> list[RankingRow]:
        """The bottom five, last first, never overlapping the leaders."""
        if len(self.rows) <= TOP:
            return []
        return list(reversed(self.rows[max(TOP, len(self.rows) - TOP) :]))


def palaces_to_rank(*, city: Region | None = None, level: str | None = None) -> QuerySet[Palace]:
    """Palaces that keep ledgers (in service, or with any ledger) within the province, a city or
    a level. City-level and county-level palaces are compared among themselves with `level`."""
    palaces = Palace.objects.exclude(status__in=[Palace.Status.PLANNED])
    if city is not None:
        palaces = palaces.filter(Q(region=city) | Q(region__parent=city))
    if level:
        palaces = palaces.filter(level=level)
    return palaces


ALL = rollups.ALL  # the key of a scope's totals in `component_sums(..., by_palace=False)`


def _official() -> Coalesce:
    return Coalesce("locked_value", "value", output_field=DecimalField(max_digits=18, decimal_places=4))


def _disjoint(periods: dict[str, Period]) -> bool:
    months = [month for period in periods.values() for month in period.months]
    return len(months) == len(set(months))


def _figure_sums(
    palaces: QuerySet[Palace],
    codes: list[str],
    periods: dict[str, Period],
    largest: set[str],
    *,
    by_palace: bool,
) -> dict:
    """{(palace_id or ALL, code): {period key: Decimal | None}}: the figures over each period's
    months, summed (the largest for the codes in `largest`, the catalogue's `max` metrics), in one
    grouped query. Periods that do not overlap are grouped by a CASE on the month (one aggregate
    per row); overlapping ones (a year and its months) get one conditional aggregate each."""
    months = sorted({month for period in periods.values() for month in period.months})
    figures = LedgerFigure.objects.filter(metric__in=codes, month__in=months, palace__in=palaces)
    group = ["palace_id", "metric"] if by_palace else ["metric"]
    out: dict = {}
    if _disjoint(periods):
        which = Case(*[When(month__in=p.months, then=Value(key)) for key, p in periods.items()])
        rows = (
            figures.annotate(period_key=which)
            .values(*group, "period_key")
            .annotate(total=Sum(_official()), top=Max(_official()))
            .order_by()
        )
        for row in rows:
            slot = out.setdefault(
                (row["palace_id"] if by_palace else ALL, row["metric"]), dict.fromkeys(periods)
            )
            slot[row["period_key"]] = row["top"] if row["metric"] in largest else row["total"]
        return out
    aggregates = {}
    for key, period in periods.items():
        # Fresh expressions for each aggregate: Django resolves expressions in place. The SQL
        # aliases are prefixed: a key such as `value` must not shadow a field.
        aggregates[f"p_{key}"] = Sum(Case(When(month__in=period.months, then=_official())))
        if largest:
            aggregates[f"x_{key}"] = Max(Case(When(month__in=period.months, then=_official())))
    for row in figures.values(*group).annotate(**aggregates).order_by():
        out[(row["palace_id"] if by_palace else ALL, row["metric"])] = {
            key: row[f"x_{key}" if row["metric"] in largest else f"p_{key}"] for key in periods
        }
    return out


def _ledgers_kept(palaces: QuerySet[Palace], periods: dict[str, Period], *, by_palace: bool) -> dict:
    """{(palace_id or ALL, None): {period key: bool}}: whether (any of) the palaces kept a ledger
    in the period. The ledgers store only non-zero figures, so "a ledger without the figure" means
    zero and "no ledger" means no figure at all. One grouped query."""
    months = sorted({month for period in periods.values() for month in period.months})
    ledgers = Ledger.objects.filter(palace__in=palaces, month__in=months)
    counts = {f"p_{key}": Count("pk", filter=Q(month__in=period.months)) for key, period in periods.items()}
    if not by_palace:
        row = ledgers.aggregate(**counts)
        return {(ALL, None): {key: bool(row[f"p_{key}"]) for key in periods}}
    rows = ledgers.values("palace_id").annotate(**counts).order_by()
    return {(row["palace_id"], None): {key: bool(row[f"p_{key}"]) for key in periods} for row in rows}


def _palace_sums_and_kept(
    palaces: QuerySet[Palace], codes: list[str], periods: dict[str, Period], largest: set[str]
) -> dict:
    """`_figure_sums(by_palace=True)` and `_ledgers_kept` of periods that do not overlap (a month,
    the one before, a year earlier) in one query: the grouped figures `UNION ALL` the grouped
    ledgers, these under the code `rollups.KEPT`."""
    months = sorted({month for period in periods.values() for month in period.months})

    def which() -> Case:  # a fresh expression for each query (Django resolves them in place)
        return Case(
            *[When(month__in=p.months, then=Value(key)) for key, p in periods.items()],
            output_field=CharField(),
        )

    figures = (
        LedgerFigure.objects.filter(metric__in=codes, month__in=months, palace__in=palaces)
        .annotate(period_key=which(), code=F("metric"))
        .values("palace_id", "period_key", "code")
        .annotate(total=Sum(_official()), top=Max(_official()))
        .order_by()
    )
    ledgers = (
        Ledger.objects.filter(palace__in=palaces, month__in=months)
        .annotate(period_key=which(), code=Value(rollups.KEPT, output_field=CharField()))
        .values("palace_id", "period_key", "code")
        .annotate(total=Count("pk"), top=Count("pk"))
        .order_by()
    )
    out: dict = {}
    for row in figures.union(ledgers, all=True):
        palace_id, code, key = row["palace_id"], row["code"], row["period_key"]
        if code == rollups.KEPT:
            out.setdefault((palace_id, None), dict.fromkeys(periods, False))[key] = bool(row["total"])
            continue
        slot = out.setdefault((palace_id, code), dict.fromkeys(periods))
        slot[key] = row["top"] if code in largest else row["total"]
    return out


def _codes(measures: list[Measure]) -> tuple[list[str], set[str]]:
    codes = {m.numerator for m in measures} | {m.denominator for m in measures if m.denominator}
    return sorted(codes), {m.numerator for m in measures if m.largest}


def component_sums(
    palaces: QuerySet[Palace] | None,
    measures: list[Measure],
    periods: dict[str, Period],
    *,
    by_palace: bool = True,
) -> dict:
    """The figures every measure of `measures` needs, per palace (or, `by_palace=False`, for the
    scope as a whole under the key `ALL`) and period, and who kept a ledger when. Feed the result
    to `measure_value`. `palaces` None: every palace (by palace only).

    Whole years per palace of the rolled-up metrics are read from the palace-year rollup
    (`ledgers.rollups`, one query); the rest from the figures (one query for periods that do not
    overlap, two otherwise)."""
    codes, largest = _codes(measures)
    if (
        by_palace
        and periods
        and all(period.kind == YEAR for period in periods.values())
        and set(codes) <= set(rollups.PALACE_YEAR_METRICS)
    ):
        years = {key: period.year for key, period in periods.items()}
        return rollups.palace_year_sums(palaces, codes, years, largest)
    if palaces is None:
        palaces = Palace.objects.all()
    if by_palace and codes and _disjoint(periods):
        return _palace_sums_and_kept(palaces, codes, periods, largest)
    sums = _figure_sums(palaces, codes, periods, largest, by_palace=by_palace) if codes else {}
    sums.update(_ledgers_kept(palaces, periods, by_palace=by_palace))
    return sums


def city_component_sums(city: Region | None, measures: list[Measure], periods: dict[str, Period]) -> dict:
    """`component_sums` over the palaces of `city` (None: the province), per city and for the
    scope as a whole under the key `ALL` (`measure_value(m, sums, [ALL], key)`; a city's own under
    its Region id): one query over the city-month rollup (`ledgers.rollups`), whatever the number
    of palaces. The periods may overlap (a year and its months)."""
    codes, largest = _codes(measures)
    return rollups.city_sums(
        None if city is None else [city.pk], codes, {key: p.months for key, p in periods.items()}, largest
    )


def _total(sums: dict, palace_ids, code: str, key: str, *, largest: bool = False) -> Decimal | None:
    """The figure over the palaces that kept a ledger in period `key` (a ledger without the
    figure counts 0); None when none of them kept one."""
    kept = [pid for pid in palace_ids if sums.get((pid, None), {}).get(key)]
    if not kept:
        return None
    values = [sums.get((pid, code), {}).get(key) or Decimal(0) for pid in kept]
    return max(values) if largest else sum(values, Decimal(0))


def measure_value(measure: Measure, sums: dict, palace_ids, key: str) -> Decimal | None:
    """`measure` over the palaces `palace_ids` for period `key`: the numerator summed (or maxed)
    over the palaces, divided by the denominator summed over the same palaces (never an average of
    the palaces' ratios). None without any ledger, or for a ratio over a zero denominator."""
    numerator = _total(sums, palace_ids, measure.numerator, key, largest=measure.largest)
    denominator = _total(sums, palace_ids, measure.denominator, key) if measure.denominator else None
    return measure.combine(numerator=numerator, denominator=denominator)


def measure_values(
    palaces: QuerySet[Palace], measure: Measure, periods: dict[str, Period]
) -> dict[int, dict[str, Decimal | None]]:
    """{palace_id: {period key: value}} for `measure` over each period (one query)."""
    sums = component_sums(palaces, [measure], periods)
    palace_ids = {palace_id for palace_id, code in sums if code is None}
    return {pid: {key: measure_value(measure, sums, [pid], key) for key in periods} for pid in palace_ids}


def change_percent(value: Decimal | None, base: Decimal | None) -> Decimal | None:
    """(value − base) / base in percent, one decimal; None when either is missing or base is 0."""
    if value is None or base is None or base == 0:
        return None
    return ((value - base) * 100 / base).quantize(_TENTH, rounding=ROUND_HALF_UP)


def _per_unit(palaces: QuerySet[Palace], per: str) -> dict[int, Decimal]:
    """Each palace's divisor for a fair comparison: active venues, or floor area in m²."""
    if per == PER_VENUE:
        rows = palaces.annotate(
            n=Count("venues", filter=Q(venues__is_active=True), output_field=IntegerField())
        ).values_list("pk", "n")
    else:
        rows = palaces.values_list("pk", "floor_area")
    return {pk: Decimal(n) for pk, n in rows if n}


def _cached_measure_values(
    palaces: QuerySet[Palace], measure: Measure, periods: dict[str, Period], *, scope: str
) -> dict[int, dict[str, Decimal | None]]:
    """`measure_values`, kept in the shared cache until the ledgers' data version moves (as the
    dashboards' sums are): a year's ranking sums every figure of the year (240 ms at ×10), the
    same for every reader. Without a cache that answers, computed each time."""
    version = data_version()
    if version is None:
        return measure_values(palaces, measure, periods)
    spans = ",".join(f"{key}={p.kind}{p.year}.{p.number}" for key, p in sorted(periods.items()))
    key = f"performance:rank:{version}:{measure.code}:{scope}:{spans}"
    values = cache.get(key)
    if values is None:
        values = measure_values(palaces, measure, periods)
        cache.set(key, values, timeout=CACHE_SECONDS)
    return values


def ranking(
    *,
    user,
    measure: Measure,
    period: Period,
    city: Region | None = None,
    level: str | None = None,
    per: str = "",
    values: dict[int, dict[str, Decimal | None]] | None = None,
    palace_list: list[Palace] | None = None,
    visible: set[int] | None = None,
) -> Ranking:
    """The palaces of the scope ranked on `measure` for `period`, best first; ties share a rank
    (1, 2, 2, 4). Higher is better for every metric ranked (the catalogue's metrics are all "more
    is better"); palaces without a figure for the period are counted in `unranked`, not ranked.

    `per` divides by active venues or floor area, only for measures the catalogue marks as fair
    to divide (`Measure.per_unit_fair`; the caller validates). `values` ({palace id: {"value",
    "previous", "year_ago": value}}) lets a caller that already summed the figures (a dashboard)
    save the two queries of the sums. Six queries whatever the data; none but the sums' when the
    caller also passes `palace_list` (every palace of the scope, `region__parent` loaded: the
    dashboard's) and `visible` (the ids whose ledger the reader may open, or a superset the
    caller re-decides per reader, as the cached dashboards do).
    """
    palaces = palaces_to_rank(city=city, level=level)
    periods = {"value": period, "year_ago": period.year_ago()}
    previous = period.previous()
    if previous is not None:
        periods["previous"] = previous
    if values is None:
        values = _cached_measure_values(
            palaces, measure, periods, scope=f"{city.pk if city else ''}:{level or ''}"
        )
    else:
        values = {pid: dict(by_key) for pid, by_key in values.items()}
    divisors = _per_unit(palaces, per) if per else {}
    if per:
        for palace_id, by_key in values.items():
            divisor = divisors.get(palace_id)
            for key, value in by_key.items():
                by_key[key] = value / divisor if value is not None and divisor else None
    if visible is None:
        visible = set(
            access.palaces_visible_to(user).filter(pk__in=list(values)).values_list("pk", flat=True)
        )
    if palace_list is None:
        found = Palace.objects.filter(pk__in=list(values)).select_related("region", "region__parent")
    else:
        found = [palace for palace in palace_list if palace.pk in values]
    by_id = {palace.pk: palace for palace in found}
    ranked = sorted(
        ((palace_id, by_key) for palace_id, by_key in values.items() if by_key["value"] is not None),
        key=lambda item: (-item[1]["value"], by_id[item[0]].region.code, by_id[item[0]].name),
    )
    rows: list[RankingRow] = []
    for position, (palace_id, by_key) in enumerate(ranked, start=1):
        value = by_key["value"].quantize(_CENT, rounding=ROUND_HALF_UP)
        rank = rows[-1].rank if rows and rows[-1].value == value else position
        palace = by_id[palace_id]
        rows.append(
            RankingRow(
                rank=rank,
                palace=palace,
                city=palace.city,
                value=value,
                previous=by_key.get("previous"),
                year_ago=by_key["year_ago"],
                change_mom=change_percent(by_key["value"], by_key.get("previous")),
                change_yoy=change_percent(by_key["value"], by_key["year_ago"]),
                may_open=palace_id in visible,
            )
        )
    ranked_ids = {row.palace.pk for row in rows}
    if palace_list is None:
        unranked = palaces.filter(status=Palace.Status.IN_SERVICE).exclude(pk__in=ranked_ids).count()
    else:
        unranked = sum(
            1 for p in palace_list if p.status == Palace.Status.IN_SERVICE and p.pk not in ranked_ids
        )
    return Ranking(measure=measure, period=period, per=per, rows=rows, unranked=unranked)


def palace_trend(
    *, palace: Palace, measure: Measure, last: Period, count: int = 24
) -> list[tuple[Period, Decimal | None]]:
    """The palace's own values for `count` months up to `last`'s last month, oldest first (None
    for a month without a ledger). One query."""
    end = Period.of_month(last.last)
    months = [end.shifted(-offset) for offset in range(count - 1, -1, -1)]
    # Keys are SQL aliases: plain identifiers.
    keyed = {f"m{index}": period for index, period in enumerate(months)}
    values = measure_values(Palace.objects.filter(pk=palace.pk), measure, keyed).get(palace.pk, {})
    return [(period, values.get(key)) for key, period in keyed.items()]


__all__ = [
    "PER_CHOICES",
    "Ranking",
    "RankingRow",
    "change_percent",
    "city_component_sums",
    "component_sums",
    "palace_trend",
    "palaces_to_rank",
    "ranking",
]
