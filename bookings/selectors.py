"""Reads of bookings: the availability of a venue's day, a worker's bookings, staff lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from venues.kinds import BookingMode
from venues.models import Venue
from venues.selectors import venue_slots

from .models import Booking, DutyShift, SlotCounter
from .rules import in_member_hours, rule_for, window_last_date


@dataclass(frozen=True)
class SlotState:
    start: datetime
    end: datetime
    capacity: int
    taken: int
    waiting: int
    # "open", "full", "past", "not_yet_open" (beyond the booking window)
    state: str
    members_only: bool
    bookable: bool

    @property
    def available(self) -> int:
        return max(self.capacity - self.taken, 0)


def duty_shifts_on(venue: Venue, day: date) -> list[DutyShift]:
    return list(
        DutyShift.objects.filter(venue=venue).filter(
            Q(date=day) | Q(date__isnull=True, weekday=day.weekday())
        )
    )


def _duty_count(shifts: list[DutyShift], start: datetime, end: datetime) -> int:
    s, e = timezone.localtime(start).time(), timezone.localtime(end).time()
    return sum(1 for shift in shifts if shift.starts <= s and e <= shift.ends)


def day_slots(venue: Venue, day: date) -> list[tuple[datetime, datetime, int]]:
    """(start, end, capacity) of each slot of the venue on a local date.

    Opening hours cut into slots of the venue's length, none on closure days; a service window
    has slots only while someone is on duty, one place per person on duty.
    """
    base = venue_slots(venue, day)
    if venue.booking_mode != BookingMode.APPOINTMENT:
        return [(s.start, s.end, s.capacity) for s in base]
    shifts = duty_shifts_on(venue, day)
    result = []
    for s in base:
        count = _duty_count(shifts, s.start, s.end)
        if count:
            result.append((s.start, s.end, count))
    return result


def _taken_by_slot(venue: Venue, slots, day_start, day_end) -> tuple[dict, dict]:
    waiting: dict[datetime, int] = {}
    for start, count in (
        Booking.objects.filter(
            venue=venue, status=Booking.Status.WAITLISTED, start__gte=day_start, start__lt=day_end
        )
        .values_list("start")
        .annotate(n=Count("id"))
    ):
        waiting[start] = count
    if venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT):
        taken = dict(
            SlotCounter.objects.filter(venue=venue, start__gte=day_start, start__lt=day_end).values_list(
                "start", "taken"
            )
        )
        return taken, waiting
    ranges = list(
        Booking.objects.filter(
            venue=venue, exclusive=True, status__in=Booking.HOLDING, start__lt=day_end, end__gt=day_start
        ).values_list("start", "end")
    )
    taken = {start: int(any(bs < end and start < be for bs, be in ranges)) for start, end, _cap in slots}
    return taken, waiting


def venue_availability(venue: Venue, day: date, *, now: datetime | None = None) -> list[SlotState]:
    """Every slot of the venue on `day` with its places and whether it can be booked now.

    A fixed number of queries whatever the number of slots.
    """
    now = now or timezone.now()
    rule = rule_for(venue)
    slots = day_slots(venue, day)
    if not slots:
        return []
    day_start, day_end = slots[0][0], slots[-1][1]
    taken, waiting = _taken_by_slot(venue, slots, day_start, day_end)
    last_day = window_last_date(rule, now)
    result = []
    for start, end, capacity in slots:
        held = taken.get(start, 0)
        if start <= now:
            state = "past"
        elif day > last_day:
            state = "not_yet_open"
        elif held >= capacity or waiting.get(start):
            state = "full"
        else:
            state = "open"
        result.append(
            SlotState(
                start=start,
                end=end,
                capacity=capacity,
                taken=min(held, capacity),
                waiting=waiting.get(start, 0),
                state=state,
                members_only=venue.member_only or in_member_hours(rule, start),
                bookable=state == "open",
            )
        )
    return result


def bookings_of_user(user) -> QuerySet[Booking]:
    return Booking.objects.filter(user=user).select_related("venue", "palace").order_by("-start")


def waitlist_position(booking: Booking) -> int | None:
    """1 for the head of the queue; None when the booking is not waiting."""
    if booking.status != Booking.Status.WAITLISTED:
        return None
    ahead = Booking.objects.filter(
        venue_id=booking.venue_id,
        status=Booking.Status.WAITLISTED,
        start__lt=booking.end,
        end__gt=booking.start,
    ).filter(Q(created_at__lt=booking.created_at) | Q(created_at=booking.created_at, pk__lt=booking.pk))
    return ahead.count() + 1
