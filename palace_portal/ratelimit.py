"""A small rate limiter in the shared cache, for limits that must hold across processes.

`hit("otp:phone:138...", limit=5, period=3600)` counts one event and says whether it is within
the limit. Counts live in Django's cache (Redis in production), incremented atomically with
`cache.add` + `cache.incr`, so every web process and worker sees the same numbers; module-level
state would give each process its own allowance.

The window slides: the count of the previous fixed window is weighted by how much of it still
overlaps the last `period` seconds, so a burst at a window's edge cannot double the allowance.

Keys are hashed before they reach the cache: callers may put phone numbers or addresses in them,
and those must not show up in a cache dump.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _cache_key(key: str, window: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{digest}:{window}"


def _increment(cache_key: str, period: int) -> int | None:
    """Add one to the counter, creating it if needed. None if the cache is unavailable."""
    # Counters outlive their window by one period: the next window still reads them.
    timeout = 2 * period + 1
    if cache.add(cache_key, 1, timeout=timeout):
        return 1
    try:
        return cache.incr(cache_key)
    except ValueError:
        # Expired between add() and incr(): start again.
        if cache.add(cache_key, 1, timeout=timeout):
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:
            return None


def hit(key: str, limit: int, period: int, *, now: float | None = None) -> bool:
    """Count one event for `key`; True if it is within `limit` events per `period` seconds.

    Every call counts, refused or not, so hammering a limit keeps it closed. If the cache does
    not answer (an outage with IGNORE_EXCEPTIONS on), the limiter lets the event through: a
    cache failure must degrade protection, not lock everybody out.
    """
    if limit <= 0:
        return False
    now = time.time() if now is None else now
    window = int(now // period)
    current = _increment(_cache_key(key, window), period)
    if current is None:
        return True
    previous = cache.get(_cache_key(key, window - 1)) or 0
    elapsed = (now % period) / period
    estimated = previous * (1 - elapsed) + current
    return estimated <= limit


def is_limited(key: str, limit: int, period: int, *, now: float | None = None) -> bool:
    """The opposite of `hit`, for readable call sites: `if is_limited(...): raise RateLimited()`."""
    return not hit(key, limit, period, now=now)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless the deployment says how many proxies it trusts.

    X-Forwarded-For is written by the client as much as by proxies, so it is only read when
    `PORTAL_TRUSTED_PROXY_COUNT` (number of reverse proxies in front of the app) is set; then the
    address the outermost trusted proxy saw is used.
    """
    proxies = int(getattr(settings, "PORTAL_TRUSTED_PROXY_COUNT", 0) or 0)
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if proxies > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return remote
