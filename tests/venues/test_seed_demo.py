"""`manage.py seed_demo`: the demo province reproduces the published figures, deterministically."""

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import translation

from bookings.demo import POOL_PHONE_PREFIX
from palace_portal.users.models import User
from tests.factories import UserFactory
from venues import access
from venues.demo.accounts import DEMO_ACCOUNTS, DEMO_PALACE_NAME, DEMO_PASSWORD
from venues.demo.jiangxi import CITIES
from venues.kinds import KINDS_BY_CODE, Centre
from venues.models import Closure, OpeningHours, Palace, Region, SatellitePoint, StaffAssignment, Venue

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)


@pytest.fixture(autouse=True)
def _network_only(network_demo_only):
    """The network is what these tests look at; the bookings step is tested on its own."""


@pytest.fixture(autouse=True)
def _english():
    # The command speaks the active language; these tests read its English messages.
    with translation.override("en"):
        yield


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", "--today", ANCHOR.isoformat(), *args, stdout=out)
    return out.getvalue()


def rows(model, order: tuple[str, ...], *fields: str) -> list:
    return list(model.objects.order_by(*order).values_list(*fields))


def fingerprint() -> list:
    """Everything the demo writes except ids and timestamps, in a stable order."""
    by_palace = ("palace__region__code", "palace__name")
    return [
        rows(Region, ("code",), "code", "name", "level", "parent__code"),
        rows(
            Palace, ("region__code", "name"),
            "name", "level", "status", "region__code", "address", "phone", "floor_area", "floors",
            "year_built", "description", "alliance_member",
        ),
        rows(OpeningHours, (*by_palace, "weekday", "opens"), "palace__name", "weekday", "opens", "closes"),
        rows(SatellitePoint, (*by_palace, "name"), "palace__name", "kind", "name", "address"),
        rows(
            Venue, (*by_palace, "name"),
            "palace__name", "name", "centre", "kind", "booking_mode", "capacity", "fee", "member_only",
            "slot_minutes", "facilities", "accessibility", "floor", "is_active",
        ),
        rows(
            Closure, (*by_palace, "start_date", "venue__name"),
            "palace__name", "venue__name", "start_date", "end_date", "reason",
        ),
        rows(User, ("phone",), "phone", "real_name", "membership_number", "is_superuser"),
        rows(StaffAssignment, ("user__phone", "role"), "user__phone", "role", "palace__name", "region__code"),
    ]  # fmt: skip


@pytest.mark.parametrize("seed_value", ["2026", "7"])
def test_seed_demo_reproduces_the_published_figures_for_any_seed(db, seed_value):
    seed("--seed", seed_value)

    in_service = Palace.objects.filter(status=Palace.Status.IN_SERVICE)
    assert in_service.count() == 98
    assert in_service.filter(level=Palace.Level.COUNTY).count() == 83
    units = Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY])
    covered = units.filter(palaces__status=Palace.Status.IN_SERVICE).distinct().count()
    assert (covered, units.count()) == (88, 111)
    assert round(100 * covered / units.count()) == 79
    assert Palace.objects.filter(status__in=Palace.PROJECT_STATUSES).count() == 24
    members = Palace.objects.filter(alliance_member=True)
    assert members.count() == 69
    assert not members.exclude(status=Palace.Status.IN_SERVICE).exists()


def test_seed_demo_writes_jiangxis_11_cities_and_100_county_units(db):
    seed()

    province = Region.objects.get(level=Region.Level.PROVINCE)
    assert (province.code, province.name) == ("360000", "江西省")
    cities = Region.objects.filter(level=Region.Level.CITY)
    assert sorted(cities.values_list("name", flat=True)) == sorted(c.name for c in CITIES)
    assert set(cities.values_list("parent", flat=True)) == {province.pk}
    counties = list(Region.objects.filter(level=Region.Level.COUNTY).select_related("parent"))
    assert len(counties) == 100
    assert len({r.code for r in Region.objects.all()}) == 112
    assert all(r.parent.level == Region.Level.CITY and r.code[:4] == r.parent.code[:4] for r in counties)
    names = [r.name for r in counties]
    assert sum(n.endswith("区") for n in names) == 27
    assert sum(n.endswith("市") for n in names) == 12
    assert sum(n.endswith("县") for n in names) == 61
    assert {"南昌县", "新建区", "共青城市", "庐山市", "瑞金市", "龙南市"} <= set(names)


def test_seed_demo_places_palaces_in_regions_of_their_level(db):
    seed()

    for palace in Palace.objects.select_related("region"):
        assert palace.level == palace.region.level, palace.name
        palace.clean()


def test_seed_demo_palace_phones_use_their_citys_area_code(db):
    seed()

    area_codes = {c.code: c.area_code for c in CITIES}
    palaces = Palace.objects.exclude(phone="").select_related("region__parent")
    assert palaces.count() >= 98
    for palace in palaces:
        city = palace.region if palace.level == Palace.Level.CITY else palace.region.parent
        assert re.fullmatch(rf"{area_codes[city.code]}-8\d{{7}}", palace.phone), palace.phone


def test_seed_demo_venues_belong_to_the_centre_of_their_kind(db):
    seed()

    venues = list(Venue.objects.all())
    assert len(venues) > 500
    for venue in venues:
        kind = KINDS_BY_CODE[venue.kind]
        assert (venue.centre, venue.booking_mode) == (kind.centre, kind.booking_mode), venue.name
    assert {v.centre for v in venues} == set(Centre.values)
    assert any(v.fee > 0 for v in venues)
    assert any(v.member_only for v in venues)


def test_seed_demo_palaces_in_service_have_all_four_centres_hours_and_points(db):
    seed()

    for palace in Palace.objects.filter(status=Palace.Status.IN_SERVICE).prefetch_related(
        "venues", "opening_hours", "satellite_points"
    ):
        venues = [v for v in palace.venues.all() if v.is_active]
        low, high = (15, 30) if palace.level == Palace.Level.CITY else (4, 12)
        assert low <= len(venues) <= high, palace.name
        assert {v.centre for v in venues} == set(Centre.values), palace.name
        assert palace.opening_hours.all(), palace.name
        assert palace.satellite_points.all(), palace.name
    not_open = Venue.objects.exclude(palace__status=Palace.Status.IN_SERVICE)
    assert not not_open.filter(is_active=True).exists()
    assert set(not_open.values_list("palace__status", flat=True)) == {Palace.Status.EQUIPMENT}


def test_seed_demo_creates_one_account_per_role(db):
    output = seed()

    demo_palace = Palace.objects.get(name=DEMO_PALACE_NAME)
    roles = {}
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(phone=account.phone)
        assert user.check_password(DEMO_PASSWORD)
        assert account.phone in output
        roles[account.key] = access.roles_of(user)
        assignments = list(user.staff_assignments.all())
        if account.role:
            [assignment] = assignments
            assert assignment.role == account.role
            if account.palace_name:
                assert assignment.palace == demo_palace
            else:
                assert assignment.region.code == account.region_code
        else:
            assert assignments == []
    assert DEMO_PASSWORD in output
    Role = StaffAssignment.Role
    assert roles == {
        "worker": frozenset(),
        "worker_non_member": frozenset(),
        "palace_staff": {Role.PALACE_STAFF},
        "palace_manager": {Role.PALACE_MANAGER},
        "city_officer": {Role.CITY_OFFICER},
        "province_officer": {Role.PROVINCE_OFFICER},
        "admin": {Role.PROVINCE_OFFICER},  # a superuser counts as provincial staff
    }
    assert User.objects.get(phone="13800000001").is_member
    assert not User.objects.get(phone="13800000002").is_member
    assert User.objects.get(phone="13800000007").is_superuser
    assert access.palaces_visible_to(User.objects.get(phone="13800000005")).count() > 1


def test_seed_demo_refuses_a_second_run_and_changes_nothing(db):
    seed()
    before = fingerprint()

    with pytest.raises(CommandError, match="already holds portal data"):
        seed("--seed", "7")

    assert fingerprint() == before


def test_seed_demo_refuses_when_a_demo_number_is_taken(db):
    UserFactory(phone=DEMO_ACCOUNTS[0].phone)

    with pytest.raises(CommandError, match="already holds portal data"):
        seed()

    assert not Region.objects.exists()
    assert User.objects.count() == 1


def test_seed_demo_force_with_the_same_seed_reproduces_identical_data(db):
    seed()
    first = fingerprint()
    first_ids = set(Palace.objects.values_list("pk", flat=True))

    seed("--force")

    assert fingerprint() == first
    assert not first_ids & set(Palace.objects.values_list("pk", flat=True))  # really rewritten


def test_seed_demo_another_seed_gives_other_data(db):
    seed()
    first = fingerprint()

    seed("--force", "--seed", "7")

    assert fingerprint() != first


def test_seed_demo_force_keeps_accounts_that_are_not_demo_accounts(db):
    seed()
    someone = UserFactory(phone="13912345678")

    seed("--force")

    assert User.objects.filter(pk=someone.pk).exists()
    # The bookings step adds a pool of demo workers in its own block of numbers.
    assert User.objects.exclude(phone__startswith=POOL_PHONE_PREFIX).count() == len(DEMO_ACCOUNTS) + 1


def test_seed_demo_if_empty_is_a_no_op_on_a_seeded_database(db):
    seed()
    before = fingerprint()

    output = seed("--if-empty", "--seed", "7")

    assert "demo data not loaded" in output
    assert fingerprint() == before


def test_seed_demo_if_empty_seeds_an_empty_database(db):
    output = seed("--if-empty")

    assert Palace.objects.filter(status=Palace.Status.IN_SERVICE).count() == 98
    assert "Done in" in output


def test_seed_demo_refuses_force_with_if_empty(db):
    with pytest.raises(CommandError):
        seed("--force", "--if-empty")

    assert not Region.objects.exists()


def test_seed_demo_refuses_a_malformed_anchor_day_and_writes_nothing(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "21.11.2026", stdout=StringIO())

    assert not Region.objects.exists()


def test_seed_demo_dates_closures_relative_to_the_anchor_day(db):
    def closures_relative_to(anchor: date) -> list:
        return [
            (palace, venue, start - anchor, end - anchor, reason)
            for palace, venue, start, end, reason in fingerprint()[5]
        ]

    seed()
    relative = closures_relative_to(ANCHOR)
    later = ANCHOR + timedelta(days=40)
    call_command("seed_demo", "--force", "--today", later.isoformat(), stdout=StringIO())

    assert closures_relative_to(later) == relative
    assert not Closure.objects.filter(venue__isnull=False).exclude(venue__palace=F("palace")).exists()
    demo = Closure.objects.filter(palace__name=DEMO_PALACE_NAME)
    assert demo.covering(later).filter(venue__isnull=False).exists()
    assert demo.filter(venue__isnull=True, start_date__gt=later).exists()


def test_seed_demo_gives_palaces_directions_and_shares_a_few_picture_files(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()

    shown = Palace.objects.exclude(status=Palace.Status.PLANNED)
    assert not shown.filter(directions="").exists()
    assert not shown.filter(picture="").exists()
    assert shown.filter(directions__contains="地铁").exists()  # Nanchang's city-level palaces
    files = set(Venue.objects.values_list("picture", flat=True)) | set(
        shown.values_list("picture", flat=True)
    )
    files.discard("")
    assert 1 < len(files) <= 12
    assert sorted(p.name for p in (tmp_path / "demo").iterdir()) == sorted(f.split("/")[1] for f in files)
    venue = Venue.objects.exclude(picture="").first()
    assert venue.picture_alt.startswith(venue.name)
