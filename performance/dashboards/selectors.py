"""The dashboards of the province, a city and a palace: read from the monthly ledgers.

Everything counted comes from the ledgers' figures (`LedgerFigure`, official values), summed by
the database over index ranges, so a dashboard costs the same fixed number of queries and about
the same time for a thousand raw rows or ten million. The only raw row read is the year's largest
online event (one row, `Activity` ordered by viewers). Alliance figures (members, events hosted,
campaigns, hosting calls) are small tables read with counts.

Who may call: the views, after `venues.pages.palace_or_404` / the role checks of
`performance.dashboards.views` decided the scope: the province for provincial officers, one city
for its officers (and provincial ones), one palace for its staff, its city and the province.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity
from alliance.models import Campaign, HostingApplication, HostingCall, Membership
from palace_portal import months as m
from venues.kinds import Centre
from venues.models import Palace, Region

from ..evaluation.models import Band, Evaluation, Scheme
from ..ledgers.models import Ledger, LedgerFigure
from ..rankings import measures
from ..rankings import selectors as rankings
from ..rankings.measures import Measure
from ..rankings.periods import MONTH, YEAR, Period
from ..workflow import selectors as workflow
from .charts import Chart, bar_chart, column_chart, format_number

# The figures at a glance, in this order.
GLANCE = (
    "activities",
    "person_times",
    "online_viewers",
    "bookings",
    "utilisation",
    "attendance",
    "ratings",
    "rating_avg",
)
# What the by-month and by-unit tables show.
TABLE = ("activities", "person_times", "online_viewers", "bookings")
RANKED_BY = "person_times"
PALACE_SUFFIX = "工人文化宫"


def centre_measures() -> list[tuple[str, Measure]]:
    """Utilisation of each of the four centres (booked ÷ open hours of its venues)."""
    return [(str(centre.label), _measure(f"utilisation_{centre.value}")) for centre in Centre]


def _centre_figures(sums: dict, palace_ids, *, has_previous: bool) -> list[Figure]:
    """The centres' utilisation, labelled with the centre's own name (文化中心 ...)."""
    centres = centre_measures()
    figures = _glance(sums, palace_ids, [measure for _label, measure in centres], has_previous=has_previous)
    return [
        dataclasses.replace(figure, label=label) for (label, _m), figure in zip(centres, figures, strict=True)
    ]


@dataclass(frozen=True)
class Figure:
    code: str
    label: str
    unit: str
    value: Decimal | None
    decimals: int
    percent: bool
    change_mom: Decimal | None
    change_yoy: Decimal | None

    @property
    def text(self) -> str:
        return format_number(self.value, self.decimals)


@dataclass(frozen=True)
class UnitRow:
    """One line of the by-city (province), by-palace (city) or by-month table."""

    label: str
    values: list[Decimal | None]
    decimals: list[int]
    link: str = ""
    reporting: Decimal | None = None
    palace: Palace | None = None

    @property
    def texts(self) -> list[str]:
        return [
            format_number(value, places) for value, places in zip(self.values, self.decimals, strict=True)
        ]


@dataclass
class Dashboard:
    kind: str  # "province" | "city" | "palace"
    period: Period
    title: str
    glance: list[Figure]
    centres: list[Figure]
    by_month_chart: Chart | None
    by_month: list[UnitRow]
    by_unit_chart: Chart | None
    by_unit: list[UnitRow]
    unit_total: UnitRow
    year_total: UnitRow
    unit_heading: str
    table_headings: list[str]
    reporting: workflow.ReportingRow
    members: int
    events_hosted: int
    largest_online: Activity | None
    campaigns: list[Campaign]
    calls: list[HostingCall]
    ranking: rankings.Ranking | None
    evaluation: EvaluationResults
    extra: dict = field(default_factory=dict)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"))


def _measure(code: str) -> Measure:
    found = measures.measure(code)
    if found is None:  # the catalogue is the one place metrics are defined
        raise LookupError(code)
    return found


def _city_of(palace: Palace) -> Region:
    return palace.region if palace.region.level == Region.Level.CITY else palace.region.parent


def due_months(period: Period) -> list[date]:
    """The period's months that have ended: only their reports can be expected."""
    return [month for month in period.months if workflow.has_ended(month)]


def _reporting_by_palace(palace_list: list[Palace], months: list[date]) -> dict[int, tuple[int, int]]:
    """{palace id: (reported, expected)} over `months`, as `workflow.selectors.reporting_rate`
    counts them (a palace in service is expected every month, any other palace the months it has a
    ledger of; reported = submitted or accepted). One query."""
    rows = (
        Ledger.objects.filter(palace__in=[p.pk for p in palace_list], month__in=months)
        .values("palace_id")
        .annotate(ledgers=Count("pk"), reported=Count("pk", filter=Q(status__in=workflow.REPORTED)))
        .order_by()
    )
    counts = {row["palace_id"]: row for row in rows}
    out = {}
    for palace in palace_list:
        row = counts.get(palace.pk, {"ledgers": 0, "reported": 0})
        expected = len(months) if palace.status == Palace.Status.IN_SERVICE else row["ledgers"]
        out[palace.pk] = (row["reported"], expected)
    return out


def _alliance(palaces: QuerySet[Palace], period: Period) -> tuple[int, int]:
    """Members at the period's end (today for a period under way) and approved provincial events
    hosted in the period."""
    end = min(m.last_day(period.last), timezone.localdate())
    members = Membership.objects.filter(
        Q(joined_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end)), palace__in=palaces
    ).count()
    hosted = HostingApplication.objects.filter(
        status=HostingApplication.Status.APPROVED,
        event_date__gte=period.first,
        event_date__lte=m.last_day(period.last),
        palace__in=palaces,
    ).count()
    return members, hosted


def largest_online_event(palaces: QuerySet[Palace] | None, period: Period) -> Activity | None:
    """The period's logged activity with the most online viewers, without scanning the period's
    activities: the ledgers keep each palace-month's largest audience (`online_viewers_max`), so
    one indexed query finds the palace and month, and one more reads that palace-month's top row
    through the activities' (palace, date) index."""
    figures = LedgerFigure.objects.with_official().filter(
        metric="online_viewers_max", month__in=period.months, official__gt=0
    )
    if palaces is not None:
        figures = figures.filter(palace__in=palaces)
    top = figures.order_by("-official", "month", "palace_id").values("palace_id", "month").first()
    if top is None:
        return None
    first, following = m.month_range(top["month"])
    return (
        Activity.objects.filter(palace_id=top["palace_id"], date__gte=first, date__lt=following)
        .select_related("palace")
        .order_by("-online_viewers", "date", "pk")
        .first()
    )


@dataclass(frozen=True)
class EvaluationResults:
    """The standardisation evaluation of the period's year over the scope (perf-eval's models)."""

    year: int
    scheme: Scheme | None
    expected: int  # palaces in service in the scope
    concluded: int
    by_band: list[tuple[str, int]]
    average: Decimal | None
    best: list[Evaluation]  # concluded, best total first (at most five)


def evaluation_results(palaces: QuerySet[Palace], year: int) -> EvaluationResults:
    """Concluded evaluations of `year`'s published scheme within `palaces`: counts per band, the
    average total and the five best. Three queries."""
    scheme = Scheme.objects.filter(year=year, status=Scheme.Status.PUBLISHED).first()
    expected = palaces.filter(status=Palace.Status.IN_SERVICE).count()
    if scheme is None:
        return EvaluationResults(year, None, expected, 0, [], None, [])
    concluded = Evaluation.objects.filter(
        scheme=scheme, palace__in=palaces, status=Evaluation.Status.CONCLUDED
    )
    bands = {row["band"]: row["n"] for row in concluded.values("band").annotate(n=Count("pk")).order_by()}
    best = list(
        concluded.select_related("palace").order_by(F("total").desc(nulls_last=True), "palace__name")[:5]
    )
    count = sum(bands.values())
    average = concluded.aggregate(avg=Avg("total"))["avg"] if count else None
    return EvaluationResults(
        year=year,
        scheme=scheme,
        expected=expected,
        concluded=count,
        by_band=[(str(label), bands.get(value, 0)) for value, label in Band.choices],
        average=average.quantize(Decimal("0.1")) if average is not None else None,
        best=best,
    )


def _campaigns_and_calls(period: Period, palaces: QuerySet[Palace] | None):
    """Campaigns running in the period (with the scope's palaces taking part, for a city or a
    palace) and the hosting calls of the period with their applications counted."""
    first, last = period.first, m.last_day(period.last)
    campaigns = Campaign.objects.filter(starts_on__lte=last, ends_on__gte=first).select_related("organiser")
    if palaces is not None:
        campaigns = campaigns.filter(Q(participants__in=palaces) | Q(organiser__in=palaces)).distinct()
    calls = (
        HostingCall.objects.exclude(status=HostingCall.Status.DRAFT)
        .filter(starts_on__lte=last, ends_on__gte=first)
        .annotate(
            applied=Count(
                "applications", filter=~Q(applications__status=HostingApplication.Status.WITHDRAWN)
            ),
            approved=Count("applications", filter=Q(applications__status=HostingApplication.Status.APPROVED)),
        )
        .order_by("-deadline", "pk")
    )
    return list(campaigns.order_by("-starts_on", "pk")[:6]), list(calls[:6])


def _glance(sums: dict, palace_ids, glance_measures: list[Measure], *, has_previous: bool) -> list[Figure]:
    figures = []
    for measure in glance_measures:
        value = rankings.measure_value(measure, sums, palace_ids, "value")
        previous = rankings.measure_value(measure, sums, palace_ids, "previous") if has_previous else None
        year_ago = rankings.measure_value(measure, sums, palace_ids, "year_ago")
        figures.append(
            Figure(
                code=measure.code,
                label=measure.name,
                unit=measure.unit,
                value=value,
                decimals=measure.decimals,
                percent=measure.percent,
                change_mom=rankings.change_percent(value, previous),
                change_yoy=rankings.change_percent(value, year_ago),
            )
        )
    return figures


def dashboard(
    *,
    kind: str,
    period: Period,
    palaces: QuerySet[Palace],
    title: str,
    user,
    links,
    city: Region | None = None,
) -> Dashboard:
    """One dashboard over `palaces` (the province's, a city's or one palace's) for `period` (a
    month or a year). `links` builds drill-down URLs: `links("city", region)`, `links("palace",
    palace)`. A fixed number of queries (about 16) whatever the rows behind the ledgers."""
    glance_measures = [_measure(code) for code in GLANCE]
    table_measures = [_measure(code) for code in TABLE]
    centres = centre_measures()
    palace_list = list(palaces.select_related("region", "region__parent").order_by("region__code", "name"))
    palace_ids = [palace.pk for palace in palace_list]
    scope = Palace.objects.filter(pk__in=palace_ids)

    periods = {"value": period, "year_ago": period.year_ago()}
    if period.previous() is not None:
        periods["previous"] = period.previous()
    sums = rankings.component_sums(scope, glance_measures + [c for _label, c in centres], periods)
    has_previous = "previous" in periods
    glance = _glance(sums, palace_ids, glance_measures, has_previous=has_previous)
    centre_figures = _centre_figures(sums, palace_ids, has_previous=has_previous)

    # By month: the twelve months of the year (the period's year).
    year = Period.of_year(period.year)
    monthly = {f"m{month.month}": Period.of_month(month) for month in year.months}
    month_sums = rankings.component_sums(scope, table_measures, {**monthly, "year": year}, by_palace=False)
    by_month = [
        UnitRow(
            label=monthly[key].label,
            values=[
                rankings.measure_value(measure, month_sums, [rankings.ALL], key) for measure in table_measures
            ],
            decimals=[measure.decimals for measure in table_measures],
        )
        for key in monthly
    ]
    year_total = UnitRow(
        label=year.label,
        values=[
            rankings.measure_value(measure, month_sums, [rankings.ALL], "year") for measure in table_measures
        ],
        decimals=[measure.decimals for measure in table_measures],
    )
    month_chart = column_chart(
        [
            (str(int(key[1:])), rankings.measure_value(table_measures[0], month_sums, [rankings.ALL], key))
            for key in monthly
        ],
        title=_("%(metric)s by month, %(period)s") % {"metric": table_measures[0].name, "period": year.label},
        description=_("Columns: one a month, January to December."),
    )

    # By unit: cities for the province, palaces for a city or a palace's own line.
    months_due = due_months(period)
    rate = workflow.reporting_rate(months=months_due, palaces=scope)
    rate_by_city = {row.city.pk: row.rate for row in rate.cities}
    report_by_palace = _reporting_by_palace(palace_list, months_due) if kind != "province" else {}
    groups: list[tuple[str, list[int], str, Palace | None]] = []
    if kind == "province":
        by_city: dict[int, list[Palace]] = {}
        cities: dict[int, Region] = {}
        for palace in palace_list:
            region = _city_of(palace)
            cities[region.pk] = region
            by_city.setdefault(region.pk, []).append(palace)
        for city_id in sorted(cities, key=lambda pk: cities[pk].code):
            members = by_city[city_id]
            groups.append(
                (cities[city_id].name, [p.pk for p in members], links("city", cities[city_id]), None)
            )
        unit_heading = _("City")
    else:
        for palace in palace_list:
            groups.append((palace.name, [palace.pk], links("palace", palace), palace))
        unit_heading = _("Palace")
    by_unit = []
    for label, ids, link, one_palace in groups:
        if one_palace is None:  # a city of the province
            unit_rate = rate_by_city.get(_city_of(next(p for p in palace_list if p.pk == ids[0])).pk)
        else:
            unit_rate = _percent(*report_by_palace.get(one_palace.pk, (0, 0)))
        by_unit.append(
            UnitRow(
                label=label,
                link=link,
                values=[rankings.measure_value(measure, sums, ids, "value") for measure in table_measures],
                decimals=[measure.decimals for measure in table_measures],
                reporting=unit_rate,
                palace=one_palace,
            )
        )
    unit_total = UnitRow(
        label=_("Total"),
        values=[rankings.measure_value(measure, sums, palace_ids, "value") for measure in table_measures],
        decimals=[measure.decimals for measure in table_measures],
        reporting=rate.total.rate,
    )
    unit_chart = (
        bar_chart(
            [
                # "南昌县工人文化宫" → "南昌县": the bar's label has little room; the table has the name.
                (
                    label.removesuffix(PALACE_SUFFIX) or label,
                    rankings.measure_value(table_measures[1], sums, ids, "value"),
                )
                for label, ids, _l, _u in groups
            ],
            title=_("%(metric)s by %(unit)s, %(period)s")
            % {"metric": table_measures[1].name, "unit": unit_heading, "period": period.label},
            description=_("Bars: one per line of the table below."),
        )
        if len(groups) > 1
        else None
    )

    members, hosted = _alliance(scope, period)
    campaigns, calls = _campaigns_and_calls(period, None if kind == "province" else scope)
    ranking = None
    if kind != "palace":
        ranked_by = _measure(RANKED_BY)  # one of GLANCE: its sums are already here
        ranking = rankings.ranking(
            user=user,
            measure=ranked_by,
            period=period,
            city=city,
            values={
                pid: {key: rankings.measure_value(ranked_by, sums, [pid], key) for key in periods}
                for pid in palace_ids
                if (pid, None) in sums
            },
        )
    return Dashboard(
        kind=kind,
        period=period,
        title=title,
        glance=glance,
        centres=centre_figures,
        by_month_chart=month_chart,
        by_month=by_month,
        by_unit_chart=unit_chart,
        by_unit=by_unit,
        unit_total=unit_total,
        year_total=year_total,
        unit_heading=unit_heading,
        table_headings=[measure.name for measure in table_measures],
        reporting=rate.total,
        members=members,
        events_hosted=hosted,
        largest_online=largest_online_event(None if kind == "province" else scope, period),
        campaigns=campaigns,
        calls=calls,
        ranking=ranking,
        evaluation=evaluation_results(scope, period.year),
    )


def default_period(today: date | None = None) -> Period:
    """The year under way; in January, the year just ended (its figures are complete)."""
    today = today or timezone.localdate()
    return Period.of_year(today.year if today.month > 1 else today.year - 1)


__all__ = ["MONTH", "YEAR", "Dashboard", "dashboard", "default_period", "due_months", "largest_online_event"]
