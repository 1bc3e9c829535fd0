"""What every page of the palace desk shares: access, the palace frame, small helpers."""

from __future__ import annotations

from datetime import date
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import get_object_or_404
from django.utils.http import urlencode

from venues import access
from venues.models import Palace, Venue

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


def staff_page(view):
    """Sign-in first; the view itself scopes every object to the palaces the user manages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _managed(request):
    return access.palaces_managed_by(request.user)


def _palace(request, palace_id: int) -> Palace:
    return get_object_or_404(_managed(request), pk=palace_id)


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
    }


def _rule_of(venue: Venue) -> BookingRule:
    """The venue's rule from `select_related("booking_rule")`, or its defaults (unsaved, no query)."""
    try:
        return venue.booking_rule
    except ObjectDoesNotExist:
        return BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))


def _day_param(day: date) -> str:
    return urlencode({"date": day.isoformat()})
