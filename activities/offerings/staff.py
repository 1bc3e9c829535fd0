"""What every staff page of courses and events shares: the header, refusals, the words of a
sign-up's status, a session's lookup, handing a form to a service, and the publish and cancel steps.

Pages find the palace with `venues.pages.palace_or_404`: reads (the terms, a term's courses, the
events list, a lottery's audit) with `scope="view"`, so city officers can follow them; everything
else (forms, rosters with names and phones, roll calls, draws, sections) with `scope="manage"`.
Any other palace, course, event or session answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from activities import access
from bookings.models import Booking, Occurrence
from palace_portal.errors import PortalError
from venues.models import Palace

from .forms import CancelForm
from .models import PublishState

T = TypeVar("T")

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
    PublishState.DRAFT: "badge-muted",
    PublishState.PUBLISHED: "badge-ok",
    PublishState.CANCELLED: "badge-red",
}


def occurrence_of(palace: Palace, occurrence_id: int) -> Occurrence:
    return get_object_or_404(
        Occurrence.objects.filter(palace=palace).select_related(
            "offering", "offering__course__term", "offering__event", "venue", "palace"
        ),
        pk=occurrence_id,
    )


def head(request, palace: Palace, tab: str) -> dict:
    """The header's context: the palace, the current tab, whether the user may act on it."""
    return {"palace": palace, "tab": tab, "may_manage": access.may_manage(request.user, palace)}


def refuse(request, error: PortalError) -> None:
    """Show a service's refusal at the top of the next page."""
    messages.error(request, str(error.message))


def signup_status(booking: Booking, *, event: bool = False) -> tuple[str, str]:
    """The status's words and badge class; an event's sign-ups are "registered", not "enrolled"."""
    if event and booking.status == Status.CONFIRMED:
        return _("registered"), "badge-ok"
    return SIGNUP_STATUS.get(booking.status, (booking.get_status_display(), "badge"))


def listing_publish_page(request, *, publish: Callable[[], Any], done: str, back: str) -> HttpResponse:
    """The publish button of a course or an event: the service decides; the next page says so."""
    try:
        publish()
    except PortalError as error:
        refuse(request, error)
    else:
        messages.success(request, done)
    return redirect(back)


def listing_cancel_page(
    request,
    *,
    listing,
    cancel: Callable[[str], Any],
    already: str,
    done: str,
    back: str,
    template: str,
    context: dict,
) -> HttpResponse:
    """The cancel step of a course or an event: a confirmation page with who will be told, and the
    reason they will read; the service's refusal is shown on the form."""
    if listing.state == PublishState.CANCELLED:
        messages.info(request, already)
        return redirect(back)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel(form.cleaned_data["reason"])
        except PortalError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, done)
            return redirect(back)
    return render(request, template, context | {"form": form}, status=400 if form.errors else 200)
