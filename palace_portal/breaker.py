"""A circuit breaker for Redis: after a failure, skip it for a few seconds instead of waiting again.

Redis holds the cache and carries Celery's messages; neither may make a request wait. A Redis that
refuses connections costs nothing (the refusal is immediate), but one that hangs (a stopped
process, a dead host whose packets vanish) costs a full socket timeout per call. So the first call
that fails marks that Redis down in this process for `REDIS_BREAKER_SECONDS` (5 s): every cache
call and every publish in the meantime fails at once, as if Redis had refused. When the time is
up, one caller (one thread) probes it with a real call while the others still skip it; the probe's
success closes the breaker, its failure opens it for another period.

The breaker's state lives in the process: it is only a cache of the fact "this Redis did not
answer a moment ago", never the store of anything that must hold (rate limits, sessions): those
fall back to the database while Redis is skipped (`palace_portal.ratelimit`).

Used by:
- the cache: `BreakerConnection` is the connection class of django-redis' pool (settings CACHES);
- Celery publishes: `bookings.outbox.outbox_enqueue` asks `redis_breaker(broker URL)` first.
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

import redis

logger = logging.getLogger(__name__)

# How long a Redis is skipped after a failure (seconds); settings may change it (REDIS_BREAKER_SECONDS).
DEFAULT_OPEN_FOR = 5.0


class CircuitBreaker:
    """Closed (calls go through), open (calls are refused at once), or probing (one thread tries)."""

    def __init__(self, name: str, *, open_for: float | None = None) -> None:
        self.name = name
        self._open_for = open_for
        self._open_until = 0.0  # 0: closed
        self._prober: int | None = None
        self._lock = threading.Lock()

    @property
    def open_for(self) -> float:
        if self._open_for is not None:
            return self._open_for
        from django.conf import settings

        return float(getattr(settings, "REDIS_BREAKER_SECONDS", DEFAULT_OPEN_FOR))

    @property
    def is_open(self) -> bool:
        return self._open_until != 0.0

    def allow(self) -> bool:
        """May this thread call Redis now? False while it is marked down (except for the prober)."""
        open_until = self._open_until
        if open_until == 0.0:
            return True
        me = threading.get_ident()
        if time.monotonic() < open_until:
            return self._prober == me
        with self._lock:
            if self._open_until == open_until:  # nobody claimed this probe yet: this thread does
                self._open_until = time.monotonic() + self.open_for
                self._prober = me
                return True
        return self._prober == me

    def success(self) -> None:
        if self._open_until != 0.0:
            with self._lock:
                self._open_until = 0.0
                self._prober = None
            logger.warning("redis %s answers again", self.name)

    def failure(self) -> None:
        with self._lock:
            was_open = self._open_until != 0.0
            self._open_until = time.monotonic() + self.open_for
            self._prober = None
        if not was_open:
            logger.warning("redis %s does not answer: skipped for %.0f s", self.name, self.open_for)

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
            self._prober = None


_breakers: dict[str, CircuitBreaker] = {}
_registry_lock = threading.Lock()


def _address(host: str | None, port: int | str | None) -> str:
    return f"{host or 'localhost'}:{port or 6379}"


def breaker_for_address(host: str | None, port: int | str | None) -> CircuitBreaker:
    """The breaker of the Redis server at host:port (one per server: the cache and the broker may
    share a server, and then they share what is known about it)."""
    key = _address(host, port)
    breaker = _breakers.get(key)
    if breaker is None:
        with _registry_lock:
            breaker = _breakers.setdefault(key, CircuitBreaker(key))
    return breaker


def redis_breaker(url: str) -> CircuitBreaker:
    """The breaker of the Redis server a `redis://` URL names."""
    parts = urlsplit(url)
    return breaker_for_address(parts.hostname, parts.port)


def reset_all() -> None:
    """Close every breaker (tests, and a process that knows Redis is back)."""
    for breaker in list(_breakers.values()):
        breaker.reset()


_FAILURES = (redis.ConnectionError, redis.TimeoutError)


class RedisMarkedDown(redis.ConnectionError):
    """Refused without trying: the breaker says this Redis did not answer a moment ago."""


class BreakerConnection(redis.Connection):
    """redis-py's connection, refusing at once while its server is marked down, and marking it down
    on a connection failure or a timeout (django-redis' pool uses it: settings CACHES)."""

    def _breaker(self) -> CircuitBreaker:
        breaker = self.__dict__.get("_circuit_breaker")
        if breaker is None:
            breaker = self._circuit_breaker = breaker_for_address(self.host, self.port)
        return breaker

    def send_packed_command(self, command, check_health=True):
        breaker = self._breaker()
        if not breaker.allow():
            raise RedisMarkedDown(f"redis {breaker.name} is marked down")
        try:
            return super().send_packed_command(command, check_health=check_health)
        except _FAILURES:
            breaker.failure()
            raise

    def read_response(self, *args, **kwargs):
        breaker = self._breaker()
        try:
            response = super().read_response(*args, **kwargs)
        except _FAILURES:
            breaker.failure()
            raise
        breaker.success()
        return response
