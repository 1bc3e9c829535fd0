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
from typing import NamedTuple

from venues.models import Closure, OpeningHours, Venue

from .counting import HOUR, Tally


def _interval_hours(opens, closes) -> Decimal:
    day = date(2000, 1, 1)
    delta = datetime.combine(day, closes) - datetime.combine(day, opens)
    return Decimal(delta.seconds) / HOUR


class VenueRow(NamedTuple):
    pk: int
    palace_id: int
    centre: str
    is_active: bool


def venues_of(tally: Tally) -> dict[int, VenueRow]:
    """Every venue of the palaces (inactive ones too: their past bookings still count), as plain
    tuples: a model instance per venue (18,230 at ×10) cost more than the open hours' arithmetic."""
    rows = tally.scoped(Venue.objects.all()).values_list("pk", "palace_id", "centre", "is_active")
    return {row[0]: VenueRow(*row) for row in rows}


def count_open_hours(tally: Tally, venues: dict[int, VenueRow]) -> None:
    first, after = tally.days
    every_day = [first + timedelta(days=n) for n in range((after - first).days)]

    per_weekday: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for palace_id, weekday, opens, closes in tally.scoped(OpeningHours.objects.all()).values_list(
        "palace_id", "weekday", "opens", "closes"
    ):
        per_weekday[palace_id][weekday] += _interval_hours(opens, closes)

    palace_closed: dict[int, set[date]] = defaultdict(set)
    venue_closed: dict[int, set[date]] = defaultdict(set)
    closures = tally.scoped(Closure.objects.filter(start_date__lt=after, end_date__gte=first))
    for palace_id, venue_id, start, end in closures.values_list(
        "palace_id", "venue_id", "start_date", "end_date"
    ):
        day, shut = max(start, first), venue_closed[venue_id] if venue_id else palace_closed[palace_id]
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

    # Active venues without closures of their own are open as long as their palace: counted per
    # palace and centre (a multiplication instead of one addition per venue); a venue with its own
    # closure days loses those days' hours.
    alike: dict[tuple[int, str], int] = defaultdict(int)
    months = tally.months
    for venue in venues.values():
        if not venue.is_active or venue.palace_id not in open_days:
            continue
        if venue.pk not in venue_closed:
            alike[(venue.palace_id, venue.centre)] += 1
            continue
        lost: dict[date, Decimal] = defaultdict(Decimal)
        for day in venue_closed[venue.pk]:
            lost[day.replace(day=1)] += open_days[venue.palace_id].get(day, Decimal(0))
        for month in months:
            key = (month, venue.palace_id)
            hours = month_total.get(key, Decimal(0)) - lost.get(month, Decimal(0))
            tally.add(key, "open_hours", hours)
            tally.add(key, f"open_hours_{venue.centre}", hours)
    for (palace_id, centre), count in alike.items():
        for month in months:
            key = (month, palace_id)
            hours = month_total.get(key, Decimal(0)) * count
            tally.add(key, "open_hours", hours)
            tally.add(key, f"open_hours_{centre}", hours)
