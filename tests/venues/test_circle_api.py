"""`/api/v1/service-points/`: public, filters validated (never a 500), distances when `near`."""

from datetime import datetime, time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from rest_framework.test import APIClient

from tests.factories import SatellitePointFactory
from venues.circle.geo import METRES_PER_DEGREE_LAT
from venues.models import ServicePointHours

URL = "/api/v1/service-points/"
HERE = (28.68, 115.89)
WEDNESDAY_10 = datetime(2026, 12, 9, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def points(world):
    def make(name, metres, **kw):
        return SatellitePointFactory(
            palace=kw.pop("palace", world.palace_a),
            name=name,
            kind=kw.pop("kind", "outdoor_station"),
            region=kw.pop("region", world.county1),
            latitude=HERE[0] + metres / METRES_PER_DEGREE_LAT,
            longitude=HERE[1],
            services=kw.pop("services", ["rest", "water"]),
            **kw,
        )

    far = make("远站", 2500, open_all_hours=True)
    near = make("近站", 300)
    ServicePointHours.objects.create(point=near, weekday=2, opens=time(8), closes=time(12))
    library = make("书屋", 800, kind="library", services=["reading"], open_all_hours=True)
    other_city = make("九江站", 100, palace=world.palace_b, region=world.county2, open_all_hours=True)
    return {"far": far, "near": near, "library": library, "other_city": other_city}


def get(api, query=""):
    with mock.patch("django.utils.timezone.now", return_value=WEDNESDAY_10):
        return api.get(URL + query)


def test_near_gives_nearest_first_with_distances(api, points):
    body = get(api, "?near=28.68,115.89").json()
    names = [r["name"] for r in body["results"]]
    assert names == ["九江站", "近站", "书屋", "远站"]
    assert [r["distance_m"] for r in body["results"]] == [100, 300, 800, 2500]


def test_city_filter_and_open_now(api, world, points):
    body = get(api, f"?near=28.68,115.89&city={world.city1.pk}&open=true").json()
    assert [r["name"] for r in body["results"]] == ["近站", "书屋", "远站"]
    assert all(r["is_open"] for r in body["results"])
    with mock.patch("django.utils.timezone.now", return_value=WEDNESDAY_10.replace(hour=13)):
        body = api.get(URL + f"?near=28.68,115.89&city={world.city1.pk}&open=true").json()
    assert [r["name"] for r in body["results"]] == ["书屋", "远站"]


def test_kind_service_and_radius_filters(api, points):
    assert [r["name"] for r in get(api, "?kind=library").json()["results"]] == ["书屋"]
    assert [r["name"] for r in get(api, "?service=reading").json()["results"]] == ["书屋"]
    body = get(api, "?near=28.68,115.89&radius=1000&limit=2").json()
    assert [r["name"] for r in body["results"]] == ["九江站", "近站"]


def test_without_near_there_is_no_distance(api, points):
    results = get(api).json()["results"]
    assert len(results) == 4
    assert {r["distance_m"] for r in results} == {None}


@pytest.mark.parametrize(
    "query",
    [
        "?near=abc",
        "?near=28.68",
        "?near=28.68,115.89,1",
        "?near=91,100",
        "?near=28,181",
        "?near=NaN,1",
        "?near=1e400,1",
        "?near=-,-",
        "?near=28.68, 115.89",
        "?near=28.68,115.89%0A",
        "?near=" + "9" * 50,
        "?radius=10",
        "?radius=999999",
        "?limit=0",
        "?limit=101",
        "?city=0",
        "?city=abc",
        "?city=99999999999999999999999",
        "?district=-1",
        "?open=maybe",
        "?kind=castle",
        "?service=spa",
    ],
)
def test_malformed_filters_answer_400_with_the_field(api, points, query):
    response = get(api, query)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert query[1:].split("=")[0] in body["fields"]


def test_points_out_of_service_are_not_listed_and_detail_is_public(api, points):
    points["far"].is_active = False
    points["far"].save()
    assert "远站" not in [r["name"] for r in get(api).json()["results"]]
    assert get(api, f"{points['far'].pk}/").status_code == 404
    detail = get(api, f"{points['near'].pk}/").json()
    assert detail["hours"] == [{"weekday": 2, "opens": "08:00", "closes": "12:00"}]
    assert detail["services"] == ["rest", "water"]
    assert get(api, "abc/").status_code == 404


def test_the_list_costs_a_fixed_number_of_queries(api, world, django_assert_max_num_queries):
    for n in range(25):
        point = SatellitePointFactory(
            palace=world.palace_a, region=world.county1, latitude=28.68, longitude=115.89
        )
        ServicePointHours.objects.create(point=point, weekday=2, opens=time(8), closes=time(20 + n % 3))
    with django_assert_max_num_queries(4):
        assert len(get(api, "?near=28.68,115.89&limit=25").json()["results"]) == 25
    with django_assert_max_num_queries(4):
        assert len(get(api, "?page_size=25").json()["results"]) == 25
