"""The palace page kept rendered (venues/page_cache.py): fresh after every write it shows and when
its open state changes by itself, the same for every visitor, per language, and rendered from the
database when the cache is gone."""

from __future__ import annotations

import re
from datetime import time, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from activities.voice.services.wishes import wish_vote
from alliance.services.membership import membership_join
from tests.activities.voice_support import wish
from tests.factories import (
    OpeningHoursFactory,
    PalaceFactory,
    SatellitePointFactory,
    UserFactory,
    VenueFactory,
)
from tests.venues.clock import MONDAY, frozen, local
from venues import page_cache
from venues.models import Closure, OpeningHours, Palace


def _page(client, palace, language="en") -> str:
    response = client.get(reverse("venues:palace_detail", args=[palace.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_satellite_point_shows_at_once(world, client):
    assert "矿区活动点" not in _page(client, world.palace_a)
    SatellitePointFactory(palace=world.palace_a, name="矿区活动点")
    assert "矿区活动点" in _page(client, world.palace_a)


def test_a_vote_counted_by_update_shows_at_once(world, client):
    wanted = wish(world.palace_a, world.worker2, title="周末亲子书法班")
    assert "1 vote" in _page(client, world.palace_a)
    # The count moves by `update()`, which sends no signal: the service announces it.
    wish_vote(actor=world.worker, wish=wanted)
    assert "2 votes" in _page(client, world.palace_a)


def test_joining_the_alliance_shows_at_once(world, client):
    before = _page(client, world.palace_a)
    membership_join(actor=world.province_officer, palace=world.palace_a, joined_on=timezone.localdate())
    after = _page(client, world.palace_a)
    assert after != before
    assert "alliance" in after.lower()


def test_one_palace_s_change_keeps_the_other_s_sections_cached(world, client, django_assert_max_num_queries):
    _page(client, world.palace_b)
    SatellitePointFactory(palace=world.palace_a)
    with django_assert_max_num_queries(5):
        _page(client, world.palace_b)


def test_the_sections_are_cached_per_language(world, client):
    assert "Worker voice" in _page(client, world.palace_a, "en")
    chinese = _page(client, world.palace_a, "zh-hans")
    assert "Worker voice" not in chinese
    assert "Worker voice" in _page(client, world.palace_a, "en")


def test_a_signed_in_visitor_s_page_leaves_nothing_personal_in_the_cache(
    world, client, django_assert_max_num_queries
):
    person = UserFactory(real_name="独一无二的名字", phone="13912345678")
    wish(world.palace_a, person, title="我的心愿")
    client.force_login(person)
    own = _page(client, world.palace_a)  # renders the sections and caches them
    assert "我的心愿" in own
    client.logout()
    with django_assert_max_num_queries(5):  # the sections come from the cache…
        anonymous = _page(client, world.palace_a)
    assert "我的心愿" in anonymous
    # …without anything of who had rendered them: name, number, their session's CSRF token.
    assert "独一无二的名字" not in anonymous
    assert "13912345678" not in anonymous
    assert "39123" not in anonymous
    tokens = [part.split('"')[0] for part in own.split('name="csrfmiddlewaretoken" value="')[1:]]
    assert all(token not in anonymous for token in tokens)


def test_without_a_cache_the_sections_come_from_the_database(world, client):
    # A cache that answers nothing and keeps nothing (Redis down, errors ignored).
    with (
        mock.patch.object(page_cache.cache, "get_many", return_value={}),
        mock.patch.object(page_cache.cache, "add", return_value=False),
        mock.patch.object(page_cache.cache, "get", return_value=None),
    ):
        first = page_cache.palace_page_version(world.palace_a.pk)
        assert first != page_cache.palace_page_version(world.palace_a.pk)
    assert "Worker voice" in _page(client, world.palace_a)


# --- The whole content kept (venues.views.palace_detail) -----------------------------------------

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _content(client, palace, language="en") -> str:
    # The frame's per-request CSRF tokens (masked anew each time) are not the palace's.
    html = _page(client, palace, language)
    return re.sub(r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]+"', r'\1=""', html)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_kept_palace_page_is_the_page_rendered_afresh(world, client, language):
    planned = PalaceFactory(name="规划中的文化宫", region=world.county1, status=Palace.Status.PLANNED)
    SatellitePointFactory(palace=world.palace_a, name="矿区活动点")
    Closure.objects.create(palace=world.palace_a, start_date=MONDAY, end_date=MONDAY, reason="设备年检")
    with frozen(local(MONDAY, 10)):
        for palace in (world.palace_a, world.palace_b, planned):
            _content(client, palace, language)
            kept = _content(client, palace, language)
            cache.clear()
            assert _content(client, palace, language) == kept, palace.name


def test_a_warm_palace_page_makes_no_query_and_a_signed_in_one_only_the_visitor_s(
    world, client, django_assert_num_queries
):
    with frozen(local(MONDAY, 10)):
        _page(client, world.palace_a)
        with django_assert_num_queries(0):
            _page(client, world.palace_a)
        client.force_login(world.worker, backend=BACKEND)
        with django_assert_num_queries(3):  # the session, the user, the user's posts (the frame)
            _page(client, world.palace_a)


def test_a_palace_or_its_city_renamed_shows_at_once_and_a_deleted_one_is_gone(world, client):
    with frozen(local(MONDAY, 10)):
        assert "武宁县工人文化宫" in _page(client, world.palace_b)
        world.palace_b.name = "武宁县职工文化中心"
        world.palace_b.save()
        assert "<title>武宁县职工文化中心" in _page(client, world.palace_b)
        assert "九江市" in _page(client, world.palace_b)
        world.city2.name = "浔阳市"
        world.city2.save()  # a region: every palace's page
        html = _page(client, world.palace_b)
        assert "浔阳市" in html
        assert "九江市" not in html
        url = reverse("venues:palace_detail", args=[world.palace_b.pk])
        world.palace_b.delete()
        assert client.get(url).status_code == 404


def test_a_venue_added_or_closed_shows_at_once(world, client):
    with frozen(local(MONDAY, 10)):
        assert "法律援助窗口甲" not in _page(client, world.palace_a)
        window = VenueFactory(palace=world.palace_a, kind="legal_aid_window", name="法律援助窗口甲")
        assert "法律援助窗口甲" in _page(client, world.palace_a)
        window.is_active = False
        window.save()
        assert "法律援助窗口甲" not in _page(client, world.palace_a)


def test_opening_hours_and_closures_changed_show_at_once(world, client):
    with frozen(local(MONDAY, 10)):
        assert "closes at 21:00" in _page(client, world.palace_b)
        hours = OpeningHours.objects.get(palace=world.palace_b, weekday=MONDAY.weekday())
        hours.closes = time(17)
        hours.save()
        assert "closes at 17:00" in _page(client, world.palace_b)
        closure = Closure.objects.create(
            palace=world.palace_b, start_date=MONDAY, end_date=MONDAY, reason="检修"
        )
        html = _page(client, world.palace_b)
        assert "检修" in html
        assert "closes at 17:00" not in html
        closure.delete()
        hours.delete()
        assert "opens tomorrow at 09:00" in _page(client, world.palace_b)


def test_a_palace_closing_or_opening_shows_without_a_write(world, client):
    OpeningHours.objects.filter(palace=world.palace_a).delete()
    OpeningHoursFactory(palace=world.palace_a, weekday=MONDAY.weekday(), opens=time(9), closes=time(12))
    OpeningHoursFactory(palace=world.palace_a, weekday=MONDAY.weekday(), opens=time(14), closes=time(21))
    with frozen(local(MONDAY, 11, 59)):
        assert "closes at 12:00" in _page(client, world.palace_a)
    with frozen(local(MONDAY, 12)):
        assert "opens today at 14:00" in _page(client, world.palace_a)
    with frozen(local(MONDAY, 13, 59)):
        assert "opens today at 14:00" in _page(client, world.palace_a)
    with frozen(local(MONDAY, 14)):
        assert "closes at 21:00" in _page(client, world.palace_a)


def test_the_palace_page_is_rendered_again_after_midnight(world, client):
    OpeningHours.objects.filter(palace=world.palace_b).exclude(weekday=MONDAY.weekday() + 1).delete()
    with frozen(local(MONDAY, 23, 59)):
        assert "opens tomorrow at 09:00" in _page(client, world.palace_b)
    with frozen(local(MONDAY + timedelta(days=1), 0)):
        html = _page(client, world.palace_b)
        assert "opens today at 09:00" in html
        assert html.count('class="is-today"') == 1


@pytest.mark.parametrize("path", ["/palaces/{pk}/", "/api/v1/palaces/{pk}/"])
def test_an_id_that_names_no_palace_leaves_no_version_in_the_cache(client, world, path):
    # A version never expires: one made for every id someone types would fill the cache.
    for pk in (999999, 2**62, 10**30):
        assert client.get(path.format(pk=pk)).status_code == 404
        assert page_cache.palace_page_known_version(pk) is None
    assert client.get(path.format(pk=world.palace_a.pk)).status_code == 200
    assert page_cache.palace_page_known_version(world.palace_a.pk) is not None
