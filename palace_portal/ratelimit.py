"""A small rate limiter in the shared cache, for limits that must hold across processes.

`hit("otp:phone:138...", limit=5, period=3600)` counts one event and says whether it is within
the limit. Counts live in Django's cache (Redis in production), incremented atomically with
`cache.add` + `cache.incr`, so every web process and worker sees the same numbers; module-level
state would give each process its own allowance.

The window slides: the count of the previous fixed window is weighted by how much of it still
overlaps the last `period` seconds, so a burst at a window's edge cannot double the allowance.

Keys are hashed before they reach the cache: callers may put phone numbers or addresses in them,
and those must not show up in a cache dump.

When the cache does not answer (a Redis outage: django-redis with IGNORE_EXCEPTIONS answers None),
the counts move to the database (`users.RateCounter`, atomic `UPDATE … count + 1`): slower, but a
limit that guards accounts or money holds instead of failing open.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest


def _cache_key(key: str, window: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{digest}:{window}"


def _increment(cache_key: str, timeout: int) -> int | None:
    """Add one to the counter in the cache, creating it if needed. None if the cache is unavailable."""
    for _attempt in range(2):
        added = cache.add(cache_key, 1, timeout=timeout)
        if added is None:  # django-redis answering for a Redis that does not
            return None
        if added:
            return 1
        try:
            return cache.incr(cache_key)
        except ValueError:
            continue  # expired between add() and incr(): start again
    return None


def _db_increment(cache_key: str, timeout: int, *, now: float) -> int:
    """The same counter in the database, for a cache outage. Atomic under concurrent callers."""
    from palace_portal.users.models import RateCounter

    with transaction.atomic():
        if not RateCounter.objects.filter(key=cache_key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    expires = datetime.fromtimestamp(now, tz=UTC) + timedelta(seconds=timeout)
                    RateCounter.objects.create(key=cache_key, count=1, expires_at=expires)
                return 1
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(key=cache_key).update(count=F("count") + 1)
        return RateCounter.objects.get(key=cache_key).count


def _db_count(cache_key: str) -> int:
    from palace_portal.users.models import RateCounter

    return RateCounter.objects.filter(key=cache_key).values_list("count", flat=True).first() or 0


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete database counters whose window has passed (the hourly purge task calls this)."""
    from palace_portal.users.models import RateCounter

    deleted, _by_model = RateCounter.objects.filter(expires_at__lt=now or datetime.now(tz=UTC)).delete()
    return deleted


def hit(key: str, limit: int, period: int, *, now: float | None = None) -> bool:
    """Count one event for `key`; True if it is within `limit` events per `period` seconds.

    Every call counts, refused or not, so hammering a limit keeps it closed. If the cache does
    not answer (an outage with IGNORE_EXCEPTIONS on), the count is kept in the database instead:
    the limit holds, at the cost of a few queries while the outage lasts.
    """
    if limit <= 0:
        return False
    now = time.time() if now is None else now
    window = int(now // period)
    # Counters outlive their window by one period: the next window still reads them.
    timeout = 2 * period + 1
    current_key, previous_key = _cache_key(key, window), _cache_key(key, window - 1)
    current = _increment(current_key, timeout)
    if current is None:
        current = _db_increment(current_key, timeout, now=now)
        previous = _db_count(previous_key)
    else:
        previous = cache.get(previous_key) or 0
    elapsed = (now % period) / period
    estimated = previous * (1 - elapsed) + current
    return estimated <= limit


def claim(key: str, timeout: int, *, now: float | None = None) -> bool:
    """True for the first caller in `timeout` seconds for `key` (e.g. one SMS per number a minute),
    False for the others. Atomic across processes; kept in the database while the cache is down."""
    now = time.time() if now is None else now
    cache_key = "claim:" + _cache_key(key, 0)
    added = cache.add(cache_key, 1, timeout=timeout)
    if added is not None:
        return bool(added)
    from palace_portal.users.models import RateCounter

    expires = datetime.fromtimestamp(now, tz=UTC) + timedelta(seconds=timeout)
    current = datetime.fromtimestamp(now, tz=UTC)
    with transaction.atomic():
        # An expired claim is taken over by exactly one caller (conditional update).
        if RateCounter.objects.filter(key=cache_key, expires_at__lt=current).update(
            count=1, expires_at=expires
        ):
            return True
        try:
            with transaction.atomic():
                RateCounter.objects.create(key=cache_key, count=1, expires_at=expires)
        except IntegrityError:
            return False
        return True


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
