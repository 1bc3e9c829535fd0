"""Refresh-ahead: the dashboards officers open most, computed again right after their data changes.

A ledger write (an aggregation, a workflow step, a manual line) moves the data version, and the
next view of a dashboard computed it afresh: ~0.1–0.2 s for the province at ten times its size,
paid by whichever officer came first. Instead, once a write commits (`data_version.data_changed`),
a task on the aggregation queue computes the province's dashboard and every city's, for the period
they open on (`selectors.default_period`) and in the portal's language, into the cache
(`caching.province_dashboard`, `caching.city_dashboard`, the views' own code): the officer who
comes after it reads a cached page.

One task per burst of writes: the first write queues it `DELAY` seconds ahead and marks it
pending in the shared cache; writes until it starts are covered by it (it clears the mark first,
so a write after that queues the next). Nothing is queued when tasks run eagerly (a laptop, the
tests: the writer would wait for it), when the broker is marked down (`palace_portal.breaker`),
or when the cache does not answer (nothing could be stored). A reader who comes before the task
has run is served the dashboard computed before the write, marked stale (`caching`), until the
task starts; where no refresh is pending (eager tasks, the broker down) the reader computes the
page as before.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils import translation

from palace_portal.breaker import redis_breaker
from venues.models import Palace, Region

from ..rankings.periods import Period
from . import caching, recent, selectors

logger = logging.getLogger(__name__)

DELAY = 5  # seconds between a write and the refresh: the rest of its burst joins it
PENDING_KEY = caching.PENDING_KEY
PENDING_TIMEOUT = DELAY + 60  # a task lost with its worker leaves the mark this long at most


def _tasks_are_eager() -> bool:
    from palace_portal.celery import app

    return bool(app.conf.task_always_eager)


def warm_soon(**_kwargs) -> bool:
    """Queue one refresh unless one is pending (receiver of `data_changed`); True when queued.
    Never raises: it runs in the writer's process after its commit."""
    if _tasks_are_eager():
        return False
    broker = settings.CELERY_BROKER_URL or ""
    breaker = redis_breaker(broker) if broker.startswith(("redis://", "rediss://")) else None
    if breaker is not None and not breaker.allow():
        return False
    if not cache.add(PENDING_KEY, 1, timeout=PENDING_TIMEOUT):
        return False  # one is pending (or the cache does not answer: nothing could be stored)
    from ..tasks import dashboards_warm

    try:
        dashboards_warm.apply_async(countdown=DELAY)
    except Exception as error:  # any broker failure: the next reader computes the page
        if breaker is not None:
            breaker.failure()
        cache.delete(PENDING_KEY)
        logger.warning("dashboards: could not queue the refresh (%s)", type(error).__name__)
        return False
    return True


def cities() -> list[Region]:
    """The cities whose dashboards are refreshed: those with a palace."""
    regions = Palace.objects.order_by().values_list("region_id", "region__level", "region__parent_id")
    regions = regions.distinct()
    city_ids = {region if level == Region.Level.CITY else parent for region, level, parent in regions}
    return list(Region.objects.filter(pk__in=city_ids, level=Region.Level.CITY).order_by("code"))


def warm(period: Period | None = None) -> dict:
    """Compute the province's and every city's dashboard of `period` (default: the one they open
    on, in the portal's language), and those readers computed lately (`recent`), into the cache
    (the task's body). What it did and how long it took, for the worker's log."""
    cache.delete(PENDING_KEY)  # writes from now on queue the next refresh
    started = time.perf_counter()
    period = period or selectors.default_period()
    found = cities()
    by_id = {city.pk: city for city in found}
    # The defaults first (the dashboards officers open on), then what readers computed lately.
    wanted = [recent.Read(None, period, settings.LANGUAGE_CODE)]
    wanted += [recent.Read(city.pk, period, settings.LANGUAGE_CODE) for city in found]
    wanted += [read for read in recent.reads() if read not in wanted and read.city_id in (None, *by_id)]
    for read in wanted:
        with translation.override(read.language):
            # Computed as the refresh (`reader=False`): never served stale (a write during the
            # refresh has set the mark again), never remembered as a reader's.
            if read.city_id is None:
                caching.province_dashboard(read.period, reader=False)
            else:
                caching.city_dashboard(by_id[read.city_id], read.period, reader=False)
    return {
        "period": caching.period_name(period),
        "cities": len(found),
        "dashboards": len(wanted),
        "ms": round((time.perf_counter() - started) * 1000),
    }
