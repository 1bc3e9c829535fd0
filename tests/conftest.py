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
    """The standard world as a plain function, for fixtures of a wider scope (tests/access).

    Nearly every test builds it, so its rows are made by the factories (their defaults and
    sequences, as any test's own rows) but written in one INSERT per table: about eight statements
    instead of some fifty `get_or_create` round trips.
    """
    Level = Region.Level
    province = _saved(RegionFactory.build(code="360000", name="江西省", level=Level.PROVINCE))[0]
    city1, city2 = _saved(
        RegionFactory.build(code="360100", name="南昌市", level=Level.CITY, parent=province),
        RegionFactory.build(code="360400", name="九江市", level=Level.CITY, parent=province),
    )
    county1, county2 = _saved(
        RegionFactory.build(code="360121", name="南昌县", level=Level.COUNTY, parent=city1),
        RegionFactory.build(code="360423", name="武宁县", level=Level.COUNTY, parent=city2),
    )
    palace_a, palace_b = _saved(
        PalaceFactory.build(name="南昌市工人文化宫", level=Palace.Level.CITY, region=city1),
        PalaceFactory.build(name="武宁县工人文化宫", level=Palace.Level.COUNTY, region=county2),
    )
    _saved(
        *(
            OpeningHoursFactory.build(palace=palace, weekday=weekday, opens=time(9), closes=time(21))
            for palace in (palace_a, palace_b)
            for weekday in range(7)
        )
    )
    venue_a, venue_b = _saved(
        VenueFactory.build(palace=palace_a, name="羽毛球馆1号场", kind="badminton"),
        VenueFactory.build(palace=palace_b, name="健身馆", kind="gym"),
    )
    people = {
        "staff_a": ("13800000001", "王小明", {"role": Role.PALACE_STAFF, "palace": palace_a}),
        "manager_a": ("13800000002", "李华", {"role": Role.PALACE_MANAGER, "palace": palace_a}),
        "staff_b": ("13800000003", "赵磊", {"role": Role.PALACE_STAFF, "palace": palace_b}),
        "manager_b": ("13800000004", "钱芳", {"role": Role.PALACE_MANAGER, "palace": palace_b}),
        "city_officer": ("13800000005", "孙强", {"role": Role.CITY_OFFICER, "region": city1}),
        "province_officer": ("13800000006", "周敏", {"role": Role.PROVINCE_OFFICER, "region": province}),
        "worker": ("13900000001", "吴刚", None),
        "worker2": ("13900000002", "郑丽", None),
    }
    users = dict(
        zip(
            people,
            _saved(*(UserFactory.build(phone=phone, real_name=name) for phone, name, _ in people.values())),
            strict=True,
        )
    )
    _saved(
        *(
            StaffAssignmentFactory.build(user=users[key], **scope)
            for key, (_, _, scope) in people.items()
            if scope is not None
        )
    )
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
        **users,
        password="pass-word-123",
    )


def _saved(*objects):
    """Write built (unsaved) instances of one model in a single INSERT; their primary keys are set."""
    return type(objects[0]).objects.bulk_create(objects)


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
