"""`GET /api/v1/palaces/{id}/` and `GET /api/v1/palaces/` kept serialised (venues.api.views.
PalaceViewSet): the same bodies as computed afresh, new at once after every write they show, past
closures gone after midnight, and keys bounded by the network, not by what a request can write."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from alliance.services.membership import membership_join
from tests.factories import PalaceFactory, SatellitePointFactory, VenueFactory
from tests.venues.clock import MONDAY, frozen, local
from venues.models import Closure, OpeningHours


@pytest.fixture
def api():
    return APIClient()


def _body(api, palace, **headers) -> dict:
    response = api.get(f"/api/v1/palaces/{palace.pk}/", **headers)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_kept_palace_is_the_palace_computed_afresh(api, world, language):
    SatellitePointFactory(palace=world.palace_a, name="矿区活动点")
    Closure.objects.create(palace=world.palace_a, start_date=MONDAY, end_date=MONDAY, reason="设备年检")
    with frozen(local(MONDAY, 10)):
        for palace in (world.palace_a, world.palace_b):
            _body(api, palace, HTTP_ACCEPT_LANGUAGE=language)
            kept = _body(api, palace, HTTP_ACCEPT_LANGUAGE=language)
            cache.clear()
            assert _body(api, palace, HTTP_ACCEPT_LANGUAGE=language) == kept


def test_a_warm_palace_makes_no_query(api, world, django_assert_num_queries):
    _body(api, world.palace_a)
    with django_assert_num_queries(0):
        _body(api, world.palace_a)


def test_every_write_it_shows_is_new_at_once(api, world):
    with frozen(local(MONDAY, 10)):
        palace = world.palace_a
        assert _body(api, palace)["venue_count"] == 1
        VenueFactory(palace=palace, kind="legal_aid_window")
        assert _body(api, palace)["venue_count"] == 2
        hours = OpeningHours.objects.filter(palace=palace).first()
        hours.closes = time(17, 30)
        hours.save()
        assert "17:30" in {h["closes"] for h in _body(api, palace)["opening_hours"]}
        Closure.objects.create(palace=palace, start_date=MONDAY, end_date=MONDAY, reason="检修")
        assert [c["reason"] for c in _body(api, palace)["closures"]] == ["检修"]
        SatellitePointFactory(palace=palace, name="矿区活动点")
        assert "矿区活动点" in {p["name"] for p in _body(api, palace)["satellite_points"]}
        world.city1.name = "洪都市"
        world.city1.save()
        assert _body(api, palace)["city"]["name"] == "洪都市"
        membership_join(actor=world.province_officer, palace=palace, joined_on=MONDAY)
        assert _body(api, palace)["alliance_member"] is True
        url = f"/api/v1/palaces/{palace.pk}/"
        palace.delete()
        assert api.get(url).status_code == 404


def test_a_closure_that_ended_is_gone_after_midnight(api, world):
    Closure.objects.create(palace=world.palace_b, start_date=MONDAY, end_date=MONDAY, reason="检修")
    with frozen(local(MONDAY, 23, 59)):
        assert [c["reason"] for c in _body(api, world.palace_b)["closures"]] == ["检修"]
    with frozen(local(MONDAY + timedelta(days=1), 0)):
        assert _body(api, world.palace_b)["closures"] == []


@pytest.mark.parametrize("written", ["0{pk}", "{pk}.0", "+{pk}"])
def test_an_id_written_otherwise_is_looked_up_not_kept(api, world, written):
    path = f"/api/v1/palaces/{written.format(pk=world.palace_a.pk)}/"
    before = set(cache._cache) if hasattr(cache, "_cache") else None
    status = api.get(path).status_code
    assert status in (200, 404)
    if before is not None:  # local memory: no key of it was kept
        assert not [key for key in set(cache._cache) - before if "api-palace" in key]


# --- The list (PalaceViewSet.list) ----------------------------------------------------------------


def _list(api, query: str = "", **headers):
    return api.get(f"/api/v1/palaces/{query}", **headers)


def _kept_list_keys() -> list[str]:
    return [key for key in getattr(cache, "_cache", {}) if "api-palaces" in key]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_kept_list_is_the_list_computed_afresh(api, world, language):
    for query in ("", "?city=360100", "?city=360400&level=county", "?status=in_service&page=1"):
        _list(api, query, HTTP_ACCEPT_LANGUAGE=language)
        kept = _list(api, query, HTTP_ACCEPT_LANGUAGE=language).json()
        cache.clear()
        assert _list(api, query, HTTP_ACCEPT_LANGUAGE=language).json() == kept, query


def test_a_warm_list_makes_no_query(api, world, django_assert_num_queries):
    _list(api, "?city=360100")
    with django_assert_num_queries(0):
        assert _list(api, "?city=360100").status_code == 200


def test_every_write_the_list_shows_is_new_at_once(api, world):
    def item():
        results = _list(api, "?city=360400").json()["results"]
        return next(row for row in results if row["id"] == world.palace_b.pk)

    assert item()["venue_count"] == 1
    VenueFactory(palace=world.palace_b, kind="legal_aid_window")
    assert item()["venue_count"] == 2
    world.palace_b.name = "武宁县职工文化中心"
    world.palace_b.save()
    assert item()["name"] == "武宁县职工文化中心"
    OpeningHours.objects.filter(palace=world.palace_b).delete()
    assert item()["opening_hours"] == []
    membership_join(actor=world.province_officer, palace=world.palace_b, joined_on=timezone.localdate())
    assert item()["alliance_member"] is True


@pytest.mark.parametrize(
    "query",
    [
        "?q=武宁",
        "?page_size=5",
        "?foo=1",
        "?city=0360100",
        "?city=360100&city=360400",
        "?city=360100&level=city&status=in_service",
        "?city=369999",
    ],
)
def test_searches_odd_queries_and_empty_lists_are_answered_not_kept(api, world, query):
    assert _list(api, query).status_code == 200
    assert _kept_list_keys() == [] or not hasattr(cache, "_cache")


@pytest.mark.parametrize("query", ["?level=galaxy", "?page=999", "?alliance_member=maybe"])
def test_bad_input_is_refused_every_time_and_not_kept(api, world, query):
    first = _list(api, query).status_code
    assert first in (400, 404)
    assert _list(api, query).status_code == first
    assert _kept_list_keys() == [] or not hasattr(cache, "_cache")


def test_the_pages_addresses_are_each_host_s_own(api, world, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    for n in range(25):
        PalaceFactory(name=f"第{n:02d}工人文化宫", region=world.county1)
    first = _list(api, "", HTTP_HOST="a.example").json()["next"]
    second = _list(api, "", HTTP_HOST="b.example").json()["next"]
    assert first.startswith("http://a.example/")
    assert second.startswith("http://b.example/")


# --- The network's figures (NetworkSummaryApi) -----------------------------------------------------


def test_the_network_figures_are_kept_and_new_at_once_after_a_palace_or_region_write(
    api, world, django_assert_num_queries
):
    def summary() -> dict:
        response = api.get("/api/v1/network/summary/")
        assert response.status_code == 200
        return response.json()

    before = summary()
    with django_assert_num_queries(0):
        assert summary() == before
    building = PalaceFactory(region=world.county1, status="under_construction")
    assert summary()["projects_under_way"] == before["projects_under_way"] + 1
    building.status = "in_service"
    building.save()
    assert summary()["palaces_in_service"] == before["palaces_in_service"] + 1
    world.city2.name = "浔阳市"
    world.city2.save()
    assert "浔阳市" in {row["city"]["name"] for row in summary()["by_city"]}
    cache.clear()
    assert summary() == api.get("/api/v1/network/summary/").json()
