"""The refusals a booking's two paths share (`booking.booking_create`, `fast.booking_create_fast`):
one message per machine code (raise what these answer), so that a worker reads the same words
whichever path answered."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import RuleViolation

from ..models import BookingRule
from ..rules import window_last_date


def refuse_outside_window(rule: BookingRule, start: datetime, now: datetime) -> None:
    """`outside_booking_window`: the time has begun, or its day is not open for booking yet."""
    if start <= now:
        raise RuleViolation(_("That time has already begun."), code="outside_booking_window")
    if timezone.localtime(start).date() > window_last_date(rule, now):
        raise RuleViolation(
            _("Booking for that day is not open yet: days open %(days)d days ahead at %(time)s.")
            % {"days": rule.window_days, "time": rule.window_opens_at.strftime("%H:%M")},
            code="outside_booking_window",
        )


def slot_taken() -> RuleViolation:
    return RuleViolation(_("Someone has just booked this time."), code="slot_taken")


def slot_full() -> RuleViolation:
    return RuleViolation(_("This time slot is full."), code="slot_full")


def already_booked() -> RuleViolation:
    return RuleViolation(_("You already have a booking at this time here."), code="already_booked")
