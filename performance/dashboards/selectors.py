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
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity
from alliance.models import Campaign, HostingCall
from venues.kinds import Centre
from venues.models import Palace, Region

from ..rankings import measures
from ..rankings import selectors as rankings
from ..rankings.measures import Measure
from ..rankings.periods import MONTH, YEAR, Period
from ..workflow import selectors as workflow
from . import panels
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
LARGEST_ONLINE = "online_viewers_max"  # where the largest online event is (a `max` metric)
PALACE_SUFFIX = "工人文化宫"
_PALACE_COLUMNS = ["id", "name", "level", "status", "region_id"]
_REGION_COLUMNS = ["id", "code", "name", "level", "parent_id"]


def _from_db(model, db: str, names: list[str], values) -> models.Model:
    """An instance as the ORM loads it with `.only(*names)` (the other fields deferred)."""
    by_name = dict(zip(names, values, strict=True))
    order = [f.attname for f in model._meta.concrete_fields if f.attname in by_name]
    return model.from_db(db, order, [by_name[name] for name in order])


def palace_rows(palaces: QuerySet[Palace]) -> list[Palace]:
    """The scope's palaces ordered by division code and name, with their region and its parent
    loaded (`Palace.city` needs no query), in one query. Only what the page and its cached copy
    use of a palace is read (its name, level, status and city; other fields are deferred), and each
    region is one object shared by its palaces, not one per palace as `select_related` makes: a
    province's thousand palaces load in a fraction of the time, and pickle smaller."""
    region_field = Palace._meta.get_field("region")
    parent_field = Region._meta.get_field("parent")
    regions: dict[int, Region] = {}

    def region(values: tuple, parent: Region | None) -> Region:
        found = regions.get(values[0])
        if found is None:
            found = regions[values[0]] = _from_db(Region, palaces.db, _REGION_COLUMNS, values)
            if parent is not None:
                parent_field.set_cached_value(found, parent)
        return found

    rows = palaces.order_by("region__code", "name").values_list(
        *_PALACE_COLUMNS,
        *(f"region__{name}" for name in _REGION_COLUMNS[1:]),
        *(f"region__parent__{name}" for name in _REGION_COLUMNS),
    )
    found = []
    for row in rows:
        parent = region(row[9:14], None) if row[9] is not None else None
        palace = _from_db(Palace, palaces.db, _PALACE_COLUMNS, row[:5])
        region_field.set_cached_value(palace, region((row[4], *row[5:9]), parent))
        found.append(palace)
    return found


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
    evaluation: panels.EvaluationResults
    extra: dict = field(default_factory=dict)
    # When it was computed (`caching`), and whether it is served stale: the last one computed,
    # while the refresh-ahead after a write is pending (`caching`, `warming`).
    computed_at: datetime | None = None
    stale: bool = False


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


@dataclass(frozen=True)
class Panels:
    """What a dashboard shows beside the ledgers' figures: alliance members and events hosted,
    campaigns and hosting calls, the year's evaluation. It changes with the network's small
    tables, not with the ledgers, so `caching` keeps it under its own key: the first view after an
    aggregation or a workflow step reuses it."""

    members: int
    events_hosted: int
    campaigns: list[Campaign]
    calls: list[HostingCall]
    evaluation: panels.EvaluationResults


def dashboard_panels(*, kind: str, period: Period, palaces: QuerySet[Palace]) -> Panels:
    """The panels of the dashboard of `kind` over `palaces` for `period`: six queries (five
    without a published scheme for the year)."""
    scope = palaces.order_by().values("pk")
    members, hosted = panels.alliance_counts(scope, period)
    campaigns, calls = panels.campaigns_and_calls(period, None if kind == "province" else scope)
    return Panels(
        members=members,
        events_hosted=hosted,
        campaigns=campaigns,
        calls=calls,
        evaluation=panels.evaluation_results(palaces, period.year),
    )


def dashboard(
    *,
    kind: str,
    period: Period,
    palaces: QuerySet[Palace],
    title: str,
    user,
    links,
    city: Region | None = None,
    panels_of: Callable[[], Panels] | None = None,
    palaces_of: Callable[[], list[Palace]] | None = None,
) -> Dashboard:
    """One dashboard over `palaces` (the province's, a city's or one palace's) for `period` (a
    month or a year). `links` builds drill-down URLs: `links("city", region)`, `links("palace",
    palace)`. `panels_of` gives the panels (`dashboard_panels`, default: computed here; the cache
    passes its own), `palaces_of` the palaces of `palaces` as `palace_rows` loads them (the same).
    Five queries for the figures at most (the palaces, the rollups' sums by city and by palace —
    a month's by palace from the figures —, the reporting rate, the largest online event) plus the
    panels', whatever the rows behind the ledgers, the palaces or the months.

    The ranking's `may_open` is left True for every row: the reader's drill-down rights are
    decided per reader (`caching.for_reader`), never computed into what is shared.
    """
    glance_measures = [_measure(code) for code in GLANCE]
    table_measures = [_measure(code) for code in TABLE]
    centres = centre_measures()
    palace_list = palaces_of() if palaces_of is not None else palace_rows(palaces)
    palace_ids = [palace.pk for palace in palace_list]
    scope = palaces.order_by()  # the same palaces as a subquery (no list of ids to compile)

    # Every sum the page shows in one grouped query (and one for who kept a ledger when): the
    # period, the one before and a year earlier per palace, and the year's months, summed over
    # the palaces in Python (a month without any ledger stays None, as the scope's own would).
    year = Period.of_year(period.year)
    monthly = {f"m{month.month}": Period.of_month(month) for month in year.months}
    periods = {"value": period, "year_ago": period.year_ago()}
    if period.previous() is not None:
        periods["previous"] = period.previous()
    all_measures = glance_measures + [c for _label, c in centres] + table_measures
    ranked_by = _measure(RANKED_BY)  # one of GLANCE
    every_period = {**periods, **monthly, "year": year}
    if kind == "palace":
        # One palace: its own figures (a few hundred rows), the scope's sums are the palace's.
        sums = rankings.component_sums(scope, all_measures, every_period)
        totals, total_ids = sums, palace_ids
    else:
        # The province's or a city's totals from the city-month rollup (one query, a few
        # thousand rows at ×10), per city too; per palace only what the page shows per palace
        # (the ranking's measure; a city's table by palace), a year from the palace-year rollup.
        totals = rankings.city_component_sums(
            city if kind == "city" else None, [*all_measures, _measure(LARGEST_ONLINE)], every_period
        )
        total_ids = [rankings.ALL]
        per_palace = [ranked_by] if kind == "province" else [*table_measures, ranked_by]
        sums = rankings.component_sums(scope if kind == "city" else None, per_palace, periods)
    has_previous = "previous" in periods
    glance = _glance(totals, total_ids, glance_measures, has_previous=has_previous)
    centre_figures = _centre_figures(totals, total_ids, has_previous=has_previous)

    # By month: the twelve months of the year (the period's year).
    by_month = [
        UnitRow(
            label=monthly[key].label,
            values=[rankings.measure_value(measure, totals, total_ids, key) for measure in table_measures],
            decimals=[measure.decimals for measure in table_measures],
        )
        for key in monthly
    ]
    year_total = UnitRow(
        label=year.label,
        values=[rankings.measure_value(measure, totals, total_ids, "year") for measure in table_measures],
        decimals=[measure.decimals for measure in table_measures],
    )
    month_chart = column_chart(
        [
            (str(int(key[1:])), value)
            for key, value in ((key, row.values[0]) for key, row in zip(monthly, by_month, strict=True))
        ],
        title=_("%(metric)s by month, %(period)s") % {"metric": table_measures[0].name, "period": year.label},
        description=_("Columns: one a month, January to December."),
    )

    # By unit: cities for the province, palaces for a city or a palace's own line.
    months_due = due_months(period)
    rate = workflow.reporting_rate(months=months_due, palaces=scope, palace_rows=palace_list)
    rate_by_city = {row.city.pk: row.rate for row in rate.cities}
    # (label, the keys of its sums in `unit_sums`, link, its palace on a city's or a palace's page)
    groups: list[tuple[str, list, str, Palace | None]] = []
    unit_sums = totals if kind == "province" else sums
    if kind == "province":
        by_city: dict[int, list[Palace]] = {}
        cities: dict[int, Region] = {}
        for palace in palace_list:
            region = _city_of(palace)
            cities[region.pk] = region
            by_city.setdefault(region.pk, []).append(palace)
        for city_id in sorted(cities, key=lambda pk: cities[pk].code):
            groups.append((cities[city_id].name, [city_id], links("city", cities[city_id]), None))
        unit_heading = _("City")
    else:
        for palace in palace_list:
            groups.append((palace.name, [palace.pk], links("palace", palace), palace))
        unit_heading = _("Palace")
    by_unit = []
    for label, ids, link, one_palace in groups:
        if one_palace is None:  # a city of the province
            unit_rate = rate_by_city.get(ids[0])
        else:
            own = rate.palaces.get(one_palace.pk)
            unit_rate = own.rate if own is not None else None
        by_unit.append(
            UnitRow(
                label=label,
                link=link,
                values=[
                    rankings.measure_value(measure, unit_sums, ids, "value") for measure in table_measures
                ],
                decimals=[measure.decimals for measure in table_measures],
                reporting=unit_rate,
                palace=one_palace,
            )
        )
    unit_total = UnitRow(
        label=_("Total"),
        values=[rankings.measure_value(measure, totals, total_ids, "value") for measure in table_measures],
        decimals=[measure.decimals for measure in table_measures],
        reporting=rate.total.rate,
    )
    unit_chart = (
        bar_chart(
            [
                # "南昌县工人文化宫" → "南昌县": the bar's label has little room; the table has the name.
                (
                    label.removesuffix(PALACE_SUFFIX) or label,
                    rankings.measure_value(table_measures[1], unit_sums, ids, "value"),
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

    side = panels_of() if panels_of is not None else dashboard_panels(kind=kind, period=period, palaces=scope)
    ranking = None
    if kind != "palace":
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
            # The scope's palaces are loaded: the ranking's own three queries are saved. Its
            # palaces are those of `palaces_to_rank` (the scope without planned palaces).
            palace_list=[p for p in palace_list if p.status != Palace.Status.PLANNED],
            visible=set(palace_ids),
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
        members=side.members,
        events_hosted=side.events_hosted,
        largest_online=panels.largest_online_event(
            None if kind == "province" else scope,
            period,
            at=None if kind == "palace" else _largest_online_at(totals, period, monthly),
        ),
        campaigns=side.campaigns,
        calls=side.calls,
        ranking=ranking,
        evaluation=side.evaluation,
    )


def _largest_online_at(totals: dict, period: Period, monthly: dict[str, Period]) -> tuple:
    """(month, audience) of the period's largest online audience from the scope's rollup sums:
    the earliest month holding it (the order `panels.largest_online_event` breaks ties in)."""
    audience = totals.get((rankings.ALL, LARGEST_ONLINE), {}).get("value")
    if period.kind == MONTH:
        return period.first, audience
    for key, month in monthly.items():
        if audience is not None and totals[(rankings.ALL, LARGEST_ONLINE)][key] == audience:
            return month.first, audience
    return period.first, None


def default_period(today: date | None = None) -> Period:
    """The year under way; in January, the year just ended (its figures are complete)."""
    today = today or timezone.localdate()
    return Period.of_year(today.year if today.month > 1 else today.year - 1)


__all__ = [
    "MONTH",
    "YEAR",
    "Dashboard",
    "Panels",
    "dashboard",
    "dashboard_panels",
    "default_period",
    "due_months",
    "palace_rows",
]
