"""The network endpoints against API.md ("Network and venues", `GET /network/summary/`)."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories import (
    OpeningHoursFactory,
    PalaceFactory,
    RegionFactory,
    SatellitePointFactory,
    VenueFactory,
)
from venues import page_cache
from venues.models import Closure, Palace, Region

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday morning; the world's palaces open 9:00–21:00 every day.
NOW = datetime(2026, 3, 4, 10, 30, tzinfo=SHANGHAI)
TODAY = NOW.date()

PALACE_FIELDS = {
    "id",
    "name",
    "level",
    "status",
    "city",
    "county",
    "address",
    "phone",
    "opening_hours",
    "alliance_member",
    "venue_count",
    # Additive: the palace's picture and its description.
    "picture",
    "picture_alt",
}
PALACE_DETAIL_EXTRA = {
    "description",
    "directions",
    "floor_area",
    "floors",
    "year_built",
    "satellite_points",
    "closures",
}
VENUE_FIELDS = {
    "id",
    "palace",
    "name",
    "centre",
    "kind",
    "booking_mode",
    "capacity",
    "fee",
    "member_only",
    "is_open",
    "picture",
    "picture_alt",
}
SUMMARY_FIELDS = {"palaces_in_service", "county_level_in_service", "coverage_rate", "projects_under_way"}
LIST_FIELDS = {"count", "next", "previous", "results"}


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(ZoneInfo("UTC")))
    return NOW


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def _assert_invalid(response, *fields):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert set(body["fields"]) == set(fields)


def _many_palaces(world, n: int) -> None:
    """n county-level palaces in service, each with hours, two venues and a closure today."""
    for i in range(n):
        county = RegionFactory(code=f"{361000 + i:06d}", level=Region.Level.COUNTY, parent=world.city2)
        palace = PalaceFactory(region=county, alliance_member=i % 2 == 0)
        for weekday in range(7):
            OpeningHoursFactory(palace=palace, weekday=weekday, opens=time(9), closes=time(12))
            OpeningHoursFactory(palace=palace, weekday=weekday, opens=time(14), closes=time(21))
        VenueFactory(palace=palace, kind="gym")
        venue = VenueFactory(palace=palace, kind="library")
        Closure.objects.create(palace=palace, venue=venue, start_date=TODAY, end_date=TODAY, reason="修缮")


# --- Palaces --------------------------------------------------------------------------------------


def test_palace_list_item_has_exactly_the_promised_fields(api, world):
    response = api.get("/api/v1/palaces/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == LIST_FIELDS
    assert body["count"] == 2
    for item in body["results"]:
        assert set(item) == PALACE_FIELDS


def test_palace_list_item_shapes(api, world):
    world.palace_a.alliance_member = True
    world.palace_a.save()
    VenueFactory(palace=world.palace_a, kind="gym", is_active=False)

    items = {item["id"]: item for item in api.get("/api/v1/palaces/").json()["results"]}

    a, b = items[world.palace_a.pk], items[world.palace_b.pk]
    assert a["name"] == "南昌市工人文化宫"
    assert (a["level"], a["status"]) == ("city", "in_service")
    assert a["city"] == {"id": world.city1.pk, "code": "360100", "name": "南昌市"}
    assert a["county"] is None
    assert a["alliance_member"] is True
    assert a["venue_count"] == 1  # the inactive gym does not count
    assert a["address"] == "人民路1号"
    assert a["phone"] == "0791-88888888"
    assert a["opening_hours"] == [{"weekday": d, "opens": "09:00", "closes": "21:00"} for d in range(7)]
    # A county-level palace: the county, and its city above it.
    assert b["level"] == "county"
    assert b["county"] == {"id": world.county2.pk, "code": "360423", "name": "武宁县"}
    assert b["city"] == {"id": world.city2.pk, "code": "360400", "name": "九江市"}
    assert b["alliance_member"] is False


def test_palace_list_shows_every_status(api, world):
    planned = PalaceFactory(region=world.county1, status=Palace.Status.PLANNED)
    closed = PalaceFactory(region=world.county1, status=Palace.Status.CLOSED)

    ids = _ids(api.get("/api/v1/palaces/"))

    assert {planned.pk, closed.pk, world.palace_a.pk, world.palace_b.pk} == ids


def test_palace_list_filters_by_city_by_id_or_division_code(api, world):
    in_county = PalaceFactory(region=world.county1)  # county of city 1

    assert _ids(api.get("/api/v1/palaces/", {"city": world.city1.pk})) == {world.palace_a.pk, in_county.pk}
    assert _ids(api.get("/api/v1/palaces/", {"city": "360400"})) == {world.palace_b.pk}
    assert _ids(api.get("/api/v1/palaces/", {"city": "369999"})) == set()


def test_palace_list_filters_by_county(api, world):
    assert _ids(api.get("/api/v1/palaces/", {"county": "360423"})) == {world.palace_b.pk}
    assert _ids(api.get("/api/v1/palaces/", {"county": world.county2.pk})) == {world.palace_b.pk}
    # A city's code is not a county's.
    assert _ids(api.get("/api/v1/palaces/", {"county": "360100"})) == set()


def test_palace_list_filters_by_level_status_and_alliance(api, world):
    building = PalaceFactory(region=world.county1, status=Palace.Status.UNDER_CONSTRUCTION)
    world.palace_b.alliance_member = True
    world.palace_b.save()

    assert _ids(api.get("/api/v1/palaces/", {"level": "city"})) == {world.palace_a.pk}
    assert _ids(api.get("/api/v1/palaces/", {"level": "county"})) == {world.palace_b.pk, building.pk}
    assert _ids(api.get("/api/v1/palaces/", {"status": "under_construction"})) == {building.pk}
    assert _ids(api.get("/api/v1/palaces/", {"alliance_member": "true"})) == {world.palace_b.pk}
    assert _ids(api.get("/api/v1/palaces/", {"alliance_member": "false"})) == {world.palace_a.pk, building.pk}


def test_palace_list_searches_names_and_places(api, world):
    assert _ids(api.get("/api/v1/palaces/", {"q": "南昌"})) == {world.palace_a.pk}
    assert _ids(api.get("/api/v1/palaces/", {"q": "九江"})) == {world.palace_b.pk}  # the city's name
    assert _ids(api.get("/api/v1/palaces/", {"q": "不存在"})) == set()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "province"}, "level"),
        ({"status": "open"}, "status"),
        ({"alliance_member": "maybe"}, "alliance_member"),
        ({"city": "nanchang"}, "city"),
        ({"county": "36-01"}, "county"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page_size": "-1"}, "page_size"),
    ],
)
def test_palace_list_refuses_bad_parameters(api, world, params, field):
    _assert_invalid(api.get("/api/v1/palaces/", params), field)


def test_bad_filter_message_is_in_the_requests_language(api, world):
    english = api.get("/api/v1/palaces/", {"level": "province"}, HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = api.get("/api/v1/palaces/", {"level": "province"}).json()

    assert "valid choice" in english["fields"]["level"][0]
    assert chinese["fields"]["level"][0] != english["fields"]["level"][0]


def test_palace_list_pages(api, world):
    for _ in range(3):
        PalaceFactory(region=world.county1)

    first = api.get("/api/v1/palaces/", {"page_size": 2}).json()
    last = api.get("/api/v1/palaces/", {"page_size": 2, "page": 3}).json()

    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    assert len(last["results"]) == 1
    assert last["next"] is None


def test_page_size_is_capped_at_100(api, world):
    for i in range(99):
        PalaceFactory(region=world.county1, name=f"宫{i:03d}")

    body = api.get("/api/v1/palaces/", {"page_size": 1000}).json()

    assert body["count"] == 101
    assert len(body["results"]) == 100


def test_page_past_the_end_is_not_found(api, world):
    response = api.get("/api/v1/palaces/", {"page": 999})

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_palace_list_query_count_does_not_grow_with_the_page(api, world, django_assert_max_num_queries):
    _many_palaces(world, 60)

    with django_assert_max_num_queries(3):  # count, page, opening hours
        small = api.get("/api/v1/palaces/", {"page_size": 5})
    with django_assert_max_num_queries(3):
        big = api.get("/api/v1/palaces/", {"page_size": 100})

    assert len(small.json()["results"]) == 5
    assert len(big.json()["results"]) == 62
    assert all(len(item["opening_hours"]) == 14 for item in big.json()["results"][2:])


def test_palace_detail_is_the_list_item_plus_facts(api, world, frozen_now):
    palace = world.palace_a
    palace.description = "全省职工文化活动中心"
    palace.floor_area, palace.floors, palace.year_built = 5800, 10, 1987
    palace.save()
    point = SatellitePointFactory(palace=palace, name="高新区活动点", address="高新大道1号")
    Closure.objects.create(
        palace=palace, start_date=TODAY - timedelta(days=9), end_date=TODAY - timedelta(days=8), reason="旧"
    )
    Closure.objects.create(
        palace=palace,
        venue=world.venue_a,
        start_date=TODAY + timedelta(days=3),
        end_date=TODAY + timedelta(days=4),
        reason="场地维护",
    )

    response = api.get(f"/api/v1/palaces/{palace.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == PALACE_FIELDS | PALACE_DETAIL_EXTRA
    assert (body["floor_area"], body["floors"], body["year_built"]) == (5800, 10, 1987)
    assert body["description"] == "全省职工文化活动中心"
    assert body["satellite_points"] == [
        {"id": point.pk, "kind": "industrial_park", "name": "高新区活动点", "address": "高新大道1号"}
    ]
    # Past closures are left out.
    assert body["closures"] == [
        {
            "start_date": "2026-03-07",
            "end_date": "2026-03-08",
            "venue": world.venue_a.pk,
            "reason": "场地维护",
        }
    ]


def test_palace_detail_of_a_planned_palace_is_shown(api, world):
    planned = PalaceFactory(region=world.county1, status=Palace.Status.PLANNED)

    response = api.get(f"/api/v1/palaces/{planned.pk}/")

    assert response.status_code == 200
    assert response.json()["status"] == "planned"


def test_palace_detail_ignores_list_filters(api, world):
    response = api.get(f"/api/v1/palaces/{world.palace_a.pk}/", {"level": "county"})

    assert response.status_code == 200


@pytest.mark.parametrize("pk", ["999999", "abc", "1.5", "99999999999999999999999"])
def test_unknown_palace_is_not_found(api, world, pk):
    response = api.get(f"/api/v1/palaces/{pk}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_not_found_is_in_the_requests_language(api, world):
    english = api.get("/api/v1/palaces/999999/", HTTP_ACCEPT_LANGUAGE="en").json()
    default = api.get("/api/v1/palaces/999999/").json()

    assert english == {"code": "not_found", "detail": "Not found."}
    assert default["code"] == "not_found"
    # zh-hans by default (DRF ships its Chinese catalogue).
    assert any("\u4e00" <= ch <= "\u9fff" for ch in default["detail"]), default


# --- Read only ----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/palaces/",
        "/api/v1/palaces/{palace}/",
        "/api/v1/venues/",
        "/api/v1/venues/{venue}/",
        "/api/v1/venues/{venue}/availability/",
        "/api/v1/network/summary/",
    ],
)
def test_endpoints_are_read_only(api, world, method, url):
    url = url.format(palace=world.palace_a.pk, venue=world.venue_a.pk)
    api.force_authenticate(world.province_officer)

    response = getattr(api, method)(url, {"name": "x"}, format="json")

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert set(response.json()) == {"code", "detail"}
    assert Palace.objects.filter(name="x").count() == 0


# --- Venues -------------------------------------------------------------------------------------


def test_venue_list_item_has_exactly_the_promised_fields(api, world, frozen_now):
    VenueFactory(palace=world.palace_a, kind="gym", fee="12.50", member_only=True)

    body = api.get("/api/v1/venues/").json()

    assert set(body) == LIST_FIELDS
    assert body["count"] == 3
    for item in body["results"]:
        assert set(item) == VENUE_FIELDS
    items = {item["name"]: item for item in body["results"]}
    court = items["羽毛球馆1号场"]
    assert court == {
        "id": world.venue_a.pk,
        "palace": world.palace_a.pk,
        "name": "羽毛球馆1号场",
        "centre": "health",
        "kind": "badminton",
        "booking_mode": "exclusive",
        "capacity": 4,
        "fee": "0.00",
        "member_only": False,
        "is_open": True,
        "picture": None,
        "picture_alt": "",
    }
    gym = next(item for item in body["results"] if item["fee"] != "0.00")
    assert (gym["fee"], gym["member_only"], gym["booking_mode"]) == ("12.50", True, "shared")


def test_venue_list_has_only_active_venues_of_listed_palaces(api, world):
    VenueFactory(palace=world.palace_a, is_active=False)
    for status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        VenueFactory(palace=PalaceFactory(region=world.county1, status=status))
    building = VenueFactory(palace=PalaceFactory(region=world.county1, status=Palace.Status.EQUIPMENT))

    assert _ids(api.get("/api/v1/venues/")) == {world.venue_a.pk, world.venue_b.pk, building.pk}


def test_venue_list_filters(api, world):
    gym_a = VenueFactory(palace=world.palace_a, kind="gym", name="职工健身房")
    karaoke = VenueFactory(palace=world.palace_a, kind="karaoke", facilities="点歌系统")
    a, b = world.venue_a, world.venue_b

    def ids(**params):
        return _ids(api.get("/api/v1/venues/", params))

    assert ids(palace=world.palace_b.pk) == {b.pk}
    assert ids(centre="culture") == {karaoke.pk}
    assert ids(kind="gym") == {gym_a.pk, b.pk}
    assert ids(booking_mode="shared") == {gym_a.pk, b.pk}
    assert ids(booking_mode="exclusive") == {a.pk, karaoke.pk}
    assert ids(city=world.city1.pk) == {a.pk, gym_a.pk, karaoke.pk}
    assert ids(city="360400") == {b.pk}  # palace B is in a county of city 2
    assert ids(q="健身") == {gym_a.pk, b.pk}  # venue names
    assert ids(q="武宁") == {b.pk}  # palace names
    assert ids(q="点歌") == {karaoke.pk}  # facilities
    assert ids(palace=world.palace_a.pk, kind="gym") == {gym_a.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"palace": "abc"}, "palace"),
        ({"palace": "1.5"}, "palace"),
        ({"palace": "99999999999999999999"}, "palace"),  # would overflow the database driver
        ({"q": "\x00"}, "q"),
        ({"centre": "sport"}, "centre"),
        ({"kind": "sauna"}, "kind"),
        ({"booking_mode": "free"}, "booking_mode"),
        ({"city": "南昌"}, "city"),
    ],
)
def test_venue_list_refuses_bad_filters(api, world, params, field):
    _assert_invalid(api.get("/api/v1/venues/", params), field)


def test_venue_is_open_follows_hours_and_todays_closures(api, world, frozen_now, monkeypatch):
    closed_venue = VenueFactory(palace=world.palace_a, kind="gym")
    Closure.objects.create(
        palace=world.palace_a, venue=closed_venue, start_date=TODAY, end_date=TODAY, reason="保养"
    )
    Closure.objects.create(
        palace=world.palace_b, start_date=TODAY, end_date=TODAY + timedelta(days=1), reason="停电"
    )
    # Closures of other days change nothing today.
    Closure.objects.create(
        palace=world.palace_a,
        start_date=TODAY + timedelta(days=1),
        end_date=TODAY + timedelta(days=2),
        reason="x",
    )

    def is_open() -> dict[int, bool]:
        return {item["id"]: item["is_open"] for item in api.get("/api/v1/venues/").json()["results"]}

    assert is_open() == {world.venue_a.pk: True, closed_venue.pk: False, world.venue_b.pk: False}

    evening = datetime(2026, 3, 4, 21, 30, tzinfo=SHANGHAI)
    monkeypatch.setattr(timezone, "now", lambda: evening)
    assert is_open()[world.venue_a.pk] is False


def test_venue_list_query_count_does_not_grow_with_the_page(
    api, world, frozen_now, django_assert_max_num_queries
):
    _many_palaces(world, 60)

    # count, page, the palaces' hours, today's closures
    with django_assert_max_num_queries(4):
        small = api.get("/api/v1/venues/", {"page_size": 5})
    with django_assert_max_num_queries(4):
        big = api.get("/api/v1/venues/", {"page_size": 100})

    assert len(small.json()["results"]) == 5
    results = big.json()["results"]
    assert len(results) == 100
    # 10:30 is inside the 9–12 interval; each palace's library is closed today.
    libraries = [item for item in results if item["kind"] == "library"]
    gyms = [item for item in results if item["kind"] == "gym" and item["palace"] != world.palace_b.pk]
    assert libraries
    assert gyms
    assert not any(item["is_open"] for item in libraries)
    assert all(item["is_open"] for item in gyms)


def test_venue_detail(api, world, frozen_now):
    response = api.get(f"/api/v1/venues/{world.venue_b.pk}/")

    assert response.status_code == 200
    assert set(response.json()) == VENUE_FIELDS
    assert response.json()["palace"] == world.palace_b.pk


def test_inactive_venue_is_not_found(api, world):
    venue = VenueFactory(palace=world.palace_a, is_active=False)

    for url in (f"/api/v1/venues/{venue.pk}/", f"/api/v1/venues/{venue.pk}/availability/?date=2026-03-05"):
        response = api.get(url)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


# --- Network summary ----------------------------------------------------------------------------


def test_network_summary_is_public_and_has_the_promised_fields(api, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/network/summary/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == SUMMARY_FIELDS | {"units", "units_covered", "by_city"}


def test_network_summary_figures(api, world):
    # City 1 and its county, city 2 and its county: 4 units. Palace A covers city 1, palace B
    # covers city 2's county. Add one more county to city 1, covered by a second palace, and a
    # project under way (not in service, so it covers nothing).
    county3 = RegionFactory(code="360122", name="新建区", level=Region.Level.COUNTY, parent=world.city1)
    PalaceFactory(region=county3, level=Palace.Level.COUNTY)
    PalaceFactory(region=world.county1, status=Palace.Status.UNDER_CONSTRUCTION)
    PalaceFactory(region=world.county1, status=Palace.Status.EQUIPMENT)
    PalaceFactory(region=world.county1, status=Palace.Status.PLANNED)

    body = api.get("/api/v1/network/summary/").json()

    assert body["palaces_in_service"] == 3
    assert body["county_level_in_service"] == 2
    assert body["projects_under_way"] == 2
    assert (body["units"], body["units_covered"]) == (5, 3)
    assert body["coverage_rate"] == 0.6
    assert isinstance(body["coverage_rate"], float)
    by_city = {row["city"]["code"]: row for row in body["by_city"]}
    assert set(by_city) == {"360100", "360400"}
    city1 = by_city["360100"]
    assert city1["city"] == {"id": world.city1.pk, "code": "360100", "name": "南昌市"}
    assert (city1["units"], city1["units_covered"], city1["palaces_in_service"]) == (3, 2, 2)
    assert city1["coverage_rate"] == 0.6667
    assert city1["projects_under_way"] == 2
    assert by_city["360400"]["coverage_rate"] == 0.5


def test_network_summary_of_an_empty_network(api, db):
    body = api.get("/api/v1/network/summary/").json()

    assert body["coverage_rate"] == 0
    assert body["by_city"] == []
    assert body["palaces_in_service"] == 0


def test_palace_list_and_detail_read_as_many_queries_for_many_palaces_venues_and_points(api, world):
    """Issue 13: the public palace list and one palace, at most ten queries, as many with sixty
    more palaces and a palace of thirty venues, points and closures as with the world's two."""
    from tests.queries import queries_of

    Palace.objects.filter(pk=world.palace_b.pk).update(alliance_member=True)
    pages = [
        lambda: api.get("/api/v1/palaces/"),
        lambda: api.get("/api/v1/palaces/", {"page_size": 100, "alliance_member": "true"}),
        lambda: api.get(f"/api/v1/palaces/{world.palace_a.pk}/"),
    ]
    # The palace's first read makes its version (after checking the palace exists): measured
    # here is a read after a write, as below.
    pages[2]()
    page_cache.palace_page_changed(world.palace_a.pk)
    small = [queries_of(page) for page in pages]
    _many_palaces(world, 60)
    for n in range(30):
        VenueFactory(palace=world.palace_a, kind="gym", name=f"健身房{n}")
        SatellitePointFactory(palace=world.palace_a)
        Closure.objects.create(palace=world.palace_a, start_date=TODAY, end_date=TODAY, reason=f"修缮{n}")
    assert [queries_of(page) for page in pages] == small
