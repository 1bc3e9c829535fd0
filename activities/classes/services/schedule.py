"""A course's weekly schedule turned into sessions, skipping the palace's closures."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from activities.classes.models import Course
from bookings.models import Occurrence
from venues.models import Closure, Palace, Venue

WEEKDAYS = range(7)


def _aware(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# --- Sessions from the weekly schedule --------------------------------------------------------------


@dataclass(frozen=True)
class PlannedSession:
    start: datetime
    end: datetime
    skipped: str  # the closure's reason when the palace or venue is closed that day, else ""


def sessions_plan(
    *,
    palace: Palace,
    venue: Venue,
    weekdays: Iterable[int],
    starts_at: time,
    ends_at: time,
    first: date,
    last: date,
) -> list[PlannedSession]:
    """Every weekly meeting from `first` to `last`, marking the days the palace or venue is closed."""
    closures = list(
        Closure.objects.filter(palace=palace, start_date__lte=last, end_date__gte=first).filter(
            Q(venue__isnull=True) | Q(venue=venue)
        )
    )
    days = set(weekdays)
    plan = []
    day = first
    while day <= last:
        if day.weekday() in days:
            closed = next((c for c in closures if c.start_date <= day <= c.end_date), None)
            plan.append(
                PlannedSession(_aware(day, starts_at), _aware(day, ends_at), closed.reason if closed else "")
            )
        day += timedelta(days=1)
    return plan


def _write_sessions(course: Course, plan: list[PlannedSession], *, now: datetime) -> int:
    """(Re)write the course's future sessions; past ones and ones with attendance stay as they were."""
    offering = course.offering
    keep = set(
        Occurrence.objects.filter(offering=offering)
        .filter(Q(start__lte=now) | Q(attendances__isnull=False))
        .values_list("start", flat=True)
    )
    Occurrence.objects.filter(offering=offering, start__gt=now, attendances__isnull=True).delete()
    rows = [
        Occurrence(
            offering=offering,
            palace_id=course.palace_id,
            venue_id=course.venue_id,
            start=s.start,
            end=s.end,
            local_date=timezone.localtime(s.start).date(),
            cancelled=bool(s.skipped),
            note=s.skipped[:200],
        )
        for s in plan
        if s.start not in keep and s.start > now
    ]
    Occurrence.objects.bulk_create(rows)
    return len(rows)
