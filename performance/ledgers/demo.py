"""Demo step: the ledgers of every demo month, computed from the demo's raw rows.

From the month of the earliest dated row (activities, bookings, sessions) to the anchor day's
month, in one run of the aggregation (one grouped query per source for all the months), so that
`make run` shows full ledgers. The demo's 2024 province totals then read 67,400 activities and
7,627,700 person-times, the largest online event 171,800 viewers (tests/performance).
"""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Activity
from bookings.models import Booking, Occurrence
from palace_portal.months import month_of
from venues.demo.builder import DemoContext, Step

from .models import AggregationLock, Ledger
from .services import ledger_aggregate_months

DEMO_HOUR = time(8, 0)


def _earliest_day():
    days = [
        Activity.objects.aggregate(d=Min("date"))["d"],
        Booking.objects.aggregate(d=Min("local_date"))["d"],
        Occurrence.objects.aggregate(d=Min("local_date"))["d"],
    ]
    days = [d for d in days if d is not None]
    return min(days) if days else None


def build(ctx: DemoContext) -> None:
    first = _earliest_day()
    if first is None:
        return
    # The demo's clock stands at 08:00 on the anchor day (bookings.demo.DEMO_HOUR): sessions
    # before it have been held, later ones not yet.
    now = timezone.make_aware(datetime.combine(ctx.today, DEMO_HOUR))
    results = ledger_aggregate_months(first=month_of(first), last=month_of(ctx.today), now=now)
    ctx.count(_("monthly ledgers"), sum(r.ledgers for r in results))
    ctx.count(_("ledger figures"), sum(r.figures for r in results))


def wipe() -> None:
    Ledger.objects.all().delete()  # its rollups refreshed once per month (`LedgerQuerySet.delete`)
    AggregationLock.objects.all().delete()


def has_data() -> bool:
    return Ledger.objects.exists()


LEDGERS_STEP = Step("performance.ledgers", build, wipe=wipe, has_data=has_data)
