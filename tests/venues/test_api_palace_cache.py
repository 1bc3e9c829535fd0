"""`GET /api/v1/palaces/{id}/` kept serialised (venues.api.views.PalaceViewSet.retrieve): the same
body as computed afresh, new at once after every write it shows, past closures gone after midnight,
and one key per palace whatever way its id is written."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from alliance.services.membership import membership_join
from tests.factories import SatellitePointFactory, VenueFactory
from venues.models import Closure, OpeningHours

MONDAY = date(2026, 3, 2)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def frozen(at: datetime):
    return mock.patch("django.utils.timezone.now", return_value=at)


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
