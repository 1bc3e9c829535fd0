"""Reads of bookings: the availability of a venue's day, a worker's bookings, staff lists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from venues.kinds import BookingMode
from venues.models import Closure, OpeningHours, Venue
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
    """Places held and people waiting per slot start (two queries)."""
    waiting_ranges = list(
        Booking.objects.filter(
            venue=venue, status=Booking.Status.WAITLISTED, start__lt=day_end, end__gt=day_start
        ).values_list("start", "end")
    )
    # A wait for 10–12 is a wait for both the 10:00 and the 11:00 slot.
    waiting = {
        start: sum(1 for ws, we in waiting_ranges if ws < end and start < we) for start, end, _cap in slots
    }
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
    return Booking.objects.of_venues().filter(user=user).select_related("venue", "palace").order_by("-start")


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


# --- Worker pages (the booking grid, "My bookings") ------------------------------------------------


@dataclass(frozen=True)
class DayInfo:
    """One local date of a venue for the grid's day tabs: closed (and why), or without slots."""

    day: date
    closure: Closure | None
    # False when the palace has no opening hours that weekday (or, for a service window, nobody
    # is on duty): the day has no slots although nothing is closed.
    has_hours: bool


def venue_days(venue: Venue, first: date, last: date) -> list[DayInfo]:
    """Each local date from `first` to `last` with its closure. Two queries (three for windows)."""
    closures = list(
        Closure.objects.filter(palace_id=venue.palace_id, start_date__lte=last, end_date__gte=first)
        .filter(Q(venue__isnull=True) | Q(venue=venue))
        .order_by("start_date")
    )
    weekdays = set(OpeningHours.objects.filter(palace_id=venue.palace_id).values_list("weekday", flat=True))
    duty_weekdays, duty_dates = None, set()
    if venue.booking_mode == BookingMode.APPOINTMENT:
        duty_weekdays = set()
        for weekday, day in (
            DutyShift.objects.filter(venue=venue)
            .filter(Q(date__isnull=True) | Q(date__gte=first, date__lte=last))
            .values_list("weekday", "date")
        ):
            if day is None:
                duty_weekdays.add(weekday)
            else:
                duty_dates.add(day)
    days = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        closure = next((c for c in closures if c.start_date <= day <= c.end_date), None)
        has_hours = day.weekday() in weekdays
        if duty_weekdays is not None:
            has_hours = has_hours and (day.weekday() in duty_weekdays or day in duty_dates)
        days.append(DayInfo(day, closure, has_hours))
    return days


def user_bookings_between(user, venue: Venue, start: datetime, end: datetime) -> list[Booking]:
    """The user's open or checked-in bookings of `venue` overlapping [start, end). One query."""
    if not user.is_authenticated:
        return []
    return list(
        Booking.objects.filter(
            user=user,
            venue=venue,
            status__in=(*Booking.OPEN, Booking.Status.CHECKED_IN),
            start__lt=end,
            end__gt=start,
        ).order_by("start")
    )


def _with_rules(qs: QuerySet[Booking]) -> QuerySet[Booking]:
    # The rule (cancel deadline, check-in window) and the palace (address) of every row, in the
    # same query: pages read them for each booking.
    return qs.select_related("venue", "venue__booking_rule", "venue__palace", "palace")


def upcoming_bookings_of_user(user, *, now: datetime | None = None) -> QuerySet[Booking]:
    """What the worker still has ahead: waiting, offered, pending, confirmed or under way."""
    now = now or timezone.now()
    return _with_rules(
        Booking.objects.of_venues()
        .filter(user=user, status__in=(*Booking.OPEN, Booking.Status.CHECKED_IN), end__gt=now)
        .order_by("start", "pk")
    )


def past_bookings_of_user(user, *, now: datetime | None = None) -> QuerySet[Booking]:
    """Everything else: ended, cancelled, declined, expired, no-shows; the latest first."""
    now = now or timezone.now()
    return _with_rules(
        Booking.objects.of_venues()
        .filter(user=user)
        .exclude(status__in=(*Booking.OPEN, Booking.Status.CHECKED_IN), end__gt=now)
        .order_by("-start", "-pk")
    )


def waitlist_positions(bookings) -> dict[int, int]:
    """{booking pk: place in the queue} for the waitlisted ones among `bookings`, in one query.

    The same order as `waitlist_position`: those who joined earlier for an overlapping time.
    """
    waiting = [b for b in bookings if b.status == Booking.Status.WAITLISTED]
    if not waiting:
        return {}
    condition = Q()
    for b in waiting:
        condition |= Q(venue_id=b.venue_id, start__lt=b.end, end__gt=b.start)
    queue = list(
        Booking.objects.filter(condition, status=Booking.Status.WAITLISTED).values_list(
            "pk", "venue_id", "start", "end", "created_at"
        )
    )
    positions = {}
    for b in waiting:
        ahead = sum(
            1
            for pk, venue_id, start, end, created_at in queue
            if venue_id == b.venue_id
            and start < b.end
            and b.start < end
            and (created_at, pk) < (b.created_at, b.pk)
        )
        positions[b.pk] = ahead + 1
    return positions
