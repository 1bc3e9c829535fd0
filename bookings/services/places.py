"""Places of venue bookings: how a booking holds its time, and how freed places pass to the waitlist.

Capacity is decided by the database: a conditional UPDATE of the slot's counter (shared venues,
service windows) or the exclusion constraint over active ranges (exclusive venues, approved
requests; on SQLite the same check runs inside an IMMEDIATE transaction, which serialises
writers). Sign-ups of offerings count their places on the offering (`offering.py`); the two meet
in `release_places` and `offer_freed_places`.

Helpers of the lifecycle services (`booking.py`, `jobs.py`, `staff.py`): they run inside the
caller's transaction and assert nothing about the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, RuleViolation
from venues.kinds import BookingMode
from venues.models import Venue

from .. import notifications
from ..models import Booking, BookingRule, SlotCounter
from ..rules import rule_for
from ..selectors import day_slots
from .offering import offering_offer_freed, offering_release

Status = Booking.Status


@dataclass(frozen=True)
class SlotRange:
    start: datetime
    end: datetime
    capacity: int
    slots: int


def match_slots(venue: Venue, rule: BookingRule, start: datetime, end: datetime) -> SlotRange:
    """The run of consecutive slots [start, end) covers, or `outside_opening_hours`."""
    if timezone.is_naive(start) or timezone.is_naive(end) or start >= end:
        raise InvalidInput(
            _("Give a start before the end, with a time zone."),
            fields={"end": [_("The end must be after the start.")]},
        )
    day = timezone.localtime(start).date()
    slots = day_slots(venue, day)
    starts = {s: (e, cap) for s, e, cap in slots}
    if start not in starts:
        raise RuleViolation(
            _("The venue has no slot at that time: it is closed, or the time is not on a slot boundary."),
            code="outside_opening_hours",
        )
    count, cursor, capacity = 0, start, None
    while cursor < end:
        if cursor not in starts:
            raise RuleViolation(
                _("The booking runs outside the venue's opening hours."), code="outside_opening_hours"
            )
        slot_end, cap = starts[cursor]
        capacity = cap if capacity is None else min(capacity, cap)
        cursor = slot_end
        count += 1
    if cursor != end:
        raise RuleViolation(_("The end is not on a slot boundary."), code="outside_opening_hours")
    one_slot_only = venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT)
    if count > (1 if one_slot_only else rule.max_slots):
        raise RuleViolation(
            _("A booking may cover at most %(count)d consecutive slots here.")
            % {"count": 1 if one_slot_only else rule.max_slots},
            code="outside_opening_hours",
        )
    return SlotRange(start, end, capacity or 0, count)


def lock_ranges(venue: Venue) -> None:
    """Serialise changes to the booked-whole ranges of one venue (exclusive venues, requests).

    The exclusion constraint keeps ranges apart, but two transactions inserting overlapping ranges
    at the same moment each wait for the other inside the constraint check, and PostgreSQL aborts
    one with "deadlock detected" (a 500), which the racing tests showed. Taken first, this lock
    makes the overlap check before the insert exact, so the insert never waits; the constraint
    stays as the guarantee. FOR NO KEY UPDATE: bookings referring to the venue are not blocked.

    No ordering: the venue's default one joins the palace and the region, and FOR ... UPDATE
    without OF locks every joined row, which made each booking of a palace wait for the last one
    (the palace's row held until commit).
    """
    features = connection.features
    lock = "FOR NO KEY UPDATE" if features.has_select_for_no_key_update else "FOR UPDATE"
    if not features.has_select_for_update:
        lock = ""  # SQLite: the IMMEDIATE transaction serialises writers already
    with connection.cursor() as cursor:
        # SQL written once (a booking's hot path): the ORM compiled this anew on every booking.
        cursor.execute(f"SELECT id FROM {Venue._meta.db_table} WHERE id = %s {lock}", [venue.pk])  # noqa: S608


def take_places(venue: Venue, rng: SlotRange, party: int) -> bool:
    """Raise the slot's counter by `party` if the places are there. The database decides."""
    # The common case in one round trip: the counter exists and has the places. Its capacity is
    # set to the slot's at the same time (the duty roster or the venue's capacity may have
    # changed; the condition keeps it from going below what is taken).
    if SlotCounter.objects.filter(venue=venue, start=rng.start, taken__lte=rng.capacity - party).update(
        taken=F("taken") + party, capacity=rng.capacity
    ):
        return True
    known = SlotCounter.objects.filter(venue=venue, start=rng.start).values_list("capacity", "taken").first()
    if known is not None and known[0] == rng.capacity and known[1] + party > known[0]:
        # The counter exists with the slot's capacity and has no room: full (a cheap refusal).
        # Not merely "it exists": a racer may have created it after the update above found none.
        return False
    counter, _created = SlotCounter.objects.get_or_create(
        venue=venue,
        start=rng.start,
        defaults={"palace_id": venue.palace_id, "end": rng.end, "capacity": rng.capacity},
    )
    if counter.capacity != rng.capacity:
        # The duty roster or the venue's capacity changed since the counter was made; never
        # below what is already taken (the CHECK constraint would refuse it anyway).
        SlotCounter.objects.filter(pk=counter.pk, taken__lte=rng.capacity).update(capacity=rng.capacity)
    # Against the slot's capacity now: a counter left above it (more were taken before the venue
    # shrank) has no room for anyone until enough cancel. And never past the counter's own
    # capacity, whoever set it last: its CHECK would refuse the row (an error, not an answer).
    return bool(
        SlotCounter.objects.filter(
            pk=counter.pk, taken__lte=Least(F("capacity"), rng.capacity) - party
        ).update(taken=F("taken") + party)
    )


def release_places(booking: Booking) -> None:
    if booking.offering_id is not None:
        offering_release(booking)
        return
    if booking.exclusive:
        return
    SlotCounter.objects.filter(
        venue_id=booking.venue_id, start=booking.start, taken__gte=booking.party_size
    ).update(taken=F("taken") - booking.party_size)


def range_is_free(venue: Venue, start: datetime, end: datetime, *, exclude_pk=None) -> bool:
    qs = Booking.objects.filter(
        venue=venue, exclusive=True, status__in=Booking.HOLDING, start__lt=end, end__gt=start
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return not qs.exists()


def queue_exists(venue: Venue, start: datetime, end: datetime) -> bool:
    return Booking.objects.filter(
        venue=venue, status=Status.WAITLISTED, start__lt=end, end__gt=start
    ).exists()


# --- Offers from the waitlist ----------------------------------------------------------------------


def offer_freed_places(booking: Booking, *, now: datetime) -> None:
    if booking.offering_id is not None:
        offering_offer_freed(booking.offering, now=now)
    else:
        waitlist_offer_freed(booking.venue, booking.start, booking.end, now=now)


def waitlist_offer_freed(venue: Venue, start: datetime, end: datetime, *, now: datetime) -> list[Booking]:
    """Offer freed places to those waiting, in the order they joined (first that fits)."""
    rule = rule_for(venue)
    if venue.booking_mode in (BookingMode.EXCLUSIVE, BookingMode.REQUEST):
        lock_ranges(venue)
    else:
        # The slot's counter before the waiting rows, the order of a cancellation (its release
        # took the counter): a newcomer joining the waitlist comes here too, and taking them the
        # other way round deadlocked with cancellations (the racing tests showed it).
        list(
            SlotCounter.objects.select_for_update(no_key=True)
            .filter(venue=venue, start__lt=end, end__gt=start)
            .order_by("start")
            .values_list("pk", flat=True)
        )
    offered = []
    waiting = (
        Booking.objects.select_for_update()
        .filter(venue=venue, status=Status.WAITLISTED, start__lt=end, end__gt=start, start__gt=now)
        .order_by("created_at", "pk")
    )
    for candidate in waiting:
        if candidate.exclusive:
            if not range_is_free(venue, candidate.start, candidate.end):
                continue
        else:
            counter = SlotCounter.objects.filter(venue=venue, start=candidate.start).first()
            if counter is None or not SlotCounter.objects.filter(
                pk=counter.pk, taken__lte=F("capacity") - candidate.party_size
            ).update(taken=F("taken") + candidate.party_size):
                continue
        expires = min(now + timedelta(minutes=rule.offer_minutes), candidate.start)
        candidate.status = Status.OFFERED
        candidate.offer_expires_at = expires
        try:
            with transaction.atomic():
                candidate.save(update_fields=["status", "offer_expires_at", "updated_at"])
        except IntegrityError:
            continue
        notifications.notify(user=candidate.user, kind="waitlist_offer", booking=candidate)
        offered.append(candidate)
    return offered
