"""What every page of the palace desk shares: the palace frame, the booking lookup, small helpers."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode

from venues import access
from venues.models import Palace, Venue
from venues.pages import palaces_in_scope

from ..models import Booking, BookingRule
from ..rules import rule_defaults

Status = Booking.Status
PAGE_SIZE = 30
# A user managing more palaces than this (provincial staff) picks one from the desk's home page.
SWITCHER_LIMIT = 30
# Statuses the day list shows one by one; the others are only counted.
DAY_LISTED = (Status.OFFERED, Status.PENDING, Status.CONFIRMED, Status.CHECKED_IN, Status.NO_SHOW)
STATUS_BADGES = {
    Status.CONFIRMED: "badge",
    Status.CHECKED_IN: "badge-ok",
    Status.NO_SHOW: "badge-red",
    Status.PENDING: "badge-warn",
    Status.OFFERED: "badge-warn",
    Status.WAITLISTED: "badge-muted",
    Status.CANCELLED: "badge-muted",
    Status.DECLINED: "badge-muted",
    Status.EXPIRED: "badge-muted",
}
# Pages the palace switcher may go to (URL names taking the palace id).
SWITCH_TARGETS = ("today", "check_in", "requests", "appointments", "roster", "venues")


# --- Access ---------------------------------------------------------------------------------------

# Every desk page uses `venues.pages`: `staff_page`, then `palace_or_404(request, id, scope="manage")`.


def _managed(request):
    """The palaces the desk serves this user: those they act on."""
    return palaces_in_scope(request.user, "manage")


def _booking(palace: Palace, booking_id: int) -> Booking:
    return get_object_or_404(
        Booking.objects.for_palace(palace).of_venues().select_related("venue", "user", "palace"),
        pk=booking_id,
    )


def _frame(request, palace: Palace, tab: str) -> dict:
    """What every palace page's header needs: tabs, pending count, the palace switcher."""
    others = list(_managed(request).order_by("name").values_list("pk", "name")[: SWITCHER_LIMIT + 1])
    return {
        "palace": palace,
        "tab": tab,
        "pending_count": Booking.objects.for_palace(palace).of_venues().filter(status=Status.PENDING).count(),
        "switch_palaces": others if 1 < len(others) <= SWITCHER_LIMIT else [],
        "many_palaces": len(others) > SWITCHER_LIMIT,
        "is_manager": access.may_assign_staff(request.user, palace),
        # Legal-help cases are for staff holding the legal-service duty only (activities.legal).
        "is_legal_staff": access.is_legal_service_staff(request.user, palace),
    }


def _rule_of(venue: Venue) -> BookingRule:
    """The venue's rule from `select_related("booking_rule")`, or its defaults (unsaved, no query)."""
    try:
        return venue.booking_rule
    except ObjectDoesNotExist:
        return BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))


def _day_param(day: date) -> str:
    return urlencode({"date": day.isoformat()})


def _form_errors(form) -> str:
    """A refused form's errors as one line, for the row-level error of a list page."""
    return "; ".join(str(e) for errs in form.errors.values() for e in errs)
