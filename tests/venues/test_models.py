"""The network's invariants that the database itself holds (and the clean() messages beside them)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from tests.factories import (
    OpeningHoursFactory,
    PalaceFactory,
    SatellitePointFactory,
    StaffAssignmentFactory,
    VenueFactory,
)
from venues.models import Closure, OpeningHours, Palace, Region, StaffAssignment, Venue

Role = StaffAssignment.Role


def _refused_by_database(make):
    # PostgreSQL refuses an over-long value before any constraint (DataError); SQLite has no
    # lengths and leaves it to the check constraint (IntegrityError). Either way: nothing saved.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        make()


# --- Venues ---------------------------------------------------------------------------------------


def test_venue_kind_must_belong_to_its_centre(world):
    _refused_by_database(
        lambda: Venue.objects.create(
            palace=world.palace_a,
            name="错位场馆",
            centre="culture",
            kind="badminton",
            booking_mode="exclusive",
            capacity=4,
        )
    )
    assert not Venue.objects.filter(name="错位场馆").exists()


def test_venue_kind_mismatch_is_caught_by_save_without_full_clean(world):
    venue = world.venue_a
    venue.centre = "service"  # badminton is a health-centre kind

    _refused_by_database(venue.save)


@pytest.mark.parametrize(
    "change",
    [
        {"capacity": 0},
        {"fee": Decimal("-0.01")},
        {"slot_minutes": 14},
        {"slot_minutes": 481},
        {"booking_mode": "whatever"},
    ],
)
def test_venue_numbers_and_modes_are_checked(world, change):
    _refused_by_database(lambda: Venue.objects.filter(pk=world.venue_a.pk).update(**change))


def test_venue_edges_of_the_ranges_are_accepted(world):
    assert Venue.objects.filter(pk=world.venue_a.pk).update(capacity=1, fee=Decimal("0"), slot_minutes=15)
    assert Venue.objects.filter(pk=world.venue_b.pk).update(slot_minutes=480)


def test_venue_names_are_unique_within_a_palace_only(world):
    VenueFactory(palace=world.palace_b, name=world.venue_a.name)  # same name, other palace: fine

    _refused_by_database(lambda: VenueFactory(palace=world.palace_a, name=world.venue_a.name))


def test_venue_clean_explains_a_kind_outside_its_centre(world):
    venue = Venue(
        palace=world.palace_a,
        name="新场馆",
        centre="culture",
        kind="badminton",
        booking_mode="exclusive",
        capacity=4,
    )

    with pytest.raises(ValidationError) as excinfo:
        venue.full_clean()

    assert list(excinfo.value.message_dict) == ["kind"]


# --- Opening hours and closures -------------------------------------------------------------------


@pytest.mark.parametrize(("opens", "closes"), [(time(21), time(9)), (time(9), time(9))])
def test_opening_hours_must_open_before_they_close(world, opens, closes):
    _refused_by_database(
        lambda: OpeningHours.objects.create(palace=world.palace_a, weekday=0, opens=opens, closes=closes)
    )


def test_opening_hours_weekday_is_0_to_6(world):
    _refused_by_database(
        lambda: OpeningHours.objects.create(palace=world.palace_a, weekday=7, opens=time(9), closes=time(12))
    )


def test_opening_hours_start_is_unique_per_palace_and_weekday(world):
    _refused_by_database(
        lambda: OpeningHoursFactory(palace=world.palace_a, weekday=0, opens=time(9), closes=time(12))
    )
    OpeningHoursFactory(palace=world.palace_a, weekday=0, opens=time(14), closes=time(17))


def test_opening_hours_clean_explains_the_order(world):
    hours = OpeningHours(palace=world.palace_a, weekday=0, opens=time(18), closes=time(8))

    with pytest.raises(ValidationError) as excinfo:
        hours.full_clean()

    assert list(excinfo.value.message_dict) == ["closes"]


def test_closure_start_may_not_follow_its_end(world):
    _refused_by_database(
        lambda: Closure.objects.create(
            palace=world.palace_a, start_date=date(2026, 5, 2), end_date=date(2026, 5, 1), reason="检修"
        )
    )
    Closure.objects.create(
        palace=world.palace_a, start_date=date(2026, 5, 1), end_date=date(2026, 5, 1), reason="检修"
    )


def test_closure_clean_refuses_a_venue_of_another_palace(world):
    closure = Closure(
        palace=world.palace_a,
        venue=world.venue_b,
        start_date=date(2026, 5, 1),
        end_date=date(2026, 5, 2),
        reason="检修",
    )

    with pytest.raises(ValidationError) as excinfo:
        closure.full_clean()

    assert list(excinfo.value.message_dict) == ["venue"]


def test_closure_clean_explains_reversed_dates(world):
    closure = Closure(
        palace=world.palace_a, start_date=date(2026, 5, 2), end_date=date(2026, 5, 1), reason="检修"
    )

    with pytest.raises(ValidationError) as excinfo:
        closure.full_clean()

    assert list(excinfo.value.message_dict) == ["end_date"]


# --- Regions and palaces --------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["36010", "3601000", "36o100", "abcdef"])
def test_region_code_is_six_digits(world, code):
    _refused_by_database(
        lambda: Region.objects.create(code=code, name="某市", level=Region.Level.CITY, parent=world.province)
    )


def test_region_codes_are_unique(world):
    _refused_by_database(
        lambda: Region.objects.create(
            code="360100", name="重复", level=Region.Level.CITY, parent=world.province
        )
    )


@pytest.mark.parametrize(
    ("level", "has_parent"),
    [
        (Region.Level.PROVINCE, True),
        (Region.Level.CITY, False),
        (Region.Level.COUNTY, False),
    ],
)
def test_region_parent_follows_its_level(world, level, has_parent):
    parent = world.province if has_parent else None

    _refused_by_database(
        lambda: Region.objects.create(code="369999", name="某地", level=level, parent=parent)
    )


def test_palace_names_are_unique_within_a_region(world):
    PalaceFactory(name=world.palace_a.name, level=Palace.Level.COUNTY, region=world.county1)

    _refused_by_database(
        lambda: PalaceFactory(name=world.palace_a.name, level=Palace.Level.CITY, region=world.city1)
    )


@pytest.mark.parametrize("year", [1899, 2101])
def test_palace_year_built_is_plausible(world, year):
    _refused_by_database(lambda: Palace.objects.filter(pk=world.palace_a.pk).update(year_built=year))


@pytest.mark.parametrize(
    ("level", "region"),
    [
        (Palace.Level.CITY, "county1"),
        (Palace.Level.COUNTY, "city1"),
        (Palace.Level.CITY, "province"),
    ],
)
def test_palace_clean_refuses_a_region_of_another_level(world, level, region):
    palace = Palace(name="新宫", level=level, region=getattr(world, region))

    with pytest.raises(ValidationError) as excinfo:
        palace.full_clean()

    assert list(excinfo.value.message_dict) == ["region"]


def test_palace_clean_accepts_a_matching_region(world):
    Palace(name="新宫", level=Palace.Level.COUNTY, region=world.county1).full_clean()


def test_satellite_point_names_are_unique_within_a_palace(world):
    SatellitePointFactory(palace=world.palace_a, name="高新区活动点")
    SatellitePointFactory(palace=world.palace_b, name="高新区活动点")

    _refused_by_database(lambda: SatellitePointFactory(palace=world.palace_a, name="高新区活动点"))


# --- Staff assignments ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (Role.PALACE_STAFF, {}),
        (Role.PALACE_STAFF, {"region": "city1"}),
        (Role.PALACE_MANAGER, {"palace": "palace_a", "region": "city1"}),
        (Role.CITY_OFFICER, {"palace": "palace_a"}),
        (Role.CITY_OFFICER, {}),
        (Role.PROVINCE_OFFICER, {"palace": "palace_a", "region": "province"}),
        ("janitor", {"palace": "palace_a"}),
    ],
)
def test_staff_assignment_scope_matches_its_role(world, role, scope):
    scope = {key: getattr(world, value) for key, value in scope.items()}

    _refused_by_database(lambda: StaffAssignment.objects.create(user=world.worker, role=role, **scope))


def test_staff_assignment_is_unique_per_user_role_and_palace(world):
    StaffAssignmentFactory(user=world.staff_a, role=Role.PALACE_MANAGER, palace=world.palace_a)  # other role
    StaffAssignmentFactory(user=world.staff_a, role=Role.PALACE_STAFF, palace=world.palace_b)  # other palace

    _refused_by_database(
        lambda: StaffAssignmentFactory(user=world.staff_a, role=Role.PALACE_STAFF, palace=world.palace_a)
    )


def test_staff_assignment_is_unique_per_user_role_and_region(world):
    StaffAssignmentFactory(user=world.city_officer, role=Role.CITY_OFFICER, region=world.city2)

    _refused_by_database(
        lambda: StaffAssignmentFactory(user=world.city_officer, role=Role.CITY_OFFICER, region=world.city1)
    )
