"""Refresh-ahead of the dashboards (performance.dashboards.warming): after a ledger write the
province's and the cities' dashboards are computed into the cache by a task, one per burst of
writes, so the next officer reads a cached page, the same page as one computed afresh."""

import re
import time

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palace_portal.breaker import redis_breaker
from performance import tasks
from performance.dashboards import recent, selectors, warming
from performance.ledgers import data_version
from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

pytestmark = pytest.mark.django_db
DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
BROKER = "redis://127.0.0.1:6379/14"


def _month():
    return selectors.default_period().first  # the period the dashboards open on


def _page(client, url) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    # The CSP nonce and the masked CSRF token differ from one response to the next; nothing else may.
    page = re.sub(r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    return page, len(captured)


@pytest.fixture
def pages(world):
    figures(world.palace_a, _month(), activities=12, person_times=3456)
    figures(world.palace_b, _month(), activities=3, person_times=789)
    for n in range(12):  # enough palaces for the ranking's leaders and laggards
        extra = PalaceFactory(name=f"第{n}分宫", region=world.city1, status=Palace.Status.IN_SERVICE)
        figures(extra, _month(), activities=n, person_times=100 * n)
    return [
        reverse("performance:dashboard_province"),
        reverse("performance:dashboard_city", args=[world.city1.pk]),
        reverse("performance:dashboard_city", args=[world.city2.pk]),
    ]


@pytest.fixture
def queued(monkeypatch, settings):
    """A real (Redis) broker as in production: the refreshes queued, with their countdown."""
    settings.CELERY_BROKER_URL = BROKER
    redis_breaker(BROKER).reset()
    calls: list[dict] = []
    monkeypatch.setattr(warming, "_tasks_are_eager", lambda: False)
    monkeypatch.setattr(tasks.dashboards_warm, "apply_async", lambda **kwargs: calls.append(kwargs))
    warming.cache.delete(warming.PENDING_KEY)
    yield calls
    redis_breaker(BROKER).reset()


def _from_cache(counts: list[int], warm: list[int], urls: list[str]) -> bool:
    """Each page read its dashboard from the cache: the warm view's queries, and for a city's page
    whose view is not kept yet (the first reader after a write) one more, the city itself."""
    return all(
        count == expected + (1 if "/city/" in url else 0) or count == expected
        for count, expected, url in zip(counts, warm, urls, strict=True)
    )


def test_after_a_write_the_refresh_serves_the_next_officer_from_the_cache(client, world, pages):
    client.force_login(world.province_officer)
    warm_queries = []
    for url in pages:
        _page(client, url)
        warm_queries.append(_page(client, url)[1])
    figures(world.palace_a, _month(), activities=12, person_times=5000)  # a ledger write
    data_version._bump()  # its commit

    _, computed_queries = _page(client, pages[0])  # no refresh yet: the officer computes the page
    figures(world.palace_a, _month(), activities=12, person_times=6000)
    data_version._bump()
    result = warming.warm()
    after_refresh = [_page(client, url) for url in pages]

    assert computed_queries > warm_queries[0]
    assert _from_cache([queries for _html, queries in after_refresh], warm_queries, pages)
    assert "6,000" in after_refresh[0][0]  # with the new figure
    assert result["cities"] == 2


def test_the_refreshed_pages_are_the_pages_computed_afresh(client, world, pages):
    client.force_login(world.province_officer)
    with override_settings(CACHES=DUMMY_CACHE):
        fresh = [_page(client, url)[0] for url in pages]
    data_version._bump()
    warming.warm()

    assert [_page(client, url)[0] for url in pages] == fresh


def test_a_burst_of_writes_queues_one_refresh_and_a_write_after_it_started_the_next(queued):
    for _ in range(3):
        data_version._bump()
    assert queued == [{"countdown": warming.DELAY}]

    warming.cache.delete(warming.PENDING_KEY)  # what the task does first
    data_version._bump()
    assert len(queued) == 2


def test_a_network_write_queues_a_refresh_too(queued):
    data_version._bump_both()  # a palace, a membership, an evaluation…
    assert len(queued) == 1


def test_nothing_is_queued_when_tasks_run_eagerly(monkeypatch, settings):
    # A laptop or the tests: the writer would wait for the refresh.
    calls = []
    monkeypatch.setattr(tasks.dashboards_warm, "apply_async", lambda **kwargs: calls.append(kwargs))
    assert warming._tasks_are_eager()
    data_version._bump()
    assert calls == []


def test_a_broker_down_costs_the_writer_nothing_and_is_not_asked_again_at_once(queued, monkeypatch, caplog):
    def refuse(**kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.dashboards_warm, "apply_async", refuse)
    data_version._bump()  # does not raise

    assert "could not queue the refresh (ConnectionError)" in caplog.text
    assert warming.cache.get(warming.PENDING_KEY) is None  # the next write may try again…
    assert redis_breaker(BROKER).is_open  # …once the broker's breaker lets it
    assert warming.warm_soon() is False


def test_a_failing_receiver_does_not_fail_the_writer(caplog):
    def broken(**kwargs):
        raise RuntimeError("boom")

    data_version.data_changed.connect(broken, dispatch_uid="test-broken")
    try:
        data_version._bump()
    finally:
        data_version.data_changed.disconnect(dispatch_uid="test-broken")
    assert "failed (RuntimeError)" in caplog.text


# --- Served stale while the refresh is pending ---------------------------------------------------


def _stale_note(page: str) -> bool:
    return 'class="message pd-stale"' in page


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    with override_settings(LANGUAGE_CODE="en"):
        yield


def test_while_the_refresh_is_pending_a_reader_is_served_the_last_dashboard_marked_stale(
    client, world, pages, queued, english
):
    client.force_login(world.province_officer)
    before = [_page(client, url) for url in pages]  # computed, and kept as the latest
    warm_queries = [_page(client, url)[1] for url in pages]
    figures(world.palace_a, _month(), activities=12, person_times=5000)
    data_version._bump()  # the write's commit: the refresh is queued and marked pending

    during = [_page(client, url) for url in pages]
    warming.warm()  # the worker, DELAY seconds later
    after = [_page(client, url) for url in pages]

    assert len(queued) == 1
    assert _from_cache([queries for _html, queries in during], warm_queries, pages)  # none computed
    assert all(_stale_note(html) for html, _q in during)
    assert "3,456" in during[0][0]
    assert "5,000" not in during[0][0]
    assert not any(_stale_note(html) for html, _q in before + after)
    assert "5,000" in after[0][0]


def test_without_a_pending_refresh_the_reader_computes_the_new_figures(client, world, pages, english):
    # Tasks run eagerly (a laptop, the tests): no refresh is queued, so nothing may be served stale.
    client.force_login(world.province_officer)
    _page(client, pages[0])
    figures(world.palace_a, _month(), activities=12, person_times=5000)
    data_version._bump()

    html, _queries = _page(client, pages[0])

    assert "5,000" in html
    assert not _stale_note(html)


def test_a_lost_refresh_stops_serving_stale_when_its_mark_expires(client, world, pages, queued, english):
    client.force_login(world.province_officer)
    _page(client, pages[0])
    figures(world.palace_a, _month(), activities=12, person_times=5000)
    data_version._bump()
    warming.cache.delete(warming.PENDING_KEY)  # the mark's timeout passed: the worker was lost

    html, _queries = _page(client, pages[0])

    assert "5,000" in html
    assert not _stale_note(html)


def test_another_period_or_language_is_stale_until_the_refresh_starts_then_computed(
    client, world, pages, queued, english
):
    # The refresh does not compute them, but the mark it clears when it starts bounds their
    # staleness just the same: from then on their reader computes them.
    client.force_login(world.province_officer)
    last_year = _month().replace(year=_month().year - 1)
    other_year = f"{pages[0]}?year={last_year.year}"
    _page(client, other_year)
    client.cookies["django_language"] = "zh-hans"
    _page(client, pages[1])
    figures(world.palace_a, last_year, activities=1, person_times=4321)
    figures(world.palace_a, _month(), activities=12, person_times=5000)
    data_version._bump()

    zh_during, _q = _page(client, pages[1])
    client.cookies["django_language"] = "en"
    year_during, _q = _page(client, other_year)
    warming.warm()
    year_after, _q = _page(client, other_year)
    client.cookies["django_language"] = "zh-hans"
    zh_after, _q = _page(client, pages[1])

    assert _stale_note(zh_during)
    assert _stale_note(year_during)
    assert "4,321" not in year_during
    assert not _stale_note(year_after)
    assert "4,321" in year_after
    assert not _stale_note(zh_after)
    assert "5,000" in zh_after


def test_the_refresh_computes_even_when_a_write_marks_the_next_one_pending(
    client, world, pages, queued, english, monkeypatch
):
    client.force_login(world.province_officer)
    for url in pages:
        _page(client, url)
    figures(world.palace_a, _month(), activities=12, person_times=5000)
    data_version._bump()
    found = warming.cities()

    def cities_during_a_write():
        figures(world.palace_a, _month(), activities=12, person_times=7000)
        data_version._bump()  # a write while the refresh runs: the next refresh is pending
        return found

    monkeypatch.setattr(warming, "cities", cities_during_a_write)
    warming.warm()
    city_html, _q = _page(client, pages[1])

    assert len(queued) == 2
    assert "7,000" in city_html
    assert not _stale_note(city_html)


# --- What readers computed lately is refreshed too -------------------------------------------------


def test_a_dashboard_a_reader_computed_is_refreshed_after_the_next_writes(client, world, pages, english):
    client.force_login(world.province_officer)
    last_year = _month().replace(year=_month().year - 1)
    other_year = f"{pages[1]}?year={last_year.year}"
    _page(client, other_year)  # computed by its reader: remembered
    warm_queries = _page(client, other_year)[1]
    figures(world.palace_a, last_year, activities=1, person_times=4321)
    data_version._bump()

    result = warming.warm()
    html, queries = _page(client, other_year)

    assert _from_cache([queries], [warm_queries], [other_year])  # the refresh computed it
    assert "4,321" in html
    assert result["dashboards"] == 1 + result["cities"] + 1


def test_the_refresh_forgets_what_nobody_computed_for_an_hour(client, world, pages, english, monkeypatch):
    client.force_login(world.province_officer)
    _page(client, f"{pages[0]}?year={_month().year - 1}")
    assert len(recent.reads()) == 1
    later = time.time() + recent.KEPT_FOR + 1
    monkeypatch.setattr(recent.time, "time", lambda: later)

    result = warming.warm()

    assert recent.reads() == []
    assert result["dashboards"] == 1 + result["cities"]


def test_the_refresh_remembers_at_most_the_latest_few(english, monkeypatch):
    period = selectors.default_period()
    clock = iter(range(1_000_000, 1_000_100))
    monkeypatch.setattr(recent.time, "time", lambda: next(clock))
    for n in range(recent.LIMIT + 5):
        recent.remember(None, period.shifted(n - 40))

    kept = recent.reads()

    assert len(kept) == recent.LIMIT
    assert kept[0].period == period.shifted(recent.LIMIT + 4 - 40)  # the newest first


def test_the_refreshs_own_computations_are_not_remembered(world, pages, english):
    warming.warm()
    assert recent.reads() == []
