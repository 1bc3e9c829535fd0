"""Reads of dashboards and exports on a read replica; everything else on the primary.

With `DATABASE_REPLICA_URL` set, settings define a second alias, `replica` (a PostgreSQL streaming
replica of `default`). Nothing goes there by default: a view or a block of code asks for it with
`use_replica()` (a context manager and a decorator), and `ReplicaRouter` then sends the reads of
that block to the replica. Writes always go to the primary, and so does every read made inside a
transaction on the primary (`in_atomic_block`): every service runs in one, so a booking's row locks,
overlap checks and counters are never read from a copy. `select_for_update()` querysets count as
writes in Django and go to the primary anyway.

The wish lives in a `ContextVar`, not in module state: each thread (and each asyncio task) of a
web process has its own, and leaving the block restores what was there (`use_replica(False)`
nested in a replica block reads from the primary).

Replication lag, read-your-writes: a replica replays the primary's write-ahead log a little later
(milliseconds on a LAN, more under a write burst or a long query on the replica). Two rules keep
that from showing:
- a person who just wrote reads from the primary until the replica has replayed that write:
  `ReplicaPinMiddleware` puts the primary's WAL position (LSN) after each successful unsafe
  request in a cookie, and `use_replica()` in a view (`replica_reads`) compares it with the
  replica's replay position (one `SELECT` on the replica) and stays on the primary if the replica
  is behind. This is the technique of GitLab's database load balancer ("sticky" by LSN), not a
  timer: it waits exactly as long as the lag.
- callers that cache what they read (the dashboards, keyed by the ledger data version) pass the
  LSN of the write that changed the version (`min_lsn`), so nothing older is cached under it.
A replica that does not answer is treated like one that is behind: reads go to the primary. It is
then not asked again for `REPLICA_BREAKER_SECONDS` (5 s) in this process (`palace_portal.breaker`):
a replica whose host vanished costs one connect timeout per process and period, not one per
request. A position that is not an LSN (a tampered cookie) reads from the primary without asking
the replica, and never counts against it.

Without `DATABASE_REPLICA_URL` there is only `default`, `use_replica()` does nothing, and no
query is added anywhere.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable
from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

from .breaker import CircuitBreaker

REPLICA = "replica"
PRIMARY = "default"
# The cookie carrying the primary's WAL position after the person's last write.
PIN_COOKIE = "portal_wal"
# Sessions and sign-in failures are read where they were just written, whatever the block says.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes"})

logger = logging.getLogger(__name__)

# A WAL position as pg_current_wal_lsn()::text writes it.
LSN = re.compile(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}")
# What the process knows of the replica's health: "it did not answer a moment ago" (never state
# that must hold across processes; each process learns it for itself).
replica_breaker = CircuitBreaker(REPLICA, kind="read replica", setting="REPLICA_BREAKER_SECONDS")

_reads_on_replica: ContextVar[bool] = ContextVar("reads_on_replica", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _pg(alias: str) -> bool:
    return connections[alias].vendor == "postgresql"


def primary_lsn() -> str | None:
    """The primary's current WAL position, or None without a (PostgreSQL) replica. One query."""
    if not replica_configured() or not _pg(PRIMARY):
        return None
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def replica_has_replayed(lsn: str | None) -> bool:
    """True if the replica answers and has replayed the primary's log up to `lsn` (None: only that
    it answers and is in recovery). False if it does not answer, was marked down a moment ago, or
    `lsn` is not a WAL position. One small query on the replica (none in the last two cases)."""
    if not _pg(REPLICA):
        return True
    if lsn and not LSN.fullmatch(lsn):
        return False
    if not replica_breaker.allow():
        return False
    try:
        with connections[REPLICA].cursor() as cursor:
            # pg_last_wal_replay_lsn() is NULL on a primary: a "replica" that is not one is never
            # considered caught up (misconfiguration reads from the primary rather than failing).
            if lsn:
                cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false)", [lsn])
            else:
                cursor.execute("SELECT pg_is_in_recovery()")
            caught_up = bool(cursor.fetchone()[0])
    except (OperationalError, InterfaceError) as error:
        logger.warning("read replica unavailable (%s); reading from the primary", type(error).__name__)
        connections[REPLICA].close()
        replica_breaker.failure()
        return False
    except DatabaseError as error:
        logger.warning("read replica refused a position (%s); reading the primary", type(error).__name__)
        connections[REPLICA].close()
        return False
    replica_breaker.success()
    return caught_up


class use_replica(ContextDecorator):
    """Send the reads of this block to the replica, when one is configured and has replayed
    `min_lsn` (if given). `use_replica(False)` sends them back to the primary inside a replica block.

    Used as a decorator it decides afresh on each call (ContextDecorator recreates nothing, so the
    state is kept on a stack of tokens).
    """

    def __init__(self, enabled: bool = True, *, min_lsn: str | None = None) -> None:
        self.enabled = enabled
        self.min_lsn = min_lsn
        self._tokens: list = []

    def _recreate_cm(self):
        # A fresh instance per decorated call: one instance shared by threads must not share tokens.
        return type(self)(self.enabled, min_lsn=self.min_lsn)

    def __enter__(self) -> bool:
        wanted = self.enabled and replica_configured() and replica_has_replayed(self.min_lsn)
        self._tokens.append(_reads_on_replica.set(wanted))
        return wanted

    def __exit__(self, *exc) -> None:
        _reads_on_replica.reset(self._tokens.pop())


def reading_from_replica() -> bool:
    """True inside a `use_replica()` block that chose the replica."""
    return _reads_on_replica.get()


def replica_reads(view: Callable) -> Callable:
    """View decorator: the view's reads go to the replica, unless the person's last write (the pin
    cookie) has not reached it yet. For pages that only read: dashboards, reports, exports."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        # Who is asking is read from the primary: a session or a sign-in a moment old must count.
        user = getattr(request, "user", None)
        if user is not None:
            user.is_authenticated  # noqa: B018 - evaluates the lazy user now, outside the block
        with use_replica(min_lsn=request.COOKIES.get(PIN_COOKIE) if replica_configured() else None):
            return view(request, *args, **kwargs)

    return wrapped


class ReplicaRouter:
    """Django database router (settings.DATABASE_ROUTERS) for the `default` + `replica` pair."""

    def db_for_read(self, model, **hints):
        if (
            _reads_on_replica.get()
            and model._meta.app_label not in PRIMARY_ONLY_APPS
            and not connections[PRIMARY].in_atomic_block
        ):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same data: objects read from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # A streaming replica is read-only and receives the schema from the primary's log.
        return db == PRIMARY


class ReplicaPinMiddleware:
    """After a successful unsafe request (POST, PUT, PATCH, DELETE), remember the primary's WAL
    position in a cookie, so the person's next reads on `replica_reads` pages wait for it.
    Does nothing (no query, no cookie) without a replica."""

    max_age = 300  # seconds: longer than any lag worth reading from a replica through

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            replica_configured()
            and request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and response.status_code < 400
        ):
            try:
                lsn = primary_lsn()
            except DatabaseError:
                lsn = None
            if lsn:
                response.set_cookie(
                    PIN_COOKIE,
                    lsn,
                    max_age=self.max_age,
                    httponly=True,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                )
        return response
