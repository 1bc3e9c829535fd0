"""The directory kept rendered in the shared cache (venues/directory_cache.py): the same as the
directory rendered afresh, fresh after every write it shows and as time opens and closes palaces,
per language and query string, with nothing personal in it, and rendered from the database when
the cache is gone."""

from __future__ import annotations

import hashlib
import re
from datetime import time, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from alliance.services.membership import membership_join
from tests.factories import OpeningHoursFactory, PalaceFactory, VenueFactory
from tests.queries import queries_of
from tests.venues.clock import MONDAY, frozen, local
from venues import directory_cache
from venues.models import Closure, OpeningHours, Palace

BACKEND = "django.contrib.auth.backends.ModelBackend"
QUERIES = [
    "",
    "?page=2",
    "?city=360100",
    "?city=360400&level=county",
    "?status=under_construction",
    "?centre=service",
    "?alliance_member=true",
    "?q=武宁",
    "?city=999999",
    "?county=nowhere",
]


def _directory(client, query: str = "", language: str = "en") -> str:
    response = client.get(reverse("venues:palace_list") + query, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    # The frame's per-request CSRF tokens (masked anew each time) are not the directory's.
    return re.sub(r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]+"', r'\1=""', html)


def _cache_key(query: str = "", language: str = "en") -> str:
    # The view's key: the query string as Django encodes it again.
    encoded = QueryDict(query.lstrip("?")).urlencode()
    digest = hashlib.sha256(encoded.encode()).hexdigest()[:32]
    return f"directory:{digest}:{directory_cache.directory_version()}:{language}"


def _cached_block(query: str = "", language: str = "en") -> str:
    return cache.get(_cache_key(query, language))[1]


@pytest.fixture
def network(world):
    for n in range(25):
        PalaceFactory(name=f"第{n:02d}工人文化宫", region=world.county1)
    PalaceFactory(name="南昌县工人文化宫", region=world.county1, status=Palace.Status.UNDER_CONSTRUCTION)
    VenueFactory(palace=world.palace_b, kind="legal_aid_window")
    return world


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_cached_directory_is_the_directory_rendered_afresh(network, client, language):
    with frozen(local(MONDAY, 10)):
        cached = {}
        for query in QUERIES:
            _directory(client, query, language)
            cached[query] = _directory(client, query, language)  # from the cache
        for query in QUERIES:
            cache.clear()
            assert _directory(client, query, language) == cached[query], query


def test_a_warm_directory_makes_no_query_and_a_signed_in_one_only_the_visitor_s(
    network, client, django_assert_num_queries
):
    with frozen(local(MONDAY, 10)):
        queries_of(lambda: client.get(reverse("venues:palace_list"), {"city": "360100"}))
        with django_assert_num_queries(0):
            client.get(reverse("venues:palace_list"), {"city": "360100"})
        client.force_login(network.worker, backend=BACKEND)
        with django_assert_num_queries(3):  # the session, the user, the user's posts (the frame)
            client.get(reverse("venues:palace_list"), {"city": "360100"})


def test_the_directory_is_cached_per_language_and_query(network, client):
    with frozen(local(MONDAY, 10)):
        english = _directory(client, "?city=360400")
        chinese = _directory(client, "?city=360400", "zh-hans")
        assert "1 palace" in english
        assert "1 palace" not in chinese
        assert "武宁县工人文化宫" in chinese
        assert "1 palace" in _directory(client, "?city=360400")
        assert "南昌市工人文化宫" in _directory(client, "?city=360100")


def test_a_palace_renamed_opened_or_deleted_shows_on_the_next_request(network, client):
    with frozen(local(MONDAY, 10)):
        assert "武宁县工人文化宫" in _directory(client, "?city=360400")
        network.palace_b.name = "武宁县职工文化中心"
        network.palace_b.save()
        html = _directory(client, "?city=360400")
        assert "武宁县职工文化中心" in html
        assert "武宁县工人文化宫" not in html
        network.palace_b.delete()
        assert "No palace matches these filters." in _directory(client, "?city=360400")


def test_a_city_renamed_shows_on_the_next_request(network, client):
    with frozen(local(MONDAY, 10)):
        assert "九江市" in _directory(client)
        network.city2.name = "浔阳市"
        network.city2.save()
        html = _directory(client)
        assert "浔阳市" in html
        assert "九江市" not in html


def test_a_venue_added_or_closed_shows_on_the_next_request(network, client):
    with frozen(local(MONDAY, 10)):
        assert "No palace matches these filters." in _directory(client, "?centre=service&city=360100")
        assert "1 venue<" in _directory(client, "?city=360100")
        court = VenueFactory(palace=network.palace_a, kind="legal_aid_window")
        assert "南昌市工人文化宫" in _directory(client, "?centre=service&city=360100")
        assert "2 venues" in _directory(client, "?city=360100")
        court.is_active = False
        court.save()
        assert "1 venue<" in _directory(client, "?city=360100")


def test_opening_hours_changed_show_on_the_next_request(network, client):
    with frozen(local(MONDAY, 10)):
        assert "closes at 21:00" in _directory(client, "?city=360400")
        hours = OpeningHours.objects.get(palace=network.palace_b, weekday=MONDAY.weekday())
        hours.closes = time(17)
        hours.save()
        assert "closes at 17:00" in _directory(client, "?city=360400")
        hours.delete()
        assert "opens tomorrow at 09:00" in _directory(client, "?city=360400")


def test_a_closure_shows_on_the_next_request(network, client):
    with frozen(local(MONDAY, 10)):
        assert "Closed today" not in _directory(client, "?city=360400")
        closure = Closure.objects.create(
            palace=network.palace_b, start_date=MONDAY, end_date=MONDAY, reason="检修"
        )
        assert "Closed today" in _directory(client, "?city=360400")
        closure.delete()
        assert "Open now" in _directory(client, "?city=360400")


def test_joining_the_alliance_shows_on_the_next_request(network, client):
    # The palace's flag is written by update(), which sends no signal: the service announces it.
    badge = 'badge-red">Alliance member<'
    assert badge not in _directory(client, "?city=360400")
    membership_join(actor=network.province_officer, palace=network.palace_b, joined_on=timezone.localdate())
    assert badge in _directory(client, "?city=360400")
    assert "武宁县工人文化宫" in _directory(client, "?alliance_member=true")


def test_a_palace_closing_or_opening_shows_without_a_write(network, client):
    for palace in (network.palace_a, network.palace_b):
        OpeningHours.objects.filter(palace=palace).delete()
    OpeningHoursFactory(palace=network.palace_a, weekday=MONDAY.weekday(), opens=time(9), closes=time(12))
    OpeningHoursFactory(palace=network.palace_a, weekday=MONDAY.weekday(), opens=time(14), closes=time(21))
    OpeningHoursFactory(palace=network.palace_b, weekday=MONDAY.weekday(), opens=time(13), closes=time(18))
    with frozen(local(MONDAY, 11, 59)):
        html = _directory(client, "?city=360100")
        assert "closes at 12:00" in html
    with frozen(local(MONDAY, 12)):
        assert "opens today at 14:00" in _directory(client, "?city=360100")
    with frozen(local(MONDAY, 12, 59)):
        assert "opens today at 13:00" in _directory(client, "?city=360400")
    with frozen(local(MONDAY, 13)):
        assert "closes at 18:00" in _directory(client, "?city=360400")


def test_the_directory_is_rendered_again_after_midnight(network, client):
    OpeningHours.objects.filter(palace=network.palace_b).exclude(weekday=MONDAY.weekday() + 1).delete()
    with frozen(local(MONDAY, 23, 59)):
        assert "opens tomorrow at 09:00" in _directory(client, "?city=360400")
    with frozen(local(MONDAY + timedelta(days=1), 0)):
        assert "opens today at 09:00" in _directory(client, "?city=360400")


@pytest.mark.parametrize(
    "query",
    [
        "?q=南昌",  # free text
        "?city=999999",  # invalid
        "?county=nowhere",  # valid, but no palace: a key per string otherwise
        "?city=360100&level=county&status=in_service",  # three filters
        "?page=99",  # shows the last page
        "?page=x",
        "?city=360100&city=360400",  # repeated
        "?utm_source=wechat",  # unknown
    ],
)
def test_only_the_lists_people_browse_are_kept(network, client, query):
    with frozen(local(MONDAY, 10)):
        first = _directory(client, query)
        assert cache.get(_cache_key(query)) is None
        assert _directory(client, query) == first
    kept = "?city=360100&level=county&status="  # the form's own shape, two filters set
    with frozen(local(MONDAY, 10)):
        _directory(client, kept)
        assert cache.get(_cache_key(kept)) is not None


def test_a_signed_in_visitor_s_directory_leaves_nothing_personal_in_the_cache(network, client):
    client.force_login(network.worker, backend=BACKEND)
    page = _directory(client, "?city=360100")
    assert "Sign out" in page  # the frame is the worker's
    block = _cached_block("?city=360100")
    assert "南昌市工人文化宫" in block
    for personal in (network.worker.real_name, network.worker.phone, "csrf", "logout"):
        assert personal not in block
    client.logout()
    anonymous = _directory(client, "?city=360100")
    assert network.worker.real_name not in anonymous
    assert "南昌市工人文化宫" in anonymous


def test_without_a_cache_the_directory_comes_from_the_database(network, client):
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "add", return_value=False),
        mock.patch.object(cache, "set"),
    ):
        assert directory_cache.directory_version() != directory_cache.directory_version()
        assert "武宁县工人文化宫" in _directory(client, "?city=360400")
        Palace.objects.filter(pk=network.palace_b.pk).update(name="武宁县职工文化中心")
        assert "武宁县职工文化中心" in _directory(client, "?city=360400")
