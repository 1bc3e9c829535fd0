"""The reservation lifecycle: book, wait, be offered, confirm, cancel, be decided, check in.

Every function here is one transaction, takes keyword arguments, asserts the caller's right to act
(`bookings.access`) and raises `palace_portal.errors` with the machine codes of API.md. How places
are held and passed on is `places.py`'s; suspensions `suspension.py`'s; the beat's jobs (offers
expiring, no-shows, reminders) `jobs.py`'s; sign-ups of courses and events `offering.py`'s.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.rows import insert as insert_rows
from venues import access
from venues.kinds import BookingMode
from venues.models import Palace, Venue

from .. import notifications
from ..access import is_staff_of
from ..models import Booking, BookingRule
from ..rules import cancel_deadline, checkin_window, in_member_hours, rule_for
from .appointment import matter_record
from .common import CODE_ALPHABET, lock_booking, lock_user, mark_checked_in, new_venue_booking
from .facts import booking_facts, person_lock
from .fast import booking_create_fast, fast_path_enabled
from .offering import offering_check_in, offering_check_withdrawable, offering_leave_family
from .places import (
    SlotRange,
    lock_ranges,
    match_slots,
    offer_freed_places,
    range_is_free,
    release_places,
    take_places,
    waitlist_offer_freed,
)
from .refusals import already_booked, refuse_outside_window, slot_full, slot_taken
from .suspension import refuse_if_suspended

__all__ = [
    "CODE_ALPHABET",  # activities' demo builds codes of the same alphabet
    "booking_cancel",
    "booking_check_in",
    "booking_create",
    "offer_accept",
    "request_decide",
]

Status = Booking.Status


# --- Booking -------------------------------------------------------------------------------------


def _limit_filters(user, start: datetime, now: datetime) -> tuple[Q, dict[str, Q]]:
    """The person's rows the per-person limits look at, and what each limit counts among them.

    Counted across every palace of the province, venue bookings only (not sign-ups of offerings).
    """
    day = timezone.localtime(start).date()
    monday = day - timedelta(days=day.weekday())
    sunday_after = monday + timedelta(days=7)
    counted = (*Booking.ACTIVE, Status.CHECKED_IN)
    # A day's and a week's bookings still count once checked in, and whether over or not.
    limits = {
        "active": Q(status__in=Booking.ACTIVE, end__gt=now),
        "on_day": Q(status__in=counted, local_date=day),
        "in_week": Q(status__in=counted, local_date__gte=monday, local_date__lt=sunday_after),
    }
    rows = Q(user=user, offering__isnull=True) & (
        Q(end__gt=now) | Q(local_date__gte=monday, local_date__lt=sunday_after)
    )
    return rows, limits


def _refuse_over_limits(rule: BookingRule, counts: dict[str, int]) -> None:
    if counts["active"] >= rule.max_active:
        raise RuleViolation(
            _("You already have %(count)d active bookings, the most allowed here.")
            % {"count": rule.max_active},
            code="limit_reached",
        )
    if counts["on_day"] >= rule.max_per_day:
        raise RuleViolation(
            _("You already have %(count)d bookings on that day, the most allowed here.")
            % {"count": rule.max_per_day},
            code="limit_reached",
        )
    if counts["in_week"] >= rule.max_per_week:
        raise RuleViolation(
            _("You already have %(count)d bookings in that week, the most allowed here.")
            % {"count": rule.max_per_week},
            code="limit_reached",
        )


def _check_limits(user, rule: BookingRule, start: datetime, now: datetime, *, exclude_pk=None) -> None:
    """Per-person limits, counted across every palace of the province (`exclude_pk`: the booking
    being decided, already among the person's rows). One query: conditional counts."""
    rows, limits = _limit_filters(user, start, now)
    counts = (
        Booking.objects.filter(rows)
        .exclude(pk=exclude_pk)
        .aggregate(**{name: Count("pk", filter=where) for name, where in limits.items()})
    )
    _refuse_over_limits(rule, counts)


def booking_create(
    *,
    user,
    venue: Venue,
    start: datetime,
    end: datetime,
    party_size: int = 1,
    waitlist: bool = False,
    purpose: str = "",
    organisation: str = "",
    matter: str = "",
    now: datetime | None = None,
) -> Booking:
    """Reserve `venue` from `start` to `end` for `user`.

    Any signed-in, active user may call it for a listed, active venue (others: `NotFound`).
    The outcome is a booking `confirmed`, `pending` (group requests wait for staff), or
    `waitlisted` (full, and the caller asked to wait). Refusals (409): `suspended`,
    `members_only`, `outside_opening_hours`, `outside_booking_window`, `limit_reached`,
    `slot_taken` (exclusive), `slot_full` (shared), `already_booked`. Staff of the venue's palace
    are exempt from the per-person limits and the members-only rule. Side effects: the slot's
    counter (shared venues), a notification in the outbox.
    """
    now = now or timezone.now()
    if not venue.is_active or venue.palace.status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        raise NotFound()
    rule = rule_for(venue)
    if not isinstance(party_size, int) or not rule.min_party <= party_size <= rule.max_party:
        message = _("Party size must be between %(low)d and %(high)d here.") % {
            "low": rule.min_party,
            "high": rule.max_party,
        }
        raise InvalidInput(message, code="invalid_party_size", fields={"party_size": [message]})
    is_request = venue.booking_mode == BookingMode.REQUEST
    is_appointment = venue.booking_mode == BookingMode.APPOINTMENT
    if is_request and not purpose.strip():
        message = _("Say what the venue is for.")
        raise InvalidInput(message, fields={"purpose": [message]})
    if is_appointment and not matter.strip():
        message = _("Describe your matter briefly so the right person can help.")
        raise InvalidInput(message, fields={"matter": [message]})
    staff = is_staff_of(user, venue.palace)
    if fast_path_enabled() and not (staff or waitlist or is_request or is_appointment):
        # The common case in one round trip (`fast.py`); None: it is this function's to decide.
        booking = booking_create_fast(
            user=user,
            venue=venue,
            rule=rule,
            start=start,
            end=end,
            party_size=party_size,
            purpose=purpose,
            organisation=organisation,
            now=now,
        )
        if booking is not None:
            return booking

    with transaction.atomic():
        exclusive = venue.booking_mode in (BookingMode.EXCLUSIVE, BookingMode.REQUEST)
        venue.capacity, suspension_id = person_lock(
            user_id=user.pk, venue_id=venue.pk, now=now, hold_capacity=not exclusive
        )
        if not staff and suspension_id is not None:
            refuse_if_suspended(user, now=now)
        rng = match_slots(venue, rule, start, end)
        refuse_outside_window(rule, start, now)
        if not staff and not user.is_member and (venue.member_only or in_member_hours(rule, start)):
            raise RuleViolation(_("This is for trade-union members only."), code="members_only")
        facts = booking_facts(user_id=user.pk, venue_id=venue.pk, start=start, end=end, now=now)
        if facts["already"]:
            raise already_booked()
        if not staff:
            _refuse_over_limits(rule, facts)
        if exclusive and not is_request:
            if (facts["queue"] or facts["busy"]) and not waitlist:
                # A committed booking holds the time (or people wait for it): refused at once,
                # without queueing for the venue's lock behind everyone else racing for it.
                raise slot_taken()
            lock_ranges(venue)
            if waitlist:
                # Where a newcomer joins the queue is decided under the lock.
                facts = booking_facts(user_id=user.pk, venue_id=venue.pk, start=start, end=end, now=now)
            # Free when read: a booking committed since then makes the insert fail (PostgreSQL's
            # exclusion constraint; SQLite serialises writing transactions): `slot_taken`.

        booking = new_venue_booking(
            user=user,
            venue=venue,
            exclusive=exclusive,
            start=start,
            end=end,
            party_size=party_size,
            purpose=purpose,
            organisation=organisation,
            now=now,
        )
        if is_request:
            booking.status = Status.PENDING
            booking.save()
        else:
            booking.status = _claim(venue, rng, booking, waitlist=waitlist, facts=facts)
        if is_appointment:
            matter_record(booking=booking, text=matter)
        # Places nobody ahead could take (their parties are larger) must not stay empty while
        # someone who fits waits: offer them in queue order, which may reach this newcomer.
        if booking.status == Status.WAITLISTED and waitlist_offer_freed(venue, rng.start, rng.end, now=now):
            booking.refresh_from_db(fields=["status", "offer_expires_at"])
        # The outbox knows confirmations (and offers, written by waitlist_offer_freed); a pending request
        # or a place on the waitlist is shown on the page at once.
        if booking.status == Status.CONFIRMED:
            notifications.notify(user=user, kind="booking_confirmed", booking=booking, first=True)
    return booking


def _claim(venue: Venue, rng: SlotRange, booking: Booking, *, waitlist: bool, facts: dict) -> str:
    """Confirm the booking if the places are free (saving it), or put it on the waitlist.

    `facts`: `booking_facts`, read after the range lock for a venue booked whole.
    """
    exclusive = booking.exclusive
    # Nobody joins ahead of the queue: while people wait for this time, newcomers wait too.
    free = not facts["queue"]
    if free and exclusive:
        free = not facts["busy"]
        if free:
            booking.status = Status.CONFIRMED
            if not waitlist:
                # No savepoint (two round trips) when a lost race ends the transaction anyway.
                try:
                    insert_rows(booking)
                except IntegrityError:
                    # A concurrent booking won the range (PostgreSQL's exclusion constraint).
                    raise slot_taken() from None
                return Status.CONFIRMED
            try:
                with transaction.atomic():
                    booking.save()
                return Status.CONFIRMED
            except IntegrityError:
                booking.pk = None
                free = False
    elif free:
        # A counter with the slot's capacity and no room for the party: full, without queueing for
        # its row (take_places' own cheap refusal, read with the facts instead of after an UPDATE).
        seen_full = facts["counter_capacity"] == rng.capacity and (
            facts["counter_taken"] + booking.party_size > rng.capacity
        )
        free = not seen_full and take_places(venue, rng, booking.party_size)
        if free:
            booking.status = Status.CONFIRMED
            insert_rows(booking)
            return Status.CONFIRMED
    if not waitlist:
        if exclusive:
            raise slot_taken()
        raise slot_full()
    booking.status = Status.WAITLISTED
    booking.save()
    return Status.WAITLISTED


# --- Cancelling, offers from the waitlist ---------------------------------------------------------


def booking_cancel(*, actor, booking: Booking, reason: str = "", now: datetime | None = None) -> Booking:
    """Cancel a booking (or leave the waitlist, or turn down an offer).

    The owner may cancel until the venue's deadline (`cancel_deadline_passed` after it; waiting
    and pending requests may always be withdrawn before the start); staff of the palace at any
    time. Others: `NotFound`. Freed places are offered to the waitlist in the same transaction.
    """
    now = now or timezone.now()
    staff = is_staff_of(actor, booking.palace)
    if booking.user_id != actor.pk and not staff:
        raise NotFound()
    with transaction.atomic():
        booking = lock_booking(booking, "venue", "palace", "user", "offering")
        if booking.status not in Booking.OPEN:
            raise RuleViolation(_("This booking can no longer be cancelled."), code="not_cancellable")
        if booking.offering_id is not None:
            if not staff:
                offering_check_withdrawable(booking, now=now)
        elif not staff:
            rule = rule_for(booking.venue)
            if booking.start <= now:
                raise RuleViolation(_("The booking has already begun."), code="cancel_deadline_passed")
            if booking.status == Status.CONFIRMED and now > cancel_deadline(rule, booking.start):
                raise RuleViolation(
                    _("Bookings here can be cancelled up to %(minutes)d minutes before the start.")
                    % {"minutes": rule.cancel_deadline_minutes},
                    code="cancel_deadline_passed",
                )
        was_holding = booking.is_holding
        booking.status = Status.CANCELLED
        booking.cancelled_at = now
        if staff and booking.user_id != actor.pk:
            booking.decision_reason = reason.strip()[:300]
            booking.decided_by = actor
        booking.save(update_fields=["status", "cancelled_at", "decision_reason", "decided_by", "updated_at"])
        if was_holding:
            release_places(booking)
            offer_freed_places(booking, now=now)
        notifications.notify(
            user=booking.user,
            kind="booking_cancelled",
            booking=booking,
            extra={"reason": booking.decision_reason},
        )
    return booking


def offer_accept(*, user, booking: Booking, now: datetime | None = None) -> Booking:
    """Take up a place offered from the waitlist before the offer expires (`offer_expired`).

    The per-person limits are checked again (`limit_reached`): the person may have booked other
    times since joining the queue. Refused, the offer stands until it expires, so cancelling
    another booking first still lets them take it.
    """
    now = now or timezone.now()
    if booking.user_id != user.pk:
        raise NotFound()
    with transaction.atomic():
        lock_user(user)  # the person, then their rows: booking_create's order
        booking = lock_booking(booking, "venue", "palace", "offering")
        if booking.status != Status.OFFERED:
            raise RuleViolation(_("There is no offer to accept on this booking."), code="no_offer")
        if booking.offer_expires_at is not None and booking.offer_expires_at <= now:
            raise RuleViolation(_("The offer has expired."), code="offer_expired")
        if booking.offering_id is None and not is_staff_of(user, booking.palace):
            _check_limits(user, rule_for(booking.venue), booking.start, now, exclude_pk=booking.pk)
        booking.status = Status.CONFIRMED
        booking.offer_expires_at = None
        booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
        if booking.offering_id is not None:
            # Holding this section, the person stops waiting for the others of its course.
            offering_leave_family(booking, now=now)
        notifications.notify(user=user, kind="booking_confirmed", booking=booking)
    return booking


# --- Staff decisions, check-in --------------------------------------------------------------------


def request_decide(
    *, actor, booking: Booking, approve: bool, reason: str = "", now: datetime | None = None
) -> Booking:
    """Approve or decline a group request. Staff of the palace only (others: `NotFound`).

    Declining needs a reason. Approving blocks the range; a range taken meanwhile → `slot_taken`.
    """
    now = now or timezone.now()
    if not is_staff_of(actor, booking.palace):
        raise NotFound()
    reason = reason.strip()
    if not approve and not reason:
        message = _("Give the reason for declining; the applicant will see it.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        booking = lock_booking(booking, "venue", "palace", "user")
        if booking.status != Status.PENDING:
            raise RuleViolation(_("This request has already been decided."), code="already_decided")
        booking.decided_by, booking.decided_at, booking.decision_reason = actor, now, reason[:300]
        if approve:
            lock_ranges(booking.venue)
            if not range_is_free(booking.venue, booking.start, booking.end):
                raise RuleViolation(_("Another booking already holds this time."), code="slot_taken")
            booking.status = Status.CONFIRMED
            try:
                with transaction.atomic():
                    booking.save()
            except IntegrityError:
                raise RuleViolation(
                    _("Another booking already holds this time."), code="slot_taken"
                ) from None
            notifications.notify(user=booking.user, kind="request_approved", booking=booking)
        else:
            booking.status = Status.DECLINED
            booking.save()
            notifications.notify(user=booking.user, kind="request_declined", booking=booking)
    return booking


def booking_check_in(*, actor, code: str, now: datetime | None = None) -> Booking:
    """Check a booking in by its code. Staff of the booking's palace only.

    Unknown code, or a booking of a palace the actor does not run: `NotFound`. Refusals (409):
    `not_checkin_time` (outside the window around the start), `already_checked_in`,
    `not_confirmed`.
    """
    now = now or timezone.now()
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if not code:
        message = _("Enter the check-in code.")
        raise InvalidInput(message, fields={"code": [message]})
    palaces = access.palaces_managed_by(actor)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("venue", "palace", "user", "offering")
            .filter(check_in_code=code, palace__in=palaces)
            .first()
        )
        if booking is None:
            raise NotFound(_("No booking of your palace has this code."))
        if booking.offering_id is not None:
            return offering_check_in(actor=actor, booking=booking, now=now)
        if booking.status == Status.CHECKED_IN:
            raise RuleViolation(_("This booking is already checked in."), code="already_checked_in")
        if booking.status != Status.CONFIRMED:
            raise RuleViolation(
                _("This booking is %(status)s, not confirmed.") % {"status": booking.get_status_display()},
                code="not_confirmed",
            )
        opens, closes = checkin_window(rule_for(booking.venue), booking.start)
        if not opens <= now <= closes:
            raise RuleViolation(
                _("Check-in is open from %(opens)s to %(closes)s.")
                % {
                    "opens": timezone.localtime(opens).strftime("%m-%d %H:%M"),
                    "closes": timezone.localtime(closes).strftime("%H:%M"),
                },
                code="not_checkin_time",
            )
        mark_checked_in(booking, actor=actor, now=now)
    return booking
