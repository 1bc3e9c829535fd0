"""The home page's cached figures (venues/home_cache.py): served from the cache, and fresh on the
next request after a palace, a region or a venue is written. The "coming up" block's own tests
are in tests/activities/test_upcoming.py."""

from __future__ import annotations

from unittest import mock

from django.urls import reverse

from tests.factories import PalaceFactory, VenueFactory
from tests.venues.home_page import figures
from venues import home_cache
from venues.models import Palace


def _home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_the_figures_come_from_the_cache_once_computed(world, client, django_assert_max_num_queries):
    first = _home(client)
    with django_assert_max_num_queries(0):  # every block of the page from the cache
        again = _home(client)
    assert figures(again) == figures(first)
    assert figures(again)["venues_open"] == 2
    html = again.content.decode()
    assert html.index("南昌市") < html.index("九江市")


def test_a_venue_added_or_closed_shows_on_the_next_request(world, client):
    assert figures(_home(client))["venues_open"] == 2
    added = VenueFactory(palace=world.palace_b, kind="swimming_pool")
    assert figures(_home(client))["venues_open"] == 3
    added.is_active = False
    added.save()
    assert figures(_home(client))["venues_open"] == 2
    added.delete()
    world.venue_a.delete()
    assert figures(_home(client))["venues_open"] == 1


def test_a_palace_opened_or_closed_shows_on_the_next_request(world, client):
    assert figures(_home(client))["palaces_in_service"] == 2
    PalaceFactory(region=world.county1, status=Palace.Status.IN_SERVICE)
    assert figures(_home(client))["palaces_in_service"] == 3
    world.palace_b.status = Palace.Status.CLOSED
    world.palace_b.save()
    shown = figures(_home(client))
    assert shown["palaces_in_service"] == 2
    assert shown["venues_open"] == 1  # the closed palace's venue is not open to book
    assert shown["cities_covered"] == 1


def test_a_city_renamed_shows_on_the_next_request(world, client):
    assert "九江市" in _home(client).content.decode()
    world.city2.name = "浔阳市"
    world.city2.save()
    html = _home(client).content.decode()
    assert "浔阳市" in html
    assert "九江市" not in html


def test_without_a_cache_the_figures_come_from_the_database(world, client):
    cache = home_cache.cache
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "add", return_value=False),
        mock.patch.object(cache, "set"),
    ):
        assert home_cache.home_page_version() != home_cache.home_page_version()
        assert figures(_home(client))["venues_open"] == 2
        VenueFactory(palace=world.palace_b, kind="swimming_pool")
        assert figures(_home(client))["venues_open"] == 3


def test_the_directory_s_unfiltered_form_is_cached_until_a_city_is_written(
    world, client, django_assert_max_num_queries
):
    url = reverse("venues:palace_list")
    client.get(url)
    with django_assert_max_num_queries(4):  # count, page, hours, closures: no cities for the form
        assert '<option value="360400">九江市</option>' in client.get(url).content.decode()
    world.city2.name = "浔阳市"
    world.city2.save()
    html = client.get(url + "?page=1").content.decode()
    assert '<option value="360400">浔阳市</option>' in html
    # A filtered form is rendered for its request (its chosen values, its errors).
    assert 'value="360400" selected' in client.get(url, {"city": "360400"}).content.decode()
    assert "has-error" in client.get(url, {"city": "999999"}).content.decode()


def test_an_anonymous_visitor_s_page_is_kept_whole(world, client):
    first = _home(client)
    assert "venues/_home_content.html" in [t.name for t in first.templates]
    again = _home(client)
    assert "venues/_home_content.html" not in [t.name for t in again.templates]
    assert figures(again) == figures(first)
    # Signed in, the content is the visitor's own ("coming up" puts their palace first): rendered.
    client.force_login(world.worker)
    assert "venues/_home_content.html" in [t.name for t in _home(client).templates]
