from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from palace_portal import ratelimit
from palace_portal.users.models import RateCounter

HOUR = 3600
START = 1_800_000_000.0  # the start of a window: a multiple of 3600


def test_hit_allows_up_to_the_limit_then_refuses():
    results = [ratelimit.hit("k", 3, HOUR, now=START + i) for i in range(5)]
    assert results == [True, True, True, False, False]


def test_hit_counts_keys_separately():
    assert ratelimit.hit("a", 1, HOUR, now=START)
    assert ratelimit.hit("b", 1, HOUR, now=START)
    assert not ratelimit.hit("a", 1, HOUR, now=START + 1)


def test_hit_weights_the_previous_window_so_a_burst_at_the_edge_is_not_doubled():
    for i in range(4):
        assert ratelimit.hit("edge", 4, HOUR, now=START + HOUR - 10 + i)
    # Just after the window turns, the previous four still count almost fully.
    assert not ratelimit.hit("edge", 4, HOUR, now=START + HOUR + 5)


def test_hit_forgets_old_events_once_the_window_has_slid_past():
    for i in range(4):
        ratelimit.hit("old", 4, HOUR, now=START + i)
    assert not ratelimit.hit("old", 4, HOUR, now=START + 10)
    # Two windows later nothing of the burst is left.
    assert ratelimit.hit("old", 4, HOUR, now=START + 2 * HOUR + 1)


def test_hit_keeps_counts_in_the_shared_cache_with_hashed_keys(monkeypatch):
    keys = []
    real_add = cache.add

    def spy_add(key, *args, **kwargs):
        keys.append(key)
        return real_add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", spy_add)
    assert ratelimit.hit("otp:phone:13812345678", 1, HOUR, now=START)
    assert not ratelimit.hit("otp:phone:13812345678", 1, HOUR, now=START)

    assert keys
    assert not any("13812345678" in key for key in keys)
    # The count lives in the cache, not the process: a cleared cache starts from zero.
    cache.clear()
    assert ratelimit.hit("otp:phone:13812345678", 1, HOUR, now=START)


def test_zero_limit_refuses_everything():
    assert not ratelimit.hit("z", 0, HOUR)


def test_client_ip_ignores_x_forwarded_for_by_default():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "203.0.113.5"


def test_client_ip_reads_x_forwarded_for_behind_trusted_proxies(settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    # The client may have sent 6.6.6.6 itself; the address our proxy saw is the last one.
    assert ratelimit.client_ip(request) == "203.0.113.5"


@pytest.mark.django_db
def test_hit_keeps_counting_in_the_database_when_the_cache_is_down(monkeypatch):
    # django-redis with IGNORE_EXCEPTIONS answers None to every call during an outage.
    monkeypatch.setattr(ratelimit.cache, "add", lambda *args, **kwargs: None)
    monkeypatch.setattr(ratelimit.cache, "incr", lambda *args, **kwargs: None)
    monkeypatch.setattr(ratelimit.cache, "get", lambda *args, **kwargs: None)
    assert [ratelimit.hit("down", 2, HOUR, now=START + i) for i in range(4)] == [True, True, False, False]
    assert RateCounter.objects.count() == 1
    # The previous window is read from the database too, so the edge is weighted as usual.
    assert not ratelimit.hit("down", 2, HOUR, now=START + HOUR + 1)


@pytest.mark.django_db
def test_database_counters_are_purged_once_their_window_has_passed(monkeypatch):
    monkeypatch.setattr(ratelimit.cache, "add", lambda *args, **kwargs: None)
    ratelimit.hit("old", 5, 60, now=START)
    assert ratelimit.purge_expired(now=datetime.fromtimestamp(START + 60, tz=UTC)) == 0
    assert ratelimit.purge_expired(now=datetime.fromtimestamp(START + 200, tz=UTC)) == 1
