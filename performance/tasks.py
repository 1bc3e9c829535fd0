"""Background work of performance management. Thin: the service (imported inside) does the work.

The ledger aggregation is idempotent (a re-run replaces the month exactly) and guarded by a lock
per month, so a retried, repeated or overlapping task is harmless.
"""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

# A database that is briefly unreachable or a lock wait that timed out are worth a few retries;
# anything else (a bad month, a bug) is raised at once.
_RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="performance.tasks.aggregate_month", **_RETRY)
def aggregate_month(month: str, palace_id: int | None = None) -> dict:
    """Compute one month's ledgers (`YYYY-MM`), of the whole province or of one palace.

    Returns what was written (ledgers, figures, rows read), for the worker's log and callers.
    A bad month raises `ValueError` (not retried)."""
    return _aggregate(month, palace_id)


def _aggregate(month: str, palace_id: int | None = None) -> dict:
    from django.core.exceptions import ValidationError

    from palace_portal.months import format_month, parse_month

    from .ledgers.services import ledger_aggregate_month

    try:
        first_day = parse_month(month)
    except ValidationError as exc:
        raise ValueError(f"Not a month: {month!r}") from exc
    result = ledger_aggregate_month(month=first_day, palace_ids=None if palace_id is None else [palace_id])
    return {
        "month": format_month(result.month),
        "ledgers": result.ledgers,
        "created": result.created,
        "figures": result.figures,
        "source_rows": result.source_rows,
    }


@shared_task(name="performance.tasks.aggregate_month_ended", **_RETRY)
def aggregate_month_ended() -> dict:
    """Beat, on the 1st (Asia/Shanghai): the month that has just ended, in full."""
    from django.utils import timezone

    from palace_portal.months import format_month, month_of, previous_month

    return _aggregate(format_month(previous_month(month_of(timezone.localdate()))))


@shared_task(name="performance.tasks.aggregate_recent_months", **_RETRY)
def aggregate_recent_months() -> list[dict]:
    """Beat, every night: the current month so far and the previous one again (rows that arrive
    late, e.g. an activity logged days after it happened, or a lottery drawn after the month)."""
    from django.utils import timezone

    from palace_portal.months import format_month, month_of, previous_month

    current = month_of(timezone.localdate())
    return [_aggregate(format_month(m)) for m in (previous_month(current), current)]


@shared_task(name="performance.tasks.rollups_rebuild", **_RETRY)
def rollups_rebuild() -> str:
    """Beat, every night after the aggregation: the dashboards' rollups recomputed from the figures
    (the writers keep them exact; this repairs what they cannot see, see `ledgers.rollups`)."""
    from .ledgers import rollups

    rollups.rebuild()
    return "rebuilt"


@shared_task(name="performance.tasks.dashboards_warm", **_RETRY)
def dashboards_warm() -> dict:
    """Queued after a ledger write (`dashboards.warming.warm_soon`): the province's and the cities'
    dashboards computed into the cache before an officer opens them."""
    from .dashboards import warming

    return warming.warm()
