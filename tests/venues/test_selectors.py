"""Reads of the network: opening status, slots, the directory's queryset, the overview figures."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import OpeningHoursFactory, PalaceFactory, RegionFactory, VenueFactory
from tests.venues.clock import MONDAY, local
from venues import selectors
from venues.models import Closure, Palace, Region


def every_day(palace, *intervals):
    for weekday in range(7):
        for opens, closes in intervals:
            OpeningHoursFactory(palace=palace, weekday=weekday, opens=opens, closes=closes)


@pytest.fixture
def province(db):
    return RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)


@pytest.fixture
def region(province):
    """A county-level unit to put palaces in."""
    return county(city(province, "360900", "宜春市"), "360921", "奉新县")


def city(province, code, name):
    return RegionFactory(code=code, name=name, level=Region.Level.CITY, parent=province)


def county(parent, code, name):
    return RegionFactory(code=code, name=name, level=Region.Level.COUNTY, parent=parent)


# --- Opening status ---------------------------------------------------------------------------


def test_opening_status_is_open_within_hours_and_says_when_it_closes(world):
    status = selectors.opening_status(world.palace_a, at=local(MONDAY, 10))
    assert status.is_open
    assert status.closes_at == time(21)
    assert status.next_opening is None


def test_opening_status_before_opening_gives_the_same_day(world):
    status = selectors.opening_status(world.palace_a, at=local(MONDAY, 7, 30))
    assert not status.is_open
    assert status.next_opening == local(MONDAY, 9)


def test_opening_status_at_closing_time_is_closed_until_the_next_morning(world):
    status = selectors.opening_status(world.palace_a, at=local(MONDAY, 21))
    assert not status.is_open
    assert status.next_opening == local(MONDAY + timedelta(days=1), 9)


def test_opening_status_in_a_midday_break_gives_the_afternoon(region):
    palace = PalaceFactory(region=region)
    every_day(palace, (time(9), time(12)), (time(14), time(21)))
    status = selectors.opening_status(palace, at=local(MONDAY, 12, 30))
    assert not status.is_open
    assert status.next_opening == local(MONDAY, 14)
    assert selectors.opening_status(palace, at=local(MONDAY, 11)).closes_at == time(12)


def test_opening_status_skips_the_days_of_a_palace_closure(world):
    Closure.objects.create(
        palace=world.palace_a, start_date=MONDAY, end_date=MONDAY + timedelta(days=1), reason="设备检修"
    )
    status = selectors.opening_status(world.palace_a, at=local(MONDAY, 10))
    assert not status.is_open
    assert status.closure.reason == "设备检修"
    assert status.next_opening == local(MONDAY + timedelta(days=2), 9)


def test_opening_status_ignores_the_closure_of_one_venue(world):
    Closure.objects.create(
        palace=world.palace_a, venue=world.venue_a, start_date=MONDAY, end_date=MONDAY, reason="换地板"
    )
    assert selectors.opening_status(world.palace_a, at=local(MONDAY, 10)).is_open


def test_opening_status_without_hours_has_no_next_opening(region):
    palace = PalaceFactory(region=region)
    status = selectors.opening_status(palace, at=local(MONDAY, 10))
    assert not status.is_open
    assert status.next_opening is None


def test_opening_status_with_prefetched_rows_makes_no_query(world, django_assert_num_queries):
    palace = Palace.objects.prefetch_related(
        "opening_hours", selectors.upcoming_closures_prefetch(MONDAY)
    ).get(pk=world.palace_a.pk)
    with django_assert_num_queries(0):
        assert selectors.opening_status(palace, at=local(MONDAY, 10)).is_open


# --- Directory ----------------------------------------------------------------------------------


def test_palace_list_hides_planned_and_closed_unless_asked(region):
    shown = {
        PalaceFactory(region=region, status=status).pk
        for status in (Palace.Status.IN_SERVICE, Palace.Status.EQUIPMENT, Palace.Status.UNDER_CONSTRUCTION)
    }
    hidden = {
        PalaceFactory(region=region, status=status).pk
        for status in (Palace.Status.PLANNED, Palace.Status.CLOSED)
    }
    assert {p.pk for p in selectors.palace_list()} == shown
    assert {p.pk for p in selectors.palace_list(include_unlisted=True)} == shown | hidden


def test_palace_list_counts_only_active_venues(world):
    VenueFactory(palace=world.palace_a, kind="gym", is_active=False)
    VenueFactory(palace=world.palace_a, kind="yoga")
    palace = selectors.palace_list().get(pk=world.palace_a.pk)
    assert palace.venue_count == 2


def test_venue_counts_by_centre_counts_active_venues_of_palaces_in_service(world):
    VenueFactory(palace=world.palace_a, kind="library")
    VenueFactory(palace=world.palace_a, kind="karaoke", is_active=False)
    building = PalaceFactory(region=world.county1, status=Palace.Status.UNDER_CONSTRUCTION)
    VenueFactory(palace=building, kind="theatre")
    counts = selectors.venue_counts_by_centre()
    assert counts == {"culture": 0, "education": 1, "health": 2, "service": 0}


# --- Venue slots ----------------------------------------------------------------------------------


def test_venue_slots_cut_the_hours_into_slots_and_honour_closures(world):
    venue = world.venue_b  # a gym: shared, places per slot
    Closure.objects.create(
        palace=world.palace_b,
        start_date=MONDAY + timedelta(days=2),
        end_date=MONDAY + timedelta(days=2),
        reason="消防演练",
    )
    Closure.objects.create(
        palace=world.palace_b,
        venue=venue,
        start_date=MONDAY + timedelta(days=3),
        end_date=MONDAY + timedelta(days=3),
        reason="器材更新",
    )
    slots = selectors.venue_slots(venue, MONDAY)
    assert len(slots) == 12  # 9:00–21:00 in hours
    assert slots[0].start == local(MONDAY, 9)
    assert slots[0].capacity == venue.capacity
    assert selectors.venue_slots(venue, MONDAY + timedelta(days=2)) == []
    assert selectors.venue_slots(venue, MONDAY + timedelta(days=3)) == []
    # Another venue of the palace is open on the day only its neighbour is closed.
    other = VenueFactory(palace=world.palace_b, kind="yoga")
    assert len(selectors.venue_slots(other, MONDAY + timedelta(days=3))) == 12


def test_venue_slots_with_prefetched_rows_agree_with_the_queries(world, django_assert_num_queries):
    world.venue_a.slot_minutes = 90
    world.venue_a.save()
    venue = selectors.venue_detail(world.venue_a.pk)
    day = timezone.localdate() + timedelta(days=1)
    with django_assert_num_queries(0):
        fast = selectors.venue_slots(
            venue, day, hours=list(venue.palace.opening_hours.all()), closures=venue.palace.upcoming_closures
        )
    # The slow path (two queries) gives the same slots.
    assert fast == selectors.venue_slots(world.venue_a, day)
    assert all(s.capacity == 1 for s in fast)  # an exclusive court is booked whole
    assert len(fast) == 8  # 12 hours in 90-minute slots


def test_venue_detail_refuses_an_inactive_venue(world):
    world.venue_a.is_active = False
    world.venue_a.save()
    with pytest.raises(world.venue_a.DoesNotExist):
        selectors.venue_detail(world.venue_a.pk)


# --- Network overview --------------------------------------------------------------------------


@pytest.fixture
def small_network(province):
    """City 1 with two counties: the city and one county have a palace in service (2 of 3 units
    covered); city 2 with one county: nothing in service, one palace being built, one planned."""
    c1 = city(province, "360100", "南昌市")
    c1a = county(c1, "360121", "南昌县")
    county(c1, "360123", "安义县")
    c2 = city(province, "360200", "景德镇市")
    c2a = county(c2, "360222", "浮梁县")
    PalaceFactory(region=c1, level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE)
    PalaceFactory(region=c1a, status=Palace.Status.IN_SERVICE)
    PalaceFactory(region=c1a, status=Palace.Status.IN_SERVICE)  # a second one: still one unit
    PalaceFactory(region=c2a, status=Palace.Status.EQUIPMENT)
    PalaceFactory(region=c2, level=Palace.Level.CITY, status=Palace.Status.UNDER_CONSTRUCTION)
    PalaceFactory(region=c2a, status=Palace.Status.PLANNED)
    PalaceFactory(region=c2a, status=Palace.Status.CLOSED)
    return c1, c2


def test_network_by_city_computes_each_city_from_the_rows(small_network):
    c1, c2 = small_network
    rows = {r.city: r for r in selectors.network_by_city()}
    assert list(rows) == [c1, c2]
    first, second = rows[c1], rows[c2]
    assert (first.palaces_in_service, first.county_level_in_service) == (3, 2)
    assert (first.units_covered, first.units) == (2, 3)
    assert first.coverage_rate == Decimal("0.6667")
    assert first.projects_under_way == 0
    assert (second.palaces_in_service, second.units_covered, second.units) == (0, 0, 2)
    assert second.coverage_rate == Decimal("0")
    assert second.projects_under_way == 2


def test_network_summary_adds_up_the_cities(small_network):
    summary = selectors.network_summary()
    assert summary == {
        "palaces_in_service": 3,
        "county_level_in_service": 2,
        "coverage_rate": Decimal("0.4000"),
        "projects_under_way": 2,
        "units": 5,
        "units_covered": 2,
    }


def test_network_summary_of_an_empty_network_is_zero(db):
    assert selectors.network_summary()["coverage_rate"] == Decimal("0")


def test_network_by_city_costs_two_queries_for_eleven_cities(province, django_assert_num_queries):
    for i in range(11):
        c = city(province, f"36{i + 1:02d}00", f"城市{i}")
        for j in range(3):
            unit = county(c, f"36{i + 1:02d}{j + 21:02d}", f"县{i}-{j}")
            PalaceFactory(region=unit)
    with django_assert_num_queries(2):
        rows = selectors.network_by_city()
    assert len(rows) == 11
    assert sum(r.palaces_in_service for r in rows) == 33
