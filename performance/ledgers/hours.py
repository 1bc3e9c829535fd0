"""Open hours of venues in a month: the palace's weekly opening hours, closure days deducted.

Venues have no hours of their own: a venue is open when its palace is (`OpeningHours`, one or
more intervals per weekday). A `Closure` of the whole palace closes every venue on its days; one of
a venue closes that venue only. Inactive venues count no open hours.

Three queries (venues, hours, closures overlapping the month) and a loop over palaces × days of the
month and the venues' own closure days: bounded by the size of the network, never by bookings.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count

from venues.models import Closure, OpeningHours, Venue

from .counting import HOUR, Tally


def _interval_hours(opens, closes) -> Decimal:
    day = date(2000, 1, 1)
    delta = datetime.combine(day, closes) - datetime.combine(day, opens)
    return Decimal(delta.seconds) / HOUR


def venues_of(tally: Tally) -> dict[tuple[int, str], int]:
    """How many active venues each palace has per centre (inactive venues count no open hours):
    a grouped count, a few thousand rows, instead of every venue (18,230 at ×10)."""
    rows = (
        tally.scoped(Venue.objects.filter(is_active=True))
        .values("palace_id", "centre")
        .annotate(n=Count("*"))
        .order_by()
        .values_list("palace_id", "centre", "n")
    )
    return {(palace_id, centre): n for palace_id, centre, n in rows}


def count_open_hours(tally: Tally, venues: dict[tuple[int, str], int]) -> None:
    """`venues`: `venues_of(tally)`."""
    first, after = tally.days
    every_day = [first + timedelta(days=n) for n in range((after - first).days)]

    per_weekday: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for palace_id, weekday, opens, closes in tally.scoped(OpeningHours.objects.all()).values_list(
        "palace_id", "weekday", "opens", "closes"
    ):
        per_weekday[palace_id][weekday] += _interval_hours(opens, closes)

    palace_closed: dict[int, set[date]] = defaultdict(set)
    venue_closed: dict[tuple[int, int, str], set[date]] = defaultdict(set)  # (venue, palace, centre)
    closures = tally.scoped(Closure.objects.filter(start_date__lt=after, end_date__gte=first))
    for palace_id, venue_id, venue_palace, centre, active, start, end in closures.values_list(
        "palace_id",
        "venue_id",
        "venue__palace_id",
        "venue__centre",
        "venue__is_active",
        "start_date",
        "end_date",
    ):
        if venue_id and not active:
            continue  # an inactive venue counts no open hours anyway
        shut = venue_closed[(venue_id, venue_palace, centre)] if venue_id else palace_closed[palace_id]
        day = max(start, first)
        while day <= end and day < after:
            shut.add(day)
            day += timedelta(days=1)

    # Per palace and month: the hours it is open, and per open day (for a venue's own closures).
    open_days: dict[int, dict[date, Decimal]] = {}
    month_total: dict[tuple[date, int], Decimal] = defaultdict(Decimal)
    for palace_id, weekly in per_weekday.items():
        shut = palace_closed.get(palace_id, set())
        days = {day: weekly[day.weekday()] for day in every_day if day not in shut and weekly[day.weekday()]}
        open_days[palace_id] = days
        for day, hours in days.items():
            month_total[(day.replace(day=1), palace_id)] += hours

    # Active venues are open as long as their palace, counted per palace and centre (a
    # multiplication instead of one addition per venue); a venue with closure days of its own
    # loses those days' hours, and is counted alone.
    alike = dict(venues)
    months = tally.months
    for (_venue_id, palace_id, centre), shut in venue_closed.items():
        if (palace_id, centre) not in alike:
            continue  # not a venue of the palaces computed
        alike[(palace_id, centre)] -= 1
        if palace_id not in open_days:
            continue
        lost: dict[date, Decimal] = defaultdict(Decimal)
        for day in shut:
            lost[day.replace(day=1)] += open_days[palace_id].get(day, Decimal(0))
        for month in months:
            key = (month, palace_id)
            hours = month_total.get(key, Decimal(0)) - lost.get(month, Decimal(0))
            tally.add(key, "open_hours", hours)
            tally.add(key, f"open_hours_{centre}", hours)
    for (palace_id, centre), count in alike.items():
        if palace_id not in open_days or not count:
            continue
        for month in months:
            key = (month, palace_id)
            hours = month_total.get(key, Decimal(0)) * count
            tally.add(key, "open_hours", hours)
            tally.add(key, f"open_hours_{centre}", hours)
