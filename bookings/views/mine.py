"""My bookings: the worker's list, one booking with its QR code, cancelling, accepting an offer.

A worker's bookings are looked up through their owner: anyone else gets 404. Every write is a POST
with CSRF and goes through `bookings.services`; a refusal comes back as a `palace_portal.errors`
exception whose message the page shows, with nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import PortalError

from .. import qr, services
from ..models import Booking, BookingRule
from ..rules import cancel_deadline, checkin_window, rule_defaults
from ..selectors import PAST_ROW_FIELDS, past_bookings_of_user, upcoming_bookings_of_user, waitlist_positions
from ._common import when_label
from .calendar import feed_url_of

Status = Booking.Status

PAST_PAGE_SIZE = 20

CANCEL_LABELS = {
    Status.WAITLISTED: gettext_lazy("Leave the waitlist"),
    Status.OFFERED: gettext_lazy("Decline the offer"),
    Status.PENDING: gettext_lazy("Withdraw the request"),
    Status.CONFIRMED: gettext_lazy("Cancel the booking"),
}

STATUS_BADGES = {
    Status.WAITLISTED: "badge-warn",
    Status.OFFERED: "badge-warn",
    Status.PENDING: "badge-warn",
    Status.CONFIRMED: "badge-ok",
    Status.CHECKED_IN: "badge-ok",
    Status.CANCELLED: "badge-muted",
    Status.EXPIRED: "badge-muted",
    Status.DECLINED: "badge-red",
    Status.NO_SHOW: "badge-red",
}


@dataclass(frozen=True)
class BookingItem:
    """One of the worker's bookings with what the pages say about it."""

    booking: Booking
    rule: BookingRule
    badge: str
    position: int | None
    deadline: datetime
    can_cancel: bool
    cancel_label: str
    cancel_note: str
    checkin_opens: datetime
    checkin_closes: datetime

    @property
    def show_qr(self) -> bool:
        return self.booking.status in (Status.CONFIRMED, Status.CHECKED_IN)

    @property
    def is_open(self) -> bool:
        return self.booking.status in Booking.OPEN

    @property
    def in_calendar(self) -> bool:
        # Only a place the worker holds: a waitlisted, offered or pending booking may never happen,
        # and a calendar entry for it would block the time as if it would.
        return self.booking.status in (Status.CONFIRMED, Status.CHECKED_IN)


@dataclass(frozen=True)
class PastRow:
    """A line of the past list: what it prints, ready (the list reads tuples, not bookings)."""

    pk: int
    venue_name: str
    palace_name: str
    status_label: str
    badge: str
    when: str
    reason: str


def _past_row(pk, venue_name, palace_name, status, start, end, reason) -> PastRow:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return PastRow(
        pk=pk,
        venue_name=venue_name,
        palace_name=palace_name,
        status_label=str(Status(status).label),
        badge=STATUS_BADGES.get(status, ""),
        when=f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}",
        reason=reason,
    )


def _rule_of(booking: Booking) -> BookingRule:
    """The venue's rule without a query: select_related by the selectors, else the defaults."""
    venue = booking.venue
    try:
        rule = venue.booking_rule
    except BookingRule.DoesNotExist:
        # Never saved by staff: the mode's and kind's defaults (what `rule_for` would give).
        rule = BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))
    venue._rule_cache = rule
    return rule


def _cancellation(booking: Booking, rule: BookingRule, now: datetime) -> tuple[bool, str]:
    """May the owner cancel now, and if not, why (the service decides; this only explains)."""
    if booking.status not in Booking.OPEN:
        return False, ""
    if booking.start <= now:
        return False, _("The booking has already begun.")
    deadline = cancel_deadline(rule, booking.start)
    if booking.status == Status.CONFIRMED and now > deadline:
        return False, _(
            "Bookings here can be cancelled up to %(minutes)d minutes before the start: the deadline was "
            "%(deadline)s. If you cannot come, tell the palace."
        ) % {"minutes": rule.cancel_deadline_minutes, "deadline": when_label(deadline)}
    return True, ""


def _item(booking: Booking, now: datetime, positions: dict[int, int]) -> BookingItem:
    rule = _rule_of(booking)
    can_cancel, note = _cancellation(booking, rule, now)
    opens, closes = checkin_window(rule, booking.start)
    return BookingItem(
        booking=booking,
        rule=rule,
        badge=STATUS_BADGES.get(booking.status, ""),
        position=positions.get(booking.pk),
        deadline=cancel_deadline(rule, booking.start),
        can_cancel=can_cancel,
        cancel_label=str(CANCEL_LABELS.get(booking.status, "")),
        cancel_note=note,
        checkin_opens=opens,
        checkin_closes=closes,
    )


@login_required
@require_GET
def my_bookings(request):
    now = timezone.now()
    user = request.user
    upcoming = list(upcoming_bookings_of_user(user, now=now))
    positions = waitlist_positions(upcoming)
    past_page = Paginator(past_bookings_of_user(user, now=now), PAST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    feed_url = feed_url_of(request, user)
    return render(
        request,
        "bookings/my_bookings.html",
        {
            "upcoming": [_item(b, now, positions) for b in upcoming],
            "past_page": past_page,
            "past": [_past_row(*row) for row in past_page.object_list.values_list(*PAST_ROW_FIELDS)],
            "suspension": services.suspension_in_force(user, now=now),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


def _own_booking(request, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.of_venues().select_related("venue", "venue__booking_rule", "venue__palace", "palace"),
        pk=pk,
        user=request.user,
    )


@login_required
@require_GET
def booking_detail(request, pk: int):
    booking = _own_booking(request, pk)
    now = timezone.now()
    positions = waitlist_positions([booking])
    return render(
        request,
        "bookings/booking_detail.html",
        {"item": _item(booking, now, positions), "booking": booking, "now": now},
    )


@login_required
@require_GET
def booking_qr(request, pk: int):
    """The check-in code as an SVG QR code: the owner's confirmed bookings only."""
    booking = _own_booking(request, pk)
    if booking.status not in (Status.CONFIRMED, Status.CHECKED_IN):
        raise Http404
    response = HttpResponse(qr.qr_svg(booking.check_in_code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk: int):
    """GET: the confirmation step (with the deadline); POST: cancel through the service."""
    booking = _own_booking(request, pk)
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking=booking)
        except PortalError as exc:
            if exc.status == 404:
                raise Http404 from None
            messages.error(request, str(exc.message))
            return redirect("bookings:detail", booking.pk)
        messages.success(
            request,
            _("Cancelled: %(venue)s, %(when)s.")
            % {"venue": booking.venue.name, "when": when_label(booking.start)},
        )
        return redirect("bookings:my_bookings")
    item = _item(booking, timezone.now(), waitlist_positions([booking]))
    return render(request, "bookings/booking_cancel.html", {"item": item, "booking": booking})


@login_required
@require_POST
def offer_accept(request, pk: int):
    booking = _own_booking(request, pk)
    try:
        services.offer_accept(user=request.user, booking=booking)
    except PortalError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Booked: %(venue)s, %(when)s. Show the QR code when you arrive.")
            % {"venue": booking.venue.name, "when": when_label(booking.start)},
        )
    return redirect("bookings:detail", booking.pk)
