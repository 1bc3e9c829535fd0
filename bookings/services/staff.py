"""Staff writes on a palace's booking set-up: a venue's rules and settings, the duty roster.

Every function takes the acting user, asserts `bookings.access.is_staff_of` itself (others:
`NotFound`, so ids cannot be probed), runs in one transaction and raises `palace_portal.errors`.
Places already taken are never given away: a capacity change or a roster change that would leave
a future slot with more people booked than places is refused, with the slots at fault listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.kinds import BookingMode
from venues.models import Palace, Venue

from ..access import is_staff_of
from ..models import Booking, BookingRule, DutyShift, SlotCounter
from ..rules import rule_defaults
from .places import waitlist_offer_freed

# Integer settings of a rule and of a venue, with the range staff may choose from.
INT_RANGES: dict[str, tuple[int, int]] = {
    "window_days": (0, 90),
    "max_slots": (1, 24),
    "min_party": (1, 10_000),
    "max_party": (1, 10_000),
    "max_active": (1, 50),
    "max_per_day": (1, 50),
    "max_per_week": (1, 100),
    "cancel_deadline_minutes": (0, 30 * 24 * 60),
    "offer_minutes": (5, 24 * 60),
    "checkin_opens_minutes": (0, 240),
    "checkin_closes_minutes": (0, 240),
    "slot_minutes": (15, 480),
    "capacity": (1, 10_000),
}
RULE_FIELDS = (
    "window_days",
    "window_opens_at",
    "max_slots",
    "min_party",
    "max_party",
    "max_active",
    "max_per_day",
    "max_per_week",
    "cancel_deadline_minutes",
    "member_hours_start",
    "member_hours_end",
    "offer_minutes",
    "checkin_opens_minutes",
    "checkin_closes_minutes",
)
VENUE_FIELDS = ("slot_minutes", "fee", "member_only", "capacity")
MAX_FEE = Decimal("9999.99")
# Slots are cut from the opening time in steps of the slot length; whole 5 minutes keep them readable.
SLOT_STEP = 5
# How many conflicting slots an error message lists.
CONFLICTS_SHOWN = 5


def _assert_manages(actor, palace: Palace) -> None:
    if not is_staff_of(actor, palace):
        raise NotFound()


def _slot_label(start: datetime) -> str:
    return timezone.localtime(start).strftime("%m-%d %H:%M")


@dataclass(frozen=True)
class _Conflict:
    start: datetime
    taken: int
    places: int


def _conflict_list(conflicts: list[_Conflict]) -> str:
    shown = [
        _("%(when)s (%(taken)d booked, %(places)d places)")
        % {"when": _slot_label(c.start), "taken": c.taken, "places": c.places}
        for c in conflicts[:CONFLICTS_SHOWN]
    ]
    if len(conflicts) > CONFLICTS_SHOWN:
        shown.append(_("and %(count)d more") % {"count": len(conflicts) - CONFLICTS_SHOWN})
    return "; ".join(shown)


# --- Rules and venue settings ---------------------------------------------------------------------


def _validate_rule_values(values: dict) -> dict[str, list[str]]:
    """Every range and cross-field rule on the final values; {field: [messages]}."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field, (low, high) in INT_RANGES.items():
        value = values[field]
        if isinstance(value, bool) or not isinstance(value, int):
            add(field, _("Enter a whole number."))
        elif not low <= value <= high:
            add(field, _("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    for field in ("window_opens_at",):
        if not isinstance(values[field], time):
            add(field, _("Enter a time."))
    for field in ("member_hours_start", "member_hours_end"):
        if values[field] is not None and not isinstance(values[field], time):
            add(field, _("Enter a time."))
    if not isinstance(values["member_only"], bool):
        add("member_only", _("Choose yes or no."))
    fee = values["fee"]
    try:
        fee = Decimal(str(fee))
    except (InvalidOperation, ValueError):
        add("fee", _("Enter an amount in yuan."))
    else:
        if not fee.is_finite() or fee < 0 or fee > MAX_FEE:
            add("fee", _("Enter an amount from 0 to %(max)s yuan.") % {"max": MAX_FEE})
        elif fee != fee.quantize(Decimal("0.01")):
            add("fee", _("Use at most two decimal places."))
        else:
            values["fee"] = fee.quantize(Decimal("0.01"))
    if errors:
        # Cross-field rules need well-formed values.
        return errors

    if values["slot_minutes"] % SLOT_STEP:
        add(
            "slot_minutes", _("The slot length must be a multiple of %(step)d minutes.") % {"step": SLOT_STEP}
        )
    if values["max_party"] < values["min_party"]:
        add("max_party", _("The largest party cannot be smaller than the smallest party."))
    if values["max_party"] > values["capacity"]:
        add(
            "max_party",
            _("The largest party cannot be larger than the venue's capacity (%(capacity)d).")
            % {"capacity": values["capacity"]},
        )
    if values["max_per_day"] > values["max_per_week"]:
        add("max_per_day", _("Bookings per day cannot be more than bookings per week."))
    if values["checkin_opens_minutes"] + values["checkin_closes_minutes"] < SLOT_STEP:
        add(
            "checkin_closes_minutes",
            _("Check-in must be open for at least %(minutes)d minutes in all.") % {"minutes": SLOT_STEP},
        )
    start, end = values["member_hours_start"], values["member_hours_end"]
    if (start is None) != (end is None):
        field = "member_hours_end" if end is None else "member_hours_start"
        add(field, _("Give both the start and the end of the members-only hours, or neither."))
    elif start is not None and start >= end:
        add("member_hours_end", _("The members-only hours must end after they start."))
    return errors


def _raise_invalid(errors: dict[str, list[str]]) -> None:
    first = next(iter(errors.values()))[0]
    raise InvalidInput(first, code="invalid_rule", fields=errors)


def rule_update(*, actor, venue: Venue, now: datetime | None = None, **fields) -> BookingRule:
    """Change a venue's booking rule and the venue settings staff own (slot length, fee,
    members-only, capacity). Staff of the venue's palace and provincial staff; others `NotFound`.

    Only the given fields change; the final values are checked together (InvalidInput, with
    `fields` naming each field at fault). Refusals (409): `slot_length_locked` (shared venues and
    service windows count places per slot, so their slot length may not change while future
    bookings hold places), `capacity_below_taken` (a future slot already holds more people than
    the new capacity; the slots are listed). A capacity change applies to the future slots'
    counters at once, and places it adds are offered to their waitlists.
    """
    unknown = set(fields) - set(RULE_FIELDS) - set(VENUE_FIELDS)
    if unknown:
        raise TypeError(f"rule_update() got unexpected fields: {', '.join(sorted(unknown))}")
    _assert_manages(actor, venue.palace)
    now = now or timezone.now()

    with transaction.atomic():
        # OF self, NO KEY: a plain FOR UPDATE here also locked the palace (select_related), and both
        # block the foreign-key checks of booking inserts, which deadlocked with bookings holding
        # a slot counter that _apply_capacity waits for (the racing tests showed it).
        venue = (
            Venue.objects.select_for_update(of=("self",), no_key=True)
            .select_related("palace")
            .get(pk=venue.pk)
        )
        # Saved the first time staff change it; until then the kind's defaults apply (rule_for).
        rule = BookingRule.objects.select_for_update().filter(venue=venue).first()
        if rule is None:
            rule = BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))
        values = {f: getattr(rule, f) for f in RULE_FIELDS} | {f: getattr(venue, f) for f in VENUE_FIELDS}
        values.update(fields)
        errors = _validate_rule_values(values)
        if errors:
            _raise_invalid(errors)

        counted_per_slot = venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT)
        if counted_per_slot and values["slot_minutes"] != venue.slot_minutes:
            future = Booking.objects.filter(venue=venue, status__in=Booking.OPEN, end__gt=now)
            count = future.count()
            if count:
                last = future.order_by("-start").values_list("start", flat=True).first()
                raise RuleViolation(
                    _(
                        "The slot length cannot change while %(count)d future bookings hold places here "
                        "(the last on %(date)s): their slots would no longer match. Change it after that day."
                    )
                    % {"count": count, "date": timezone.localtime(last).strftime("%Y-%m-%d")},
                    code="slot_length_locked",
                )

        raised_slots: list[SlotCounter] = []
        if venue.booking_mode == BookingMode.SHARED and values["capacity"] != venue.capacity:
            raised_slots = _apply_capacity(venue, values["capacity"], now=now)

        for field in RULE_FIELDS:
            setattr(rule, field, values[field])
        rule.save()
        for field in VENUE_FIELDS:
            setattr(venue, field, values[field])
        venue.save(update_fields=list(VENUE_FIELDS))
        venue._rule_cache = rule
        for counter in raised_slots:
            waitlist_offer_freed(venue, counter.start, counter.end, now=now)
    return rule


def _apply_capacity(venue: Venue, capacity: int, *, now: datetime) -> list[SlotCounter]:
    """Set the capacity of the venue's future slot counters; refuse if one holds more than that.

    Returns the counters whose capacity went up (their waitlists may now be offered places).
    """
    future = SlotCounter.objects.select_for_update().filter(venue=venue, end__gt=now).order_by("start")
    counters = list(future)
    conflicts = [_Conflict(c.start, c.taken, capacity) for c in counters if c.taken > capacity]
    if conflicts:
        raise RuleViolation(
            _("The capacity cannot go below the places already booked in: %(slots)s.")
            % {"slots": _conflict_list(conflicts)},
            code="capacity_below_taken",
        )
    raised = [c for c in counters if c.capacity < capacity]
    # Conditional: a booking that slipped in meanwhile would make the update miss its row.
    updated = future.filter(taken__lte=capacity).update(capacity=capacity)
    if updated != len(counters):
        raise RuleViolation(
            _("Places were booked while you were saving. Please try again."), code="capacity_below_taken"
        )
    return raised


# --- The duty roster ------------------------------------------------------------------------------


SHIFT_FIELDS = ("person", "role", "weekday", "date", "starts", "ends")


def _covers(shift: DutyShift, day: date) -> bool:
    if shift.date is not None:
        return shift.date == day
    return shift.weekday == day.weekday()


def _days_meet(a: DutyShift, b: DutyShift) -> bool:
    """Could the two shifts fall on the same day?"""
    if a.date is not None and b.date is not None:
        return a.date == b.date
    if a.date is None and b.date is None:
        return a.weekday == b.weekday
    dated, weekly = (a, b) if a.date is not None else (b, a)
    return dated.date.weekday() == weekly.weekday


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _validate_shift(shift: DutyShift, others: list[DutyShift], *, now: datetime) -> None:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    shift.person = " ".join((shift.person or "").split())
    shift.role = " ".join((shift.role or "").split())
    if not shift.person:
        add("person", _("Name the person on duty."))
    elif len(shift.person) > 50:
        add("person", _("Use at most 50 characters."))
    if len(shift.role) > 50:
        add("role", _("Use at most 50 characters."))
    if (shift.weekday is None) == (shift.date is None):
        add("weekday", _("Choose either a weekday (every week) or one date, not both."))
    elif shift.weekday is not None and (
        isinstance(shift.weekday, bool) or not isinstance(shift.weekday, int) or not 0 <= shift.weekday <= 6
    ):
        add("weekday", _("Choose a weekday."))
    elif shift.date is not None and (
        not isinstance(shift.date, date) or shift.date < timezone.localtime(now).date()
    ):
        add("date", _("The date has passed."))
    if not isinstance(shift.starts, time):
        add("starts", _("Enter a time."))
    if not isinstance(shift.ends, time):
        add("ends", _("Enter a time."))
    elif isinstance(shift.starts, time) and shift.starts >= shift.ends:
        add("ends", _("The shift must end after it starts."))
    if errors:
        _raise_invalid(errors)

    for other in others:
        if (
            _same_person(other.person, shift.person)
            and _days_meet(other, shift)
            and other.starts < shift.ends
            and shift.starts < other.ends
        ):
            when = (
                other.date.strftime("%Y-%m-%d")
                if other.date is not None
                else str(_weekday_label(other.weekday))
            )
            message = _("%(person)s is already on duty here %(when)s from %(starts)s to %(ends)s.") % {
                "person": other.person,
                "when": when,
                "starts": other.starts.strftime("%H:%M"),
                "ends": other.ends.strftime("%H:%M"),
            }
            raise InvalidInput(message, code="shift_overlaps", fields={"starts": [message]})


def _weekday_label(weekday: int) -> str:
    from venues.models import OpeningHours

    return OpeningHours.Weekday(weekday).label


def _reconcile_duty(venue: Venue, shifts: list[DutyShift], *, now: datetime) -> list[SlotCounter]:
    """Give the venue's future slot counters the places the roster `shifts` provides.

    Refuses (`duty_conflict`) when a slot would hold more appointments than people on duty, and
    lists those slots. Returns the counters that gained places.
    """
    future = SlotCounter.objects.select_for_update().filter(venue=venue, end__gt=now).order_by("start")
    counters = list(future)
    conflicts, changes, raised = [], [], []
    for counter in counters:
        start, end = timezone.localtime(counter.start), timezone.localtime(counter.end)
        places = sum(
            1
            for s in shifts
            if _covers(s, start.date()) and s.starts <= start.time() and end.time() <= s.ends
        )
        if places < counter.taken:
            conflicts.append(_Conflict(counter.start, counter.taken, places))
        elif places != counter.capacity:
            changes.append((counter, places))
            if places > counter.capacity:
                raised.append(counter)
    if conflicts:
        raise RuleViolation(
            _(
                "Booked appointments would lose the person on duty in: %(slots)s. "
                "Cancel or move those appointments first."
            )
            % {"slots": _conflict_list(conflicts)},
            code="duty_conflict",
        )
    for counter, places in changes:
        if not SlotCounter.objects.filter(pk=counter.pk, taken__lte=places).update(capacity=places):
            raise RuleViolation(
                _("Appointments were booked while you were saving. Please try again."), code="duty_conflict"
            )
    return raised


def _service_window(actor, venue: Venue) -> None:
    _assert_manages(actor, venue.palace)
    if venue.booking_mode != BookingMode.APPOINTMENT:
        message = _("A duty roster is kept for service windows only.")
        raise InvalidInput(message, code="not_a_service_window", fields={"venue": [message]})


def _lock_roster(venue: Venue) -> list[DutyShift]:
    # Locking the venue serialises roster changes of one window. NO KEY: bookings inserted
    # meanwhile (their foreign-key check) must not wait for it while holding a slot counter.
    # No ordering: the venue's default one joins (and so would lock) the palace and the region.
    list(
        Venue.objects.select_for_update(no_key=True)
        .filter(pk=venue.pk)
        .order_by()
        .values_list("pk", flat=True)
    )
    return list(DutyShift.objects.filter(venue=venue))


def duty_shift_create(
    *,
    actor,
    venue: Venue,
    person: str,
    starts: time,
    ends: time,
    weekday: int | None = None,
    date: date | None = None,
    role: str = "",
    now: datetime | None = None,
) -> DutyShift:
    """Put someone on duty at a service window, every `weekday` (0 = Monday) or on one `date`.

    Staff of the venue's palace and provincial staff (others: `NotFound`); service windows only.
    InvalidInput: empty name, weekday and date both or neither, a past date, end not after start,
    `shift_overlaps` (the same person already on duty at this window then). The new places are
    added to booked slots' counters and offered to their waitlists.
    """
    now = now or timezone.now()
    _service_window(actor, venue)
    shift = DutyShift(
        palace_id=venue.palace_id,
        venue=venue,
        person=person or "",
        role=role or "",
        weekday=weekday,
        date=date,
        starts=starts,
        ends=ends,
    )
    with transaction.atomic():
        others = _lock_roster(venue)
        _validate_shift(shift, others, now=now)
        shift.save()
        raised = _reconcile_duty(venue, [*others, shift], now=now)
        for counter in raised:
            waitlist_offer_freed(venue, counter.start, counter.end, now=now)
    return shift


def duty_shift_update(*, actor, shift: DutyShift, now: datetime | None = None, **fields) -> DutyShift:
    """Change a shift (`person`, `role`, `weekday`, `date`, `starts`, `ends`); the same checks as
    `duty_shift_create`, and refused (`duty_conflict`) if booked appointments would lose their
    person on duty (the slots are listed)."""
    unknown = set(fields) - set(SHIFT_FIELDS)
    if unknown:
        raise TypeError(f"duty_shift_update() got unexpected fields: {', '.join(sorted(unknown))}")
    now = now or timezone.now()
    venue = shift.venue
    _service_window(actor, venue)
    with transaction.atomic():
        roster = _lock_roster(venue)
        current = next((s for s in roster if s.pk == shift.pk), None)
        if current is None:
            raise NotFound()
        for field, value in fields.items():
            setattr(current, field, value)
        others = [s for s in roster if s.pk != current.pk]
        _validate_shift(current, others, now=now)
        raised = _reconcile_duty(venue, [*others, current], now=now)
        current.save()
        for counter in raised:
            waitlist_offer_freed(venue, counter.start, counter.end, now=now)
    return current


def duty_shift_delete(*, actor, shift: DutyShift, now: datetime | None = None) -> None:
    """Take a shift off the roster; refused (`duty_conflict`) while booked appointments need it."""
    now = now or timezone.now()
    venue = shift.venue
    _assert_manages(actor, venue.palace)
    with transaction.atomic():
        roster = _lock_roster(venue)
        if not any(s.pk == shift.pk for s in roster):
            raise NotFound()
        _reconcile_duty(venue, [s for s in roster if s.pk != shift.pk], now=now)
        DutyShift.objects.filter(pk=shift.pk).delete()
