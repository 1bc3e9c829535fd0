"""The palace desk: appointments."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_POST

from palace_portal.errors import PortalError
from venues.kinds import BookingMode
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from .. import services as booking_services
from ..access import may_audit_matter_reads
from ..models import AppointmentMatter, Booking, MatterRead
from ..rules import checkin_window, rule_for
from ._common import (
    PAGE_SIZE,
    STATUS_BADGES,
    Status,
    _booking,
    _day_param,
    _frame,
)

# --- Appointments, bookings, confidential matters -------------------------------------------------


@staff_page
def appointments(request, palace_id: int):
    """Upcoming appointments. Never the matter: that is read one booking at a time, on record."""
    palace = palace_or_404(request, palace_id, scope="manage")
    upcoming = (
        Booking.objects.for_palace(palace)
        .filter(
            mode=BookingMode.APPOINTMENT,
            end__gt=timezone.now(),
            status__in=(*Booking.OPEN, Status.CHECKED_IN),
        )
        .select_related("venue", "user")
        .order_by("start", "pk")
    )
    page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"booking": b, "badge": STATUS_BADGES[b.status]} for b in page.object_list]
    context = _frame(request, palace, "appointments") | {"page_obj": page, "rows": rows}
    return render(request, "bookings/staff/appointments.html", context)


def _booking_context(request, palace: Palace, booking: Booking) -> dict:
    now = timezone.now()
    opens, closes = checkin_window(rule_for(booking.venue), booking.start)
    is_appointment = booking.mode == BookingMode.APPOINTMENT
    frame = _frame(request, palace, "appointments" if is_appointment else "today")
    reads = []
    if is_appointment and frame["is_manager"]:
        reads = list(
            MatterRead.objects.filter(matter__booking=booking)
            .select_related("reader")
            .order_by("-read_at")[:50]
        )
    return frame | {
        "booking": booking,
        "badge": STATUS_BADGES[booking.status],
        "opens": opens,
        "closes": closes,
        "can_check_in": booking.status == Status.CONFIRMED and opens <= now <= closes,
        "is_appointment": is_appointment,
        "has_matter": is_appointment and AppointmentMatter.objects.filter(booking=booking).exists(),
        "reads": reads,
        "day_param": _day_param(booking.local_date),
    }


@staff_page
def booking_detail(request, palace_id: int, booking_id: int):
    """One booking with the worker's full name and number, for staff who need to reach them."""
    palace = palace_or_404(request, palace_id, scope="manage")
    booking = _booking(palace, booking_id)
    response = render(request, "bookings/staff/booking.html", _booking_context(request, palace, booking))
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_page
@require_POST
def matter(request, palace_id: int, booking_id: int):
    """Read an appointment's matter: recorded by `matter_read`, shown in this answer only."""
    palace = palace_or_404(request, palace_id, scope="manage")
    booking = _booking(palace, booking_id)
    try:
        text = booking_services.matter_read(actor=request.user, booking=booking)
    except PortalError:
        raise Http404 from None
    context = _booking_context(request, palace, booking) | {"matter_text": text, "matter_shown": True}
    response = render(request, "bookings/staff/booking.html", context)
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_page
def matter_reads(request, palace_id: int):
    """Who read which appointment's matter, when: for the palace's managers."""
    palace = palace_or_404(request, palace_id, scope="manage")
    if not may_audit_matter_reads(request.user, palace):
        raise Http404
    reads = (
        MatterRead.objects.filter(matter__palace=palace)
        .select_related("reader", "matter__booking__venue", "matter__booking__user")
        .order_by("-read_at", "-pk")
    )
    page = Paginator(reads, 50).get_page(request.GET.get("page"))
    context = _frame(request, palace, "appointments") | {"page_obj": page}
    return render(request, "bookings/staff/matter_reads.html", context)
