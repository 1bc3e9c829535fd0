"""The reservation lifecycle: book, wait, be offered, confirm, cancel, check in, or not show up.

Every function here is one transaction, takes keyword arguments, asserts the caller's right to act
and raises `palace_portal.errors` with the machine codes of API.md. Capacity is decided by the
database: a conditional UPDATE of the slot's counter (shared venues, service windows) or the
exclusion constraint over active ranges (exclusive venues, approved requests; on SQLite the same
check runs inside an IMMEDIATE transaction, which serialises writers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues import access
from venues.kinds import BookingMode
from venues.models import Palace, Venue

from .. import notifications
from ..models import Appeal, AppointmentMatter, Booking, BookingRule, MatterRead, SlotCounter, Suspension
from ..rules import cancel_deadline, checkin_window, in_member_hours, rule_for, window_last_date
from ..selectors import day_slots
from .common import CODE_ALPHABET, is_staff_of, lock_user, new_check_in_code, suspension_in_force  # noqa: F401
from .offering import (
    offering_check_in,
    offering_check_withdrawable,
    offering_leave_family,
    offering_offer_freed,
    offering_release,
    offering_waits_expire,
)

Status = Booking.Status


# --- Booking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Range:
    start: datetime
    end: datetime
    capacity: int
    slots: int


def _match_slots(venue: Venue, rule: BookingRule, start: datetime, end: datetime) -> _Range:
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
    return _Range(start, end, capacity or 0, count)


def _check_window(rule: BookingRule, start: datetime, now: datetime) -> None:
    if start <= now:
        raise RuleViolation(_("That time has already begun."), code="outside_booking_window")
    if timezone.localtime(start).date() > window_last_date(rule, now):
        raise RuleViolation(
            _("Booking for that day is not open yet: days open %(days)d days ahead at %(time)s.")
            % {"days": rule.window_days, "time": rule.window_opens_at.strftime("%H:%M")},
            code="outside_booking_window",
        )


def _check_limits(user, rule: BookingRule, start: datetime, now: datetime, *, exclude_pk=None) -> None:
    """Per-person limits, counted across every palace of the province (`exclude_pk`: the booking
    being decided, already among the person's rows)."""
    venue_bookings = Booking.objects.of_venues().exclude(pk=exclude_pk)
    active = venue_bookings.filter(user=user, status__in=Booking.ACTIVE, end__gt=now)
    if active.count() >= rule.max_active:
        raise RuleViolation(
            _("You already have %(count)d active bookings, the most allowed here.")
            % {"count": rule.max_active},
            code="limit_reached",
        )
    day = timezone.localtime(start).date()
    # A day's bookings still count once checked in (as in the week below), and whether over or not.
    on_day = venue_bookings.filter(user=user, status__in=(*Booking.ACTIVE, Status.CHECKED_IN), local_date=day)
    if on_day.count() >= rule.max_per_day:
        raise RuleViolation(
            _("You already have %(count)d bookings on that day, the most allowed here.")
            % {"count": rule.max_per_day},
            code="limit_reached",
        )
    monday = day - timedelta(days=day.weekday())
    in_week = venue_bookings.filter(
        user=user,
        status__in=(*Booking.ACTIVE, Status.CHECKED_IN),
        local_date__gte=monday,
        local_date__lt=monday + timedelta(days=7),
    )
    if in_week.count() >= rule.max_per_week:
        raise RuleViolation(
            _("You already have %(count)d bookings in that week, the most allowed here.")
            % {"count": rule.max_per_week},
            code="limit_reached",
        )


def _lock_ranges(venue: Venue) -> None:
    """Serialise changes to the booked-whole ranges of one venue (exclusive venues, requests).

    The exclusion constraint keeps ranges apart, but two transactions inserting overlapping ranges
    at the same moment each wait for the other inside the constraint check, and PostgreSQL aborts
    one with "deadlock detected" (a 500), which the racing tests showed. Taken first, this lock
    makes the overlap check before the insert exact, so the insert never waits; the constraint
    stays as the guarantee. FOR NO KEY UPDATE: bookings referring to the venue are not blocked.
    """
    Venue.objects.select_for_update(no_key=True).filter(pk=venue.pk).values_list("pk", flat=True).first()


def _take_places(venue: Venue, rng: _Range, party: int) -> bool:
    """Raise the slot's counter by `party` if the places are there. The database decides."""
    counter, _created = SlotCounter.objects.get_or_create(
        venue=venue,
        start=rng.start,
        defaults={"palace_id": venue.palace_id, "end": rng.end, "capacity": rng.capacity},
    )
    if counter.capacity != rng.capacity:
        # The duty roster or the venue's capacity changed since the counter was made; never
        # below what is already taken (the CHECK constraint would refuse it anyway).
        SlotCounter.objects.filter(pk=counter.pk, taken__lte=rng.capacity).update(capacity=rng.capacity)
    return bool(
        SlotCounter.objects.filter(pk=counter.pk, taken__lte=F("capacity") - party).update(
            taken=F("taken") + party
        )
    )


def _release_places(booking: Booking) -> None:
    if booking.offering_id is not None:
        offering_release(booking)
        return
    if booking.exclusive:
        return
    SlotCounter.objects.filter(
        venue_id=booking.venue_id, start=booking.start, taken__gte=booking.party_size
    ).update(taken=F("taken") - booking.party_size)


def _range_is_free(venue: Venue, start: datetime, end: datetime, *, exclude_pk=None) -> bool:
    qs = Booking.objects.filter(
        venue=venue, exclusive=True, status__in=Booking.HOLDING, start__lt=end, end__gt=start
    )
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return not qs.exists()


def _queue_exists(venue: Venue, start: datetime, end: datetime) -> bool:
    return Booking.objects.filter(
        venue=venue, status=Status.WAITLISTED, start__lt=end, end__gt=start
    ).exists()


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

    with transaction.atomic():
        lock_user(user)
        # Read inside the transaction: a capacity staff changed since the venue was loaded must
        # not be written back over the slot's counter by _take_places.
        venue.capacity = Venue.objects.values_list("capacity", flat=True).get(pk=venue.pk)
        if not staff:
            suspension = suspension_in_force(user, now=now)
            if suspension is not None:
                raise RuleViolation(
                    _("Your booking is suspended until %(date)s: %(reason)s")
                    % {
                        "date": timezone.localtime(suspension.ends_at).strftime("%Y-%m-%d"),
                        "reason": suspension.reason,
                    },
                    code="suspended",
                )
        rng = _match_slots(venue, rule, start, end)
        _check_window(rule, start, now)
        if not staff and not user.is_member and (venue.member_only or in_member_hours(rule, start)):
            raise RuleViolation(_("This is for trade-union members only."), code="members_only")
        if Booking.objects.filter(
            user=user, venue=venue, status__in=Booking.OPEN, start__lt=end, end__gt=start
        ).exists():
            raise RuleViolation(_("You already have a booking at this time here."), code="already_booked")
        if not staff:
            _check_limits(user, rule, start, now)

        booking = Booking(
            palace_id=venue.palace_id,
            venue=venue,
            user=user,
            mode=venue.booking_mode,
            exclusive=venue.booking_mode in (BookingMode.EXCLUSIVE, BookingMode.REQUEST),
            start=start,
            end=end,
            local_date=timezone.localtime(start).date(),
            party_size=party_size,
            fee=venue.fee,
            check_in_code=new_check_in_code(),
            purpose=purpose.strip(),
            organisation=organisation.strip(),
            created_at=now,
        )
        if is_request:
            booking.status = Status.PENDING
            booking.save()
        else:
            booking.status = _claim(venue, rng, booking, waitlist=waitlist)
        if is_appointment:
            AppointmentMatter.objects.create(booking=booking, palace_id=venue.palace_id, text=matter.strip())
        # Places nobody ahead could take (their parties are larger) must not stay empty while
        # someone who fits waits: offer them in queue order, which may reach this newcomer.
        if booking.status == Status.WAITLISTED and waitlist_offer_freed(venue, rng.start, rng.end, now=now):
            booking.refresh_from_db(fields=["status", "offer_expires_at"])
        # The outbox knows confirmations (and offers, written by waitlist_offer_freed); a pending request
        # or a place on the waitlist is shown on the page at once.
        if booking.status == Status.CONFIRMED:
            notifications.notify(user=user, kind="booking_confirmed", booking=booking)
    return booking


def _claim(venue: Venue, rng: _Range, booking: Booking, *, waitlist: bool) -> str:
    """Confirm the booking if the places are free (saving it), or put it on the waitlist."""
    exclusive = booking.exclusive
    if exclusive:
        _lock_ranges(venue)
    # Nobody joins ahead of the queue: while people wait for this time, newcomers wait too.
    free = not _queue_exists(venue, rng.start, rng.end)
    if free and exclusive:
        free = _range_is_free(venue, rng.start, rng.end)
        if free:
            booking.status = Status.CONFIRMED
            try:
                with transaction.atomic():
                    booking.save()
                return Status.CONFIRMED
            except IntegrityError:
                # A concurrent booking won the range (PostgreSQL's exclusion constraint).
                booking.pk = None
                free = False
    elif free:
        free = _take_places(venue, rng, booking.party_size)
        if free:
            booking.status = Status.CONFIRMED
            booking.save()
            return Status.CONFIRMED
    if not waitlist:
        if exclusive:
            raise RuleViolation(_("Someone has just booked this time."), code="slot_taken")
        raise RuleViolation(_("This time slot is full."), code="slot_full")
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
        booking = (
            # OF self: select_related would lock the venue, palace and user rows too, which blocks
            # every booking insert of the palace (its foreign key check) and deadlocks with them.
            Booking.objects.select_for_update(of=("self",))
            .select_related("venue", "palace", "user", "offering")
            .get(pk=booking.pk)
        )
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
            _release_places(booking)
            _offer_freed_places(booking, now=now)
        notifications.notify(
            user=booking.user,
            kind="booking_cancelled",
            booking=booking,
            extra={"reason": booking.decision_reason},
        )
    return booking


def _offer_freed_places(booking: Booking, *, now: datetime) -> None:
    if booking.offering_id is not None:
        offering_offer_freed(booking.offering, now=now)
    else:
        waitlist_offer_freed(booking.venue, booking.start, booking.end, now=now)


def waitlist_offer_freed(venue: Venue, start: datetime, end: datetime, *, now: datetime) -> list[Booking]:
    """Offer freed places to those waiting, in the order they joined (first that fits)."""
    rule = rule_for(venue)
    if venue.booking_mode in (BookingMode.EXCLUSIVE, BookingMode.REQUEST):
        _lock_ranges(venue)
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
            if not _range_is_free(venue, candidate.start, candidate.end):
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
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("venue", "palace", "offering")
            .get(pk=booking.pk)
        )
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


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire offers not taken up in time and pass the places on; expire waits and requests
    whose time has begun (beat task; idempotent)."""
    now = now or timezone.now()
    count = 0
    for pk in Booking.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("venue", "offering")
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if booking is None:
                continue
            booking.status = Status.EXPIRED
            booking.save(update_fields=["status", "updated_at"])
            _release_places(booking)
            _offer_freed_places(booking, now=now)
            count += 1
    # Waiting for, or asking for, a time that has begun is over: nothing will come of it.
    count += (
        Booking.objects.of_venues()
        .filter(status__in=(Status.WAITLISTED, Status.PENDING), start__lte=now)
        .update(status=Status.EXPIRED, updated_at=now)
    )
    count += offering_waits_expire(now=now)
    return count


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
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("venue", "palace", "user")
            .get(pk=booking.pk)
        )
        if booking.status != Status.PENDING:
            raise RuleViolation(_("This request has already been decided."), code="already_decided")
        booking.decided_by, booking.decided_at, booking.decision_reason = actor, now, reason[:300]
        if approve:
            _lock_ranges(booking.venue)
            if not _range_is_free(booking.venue, booking.start, booking.end):
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
        booking.status = Status.CHECKED_IN
        booking.checked_in_at = now
        booking.checked_in_by = actor
        booking.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
    return booking


# --- No-shows and suspensions ---------------------------------------------------------------------


def no_shows_mark(*, now: datetime | None = None) -> int:
    """Confirmed bookings whose check-in window has closed become no-shows (beat task; idempotent).

    A worker with `BOOKING_NO_SHOW_LIMIT` no-shows within `BOOKING_NO_SHOW_WINDOW_DAYS` is
    suspended for `BOOKING_SUSPENSION_DAYS` (one suspension at a time).
    """
    now = now or timezone.now()
    candidates = (
        # Sign-ups of courses and events keep attendance per session instead (never suspended).
        Booking.objects.of_venues()
        .filter(status=Status.CONFIRMED, start__lt=now)
        .select_related("venue__booking_rule")
        .only("pk", "start", "user_id", "venue__id", "venue__booking_rule__checkin_closes_minutes")
    )
    marked_users = set()
    count = 0
    for booking in candidates:
        rule = getattr(booking.venue, "booking_rule", None)
        closes = booking.start + timedelta(minutes=rule.checkin_closes_minutes if rule else 15)
        if closes >= now:
            continue
        if Booking.objects.filter(pk=booking.pk, status=Status.CONFIRMED).update(
            status=Status.NO_SHOW, updated_at=now
        ):
            count += 1
            marked_users.add(booking.user_id)
    for user_id in marked_users:
        _suspend_if_repeated(user_id, now=now)
    return count


def _suspend_if_repeated(user_id: int, *, now: datetime) -> Suspension | None:
    limit = settings.BOOKING_NO_SHOW_LIMIT
    since = now - timedelta(days=settings.BOOKING_NO_SHOW_WINDOW_DAYS)
    with transaction.atomic():
        from palace_portal.users.models import User

        user = User.objects.select_for_update().get(pk=user_id)
        if suspension_in_force(user, now=now):
            return None
        last = Suspension.objects.filter(user=user).order_by("-starts_at").first()
        # No-shows already punished by an earlier suspension do not count twice.
        counted_from = max(since, last.starts_at) if last else since
        no_shows = list(
            Booking.objects.filter(user=user, status=Status.NO_SHOW, start__gte=counted_from, start__lt=now)
        )
        if len(no_shows) < limit:
            return None
        days = settings.BOOKING_SUSPENSION_DAYS
        suspension = Suspension.objects.create(
            user=user,
            starts_at=now,
            ends_at=now + timedelta(days=days),
            reason=_("%(count)d bookings not attended within %(days)d days.")
            % {"count": len(no_shows), "days": settings.BOOKING_NO_SHOW_WINDOW_DAYS},
        )
        suspension.no_shows.set(no_shows)
        notifications.notify(user=user, kind="suspended", extra={"suspension": suspension})
    return suspension


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind workers of confirmed bookings starting within BOOKING_REMINDER_HOURS (once each)."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.BOOKING_REMINDER_HOURS)
    count = 0
    for booking in (
        Booking.objects.of_venues()
        .filter(status=Status.CONFIRMED, reminded_at__isnull=True, start__gt=now, start__lte=horizon)
        .select_related("venue", "palace", "user")
    ):
        with transaction.atomic():
            if not Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            notifications.notify(user=booking.user, kind="booking_reminder", booking=booking)
            count += 1
    return count


def suspension_lift(*, actor, suspension: Suspension, reason: str, now: datetime | None = None) -> Suspension:
    """Lift a suspension early. Provincial staff, or staff of a palace where a counted no-show was."""
    now = now or timezone.now()
    if not may_decide_suspension(actor, suspension):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        message = _("Say why the suspension is lifted.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.lifted_at is not None or suspension.ends_at <= now:
            raise RuleViolation(_("This suspension is no longer in force."), code="not_in_force")
        suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, actor, reason[:300]
        suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        notifications.notify(user=suspension.user, kind="suspension_lifted", extra={"suspension": suspension})
    return suspension


def may_decide_suspension(actor, suspension: Suspension) -> bool:
    if access.is_province_officer(actor):
        return True
    palaces = access.palaces_managed_by(actor)
    return suspension.no_shows.filter(palace__in=palaces).exists()


def suspensions_decidable_by(actor):
    if access.is_province_officer(actor):
        return Suspension.objects.all()
    return Suspension.objects.filter(no_shows__palace__in=access.palaces_managed_by(actor)).distinct()


def appeal_submit(*, user, suspension: Suspension, text: str, now: datetime | None = None):
    """The suspended worker explains (once per suspension)."""
    now = now or timezone.now()
    if suspension.user_id != user.pk:
        raise NotFound()
    text = text.strip()
    if not text:
        message = _("Write your appeal.")
        raise InvalidInput(message, fields={"text": [message]})
    if suspension.lifted_at is not None or not suspension.starts_at <= now < suspension.ends_at:
        raise RuleViolation(_("This suspension is no longer in force."), code="not_in_force")
    try:
        with transaction.atomic():
            return Appeal.objects.create(suspension=suspension, text=text[:2000])
    except IntegrityError:
        raise RuleViolation(
            _("You have already appealed this suspension."), code="already_appealed"
        ) from None


def appeal_decide(*, actor, appeal, uphold: bool, reason: str, now: datetime | None = None):
    """Staff decide an appeal: upholding it lifts the suspension."""
    now = now or timezone.now()
    if not may_decide_suspension(actor, appeal.suspension):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        message = _("Give the reason for the decision; the worker will see it.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("suspension").get(pk=appeal.pk)
        if appeal.status != Appeal.Status.OPEN:
            raise RuleViolation(_("This appeal has already been decided."), code="already_decided")
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_reason = actor, now, reason[:300]
        appeal.save()
        suspension = appeal.suspension
        if uphold and suspension.lifted_at is None:
            suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, actor, reason[:300]
            suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
        notifications.notify(user=suspension.user, kind="appeal_decided", extra={"appeal": appeal})
    return appeal


# --- Confidential matters ---------------------------------------------------------------------------


def matter_read(*, actor, booking: Booking) -> str:
    """The appointment's matter, for service staff of the booking's palace; every read recorded."""
    if not is_staff_of(actor, booking.palace):
        raise NotFound()
    matter = AppointmentMatter.objects.filter(booking=booking).first()
    if matter is None:
        return ""
    MatterRead.objects.create(matter=matter, reader=actor)
    return matter.text
