"""The ledger data version: one token in the shared cache that changes whenever something the
dashboards show changes, so that cached dashboard data is keyed by it and never served stale.

Who bumps it: every write that changes what a dashboard shows — the aggregation service's commit
(`performance.ledgers.services`), every workflow transition and manual line
(`performance.workflow.services`), and, through model signals connected in
`performance.apps` (the lower apps may not import performance), evaluations, schemes, alliance
memberships, hosting applications and calls, campaigns and palaces. Writes that bypass signals
(`QuerySet.update` in the alliance app) are covered by the cached data's short lifetime
(`performance.dashboards.caching.TTL`).

The token is a fresh random string, not a counter: setting it needs no read, two bumps at once
both change it, and if the cache evicts or loses it, the next reader starts a new token, so no
entry written under an old one can be read again. A cache outage (reads answer None, writes are
dropped, as `IGNORE_EXCEPTIONS` makes django-redis behave) makes `data_version()` answer None:
callers then compute afresh and cache nothing.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import transaction
from django.dispatch import Signal

from palace_portal.db_router import primary_lsn

logger = logging.getLogger(__name__)

KEY = "performance:ledger-data-version"
LSN_KEY = "performance:ledger-data-lsn"
# A second token for the network's small tables only (palaces, memberships, hosting, campaigns,
# evaluations): what the dashboards' panels and the coverage map read. Writers of those bump both
# tokens; the aggregation and the workflow bump `KEY` only, so the first dashboard view after
# them recomputes the figures and reuses the panels.
NETWORK_KEY = "performance:network-data-version"


def _current(key: str) -> str | None:
    version = cache.get(key)
    if version is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        version = cache.get(key)
    return version


def data_version() -> str | None:
    """The current token; a new one if the cache has none; None when the cache does not answer."""
    return _current(KEY)


def network_version() -> str | None:
    """The network token (see `NETWORK_KEY`), as `data_version`."""
    return _current(NETWORK_KEY)


def _record_lsn() -> None:
    # With a read replica, the primary's log position of this write first: a reader that sees the
    # new token also sees the position a replica must have replayed before computing under it.
    lsn = primary_lsn()
    if lsn:
        cache.set(LSN_KEY, lsn, timeout=None)


# Sent once a bump's token is set (after the writer's commit): what the dashboards show changed.
# `performance.dashboards.warming` listens, to compute the most read ones again in the background.
# Receivers run in the writer's process after its commit: `send_robust`, so none can fail it.
data_changed = Signal()


def _changed() -> None:
    for receiver, result in data_changed.send_robust(sender=None):
        if isinstance(result, Exception):
            logger.warning("data version: receiver %s failed (%s)", receiver, type(result).__name__)


def _bump() -> None:
    _record_lsn()
    cache.set(KEY, uuid.uuid4().hex, timeout=None)
    _changed()


def _bump_both() -> None:
    _record_lsn()
    cache.set_many({KEY: uuid.uuid4().hex, NETWORK_KEY: uuid.uuid4().hex}, timeout=None)
    _changed()


def data_version_lsn() -> str | None:
    """The primary's WAL position after the last bump (None without a replica or when unknown)."""
    return cache.get(LSN_KEY)


def data_version_bump() -> None:
    """Change the token once the current transaction commits (at once outside one): readers then
    miss the cache and read the committed data. A rolled-back write changes nothing, so bumps
    nothing. Who may call: any service or signal receiver that wrote dashboard data."""
    transaction.on_commit(_bump)


def network_version_bump() -> None:
    """`data_version_bump` for writes of the network's small tables: both tokens change on commit.
    Who may call: the signal receivers of `performance.signals`."""
    transaction.on_commit(_bump_both)
