"""The standard world every test can ask for (STYLE.md).

One province with two cities; city 1 has a county. Palace A (city-level, city 1) and palace B
(county-level, in city 2's county) with staff and managers; a city officer of city 1; a provincial
officer; two workers.
"""

from datetime import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from tests.factories import (
    OpeningHoursFactory,
    PalaceFactory,
    RegionFactory,
    StaffAssignmentFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Palace, Region, StaffAssignment

Role = StaffAssignment.Role


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rate limits and lockouts live in the cache; tests must not leak them into each other.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> SimpleNamespace:
    """The standard world as a plain function, for fixtures of a wider scope (tests/access)."""
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city1 = RegionFactory(code="360100", name="南昌市", level=Region.Level.CITY, parent=province)
    city2 = RegionFactory(code="360400", name="九江市", level=Region.Level.CITY, parent=province)
    county1 = RegionFactory(code="360121", name="南昌县", level=Region.Level.COUNTY, parent=city1)
    county2 = RegionFactory(code="360423", name="武宁县", level=Region.Level.COUNTY, parent=city2)

    palace_a = PalaceFactory(name="南昌市工人文化宫", level=Palace.Level.CITY, region=city1)
    palace_b = PalaceFactory(name="武宁县工人文化宫", level=Palace.Level.COUNTY, region=county2)
    for palace in (palace_a, palace_b):
        for weekday in range(7):
            OpeningHoursFactory(palace=palace, weekday=weekday, opens=time(9), closes=time(21))
    venue_a = VenueFactory(palace=palace_a, name="羽毛球馆1号场", kind="badminton")
    venue_b = VenueFactory(palace=palace_b, name="健身馆", kind="gym")

    def person(phone, name, role=None, **scope):
        user = UserFactory(phone=phone, real_name=name)
        if role:
            StaffAssignmentFactory(user=user, role=role, **scope)
        return user

    return SimpleNamespace(
        province=province,
        city1=city1,
        city2=city2,
        county1=county1,
        county2=county2,
        palace_a=palace_a,
        palace_b=palace_b,
        venue_a=venue_a,
        venue_b=venue_b,
        staff_a=person("13800000001", "王小明", Role.PALACE_STAFF, palace=palace_a),
        manager_a=person("13800000002", "李华", Role.PALACE_MANAGER, palace=palace_a),
        staff_b=person("13800000003", "赵磊", Role.PALACE_STAFF, palace=palace_b),
        manager_b=person("13800000004", "钱芳", Role.PALACE_MANAGER, palace=palace_b),
        city_officer=person("13800000005", "孙强", Role.CITY_OFFICER, region=city1),
        province_officer=person("13800000006", "周敏", Role.PROVINCE_OFFICER, region=province),
        worker=person("13900000001", "吴刚"),
        worker2=person("13900000002", "郑丽"),
        password="pass-word-123",
    )


@pytest.fixture
def superuser(db):
    """A Django superuser with no staff assignment: the access policy treats it as provincial staff."""
    return UserFactory(phone="13700000000", real_name="管理员", is_staff=True, is_superuser=True)


@pytest.fixture
def sms_outbox():
    """The in-memory SMS outbox (LocmemSmsBackend), empty at the start and end of the test."""
    from palace_portal.users import sms

    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def make_booking(world):
    """Factory: a Booking row written directly (no rules checked), one hour from `start` by default.

    `start` is an aware datetime (default: 19:00 in the palace's time zone, tomorrow for the first
    booking, a day later for each next one, so that defaults never overlap); any other Booking
    field may be given. Each booking gets a fresh check-in code.
    """
    import itertools
    import secrets
    from datetime import datetime, timedelta

    from django.utils import timezone

    from bookings.models import Booking

    days_ahead = itertools.count(1)

    def make(*, user=None, venue=None, start=None, minutes=60, status=Booking.Status.CONFIRMED, **fields):
        venue = venue or world.venue_a
        if start is None:
            day = timezone.localdate() + timedelta(days=next(days_ahead))
            start = timezone.make_aware(datetime.combine(day, time(19)))
        fields.setdefault("check_in_code", secrets.token_hex(5).upper())
        return Booking.objects.create(
            palace=venue.palace,
            venue=venue,
            user=user or world.worker,
            mode=venue.booking_mode,
            exclusive=venue.booking_mode == "exclusive",
            start=start,
            end=start + timedelta(minutes=minutes),
            local_date=timezone.localtime(start).date(),
            status=status,
            **fields,
        )

    return make


@pytest.fixture
def network_demo_only(monkeypatch):
    """seed_demo without the later apps' steps: the network alone seeds in well under a second.

    For tests about the network (figures, accounts, idempotence); the bookings and activities
    steps have their own tests (tests/bookings/test_demo.py, tests/activities/test_demo_*.py).
    """
    import activities.demo
    import bookings.demo

    monkeypatch.setattr(bookings.demo, "DEMO_STEPS", [])
    monkeypatch.setattr(activities.demo, "DEMO_STEPS", [])
