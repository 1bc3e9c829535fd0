"""The workers' pages of one sign-up, a course's enrolment or an event's registration alike:
withdraw (with a confirmation page), accept an offered place, its QR code and its .ics file.

A sign-up is looked up through its owner: anyone else's answers 404. Every write is a POST with
CSRF through a service; a refusal comes back as a `palace_portal.errors` exception whose message
the page shows, with nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import calendars
from bookings import qr
from bookings.models import Booking
from bookings.services import booking as booking_services
from palace_portal.errors import PortalError

from .pages import WITHDRAW_LABELS, Status, is_course, refused, status_label
from .selectors import ENROLLED
from .services import enrolment_withdraw


def _own_signup(request, pk: int) -> Booking:
    """The requester's own sign-up of a course or an event; anyone else's answers 404."""
    return get_object_or_404(
        Booking.objects.filter(offering__isnull=False).select_related(
            "offering", "offering__course", "offering__course__term", "offering__event", "palace", "venue"
        ),
        pk=pk,
        user=request.user,
    )


def _page_of(booking: Booking) -> str:
    if is_course(booking):
        return reverse("classes:course", args=[booking.offering.course.pk])
    return reverse("classes:event", args=[booking.offering.event.pk])


def _title_of(booking: Booking) -> str:
    return booking.offering.title


@login_required
@require_http_methods(["GET", "POST"])
def signup_withdraw(request, pk: int):
    """GET: the confirmation step; POST: withdraw (or leave the waitlist, or decline the offer)."""
    booking = _own_signup(request, pk)
    if request.method == "POST":
        try:
            enrolment_withdraw(actor=request.user, enrolment=booking)
        except PortalError as exc:
            refused(request, exc)
            return redirect(_page_of(booking))
        messages.success(
            request,
            {
                Status.OFFERED: _("You declined the place in %(title)s; it passes to the next in line."),
                Status.WAITLISTED: _("You have left the waitlist of %(title)s."),
                Status.PENDING: _("You have withdrawn your application for %(title)s."),
            }.get(booking.status, _("You have withdrawn from %(title)s."))
            % {"title": _title_of(booking)},
        )
        return redirect("classes:mine")
    if booking.status not in Booking.OPEN:
        messages.error(request, _("This sign-up has already ended."))
        return redirect(_page_of(booking))
    return render(
        request,
        "activities/classes/withdraw.html",
        {
            "booking": booking,
            "is_course": is_course(booking),
            "label": WITHDRAW_LABELS.get(booking.status, ""),
            "status": status_label(booking),
            "back_url": _page_of(booking),
        },
    )


@login_required
@require_POST
def signup_accept(request, pk: int):
    booking = _own_signup(request, pk)
    try:
        booking_services.offer_accept(user=request.user, booking=booking)
    except PortalError as exc:
        refused(request, exc)
    else:
        messages.success(
            request,
            (
                _("You are enrolled in %(title)s. Your sessions are in My classes.")
                if is_course(booking)
                else _("You are registered for %(title)s. Show your check-in code at the door.")
            )
            % {"title": _title_of(booking)},
        )
    return redirect(_page_of(booking))


@login_required
@require_GET
def signup_qr(request, pk: int):
    """The check-in code as an SVG QR code: the owner's enrolments and registrations only."""
    booking = _own_signup(request, pk)
    if booking.status not in ENROLLED:
        raise Http404
    response = HttpResponse(qr.qr_svg(booking.check_in_code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def signup_ics(request, pk: int):
    """Every session of the owner's course (or their event) as an .ics file, once they hold a place."""
    booking = _own_signup(request, pk)
    if booking.status not in ENROLLED:
        raise Http404
    response = HttpResponse(calendars.signup_ics(booking), content_type="text/calendar; charset=utf-8")
    name = "course" if is_course(booking) else "event"
    response["Content-Disposition"] = f'attachment; filename="{name}-{booking.offering_id}.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response
