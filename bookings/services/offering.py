"""Sign-ups of offerings (courses, events): the booking lifecycle with places counted per offering.

A sign-up is a `Booking` with `offering` set, so waiting, offers, withdrawal (`booking_cancel`),
offers expiring (`offers_expire`), check-in codes (`booking_check_in`) and the notification outbox
are the venue bookings' own. What differs lives here:
- places are counted on the offering row (`taken`, raised only by a conditional UPDATE, never past
  `capacity`: a CHECK constraint), not per slot;
- a lottery offering takes applications (`pending`) during its window and is settled in one go by
  `offering_allocate` with the order its owner drew (activities' `lottery_draw`);
- a person holds at most one offering of a family (the sections of one course) and at most
  `group_limit` of a limit group (a term's course limit);
- attendance is kept per session (`Attendance`), by code at the door or by the teacher's roll call.

Lock order, as for venues: the person, then the offering row, then bookings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation

from .. import notifications
from ..access import is_staff_of
from ..models import Attendance, Booking, Occurrence, Offering
from .common import lock_user, mark_checked_in, new_check_in_code
from .suspension import refuse_if_suspended

Status = Booking.Status
# What counts towards the per-person limits: places held and applications not yet drawn.
COUNTED = (Status.PENDING, Status.OFFERED, Status.CONFIRMED, Status.CHECKED_IN)


def _lock_offering(offering: Offering) -> Offering:
    return Offering.objects.select_for_update(no_key=True).get(pk=offering.pk)


def offering_is_open(offering: Offering, *, now: datetime) -> bool:
    return (
        offering.published
        and not offering.cancelled
        and (offering.opens_at is None or offering.opens_at <= now)
        and now < offering.closes_at
    )


def _check_window(offering: Offering, now: datetime) -> None:
    if offering.opens_at is not None and now < offering.opens_at:
        raise RuleViolation(
            _("Sign-up opens on %(when)s.")
            % {"when": timezone.localtime(offering.opens_at).strftime("%Y-%m-%d %H:%M")},
            code="enrolment_not_open",
        )
    if now >= offering.closes_at:
        raise RuleViolation(_("Sign-up has closed."), code="enrolment_closed")


def _held_in(user, *, offering: Offering) -> Iterable[Booking]:
    """The person's counted sign-ups in the offering's family or limit group (one query)."""
    condition = Q()
    if offering.family:
        condition |= Q(offering__family=offering.family)
    if offering.limit_group and offering.group_limit:
        condition |= Q(offering__limit_group=offering.limit_group)
    if not condition:
        return []
    return list(Booking.objects.filter(condition, user=user, status__in=COUNTED).select_related("offering"))


def signup_limit_refusal(user, offering: Offering, *, exclude_pk=None) -> RuleViolation | None:
    """The refusal a sign-up to `offering` would meet for the per-person limits (another section
    of the same course held or applied for, the term's course limit), or None. Pages ask it ahead
    of the button; the sign-up services ask it again under their lock."""
    held = [b for b in _held_in(user, offering=offering) if b.pk != exclude_pk]
    if offering.family and any(b.offering.family == offering.family for b in held):
        return RuleViolation(
            _("You already hold a place in (or applied for) another section of this course."),
            code="already_enrolled",
        )
    if offering.limit_group and offering.group_limit:
        in_group = [b for b in held if b.offering.limit_group == offering.limit_group]
        if len(in_group) >= offering.group_limit:
            return RuleViolation(
                _("You may hold at most %(count)d courses in one term.") % {"count": offering.group_limit},
                code="limit_reached",
            )
    return None


def _take(offering: Offering, party: int = 1) -> bool:
    """Raise the offering's count by `party` if the places are there. The database decides."""
    qs = Offering.objects.filter(pk=offering.pk)
    if offering.capacity is not None:
        qs = qs.filter(taken__lte=F("capacity") - party)
    return bool(qs.update(taken=F("taken") + party))


def offering_release(booking: Booking) -> None:
    """Give back the places a sign-up held (the caller changed its status in this transaction)."""
    Offering.objects.filter(pk=booking.offering_id, taken__gte=booking.party_size).update(
        taken=F("taken") - booking.party_size
    )


def _sign_up(offering: Offering, *, now: datetime, **fields) -> Booking:
    """An unsaved sign-up for the offering (`fields`: the person, and status or rank if known):
    its palace, times and fee are the offering's, with a new check-in code."""
    return Booking(
        palace_id=offering.palace_id,
        venue_id=offering.venue_id,
        offering=offering,
        mode=offering.kind,
        start=offering.starts_at,
        end=offering.ends_at,
        local_date=timezone.localtime(offering.starts_at).date(),
        fee=offering.fee,
        check_in_code=new_check_in_code(),
        created_at=now,
        **fields,
    )


def offering_enrol(*, user, offering: Offering, now: datetime | None = None) -> Booking:
    """Sign `user` up for `offering`: `confirmed`, `waitlisted` (full) or `pending` (lottery applied).

    Any signed-in, active user may call it for a published offering (others: `NotFound`).
    Refusals (409): `enrolment_not_open`, `enrolment_closed`, `suspended`, `members_only`,
    `already_enrolled` (this offering or another section of its course), `limit_reached` (the
    group's limit), `cancelled`. Nobody joins ahead of the waitlist. Side effects: the offering's
    count, a notification.
    """
    now = now or timezone.now()
    if not offering.published:
        raise NotFound()
    with transaction.atomic():
        lock_user(user)
        offering = _lock_offering(offering)
        if offering.cancelled:
            raise RuleViolation(_("This has been cancelled."), code="cancelled")
        _check_window(offering, now)
        staff = is_staff_of(user, offering.palace)
        if not staff:
            refuse_if_suspended(user, now=now, sign_up=True)
            if offering.members_only and not user.is_member:
                raise RuleViolation(_("This is for trade-union members only."), code="members_only")
        if Booking.objects.filter(
            user=user, offering=offering, status__in=(*Booking.OPEN, Status.CHECKED_IN)
        ).exists():
            raise RuleViolation(_("You have already signed up for this."), code="already_enrolled")
        refusal = signup_limit_refusal(user, offering)
        if refusal is not None:
            raise refusal
        booking = _sign_up(offering, now=now, user=user)
        if offering.is_lottery and offering.drawn_at is None:
            booking.status = Status.PENDING
        elif not _queue_exists(offering) and _take(offering):
            booking.status = Status.CONFIRMED
        else:
            booking.status = Status.WAITLISTED
        booking.save()
        if booking.status == Status.CONFIRMED:
            notifications.notify(user=user, kind="booking_confirmed", booking=booking)
    return booking


def _queue_exists(offering: Offering) -> bool:
    return Booking.objects.filter(offering=offering, status=Status.WAITLISTED).exists()


def _waiting(offering: Offering):
    """The offering's waitlist in its order: draw order first (a lottery's), then joining order."""
    return Booking.objects.filter(offering=offering, status=Status.WAITLISTED).order_by(
        F("queue_rank").asc(nulls_last=True), "created_at", "pk"
    )


def offering_waitlist_position(booking: Booking) -> int | None:
    if booking.status != Status.WAITLISTED or booking.offering_id is None:
        return None
    ids = list(_waiting(booking.offering).values_list("pk", flat=True))
    return ids.index(booking.pk) + 1 if booking.pk in ids else None


def _offer(booking: Booking, offering: Offering, *, now: datetime) -> None:
    booking.status = Status.OFFERED
    booking.offer_expires_at = min(now + timedelta(minutes=offering.offer_minutes), offering.ends_at)
    booking.save(update_fields=["status", "offer_expires_at", "updated_at"])
    notifications.notify(user=booking.user, kind="waitlist_offer", booking=booking)


def offering_offer_freed(offering: Offering, *, now: datetime) -> list[Booking]:
    """Offer the offering's free places to its waitlist in order, skipping people at their limit.

    Called in the transaction that freed the places (withdrawal, an expired offer, a capacity
    raised, a new section). Offers hold for `offer_minutes`; then `offers_expire` passes them on.
    """
    offering = _lock_offering(offering)
    if offering.cancelled or now >= offering.ends_at or (offering.is_lottery and offering.drawn_at is None):
        return []
    offered = []
    for candidate in _waiting(offering).select_for_update(of=("self",)).select_related("user"):
        if offering.capacity is not None and offering.taken >= offering.capacity:
            break
        if signup_limit_refusal(candidate.user, offering, exclude_pk=candidate.pk) is not None:
            continue
        if not _take(offering):
            break
        offering.taken += 1
        _offer(candidate, offering, now=now)
        offered.append(candidate)
    return offered


def offering_invite_waitlist(*, offering: Offering, source: Offering, now: datetime) -> list[Booking]:
    """Put the people waiting for `source` on `offering`'s waitlist, keeping their order, and offer
    them its places (a new section of a course serves the course's waitlist first). They keep
    their place on `source`'s waitlist until they accept an offer (`offer_accept` leaves the family).
    """
    already = set(Booking.objects.filter(offering=offering).values_list("user_id", flat=True))
    Booking.objects.bulk_create(
        [
            _sign_up(
                offering, now=now, user_id=waiting.user_id, status=Status.WAITLISTED, queue_rank=position
            )
            for position, waiting in enumerate(_waiting(source), start=1)
            if waiting.user_id not in already
        ]
    )
    return offering_offer_freed(offering, now=now)


def offering_check_withdrawable(booking: Booking, *, now: datetime) -> None:
    """Whether the owner may still withdraw: until the offering ends (courses: dropping out frees
    the place for the waitlist mid-term), events until they begin."""
    offering = booking.offering
    last = offering.starts_at if offering.kind == Offering.Kind.EVENT else offering.ends_at
    if now >= last:
        raise RuleViolation(_("It is too late to withdraw."), code="cancel_deadline_passed")


def offering_leave_family(booking: Booking, *, now: datetime) -> int:
    """Having taken a place, stop waiting (or applying) for the other sections of the course."""
    family = booking.offering.family
    if not family:
        return 0
    return (
        Booking.objects.filter(
            user_id=booking.user_id,
            offering__family=family,
            status__in=(Status.WAITLISTED, Status.PENDING),
        )
        .exclude(pk=booking.pk)
        .update(status=Status.CANCELLED, cancelled_at=now, updated_at=now)
    )


def offering_waits_expire(*, now: datetime) -> int:
    """Waits and applications for offerings that have ended (or were cancelled) are over."""
    return Booking.objects.filter(
        Q(offering__ends_at__lte=now) | Q(offering__cancelled=True),
        offering__isnull=False,
        status__in=(Status.WAITLISTED, Status.PENDING),
    ).update(status=Status.EXPIRED, updated_at=now)


def offering_allocate(*, offering: Offering, order: Sequence[int], now: datetime | None = None) -> dict:
    """Settle a lottery: applications in `order` (booking ids) fill the places, the rest wait in
    that order. Called once, by the owner's draw, after sign-up closed (`already_drawn`,
    `enrolment_open` otherwise). Returns {"confirmed": [...ids], "waitlisted": [...ids]}.
    """
    now = now or timezone.now()
    with transaction.atomic():
        offering = _lock_offering(offering)
        if offering.drawn_at is not None:
            raise RuleViolation(_("The lottery has already been drawn."), code="already_drawn")
        if now < offering.closes_at:
            raise RuleViolation(_("The lottery is drawn after sign-up closes."), code="enrolment_open")
        applied = {
            b.pk: b
            for b in Booking.objects.select_for_update(of=("self",))
            .filter(offering=offering, status=Status.PENDING)
            .select_related("user", "offering", "palace")
        }
        if set(order) != set(applied) or len(order) != len(applied):
            raise InvalidInput(_("The draw must order every application exactly once."), code="bad_draw")
        confirmed, waitlisted = [], []
        free = offering.capacity - offering.taken
        for rank, pk in enumerate(order, start=1):
            booking = applied[pk]
            booking.updated_at = now
            if len(confirmed) < free:
                booking.status = Status.CONFIRMED
                booking.queue_rank = rank
                confirmed.append(booking)
            else:
                booking.status = Status.WAITLISTED
                booking.queue_rank = rank
                waitlisted.append(booking)
        Booking.objects.bulk_update([*confirmed, *waitlisted], ["status", "queue_rank", "updated_at"])
        if confirmed and not _take(offering, len(confirmed)):
            raise RuleViolation(_("The places changed during the draw; draw again."), code="slot_full")
        offering.drawn_at = now
        offering.save(update_fields=["drawn_at"])
        for booking in confirmed:
            offering_leave_family(booking, now=now)
            notifications.notify(user=booking.user, kind="lottery_won", booking=booking)
        for position, booking in enumerate(waitlisted, start=1):
            notifications.notify(
                user=booking.user, kind="lottery_waitlisted", booking=booking, extra={"position": position}
            )
    return {"confirmed": [b.pk for b in confirmed], "waitlisted": [b.pk for b in waitlisted]}


def offering_capacity_change(
    *, offering: Offering, capacity: int | None, now: datetime | None = None
) -> Offering:
    """Set the places (never below those held: `capacity_below_taken`); more places go to the waitlist."""
    now = now or timezone.now()
    with transaction.atomic():
        offering = _lock_offering(offering)
        if capacity is not None and capacity < offering.taken:
            raise RuleViolation(
                _("%(taken)d places are already held; the capacity cannot go below that.")
                % {"taken": offering.taken},
                code="capacity_below_taken",
            )
        if offering.is_lottery and capacity is None:
            raise InvalidInput(
                _("A lottery needs a number of places."), fields={"capacity": [_("Required.")]}
            )
        offering.capacity = capacity
        offering.save(update_fields=["capacity"])
        offering_offer_freed(offering, now=now)
    return offering


# --- Attendance -------------------------------------------------------------------------------------


def current_occurrence(offering: Offering, *, now: datetime) -> Occurrence | None:
    """The session whose check-in window holds `now`, if any."""
    return (
        Occurrence.objects.filter(
            offering=offering,
            cancelled=False,
            start__lte=now + timedelta(minutes=offering.checkin_opens_minutes),
            start__gte=now - timedelta(minutes=offering.checkin_closes_minutes),
        )
        .order_by("start")
        .first()
    )


def _attendance(booking_id: int, occurrence: Occurrence, *, method: str, actor, now: datetime) -> Attendance:
    """An unsaved attendance of one sign-up at one session (by code at the door, or the roll call)."""
    return Attendance(
        booking_id=booking_id,
        occurrence=occurrence,
        palace_id=occurrence.palace_id,
        local_date=occurrence.local_date,
        method=method,
        recorded_by=actor,
        recorded_at=now,
    )


def offering_check_in(*, actor, booking: Booking, now: datetime) -> Booking:
    """A sign-up's code shown at the door: attendance at the session under way (the caller,
    `booking_check_in`, found the booking among the actor's palaces and locked it).

    Refusals (409): `not_confirmed`, `not_checkin_time` (no session's window holds now),
    `already_checked_in` (for this session). A one-session offering (an event) also turns the
    sign-up `checked_in`, as a venue booking does.
    """
    offering = booking.offering
    if booking.status not in (Status.CONFIRMED, Status.CHECKED_IN):
        raise RuleViolation(
            _("This sign-up is %(status)s, not confirmed.") % {"status": booking.get_status_display()},
            code="not_confirmed",
        )
    occurrence = current_occurrence(offering, now=now)
    if occurrence is None:
        raise RuleViolation(
            _("No session of %(title)s is open for check-in now (from %(before)d minutes before the start).")
            % {"title": offering.title, "before": offering.checkin_opens_minutes},
            code="not_checkin_time",
        )
    try:
        with transaction.atomic():
            _attendance(booking.pk, occurrence, method=Attendance.Method.CODE, actor=actor, now=now).save()
    except IntegrityError:
        raise RuleViolation(_("Already checked in for this session."), code="already_checked_in") from None
    if offering.kind == Offering.Kind.EVENT and booking.status == Status.CONFIRMED:
        mark_checked_in(booking, actor=actor, now=now)
    return booking


def attendance_roll_call(
    *, actor, occurrence: Occurrence, present: Iterable[int], now: datetime | None = None
) -> dict:
    """The teacher's roll call for one session: exactly the sign-ups in `present` attended.

    Staff of the palace only (`NotFound`). Only sessions that have begun (or begin within the
    check-in window) and are not cancelled; only confirmed sign-ups of that offering (`InvalidInput`
    naming the others). Code check-ins of absent ticks are removed too: the roll call is the record.
    Returns {"added": n, "removed": n}.
    """
    now = now or timezone.now()
    offering = occurrence.offering
    if not is_staff_of(actor, occurrence.palace):
        raise NotFound()
    if occurrence.cancelled:
        raise RuleViolation(_("This session was cancelled."), code="cancelled")
    if occurrence.start - timedelta(minutes=offering.checkin_opens_minutes) > now:
        raise RuleViolation(_("This session has not begun yet."), code="not_checkin_time")
    present = {int(pk) for pk in present}
    with transaction.atomic():
        enrolled = set(
            Booking.objects.filter(
                offering=offering, status__in=(Status.CONFIRMED, Status.CHECKED_IN)
            ).values_list("pk", flat=True)
        )
        strangers = present - enrolled
        if strangers:
            message = _("Not signed up for this: %(ids)s.") % {"ids": ", ".join(map(str, sorted(strangers)))}
            raise InvalidInput(message, fields={"present": [message]})
        existing = set(Attendance.objects.filter(occurrence=occurrence).values_list("booking_id", flat=True))
        removed, _details = Attendance.objects.filter(
            occurrence=occurrence, booking_id__in=existing - present
        ).delete()
        Attendance.objects.bulk_create(
            [
                _attendance(pk, occurrence, method=Attendance.Method.ROLL_CALL, actor=actor, now=now)
                for pk in sorted(present - existing)
            ]
        )
    return {"added": len(present - existing), "removed": removed}
