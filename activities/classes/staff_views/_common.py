"""What every staff page of classes and events shares: access, the header, refusals, labels.

Reads (the terms, a term's courses, the events list, a lottery's audit) are for palaces
`access.palaces_visible_to` the user, so city officers can follow them; everything else (forms,
rosters with names and phones, roll calls, draws, sections) is for palaces
`access.palaces_managed_by` the user. Any other palace, course, event or session answers 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.classes.models import Course
from activities.events.models import Event
from bookings.models import Booking, Occurrence, Offering
from palace_portal.errors import PortalError
from venues import access
from venues.models import Palace

Status = Booking.Status

# How a sign-up's status reads on the staff pages (a booking's words do not fit a class).
SIGNUP_STATUS = {
    Status.PENDING: (_("applied"), "badge-warn"),
    Status.WAITLISTED: (_("waiting"), "badge-muted"),
    Status.OFFERED: (_("place offered"), "badge-warn"),
    Status.CONFIRMED: (_("enrolled"), "badge-ok"),
    Status.CHECKED_IN: (_("checked in"), "badge-ok"),
    Status.CANCELLED: (_("withdrawn"), "badge-muted"),
    Status.EXPIRED: (_("expired"), "badge-muted"),
    Status.DECLINED: (_("declined"), "badge-muted"),
    Status.NO_SHOW: (_("no-show"), "badge-red"),
}
STATE_BADGES = {
    Course.State.DRAFT: "badge-muted",
    Course.State.PUBLISHED: "badge-ok",
    Course.State.CANCELLED: "badge-red",
}


def visible_palace(request, palace_id: int) -> Palace:
    return get_object_or_404(access.palaces_visible_to(request.user), pk=palace_id)


def managed_palace(request, palace_id: int) -> Palace:
    return get_object_or_404(access.palaces_managed_by(request.user), pk=palace_id)


def course_of(palace: Palace, course_id: int) -> Course:
    return get_object_or_404(
        Course.objects.filter(palace=palace).select_related(
            "offering", "term", "venue", "palace", "section_of"
        ),
        pk=course_id,
    )


def event_of(palace: Palace, event_id: int) -> Event:
    return get_object_or_404(
        Event.objects.filter(palace=palace).select_related("offering", "venue", "palace"), pk=event_id
    )


def occurrence_of(palace: Palace, occurrence_id: int) -> Occurrence:
    return get_object_or_404(
        Occurrence.objects.filter(palace=palace).select_related("offering", "venue", "palace"),
        pk=occurrence_id,
    )


def lottery_due(course: Course, *, now=None) -> bool:
    """Closed, undrawn and published: the staff should draw now."""
    offering = course.offering
    now = now or timezone.now()
    return (
        course.state == Course.State.PUBLISHED
        and offering.selection == Offering.Selection.LOTTERY
        and offering.drawn_at is None
        and offering.closes_at <= now
    )


def head(request, palace: Palace, tab: str) -> dict:
    """The header's context: the palace, the current tab, whether the user may act on it."""
    return {"palace": palace, "tab": tab, "may_manage": access.may_manage_palace(request.user, palace)}


def refuse(request, error: PortalError) -> None:
    """Show a service's refusal at the top of the next page."""
    messages.error(request, str(error.message))


def signup_status(booking: Booking, *, event: bool = False) -> tuple[str, str]:
    """The status's words and badge class; an event's sign-ups are "registered", not "enrolled"."""
    if event and booking.status == Status.CONFIRMED:
        return _("registered"), "badge-ok"
    return SIGNUP_STATUS.get(booking.status, (booking.get_status_display(), "badge"))
