"""`venues.cache_versions.timed_value`: a kept value is kept no longer than it says, and a value
built from other kept values no longer than the first of them."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache

from tests.venues.clock import MONDAY, frozen, local
from venues.cache_versions import timed_value

NOON = local(MONDAY, 12)


def _kept_until(key):
    found = cache.get(key)
    return None if found is None else found[0]


def test_a_value_is_kept_until_it_says_and_no_longer_than_the_ttl(db):
    with frozen(NOON):
        assert timed_value("t:a", lambda now: ("a", now + timedelta(seconds=60)), ttl=300) == "a"
        assert timed_value("t:b", lambda now: ("b", None), ttl=300) == "b"
        assert timed_value("t:c", lambda now: ("c", now), ttl=300) == "c"
    assert _kept_until("t:a") == NOON + timedelta(seconds=60)
    assert _kept_until("t:b") == NOON + timedelta(seconds=300)
    assert _kept_until("t:c") is None  # true only now: not kept


def test_a_value_built_from_kept_values_lasts_no_longer_than_the_first_of_them(db):
    def inner(seconds):
        return lambda now: (f"inner{seconds}", now + timedelta(seconds=seconds))

    def outer(now):
        parts = [timed_value("t:in60", inner(60), ttl=300), timed_value("t:in200", inner(200), ttl=300)]
        return "+".join(parts), None

    with frozen(NOON):
        assert timed_value("t:out", outer, ttl=300) == "inner60+inner200"
    assert _kept_until("t:out") == NOON + timedelta(seconds=60)

    # Built again later with the inner values read from the cache: their moments count the same.
    cache.delete("t:out")
    later = NOON + timedelta(seconds=30)
    with frozen(later):
        assert timed_value("t:out", outer, ttl=300) == "inner60+inner200"
    assert _kept_until("t:out") == NOON + timedelta(seconds=60)
    # The inner values' moments are not reported past the value they were read for.
    with frozen(later):
        assert timed_value("t:other", lambda now: ("x", None), ttl=300) == "x"
    assert _kept_until("t:other") == later + timedelta(seconds=300)


def test_a_value_built_from_one_not_kept_is_not_kept_either(db):
    def outer(now):
        return timed_value("t:now", lambda at: ("live", at), ttl=300) + "!", None

    with frozen(NOON):
        assert timed_value("t:out2", outer, ttl=300) == "live!"
    assert _kept_until("t:out2") is None
