"""The shared cache: Redis through django-redis, seen alike by every process."""

from django.core.cache import cache, caches

# The rate limiter's counters at a fixed moment early in a window, so the test never straddles one.
_NOW = 3600 * 500_000 + 60.0

_INCR = """
import sys
from django.core.cache import cache, caches
for _ in range(int(sys.argv[2])):
    cache.incr(sys.argv[1])
"""

_HIT = f"""
import sys
from palace_portal.ratelimit import hit
print(sum(hit(sys.argv[1], limit=10, period=3600, now={_NOW}) for _ in range(int(sys.argv[2]))))
"""


def _run_together(django_process, code, *args_per_process):
    processes = [django_process(code, *args, wait=False) for args in args_per_process]
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        outputs.append(out)
    return outputs


def test_cache_is_redis_and_round_trips_values(redis_cache):
    assert caches["default"].__class__.__module__.startswith("django_redis")
    cache.set("integration:round-trip", {"palace": "南昌市工人文化宫", "count": 3}, timeout=30)
    assert cache.get("integration:round-trip") == {"palace": "南昌市工人文化宫", "count": 3}
    assert 0 < cache.ttl("integration:round-trip") <= 30
    cache.delete("integration:round-trip")
    assert cache.get("integration:round-trip") is None


def test_cache_increments_are_atomic_across_processes(redis_cache, django_process):
    cache.set("integration:counter", 0, timeout=60)
    _run_together(django_process, _INCR, ("integration:counter", "50"), ("integration:counter", "50"))
    assert cache.get("integration:counter") == 100


def test_rate_limit_holds_across_processes(redis_cache, django_process):
    # Two processes spend one allowance of 10: together they get 10 events through, not 10 each.
    outputs = _run_together(django_process, _HIT, ("integration:limit", "7"), ("integration:limit", "7"))
    assert sum(int(out) for out in outputs) == 10

    from palace_portal.ratelimit import hit

    assert hit("integration:limit", limit=10, period=3600, now=_NOW) is False
    assert hit("integration:other-key", limit=10, period=3600, now=_NOW) is True
