"""Reads of the ledger workflow: a palace's months, one ledger with everything its page shows, the
review queue, and the reporting rate (which the dashboards show too).

Each selector's query count is fixed: it never grows with the number of palaces, months or lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import Case, Count, DateTimeField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palace_portal.months import add_months, months_of_year, next_month
from venues.models import Palace, Region

from ..ledgers.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from . import catalogue
from .validation import Flag, flags_for_ledgers

Status = Ledger.Status
# Reported = handed in and not sent back: submitted (city-accepted or not) or accepted.
REPORTED = (Status.SUBMITTED, Status.ACCEPTED)
# A month's report is due by the end of this day of the following month (local time).
DUE_DAY = 10


def city_of(palace: Palace) -> Region:
    """The prefecture-level city of a palace (needs `region__parent` loaded)."""
    return palace.region if palace.region.level == Region.Level.CITY else palace.region.parent


def due_at(month: date) -> datetime:
    """The moment a month's report becomes late: the 11th of the next month, 00:00 local time."""
    return timezone.make_aware(datetime.combine(next_month(month).replace(day=DUE_DAY + 1), time.min))


def has_ended(month: date, *, today: date | None = None) -> bool:
    return next_month(month) <= (today or timezone.localdate())


def months_due(year: int, *, today: date | None = None) -> list[date]:
    """The months of `year` that have ended by `today` (local): those whose report can be expected."""
    today = today or timezone.localdate()
    return [month for month in months_of_year(year) if next_month(month) <= today]


# --- Reporting rate -----------------------------------------------------------------------------------


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


@dataclass
class ReportingRow:
    """Palace-months expected, reported (submitted or accepted) and reported on time."""

    city: Region | None
    expected: int = 0
    reported: int = 0
    on_time: int = 0

    @property
    def rate(self) -> Decimal | None:
        """Reported ÷ expected, in percent (one decimal); None when nothing was expected."""
        return _percent(self.reported, self.expected)

    @property
    def on_time_rate(self) -> Decimal | None:
        """Reported on time ÷ expected, in percent (one decimal)."""
        return _percent(self.on_time, self.expected)

    @property
    def missing(self) -> int:
        return self.expected - self.reported


@dataclass
class ReportingRate:
    months: list[date]
    total: ReportingRow
    cities: list[ReportingRow] = field(default_factory=list)
    # {palace id: its row} (`city` is the palace's city), for tables by palace.
    palaces: dict[int, ReportingRow] = field(default_factory=dict)


def reporting_rate(
    *,
    months: Iterable[date],
    palaces: QuerySet[Palace] | None = None,
    palace_rows: Sequence[Palace] | None = None,
) -> ReportingRate:
    """The reporting rate of `months` (one, a quarter, a year…) per city and in total.

    Expected: for each month, every palace in service plus any palace that has a ledger of that
    month (it was in service then). Reported: the month's ledger is submitted or accepted (a month
    sent back is not reported until it is submitted again). On time: reported, and first submitted
    before the end of the 10th of the following month (Asia/Shanghai) — a month returned and
    resubmitted later still counts as on time if the first submission was. Counts are palace-months,
    so a year's rate is over twelve months per palace. `palaces` narrows the scope (e.g.
    `venues.access.palaces_visible_to(user)`); None means the province. Two queries (one with
    `palace_rows`), whatever the number of months: the ledgers are counted per palace by the database.

    Returns `ReportingRate(months, total: ReportingRow, cities: [ReportingRow])`, each row with
    `expected`, `reported`, `on_time`, `missing`, `rate` and `on_time_rate` (percent, Decimal).

    `palace_rows`: the palaces of `palaces`, already loaded with `region__parent` (a palace's own
    page has its palace): one query fewer.
    """
    months = sorted(set(months))
    scope = Palace.objects.all() if palaces is None else palaces
    # One row a palace (not a palace-month): its ledgers of `months`, how many reported, how many
    # on time (its first submission, kept on the ledger from its steps, before the due moment).
    counts: dict[int, tuple[int, int, int]] = {}
    if months:
        deadline = Case(
            *[When(month=month, then=Value(due_at(month))) for month in months], output_field=DateTimeField()
        )
        reported = Q(status__in=REPORTED)
        rows_of_palaces = (
            Ledger.objects.filter(month__in=months, palace__in=scope)
            .values("palace_id")
            .annotate(
                kept=Count("pk"),
                reported=Count("pk", filter=reported),
                on_time=Count("pk", filter=reported & Q(first_submitted_at__lt=deadline)),
            )
            .order_by()
        )
        counts = {row["palace_id"]: (row["kept"], row["reported"], row["on_time"]) for row in rows_of_palaces}
    with_ledger = set(counts)
    if palace_rows is not None:
        palace_rows = [p for p in palace_rows if p.status == Palace.Status.IN_SERVICE or p.pk in with_ledger]
    else:
        palace_rows = list(
            scope.filter(Q(status=Palace.Status.IN_SERVICE) | Q(pk__in=with_ledger))
            .select_related("region", "region__parent")
            .order_by()
        )

    total = ReportingRow(city=None)
    rows: dict[int, ReportingRow] = {}
    by_palace: dict[int, ReportingRow] = {}
    if months:
        for palace in palace_rows:
            kept, reported_months, on_time = counts.get(palace.pk, (0, 0, 0))
            # Expected: every month while in service, else the months it kept a ledger of.
            expected = len(months) if palace.status == Palace.Status.IN_SERVICE else kept
            if not expected:
                continue
            city = city_of(palace)
            row = rows.setdefault(city.pk, ReportingRow(city=city))
            by_palace[palace.pk] = ReportingRow(
                city=city, expected=expected, reported=reported_months, on_time=on_time
            )
            for target in (row, total):
                target.expected += expected
                target.reported += reported_months
                target.on_time += on_time
    return ReportingRate(
        months=months,
        total=total,
        cities=sorted(rows.values(), key=lambda r: r.city.code),
        palaces=by_palace,
    )


# --- A palace's months ---------------------------------------------------------------------------------


@dataclass
class LedgerListRow:
    ledger: Ledger
    flags: list[Flag]
    due: bool  # the month has ended, it was computed and the palace may still submit it
    late: bool  # not reported yet and past its due day


def palace_ledger_years(palace: Palace) -> list[int]:
    return sorted({d.year for d in Ledger.objects.filter(palace=palace).dates("month", "year")}, reverse=True)


def _with_manual_count(palace: Palace) -> QuerySet[Ledger]:
    return (
        Ledger.objects.filter(palace=palace).annotate(manual_count=Count("manual_lines")).order_by("-month")
    )


def palace_ledgers(palace: Palace, *, year: int) -> list[LedgerListRow]:
    """The palace's ledgers of `year`, latest month first, with their flags (five queries)."""
    return _list_rows(list(_with_manual_count(palace).of_year(year)))


def palace_ledger_book(palace: Palace, *, year: int | None) -> tuple[list[int], int, list[LedgerListRow]]:
    """The years with ledgers (latest first), the year shown (`year`, else the latest with ledgers,
    else this one) and its rows, as `palace_ledgers` gives them: all of the palace's ledgers in one
    query (twelve a year), so the years cost no query of their own (five queries)."""
    ledgers = list(_with_manual_count(palace))
    years = sorted({ledger.month.year for ledger in ledgers}, reverse=True)
    year = year or (years[0] if years else timezone.localdate().year)
    return years, year, _list_rows([ledger for ledger in ledgers if ledger.month.year == year])


def _list_rows(ledgers: list[Ledger]) -> list[LedgerListRow]:
    today = timezone.localdate()
    # Flags matter before submission: months still open or returned, and ended (a running month's
    # figures are partial, so "far from usual" would always fire).
    editable = [
        ledger
        for ledger in ledgers
        if ledger.status in (Status.OPEN, Status.RETURNED) and next_month(ledger.month) <= today
    ]
    flags = flags_for_ledgers(editable)
    now = timezone.now()
    return [
        LedgerListRow(
            ledger=ledger,
            flags=flags.get(ledger.pk, []),
            due=ledger.pk in flags and ledger.computed_at is not None,
            late=ledger.status not in REPORTED and now >= due_at(ledger.month),
        )
        for ledger in ledgers
    ]


# --- One ledger ------------------------------------------------------------------------------------------


@dataclass
class FigureRow:
    code: str
    name: str
    unit: str
    value: Decimal
    locked_value: Decimal | None
    percent: bool
    decimals: int = 0

    @property
    def official(self) -> Decimal:
        return self.locked_value if self.locked_value is not None else self.value

    @property
    def difference(self) -> Decimal | None:
        """Recomputed minus accepted, when the month is locked and late rows changed the figure."""
        if self.locked_value is None or self.locked_value == self.value:
            return None
        return self.value - self.locked_value


@dataclass
class FigureGroup:
    code: str
    name: str
    rows: list[FigureRow]

    @property
    def changed(self) -> bool:
        return any(row.difference is not None for row in self.rows)


@dataclass
class LedgerPage:
    ledger: Ledger
    headline: FigureGroup  # the catalogue's headline figures, first on the page
    groups: list[FigureGroup]  # every other figure, grouped as the catalogue groups them
    changed: list[FigureRow]  # figures whose recomputed value differs from the accepted snapshot
    lines: list[ManualLine]
    steps: list[LedgerStep]
    flags: list[Flag]
    manual_totals: list[tuple[catalogue.ManualMetric, Decimal]]


def ledger_of(palace: Palace, month: date) -> Ledger | None:
    return Ledger.objects.filter(palace=palace, month=month).select_related("palace").first()


def ledger_page(ledger: Ledger) -> LedgerPage:
    """Everything the ledger page shows: the headline figures, the others grouped as the catalogue
    groups them, the differences since acceptance, manual lines, history and flags (five queries)."""
    figures = sorted(
        LedgerFigure.objects.filter(ledger=ledger), key=lambda f: catalogue.figure_order(f.metric)
    )
    headline_codes = catalogue.headline_codes()
    by_code: dict[str, FigureRow] = {}
    groups: dict[str, FigureGroup] = {}
    for figure in figures:
        meta = catalogue.figure_meta(figure.metric)
        row = FigureRow(
            code=figure.metric,
            name=str(meta.name),
            unit=str(meta.unit),
            value=figure.value,
            locked_value=figure.locked_value,
            percent=meta.percent,
            decimals=meta.decimals,
        )
        by_code[row.code] = row
        if row.code not in headline_codes:
            group = groups.setdefault(meta.group, FigureGroup(meta.group, str(meta.group_name), []))
            group.rows.append(row)
    headline = FigureGroup(
        "headline", str(_("Main figures")), [by_code[code] for code in headline_codes if code in by_code]
    )
    lines = list(
        ManualLine.objects.filter(ledger=ledger).select_related("created_by").order_by("created_at", "pk")
    )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line.value is not None:
            totals[line.metric] += line.value
    # Totals per metric are worth showing only when some metric has several lines.
    several = len([line for line in lines if line.value is not None]) > len(totals)
    manual_totals = (
        [(m, totals[m.code]) for m in catalogue.MANUAL_METRICS if m.code in totals] if several else []
    )
    steps = list(LedgerStep.objects.filter(ledger=ledger).select_related("actor").order_by("at", "pk"))
    return LedgerPage(
        ledger=ledger,
        headline=headline,
        groups=list(groups.values()),
        changed=[row for row in by_code.values() if row.difference is not None],
        lines=lines,
        steps=steps,
        # The figures and lines just read: the flags need only their history (two queries).
        flags=flags_for_ledgers([ledger], figures=figures, lines=lines)[ledger.pk]
        if has_ended(ledger.month)
        else [],
        manual_totals=manual_totals,
    )


def last_step(ledger: Ledger, action: str) -> LedgerStep | None:
    return (
        LedgerStep.objects.filter(ledger=ledger, action=action)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )


# --- The review queue ------------------------------------------------------------------------------------


@dataclass
class QueueRow:
    palace: Palace
    city: Region
    ledger: Ledger | None
    flags: list[Flag]


REVIEW_FILTERS = ("awaiting_city", "awaiting_province", *Status.values, "missing")


def review_queue(
    *, palaces: QuerySet[Palace], month: date, city: Region | None = None, status: str = ""
) -> list[QueueRow]:
    """Every palace in `palaces` expected to report `month` (in service, or with a ledger of that
    month), with its ledger (None: not computed yet) and the flags of its figures, by city then name.

    `status` filters: a ledger status, `awaiting_city` (submitted, not yet accepted by the city),
    `awaiting_province` (submitted and accepted by the city) or `missing` (no ledger). Six queries.
    """
    ledgers = {
        ledger.palace_id: ledger
        for ledger in Ledger.objects.filter(month=month, palace__in=palaces).annotate(
            manual_count=Count("manual_lines")
        )
    }
    scope = palaces.filter(Q(status=Palace.Status.IN_SERVICE) | Q(pk__in=list(ledgers)))
    if city is not None:
        scope = scope.filter(Q(region=city) | Q(region__parent=city))
    palace_rows = list(scope.select_related("region", "region__parent").order_by("region__code", "name"))

    def keep(ledger: Ledger | None) -> bool:
        if not status:
            return True
        if status == "missing":
            return ledger is None
        if ledger is None:
            return False
        if status == "awaiting_city":
            return ledger.status == Status.SUBMITTED and ledger.city_accepted_at is None
        if status == "awaiting_province":
            return ledger.status == Status.SUBMITTED and ledger.city_accepted_at is not None
        return ledger.status == status

    kept = [(palace, ledgers.get(palace.pk)) for palace in palace_rows if keep(ledgers.get(palace.pk))]
    flags = (
        flags_for_ledgers([ledger for _, ledger in kept if ledger is not None]) if has_ended(month) else {}
    )
    rows = [
        QueueRow(
            palace=palace,
            city=city_of(palace),
            ledger=ledger,
            flags=flags.get(ledger.pk, []) if ledger else [],
        )
        for palace, ledger in kept
    ]
    rows.sort(key=lambda row: (row.city.code, row.palace.region.code, row.palace.name))
    return rows


def review_cities(palaces: QuerySet[Palace]) -> list[Region]:
    """The cities the reviewer's palaces lie in, for the queue's city filter."""
    regions = Region.objects.filter(level=Region.Level.CITY).filter(
        Q(palaces__in=palaces) | Q(children__palaces__in=palaces)
    )
    return list(regions.distinct().order_by("code"))


def latest_due_month(today: date | None = None) -> date:
    """The month whose report is being handed in now: the one that ended last."""
    today = today or timezone.localdate()
    return add_months(today.replace(day=1), -1)
