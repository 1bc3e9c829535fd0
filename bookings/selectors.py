"""Reads of bookings: the availability of a venue's day, a worker's bookings, staff lists."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from palace_portal import rows
from venues.kinds import BookingMode
from venues.models import Closure, OpeningHours, Palace, Venue
from venues.selectors import CLOSED_ON_DAY_SQL, day_hours_remember, venue_slots

from .models import Booking, BookingRule, DutyShift, SlotCounter
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


@dataclass(frozen=True)
class VenueCalendar:
    """What says when a venue has slots over a range of local dates, read once for all of them:
    the palace's opening hours, the closures of the palace or of this venue that touch the range,
    and (service windows only) the duty shifts, weekly or dated within the range."""

    first: date
    last: date
    hours: list[OpeningHours]
    closures: list[Closure]
    shifts: list[DutyShift] | None


@functools.cache
def _calendar_sql(model_name: str) -> str:
    # Only our tables' names and columns are interpolated.
    if model_name == "hours":
        return (
            f"SELECT {rows.columns(OpeningHours, 'h')} FROM {OpeningHours._meta.db_table} h "  # noqa: S608
            "WHERE h.palace_id = %(palace)s ORDER BY h.weekday, h.opens"
        )
    if model_name == "closures":
        return (
            f"SELECT {rows.columns(Closure, 'c')} FROM {Closure._meta.db_table} c "  # noqa: S608
            "WHERE c.palace_id = %(palace)s AND c.start_date <= %(last)s AND c.end_date >= %(first)s "
            "AND (c.venue_id IS NULL OR c.venue_id = %(venue)s) ORDER BY c.start_date, c.id"
        )
    return (
        f"SELECT {rows.columns(DutyShift, 's')} FROM {DutyShift._meta.db_table} s "  # noqa: S608
        "WHERE s.venue_id = %(venue)s AND (s.date IS NULL OR (s.date >= %(first)s AND s.date <= %(last)s)) "
        "ORDER BY s.weekday, s.date, s.starts, s.id"
    )


def _calendar_read(model, name: str, params: dict) -> list:
    with connection.cursor() as cursor:
        cursor.execute(_calendar_sql(name), params)
        return [rows.instance(model, row)[0] for row in cursor.fetchall()]


def venue_calendar(venue: Venue, first: date, last: date) -> VenueCalendar:
    """Two queries (three for a service window), fewer when the venue page has already loaded its
    palace's opening hours and upcoming closures (`venues.selectors.venue_detail`).

    SQL written once (`palace_portal.rows`): the grid reads these on every tap of a day, and the
    ORM took longer to build the two queries than SQLite or PostgreSQL took to answer them."""
    palace = venue.palace
    params = {
        "palace": venue.palace_id,
        "venue": venue.pk,
        "first": connection.ops.adapt_datefield_value(first),
        "last": connection.ops.adapt_datefield_value(last),
    }
    if "opening_hours" in getattr(palace, "_prefetched_objects_cache", {}):
        hours = list(palace.opening_hours.all())
    else:
        hours = _calendar_read(OpeningHours, "hours", params)
    upcoming = getattr(palace, "upcoming_closures", None)
    # The prefetch holds every closure not over when it was read; good for a range from today on.
    if upcoming is not None and first >= timezone.localdate():
        closures = sorted(
            (
                c
                for c in upcoming
                if c.start_date <= last and c.end_date >= first and c.venue_id in (None, venue.pk)
            ),
            key=lambda c: c.start_date,
        )
    else:
        closures = _calendar_read(Closure, "closures", params)
    shifts = None
    if venue.booking_mode == BookingMode.APPOINTMENT:
        shifts = _calendar_read(DutyShift, "shifts", params)
    return VenueCalendar(first, last, hours, closures, shifts)


def _covers(calendar: VenueCalendar | None, day: date) -> bool:
    return calendar is not None and calendar.first <= day <= calendar.last


def duty_shifts_on(venue: Venue, day: date, *, calendar: VenueCalendar | None = None) -> list[DutyShift]:
    if _covers(calendar, day) and calendar.shifts is not None:
        return [
            s for s in calendar.shifts if s.date == day or (s.date is None and s.weekday == day.weekday())
        ]
    return list(
        DutyShift.objects.filter(venue=venue).filter(
            Q(date=day) | Q(date__isnull=True, weekday=day.weekday())
        )
    )


def _duty_count(shifts: list[DutyShift], start: datetime, end: datetime) -> int:
    s, e = timezone.localtime(start).time(), timezone.localtime(end).time()
    return sum(1 for shift in shifts if shift.starts <= s and e <= shift.ends)


def day_slots(
    venue: Venue, day: date, *, calendar: VenueCalendar | None = None
) -> list[tuple[datetime, datetime, int]]:
    """(start, end, capacity) of each slot of the venue on a local date.

    Opening hours cut into slots of the venue's length, none on closure days; a service window
    has slots only while someone is on duty, one place per person on duty. No query with a
    `calendar` that covers the day.
    """
    if _covers(calendar, day):
        base = venue_slots(venue, day, hours=calendar.hours, closures=calendar.closures)
    else:
        base = venue_slots(venue, day)
    if venue.booking_mode != BookingMode.APPOINTMENT:
        return [(s.start, s.end, s.capacity) for s in base]
    shifts = duty_shifts_on(venue, day, calendar=calendar)
    result = []
    for s in base:
        count = _duty_count(shifts, s.start, s.end)
        if count:
            result.append((s.start, s.end, count))
    return result


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


@dataclass(frozen=True)
class OwnBooking:
    """One of the visitor's own bookings in the grid: what it marks (the slots it covers) and
    links to (its page)."""

    pk: int
    start: datetime
    end: datetime


def _overlap_counts(slots, ranges) -> dict[datetime, int]:
    """{slot start: how many of `ranges` overlap the slot}. The slots do not overlap one another,
    so sorted by start their ends are sorted too, and each range finds its slots by bisection
    (a busy day has dozens of waits over a dozen slots)."""
    ordered = sorted((start, end) for start, end, _cap in slots)
    starts = [start for start, _end in ordered]
    ends = [end for _start, end in ordered]
    counts = dict.fromkeys(starts, 0)
    for range_start, range_end in ranges:
        # The first slot ending after the range starts, up to the first starting at its end.
        for index in range(bisect.bisect_right(ends, range_start), bisect.bisect_left(starts, range_end)):
            counts[starts[index]] += 1
    return counts


_HELD_FIELDS = ("id", "start", "end", "status", "exclusive", "user")


@functools.cache
def _held_sql(*, shared: bool, signed_in: bool) -> str:
    """`_held_and_waiting`'s read of bookings, as the ORM wrote it: the waits, the whole bookings
    holding the venue (not for a shared venue, whose places are counted in `SlotCounter`), and the
    visitor's own open or checked-in bookings."""
    wanted = [f"b.status = '{Booking.Status.WAITLISTED}'"]
    if not shared:
        wanted.append(f"(b.exclusive AND b.status IN ({rows.literals(Booking.HOLDING)}))")
    if signed_in:
        own = rows.literals((*Booking.OPEN, Booking.Status.CHECKED_IN))
        wanted.append(f"(b.user_id = %(user)s AND b.status IN ({own}))")
    selected = ", ".join(rows.column(Booking, name, "b") for name in _HELD_FIELDS)
    # Only our table's name, columns and status constants are interpolated.
    return (
        f"SELECT {selected} FROM {Booking._meta.db_table} b "  # noqa: S608
        'WHERE b.venue_id = %(venue)s AND b.start < %(span_end)s AND b."end" > %(span_start)s '
        f"AND ({' OR '.join(wanted)}) ORDER BY b.start"
    )


@functools.cache
def _counters_sql() -> str:
    return (
        f"SELECT s.start, s.taken FROM {SlotCounter._meta.db_table} s "  # noqa: S608 - our table
        "WHERE s.venue_id = %(venue)s AND s.start >= %(span_start)s AND s.start < %(span_end)s"
    )


def _held_and_waiting(
    venue: Venue, slots, span_start, span_end, user=None
) -> tuple[dict, dict, list[OwnBooking]]:
    """Places held and people waiting per slot start, and `user`'s own open or checked-in
    bookings of the venue in the span (two queries; one for a venue booked whole).

    Plain values, not model instances: a busy day of a venue booked whole has dozens of rows, and
    building a `Booking` for each cost more than the query (about 2 ms of the grid's 10)."""
    shared = venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT)
    signed_in = user is not None and user.is_authenticated
    params = {
        "venue": venue.pk,
        "user": user.pk if signed_in else None,
        "span_start": connection.ops.adapt_datetimefield_value(span_start),
        "span_end": connection.ops.adapt_datetimefield_value(span_end),
    }
    with connection.cursor() as cursor:
        cursor.execute(_held_sql(shared=shared, signed_in=signed_in), params)
        found = rows.values(Booking, _HELD_FIELDS, cursor.fetchall())
    # A wait for 10–12 is a wait for both the 10:00 and the 11:00 slot.
    waiting_ranges = [
        (start, end) for _pk, start, end, status, _x, _u in found if status == Booking.Status.WAITLISTED
    ]
    waiting = _overlap_counts(slots, waiting_ranges)
    mine = []
    if signed_in:
        own = (*Booking.OPEN, Booking.Status.CHECKED_IN)
        mine = [
            OwnBooking(pk, start, end)
            for pk, start, end, status, _x, user_id in found
            if user_id == user.pk and status in own
        ]
    if shared:
        with connection.cursor() as cursor:
            cursor.execute(_counters_sql(), params)
            taken = dict(rows.values(SlotCounter, ("start", "taken"), cursor.fetchall()))
        return taken, waiting, mine
    ranges = [
        (start, end)
        for _pk, start, end, status, exclusive, _u in found
        if exclusive and status in Booking.HOLDING
    ]
    taken = {start: int(any(bs < end and start < be for bs, be in ranges)) for start, end, _cap in slots}
    return taken, waiting, mine


@dataclass(frozen=True)
class Availability:
    """Slots of several days of one venue, and the visitor's own bookings over those days."""

    days: dict[date, list[SlotState]]
    mine: list[OwnBooking]


def venue_availability_days(
    venue: Venue,
    days: list[date],
    *,
    now: datetime | None = None,
    calendar: VenueCalendar | None = None,
    user=None,
) -> Availability:
    """Every slot of the venue on each of `days`, and `user`'s bookings there, read together:
    the rule, then two queries (one for a venue booked whole) whatever the number of days,
    plus the calendar's when none is given."""
    now = now or timezone.now()
    rule = rule_for(venue)
    if days and calendar is None:
        calendar = venue_calendar(venue, min(days), max(days))
    per_day = {day: day_slots(venue, day, calendar=calendar) for day in days}
    every = [slot for slots in per_day.values() for slot in slots]
    mine: list[OwnBooking] = []
    taken: dict = {}
    waiting: dict = {}
    if days and (every or (user is not None and user.is_authenticated)):
        span_start = _local_midnight(min(days))
        span_end = _local_midnight(max(days) + timedelta(days=1))
        taken, waiting, mine = _held_and_waiting(venue, every, span_start, span_end, user)
    last_day = window_last_date(rule, now)
    result = {}
    for day, slots in per_day.items():
        states = []
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
            states.append(
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
        result[day] = states
    return Availability(result, mine)


def venue_availability(
    venue: Venue, day: date, *, now: datetime | None = None, calendar: VenueCalendar | None = None
) -> list[SlotState]:
    """Every slot of the venue on `day` with its places and whether it can be booked now.

    A fixed number of queries whatever the number of slots.
    """
    return venue_availability_days(venue, [day], now=now, calendar=calendar).days[day]


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


def venue_days(
    venue: Venue, first: date, last: date, *, calendar: VenueCalendar | None = None
) -> list[DayInfo]:
    """Each local date from `first` to `last` with its closure. Two queries (three for windows),
    none with a `calendar` of that range."""
    if calendar is None or (calendar.first, calendar.last) != (first, last):
        calendar = venue_calendar(venue, first, last)
    closures = calendar.closures
    weekdays = {h.weekday for h in calendar.hours}
    duty_weekdays, duty_dates = None, set()
    if calendar.shifts is not None:
        duty_weekdays = set()
        for weekday, day in ((s.weekday, s.date) for s in calendar.shifts):
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
    return (
        Booking.objects.of_venues()
        .filter(user=user)
        .exclude(status__in=(*Booking.OPEN, Booking.Status.CHECKED_IN), end__gt=now)
        .order_by("-start", "-pk")
    )


# What the list of my bookings prints of a past booking (`past_bookings_of_user(…)[page]
# .values_list(*PAST_ROW_FIELDS)`): tuples, no model instances. A past booking can no longer be
# cancelled or checked in, so the list needs neither its venue's rule nor the other columns (a
# heavy booker's page built five model instances a row, and a rule for each, to print a line).
# Taken from the page's slice, so that the paginator's count stays on the booking table alone.
PAST_ROW_FIELDS = ("pk", "venue__name", "palace__name", "status", "start", "end", "decision_reason")


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


# --- The booking's venue (the API's hot path) -----------------------------------------------------


@functools.cache
def _listed_venue_sql(with_day: bool) -> str:
    hidden = rows.literals((Palace.Status.PLANNED, Palace.Status.CLOSED))
    selected = f"{rows.columns(Venue, 'v')}, {rows.columns(Palace, 'p')}, {rows.columns(BookingRule, 'r')}"
    hours = ""
    if with_day:
        # One row per opening interval of the day (a row of NULLs when there is none).
        selected += f", h.opens, h.closes, {CLOSED_ON_DAY_SQL.format(palace='v.palace_id', venue='v.id')}"
        hours = "LEFT JOIN venues_openinghours h ON h.palace_id = v.palace_id AND h.weekday = %(weekday)s "
    # Only our tables' names, columns and status constants are interpolated.
    return (
        f"SELECT {selected} "  # noqa: S608
        f"FROM {Venue._meta.db_table} v JOIN {Palace._meta.db_table} p ON p.id = v.palace_id "
        f"LEFT JOIN {BookingRule._meta.db_table} r ON r.venue_id = v.id {hours}"
        f"WHERE v.id = %(venue)s AND v.is_active AND p.status NOT IN ({hidden})"
    )


def listed_venue(pk: int, *, day: date | None = None) -> Venue | None:
    """`Venue.objects.listed().select_related("palace", "booking_rule").filter(pk=pk).first()`, in
    one statement of SQL written once: the booking API loads its venue on every booking, and the
    ORM took longer to build that query than the database took to answer it.

    With `day`, the same statement reads the palace's opening hours and closures of that local
    date too, kept on the venue for `match_slots` (`venues.selectors.day_hours_remember`): the
    booking's transaction then has one round trip less.
    """
    if not rows.is_id(pk):
        return None  # no row has it (and SQLite refuses integers past 64 bits)
    params = {"venue": pk}
    if day is not None:
        params.update(weekday=day.weekday(), day=connection.ops.adapt_datefield_value(day))
    with connection.cursor() as cursor:
        cursor.execute(_listed_venue_sql(day is not None), params)
        found = cursor.fetchall()
    if not found:
        return None
    row = found[0]
    venue, offset = rows.instance(Venue, row)
    palace, offset = rows.instance(Palace, row, offset)
    rule = None
    if row[offset] is not None:  # the rule's id: None when staff never saved one
        rule, _end = rows.instance(BookingRule, row, offset)
    offset += len(BookingRule._meta.concrete_fields)
    Venue.palace.field.set_cached_value(venue, palace)
    Venue.booking_rule.related.set_cached_value(venue, rule)
    if day is not None:
        intervals = [r[offset : offset + 3] for r in found if r[offset] is not None]
        day_hours_remember(venue, day, intervals)
    return venue
