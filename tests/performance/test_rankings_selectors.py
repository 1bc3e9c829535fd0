"""Rankings over ledger figures: ties, scopes, changes, per-unit values, bounded queries."""

from datetime import date
from decimal import Decimal

import pytest

from performance.rankings import selectors
from performance.rankings.periods import Period
from tests.factories import PalaceFactory, VenueFactory
from venues.models import Palace

from .dash_support import RATING, SUM, UTILISATION, figures

MARCH = Period.of_month(date(2024, 3, 1))


@pytest.fixture
def palaces(world):
    """A, B of the world plus C (county-level, city 1) and D (city-level, city 2)."""
    c = PalaceFactory(name="南昌县工人文化宫", level=Palace.Level.COUNTY, region=world.county1)
    d = PalaceFactory(name="九江市工人文化宫", level=Palace.Level.CITY, region=world.city2)
    return world.palace_a, world.palace_b, c, d


def _rank(world, **kwargs):
    kwargs.setdefault("measure", SUM)
    kwargs.setdefault("period", MARCH)
    return selectors.ranking(user=world.province_officer, **kwargs)


def test_it_ranks_best_first_and_ties_share_a_rank(world, palaces):
    a, b, c, d = palaces
    for palace, value in ((a, 500), (b, 300), (c, 300), (d, 100)):
        figures(palace, date(2024, 3, 1), person_times=value)
    rows = _rank(world).rows
    assert [(row.rank, row.palace, row.value) for row in rows] == [
        (1, a, Decimal("500.00")),
        (2, c, Decimal("300.00")),  # ties in the order of the division code, then the name
        (2, b, Decimal("300.00")),
        (4, d, Decimal("100.00")),
    ]


def test_it_reads_the_locked_value_of_an_accepted_month(world, palaces):
    a, b, _c, _d = palaces
    figures(a, date(2024, 3, 1), status="accepted", locked={"person_times": 50}, person_times=900)
    figures(b, date(2024, 3, 1), person_times=60)
    rows = _rank(world).rows
    assert [(row.palace, row.value) for row in rows] == [(b, Decimal("60.00")), (a, Decimal("50.00"))]


def test_it_scopes_to_a_city_and_to_a_level(world, palaces):
    a, b, c, d = palaces
    for palace in palaces:
        figures(palace, date(2024, 3, 1), person_times=10)
    assert {row.palace for row in _rank(world, city=world.city1).rows} == {a, c}
    assert {row.palace for row in _rank(world, level="county").rows} == {b, c}
    assert {row.palace for row in _rank(world, city=world.city2, level="city").rows} == {d}


def test_it_computes_month_on_month_and_year_on_year_changes(world, palaces):
    a, b, _c, _d = palaces
    figures(a, date(2024, 3, 1), person_times=150)
    figures(a, date(2024, 2, 1), person_times=100)
    figures(a, date(2023, 3, 1), person_times=200)
    figures(b, date(2024, 3, 1), person_times=80)  # no February, no March 2023
    figures(b, date(2023, 3, 1), person_times=0)  # ... and a zero cannot be a base
    rows = {row.palace: row for row in _rank(world).rows}
    assert (rows[a].change_mom, rows[a].change_yoy) == (Decimal("50.0"), Decimal("-25.0"))
    assert (rows[b].change_mom, rows[b].change_yoy) == (None, None)
    assert rows[b].previous is None


def test_a_quarter_compares_with_the_previous_quarter_and_last_years(world, palaces):
    a = palaces[0]
    for month, value in ((1, 10), (2, 20), (3, 30)):
        figures(a, date(2024, month, 1), person_times=value)
    for month in (10, 11, 12):
        figures(a, date(2023, month, 1), person_times=40)
    figures(a, date(2023, 2, 1), person_times=30)
    row = _rank(world, period=Period.of_quarter(2024, 1)).rows[0]
    assert row.value == Decimal("60.00")
    assert row.change_mom == Decimal("-50.0")  # 60 against Q4 2023's 120
    assert row.change_yoy == Decimal("100.0")  # 60 against Q1 2023's 30


def test_a_year_has_no_month_on_month_change(world, palaces):
    a = palaces[0]
    figures(a, date(2024, 5, 1), person_times=10)
    figures(a, date(2023, 5, 1), person_times=5)
    row = _rank(world, period=Period.of_year(2024)).rows[0]
    assert (row.change_mom, row.change_yoy) == (None, Decimal("100.0"))


def test_a_ratio_is_summed_before_it_is_divided(world, palaces):
    a, b, _c, _d = palaces
    figures(a, date(2024, 1, 1), booked_hours=90, open_hours=100)
    figures(a, date(2024, 2, 1), booked_hours=10, open_hours=300)
    figures(b, date(2024, 1, 1), booked_hours=50, open_hours=100)
    rows = _rank(world, measure=UTILISATION, period=Period.of_quarter(2024, 1)).rows
    assert [(row.palace, row.value) for row in rows] == [(b, Decimal("50.00")), (a, Decimal("25.00"))]


def test_an_average_is_weighted_by_its_count(world, palaces):
    a, b, _c, _d = palaces
    figures(a, date(2024, 1, 1), rating_avg="5", rating_stars=5, ratings=1)
    figures(a, date(2024, 2, 1), rating_avg="3", rating_stars=9, ratings=3)
    figures(b, date(2024, 1, 1), rating_avg="4", rating_stars=40, ratings=10)
    rows = _rank(world, measure=RATING, period=Period.of_quarter(2024, 1)).rows
    assert [(row.palace, row.value) for row in rows] == [(b, Decimal("4.00")), (a, Decimal("3.50"))]


def test_it_divides_by_venues_or_by_floor_area(world, palaces):
    a, b, _c, _d = palaces
    VenueFactory(palace=a, name="健身馆", kind="gym")  # A: 2 venues, B: 1
    Palace.objects.filter(pk=a.pk).update(floor_area=1000)
    Palace.objects.filter(pk=b.pk).update(floor_area=None)
    figures(a, date(2024, 3, 1), person_times=300)
    figures(b, date(2024, 3, 1), person_times=200)
    per_venue = _rank(world, per="venue").rows
    assert [(row.palace, row.value) for row in per_venue] == [(b, Decimal("200.00")), (a, Decimal("150.00"))]
    per_sqm = _rank(world, per="sqm").rows
    # B has no floor area: it cannot be compared per square metre and is left out.
    assert [(row.palace, row.value) for row in per_sqm] == [(a, Decimal("0.30"))]


def test_leaders_and_laggards_do_not_overlap(world):
    ranked = [PalaceFactory(name=f"宫{i}", region=world.city1) for i in range(8)]
    for i, palace in enumerate(ranked):
        figures(palace, date(2024, 3, 1), person_times=100 - i)
    result = _rank(world)
    assert [row.palace for row in result.leaders] == ranked[:5]
    assert [row.palace for row in result.laggards] == list(reversed(ranked[5:]))


def test_only_palaces_the_reader_may_view_link_to_their_ledger(world, palaces):
    for palace in palaces:
        figures(palace, date(2024, 3, 1), person_times=10)
    rows = selectors.ranking(user=world.manager_a, measure=SUM, period=MARCH).rows
    assert len(rows) == 4  # a palace sees the whole ranking ...
    assert {row.palace for row in rows if row.may_open} == {world.palace_a}  # ... but opens only its ledger
    rows = selectors.ranking(user=world.city_officer, measure=SUM, period=MARCH).rows
    assert {row.palace for row in rows if row.may_open} == {world.palace_a, palaces[2]}


def test_the_query_count_does_not_grow_with_palaces_or_months(world, django_assert_max_num_queries):
    many = [PalaceFactory(name=f"宫{i}", region=world.city1) for i in range(40)]
    for palace in many:
        for month in range(1, 13):
            figures(palace, date(2023, month, 1), person_times=month)
            figures(palace, date(2024, month, 1), person_times=month * 2)
    with django_assert_max_num_queries(6):
        result = _rank(world, period=Period.of_year(2024))
    assert len(result.rows) == 40
    with django_assert_max_num_queries(3):
        trend = selectors.palace_trend(palace=many[0], measure=SUM, last=MARCH)
    assert len(trend) == 24
    assert trend[-1][1] == Decimal(6)
    assert trend[0][0] == Period.of_month(date(2022, 4, 1))


def test_a_ledger_without_the_figure_counts_zero_and_no_ledger_counts_nothing(world, palaces):
    a, b, c, _d = palaces
    figures(a, date(2024, 3, 1), person_times=10)
    figures(b, date(2024, 3, 1), activities=4)  # a ledger, but nobody came: stored figures are non-zero
    figures(b, date(2024, 2, 1), person_times=5)
    figures(c, date(2024, 2, 1), person_times=5)  # no ledger for March at all
    rows = _rank(world).rows
    assert [(row.palace, row.value) for row in rows] == [(a, Decimal("10.00")), (b, Decimal("0.00"))]
    assert rows[1].change_mom == Decimal("-100.0")
    assert rows[0].change_mom is None
