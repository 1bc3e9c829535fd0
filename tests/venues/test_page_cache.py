"""The palace page's cached sections (venues/page_cache.py): fresh after every write they show,
the same for every visitor, per language, and rendered from the database when the cache is gone."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse
from django.utils import timezone

from activities.voice.services.wishes import wish_vote
from alliance.services.membership import membership_join
from tests.activities.voice_support import wish
from tests.factories import SatellitePointFactory, UserFactory
from venues import page_cache


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
