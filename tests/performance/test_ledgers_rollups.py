"""The dashboards' rollups (`performance.ledgers.rollups`): equal to a rebuild from the figures after
every kind of write, and the dashboards read from them exactly what the figures say."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity
from performance.dashboards import selectors as dashboards
from performance.ledgers import rollups
from performance.ledgers.models import CityMonthFigure, Ledger, LedgerFigure, PalaceYearFigure
from performance.ledgers.services import ledger_aggregate_month
from performance.rankings import measures
from performance.rankings import selectors as rankings
from performance.rankings.periods import Period
from performance.workflow import services as workflow
from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures
from .ledger_world import MONTH, NOW, build

pytestmark = pytest.mark.django_db
YEARS = (2023, 2024)
# The stored inputs of every measure a dashboard shows (glance, centres, tables, ranking).
CODES = sorted(
    {
        code
        for measure in [
            *(dashboards._measure(code) for code in dashboards.GLANCE + dashboards.TABLE),
            *(measure for _label, measure in dashboards.centre_measures()),
        ]
        for code in (measure.numerator, measure.denominator)
        if code
    }
)


def _agree() -> None:
    assert rollups.differences() == []


def _submitted(ledger: Ledger) -> Ledger:
    Ledger.objects.filter(pk=ledger.pk).update(status=Ledger.Status.SUBMITTED)
    return Ledger.objects.get(pk=ledger.pk)


def test_the_aggregation_refreshes_the_months_it_computes(world):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    assert CityMonthFigure.objects.filter(month=MONTH).exists()
    assert PalaceYearFigure.objects.filter(year=MONTH.year, palace=world.palace_a).exists()
    _agree()
    # One palace again, after its raw rows moved (the named-palace run refreshes that palace).
    ledger_aggregate_month(month=MONTH, palace_ids=[world.palace_a.pk], now=NOW)
    _agree()


def test_a_re_run_refreshes_the_rollups_of_the_palaces_whose_figures_changed_only(world, monkeypatch):
    build(world)
    ledger_aggregate_month(month=MONTH, now=NOW)
    refreshed = []
    real_refresh = rollups.refresh
    monkeypatch.setattr(
        rollups, "refresh", lambda **kwargs: refreshed.append(kwargs) or real_refresh(**kwargs)
    )

    ledger_aggregate_month(month=MONTH, now=NOW)  # nothing changed since
    unchanged = list(refreshed)
    Activity.objects.create(
        palace=world.palace_b, title="加场", kind="lecture", centre="education", date=MONTH, participants=7
    )
    ledger_aggregate_month(month=MONTH, now=NOW)

    assert unchanged == []
    assert refreshed == [{"months": [MONTH], "palace_ids": [world.palace_b.pk]}]
    _agree()


def test_acceptance_reopening_and_manual_lines_refresh_the_official_figures(world):
    march = date(2025, 3, 1)
    ledger = figures(world.palace_a, march, person_times=100, activities=4)
    _agree()
    # A manual line (through the service) adds a figure.
    line = workflow.manual_line_add(
        actor=world.manager_a, ledger=ledger, metric="volunteer_hours", value="12", note="签到表"
    )
    _agree()
    workflow.manual_line_update(
        actor=world.manager_a, line=line, metric="volunteer_hours", value="30", note="签到表"
    )
    _agree()
    # Accepted: the snapshot is official; a later computation changes `value` only.
    workflow.ledger_accept(actor=world.province_officer, ledger=_submitted(ledger))
    LedgerFigure.objects.filter(ledger=ledger, metric="person_times").update(value=Decimal(999))
    rollups.refresh(months=[march], palace_ids=[world.palace_a.pk])  # as the aggregation's end does
    row = PalaceYearFigure.objects.get(palace=world.palace_a, year=2025, metric="person_times")
    assert row.total == Decimal(100)
    _agree()
    # Reopened: the computed figure is official again.
    workflow.ledger_reopen(actor=world.province_officer, ledger=ledger, reason="补录")
    row = PalaceYearFigure.objects.get(palace=world.palace_a, year=2025, metric="person_times")
    assert row.total == Decimal(999)
    _agree()
    workflow.manual_line_delete(actor=world.manager_a, line=line)
    assert not PalaceYearFigure.objects.filter(palace=world.palace_a, metric="volunteer_hours").exists()
    _agree()


def test_writes_through_the_orm_refresh_their_palace_month(world):
    ledger = figures(world.palace_a, date(2024, 5, 1), person_times=10)
    figures(world.palace_b, date(2024, 5, 1), person_times=7)
    _agree()
    LedgerFigure.objects.get(ledger=ledger, metric="person_times").delete()
    _agree()
    ledger.delete()
    assert not PalaceYearFigure.objects.filter(palace=world.palace_a).exists()
    _agree()


def test_a_palace_moving_to_another_city_or_deleted_moves_its_figures(world):
    palace = PalaceFactory(name="新建县工人文化宫", level=Palace.Level.COUNTY, region=world.county1)
    figures(palace, date(2024, 5, 1), person_times=10)
    figures(world.palace_a, date(2024, 5, 1), person_times=1)
    palace.region = world.county2
    palace.save()
    assert (
        CityMonthFigure.objects.get(city=world.city2, month=date(2024, 5, 1), metric="person_times").total
        == 10
    )
    _agree()
    with rollups.batch():
        palace.delete()
    assert not CityMonthFigure.objects.filter(city=world.city2, metric="person_times").exists()
    _agree()


def test_a_batch_refreshes_once_at_its_end_and_nothing_when_it_fails(world):
    with rollups.batch():
        figures(world.palace_a, date(2024, 5, 1), person_times=10)
        assert not PalaceYearFigure.objects.exists()
    _agree()
    before = rollups._snapshot()

    def failing_write() -> None:
        with rollups.batch():
            figures(world.palace_a, date(2024, 6, 1), person_times=10)
            raise RuntimeError

    with pytest.raises(RuntimeError):
        failing_write()
    # Not refreshed (the writer's transaction rolls its figures back with it).
    assert rollups._snapshot() == before


def test_a_bulk_delete_in_a_batch_refreshes_once_per_month_and_bumps_the_version_once(
    world, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    for month in (date(2024, 5, 1), date(2024, 6, 1)):
        for palace in (world.palace_a, world.palace_b):
            figures(palace, month, person_times=10, activities=2)
    assert LedgerFigure.objects.count() >= 8

    # Row by row this was a refresh per deleted figure (the demo's wipe took minutes); in a batch
    # the statements do not grow with the rows: the collector's reads and deletes, then a refresh
    # per month.
    with (
        django_capture_on_commit_callbacks() as callbacks,
        django_assert_max_num_queries(40),
        rollups.batch(),
    ):
        Ledger.objects.all().delete()

    assert not CityMonthFigure.objects.exists()
    assert not PalaceYearFigure.objects.exists()
    _agree()
    assert len(callbacks) == 1  # the dashboards' data version, bumped once


@pytest.mark.parametrize("how", ["queryset", "one ledger", "one figure", "figures"])
def test_a_delete_of_ledgers_or_figures_refreshes_each_palace_month_once(world, monkeypatch, how):
    # No batch of the caller's (the admin, a shell): the delete batches itself. Row by row this
    # was a refresh per deleted figure, ~70,000 for a month's first computation at ×10.
    for palace in (world.palace_a, world.palace_b):
        figures(palace, date(2024, 5, 1), person_times=10, activities=2, bookings=3)
    refreshed = []
    real_refresh = rollups.refresh
    monkeypatch.setattr(
        rollups, "refresh", lambda **kwargs: refreshed.append(kwargs) or real_refresh(**kwargs)
    )
    ledger = Ledger.objects.get(palace=world.palace_a)

    if how == "queryset":
        Ledger.objects.all().delete()
    elif how == "one ledger":
        ledger.delete()
    elif how == "one figure":
        ledger.figures.first().delete()
    else:
        LedgerFigure.objects.filter(ledger=ledger).delete()

    assert len(refreshed) == 1  # one month: one refresh, whatever the rows
    _agree()


def test_the_rebuild_command_repairs_what_the_writers_did_not_see(world):
    figures(world.palace_a, date(2024, 5, 1), person_times=10)
    LedgerFigure.objects.update(value=Decimal(20))  # no signal, no refresh
    assert rollups.differences()
    with pytest.raises(CommandError, match="2 rollup rows differ"):  # reports, changes nothing
        call_command("rollups_rebuild", "--check", stdout=StringIO())
    assert rollups.differences()
    call_command("rollups_rebuild", stdout=StringIO())
    _agree()
    call_command("rollups_rebuild", "--check", stdout=StringIO())


# --- The dashboards from the rollups equal the figures' sums ------------------------------------------


def _generate(world) -> list[Palace]:
    """Ledgers of six palaces in two cities over two years, values random (seeded): some months
    accepted (then recomputed, so the snapshot differs), one reopened, manual lines, some months
    without a ledger, some figures missing (zero)."""
    rng = random.Random(13)
    palaces = [
        world.palace_a,
        world.palace_b,
        PalaceFactory(name="南昌县工人文化宫", level=Palace.Level.COUNTY, region=world.county1),
        PalaceFactory(name="九江市工人文化宫", level=Palace.Level.CITY, region=world.city2),
        PalaceFactory(name="进贤县工人文化宫", level=Palace.Level.COUNTY, region=world.county1),
        PalaceFactory(name="规划中文化宫", level=Palace.Level.COUNTY, region=world.county2, status="planned"),
    ]
    accepted = []
    with rollups.batch():  # as an import writes them: each palace-month refreshed once, at the end
        for palace in palaces[:5]:
            for year in YEARS:
                for month in range(1, 13):
                    if rng.random() < 0.1:
                        continue  # no ledger this month
                    values = {code: rng.randint(1, 500) for code in CODES if rng.random() < 0.9}
                    values["online_viewers_max"] = rng.randint(1, 9000)
                    ledger = figures(palace, date(year, month, 1), **values)
                    if rng.random() < 0.3:
                        accepted.append(ledger)
    for ledger in accepted:
        workflow.ledger_accept(actor=world.province_officer, ledger=_submitted(ledger))
    # Recomputed after acceptance: `value` moves, the snapshot stays official.
    for ledger in accepted[::2]:
        LedgerFigure.objects.filter(ledger=ledger).update(value=Decimal(rng.randint(1, 500)))
        rollups.refresh(months=[ledger.month], palace_ids=[ledger.palace_id])
    workflow.ledger_reopen(actor=world.province_officer, ledger=accepted[0], reason="补录")
    open_ledger = Ledger.objects.filter(status=Ledger.Status.OPEN, palace=world.palace_a).first()
    workflow.manual_line_add(
        actor=world.manager_a, ledger=open_ledger, metric="volunteer_hours", value="7.5", note="签到表"
    )
    return palaces


def _expected(kind: str, palaces, period: Period, city=None) -> dict:
    """The dashboard's numbers computed from the figures directly (the pre-rollup way: every
    figure of the scope summed per palace, then `measure_value` over the palaces)."""
    scope_ids = [p.pk for p in palaces]
    scope = Palace.objects.filter(pk__in=scope_ids)
    year = Period.of_year(period.year)
    monthly = {f"m{month.month}": Period.of_month(month) for month in year.months}
    periods = {"value": period, "year_ago": period.year_ago()}
    if period.previous() is not None:
        periods["previous"] = period.previous()
    every = {**periods, **monthly, "year": year}
    measures = [dashboards._measure(code) for code in dashboards.GLANCE + dashboards.TABLE]
    measures += [measure for _label, measure in dashboards.centre_measures()]
    codes = sorted({c for m in measures for c in (m.numerator, m.denominator) if c})
    largest = {m.numerator for m in measures if m.largest}
    sums = rankings._figure_sums(scope, codes, every, largest, by_palace=True)
    sums.update(rankings._ledgers_kept(scope, every, by_palace=True))

    def value(code: str, ids, key: str):
        return rankings.measure_value(dashboards._measure(code), sums, ids, key)

    def city_of(palace):
        return palace.region if palace.region.level == "city" else palace.region.parent

    units = (
        {city_of(p).name: [q.pk for q in palaces if city_of(q) == city_of(p)] for p in palaces}
        if kind == "province"
        else {p.name: [p.pk] for p in palaces}
    )
    ranked = {
        p.pk: (value("person_times", [p.pk], "value"), value("person_times", [p.pk], "year_ago"))
        for p in palaces
        if p.status != "planned" and value("person_times", [p.pk], "value") is not None
    }
    return {
        "glance": [
            (code, value(code, scope_ids, "value"), value(code, scope_ids, "year_ago"))
            for code in dashboards.GLANCE
        ],
        "centres": [value(m.code, scope_ids, "value") for _l, m in dashboards.centre_measures()],
        "by_month": [[value(code, scope_ids, key) for code in dashboards.TABLE] for key in monthly],
        "year_total": [value(code, scope_ids, "year") for code in dashboards.TABLE],
        "by_unit": {
            label: [value(code, ids, "value") for code in dashboards.TABLE] for label, ids in units.items()
        },
        "unit_total": [value(code, scope_ids, "value") for code in dashboards.TABLE],
        "ranking": ranked,
    }


def _shown(dash) -> dict:
    return {
        "glance": [(f.code, f.value, f.change_yoy) for f in dash.glance],
        "centres": [f.value for f in dash.centres],
        "by_month": [row.values for row in dash.by_month],
        "year_total": dash.year_total.values,
        "by_unit": {row.label: row.values for row in dash.by_unit},
        "unit_total": dash.unit_total.values,
        "ranking": {row.palace.pk: (row.value, row.year_ago) for row in dash.ranking.rows}
        if dash.ranking
        else {},
    }


def _changed(expected: dict) -> dict:
    out = dict(expected)
    out["glance"] = [
        (code, now, rankings.change_percent(now, before)) for code, now, before in expected["glance"]
    ]
    out["ranking"] = {
        pk: (now.quantize(Decimal("0.01")), before) for pk, (now, before) in expected["ranking"].items()
    }
    return out


@pytest.mark.parametrize(
    "period",
    [
        Period.of_year(2024),
        Period.of_year(2023),
        Period.of_month(date(2024, 3, 1)),
        Period.of_month(date(2024, 1, 1)),
        Period.of_month(date(2023, 12, 1)),
    ],
    ids=str,
)
def test_the_dashboards_from_the_rollups_equal_the_figures_summed_directly(world, period):
    palaces = _generate(world)
    _agree()
    everywhere = list(Palace.objects.select_related("region", "region__parent"))
    city = world.city1
    in_city = [p for p in everywhere if p.region == city or p.region.parent_id == city.pk]
    cases = [
        ("province", Palace.objects.all(), everywhere, None),
        ("city", Palace.objects.in_city(city), in_city, city),
    ]
    assert len(palaces) == 6
    for kind, scope, members, region in cases:
        dash = dashboards.dashboard(
            kind=kind,
            period=period,
            palaces=scope,
            title="",
            user=world.province_officer,
            links=lambda *_args: "",
            city=region,
        )
        assert _shown(dash) == _changed(_expected(kind, members, period, region)), kind


def test_the_rollups_hold_exactly_what_the_dashboards_read():
    assert sorted(rollups.CITY_MONTH_METRICS) == sorted([*CODES, dashboards.LARGEST_ONLINE])
    per_palace = {dashboards.RANKED_BY, *dashboards.TABLE}
    assert sorted(rollups.PALACE_YEAR_METRICS) == sorted(per_palace)


def test_a_ranking_of_a_metric_not_rolled_up_reads_the_figures(world):
    figures(world.palace_a, date(2024, 5, 1), volunteer_hours=10)
    measure = measures.measure("volunteer_hours")
    values = rankings.measure_values(Palace.objects.all(), measure, {"value": Period.of_year(2024)})
    assert values[world.palace_a.pk]["value"] == Decimal(10)


@pytest.mark.parametrize("period", [Period.of_year(2024), Period.of_month(date(2024, 3, 1))], ids=str)
def test_the_largest_online_event_is_looked_for_where_the_figures_say(world, monkeypatch, period):
    palaces = _generate(world)
    # A tie: the period's largest audience again, in its first month, in another palace.
    official = LedgerFigure.objects.with_official().filter(
        metric="online_viewers_max", month__in=period.months
    )
    top = official.order_by("-official").first()
    figures(
        palaces[3] if top.palace_id != palaces[3].pk else palaces[4],
        period.first,
        online_viewers_max=top.official,
    )
    asked = []
    real = dashboards.panels.largest_online_event

    def spy(scope, period, *, at=None):
        asked.append(at)
        return real(scope, period, at=at)

    monkeypatch.setattr(dashboards.panels, "largest_online_event", spy)
    for kind, scope, region in (
        ("province", Palace.objects.all(), None),
        ("city", Palace.objects.in_city(world.city1), world.city1),
    ):
        asked.clear()
        dashboards.dashboard(
            kind=kind, period=period, palaces=scope, title="", user=world.province_officer,
            links=lambda *_args: "", city=region,
        )  # fmt: skip
        expected = (
            official.filter(palace__in=scope, official__gt=0)
            .order_by("-official", "month", "palace_id")
            .first()
        )
        assert asked == [(expected.month, expected.official)], kind


def test_the_provinces_sums_come_from_its_cities_with_or_without_ledgers(world):
    figures(world.palace_a, date(2024, 5, 1), person_times=10, online_viewers_max=70)  # city 1 only
    figures(world.palace_a, date(2024, 6, 1), person_times=5, online_viewers_max=30)
    figures(world.palace_b, date(2024, 6, 1), person_times=7, online_viewers_max=90)  # city 2
    may, june = date(2024, 5, 1), date(2024, 6, 1)
    periods = {"may": [may], "june": [june], "both": [may, june]}
    largest = {"online_viewers_max"}

    sums = rollups.city_sums(None, ["person_times", "online_viewers_max"], periods, largest)

    assert sums[(rankings.ALL, None)] == {"may": True, "june": True, "both": True}
    assert sums[(world.city2.pk, None)] == {"may": False, "june": True, "both": True}
    assert sums[(rankings.ALL, "person_times")] == {"may": 10, "june": 12, "both": 22}
    assert sums[(rankings.ALL, "online_viewers_max")] == {"may": 70, "june": 90, "both": 90}
    assert sums[(world.city2.pk, "person_times")] == {"may": None, "june": 7, "both": 7}
