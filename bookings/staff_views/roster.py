"""The palace desk: roster."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from palace_portal.errors import PortalError
from venues.kinds import BookingMode
from venues.models import OpeningHours, Palace, Venue
from venues.pages import palace_or_404, staff_page

from ..models import DutyShift
from ..services import staff as staff_services
from ..staff_forms import (
    DutyShiftForm,
    NewDutyShiftForm,
    add_service_errors,
)
from ._common import (
    _frame,
)

# --- Duty roster ----------------------------------------------------------------------------------


def _roster_context(request, palace: Palace, *, form=None) -> dict:
    today = timezone.localdate()
    windows = list(
        Venue.objects.for_palace(palace).filter(booking_mode=BookingMode.APPOINTMENT).order_by("name")
    )
    shifts = (
        DutyShift.objects.filter(palace=palace)
        .filter(Q(date__isnull=True) | Q(date__gte=today))
        .order_by("weekday", "date", "starts", "person")
    )
    by_venue: dict[int, list[DutyShift]] = {v.pk: [] for v in windows}
    for shift in shifts:
        by_venue.setdefault(shift.venue_id, []).append(shift)
    weekdays = dict(OpeningHours.Weekday.choices)
    groups = [
        {
            "venue": v,
            "weekly": [(weekdays[s.weekday], s) for s in by_venue[v.pk] if s.date is None],
            "dated": [s for s in by_venue[v.pk] if s.date is not None],
        }
        for v in windows
    ]
    active_windows = [v for v in windows if v.is_active]
    return _frame(request, palace, "roster") | {
        "groups": groups,
        "form": form if form is not None else NewDutyShiftForm(venues=active_windows),
        "has_windows": bool(active_windows),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def roster(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    if request.method == "GET":
        return render(request, "bookings/staff/roster.html", _roster_context(request, palace))
    windows = list(
        Venue.objects.for_palace(palace).filter(booking_mode=BookingMode.APPOINTMENT, is_active=True)
    )
    form = NewDutyShiftForm(request.POST, venues=windows)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        venue = next(v for v in windows if v.pk == data.pop("venue"))
        try:
            staff_services.duty_shift_create(actor=request.user, venue=venue, **data)
        except PortalError as exc:
            add_service_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Shift added to the roster."))
            return redirect("bookings_staff:roster", palace_id=palace.pk)
    return render(
        request, "bookings/staff/roster.html", _roster_context(request, palace, form=form), status=status
    )


def _shift(palace: Palace, shift_id: int) -> DutyShift:
    return get_object_or_404(
        DutyShift.objects.filter(palace=palace).select_related("venue", "venue__palace"), pk=shift_id
    )


@staff_page
@require_http_methods(["GET", "POST"])
def shift_edit(request, palace_id: int, shift_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    shift = _shift(palace, shift_id)
    status = 200
    if request.method == "POST":
        form = DutyShiftForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                staff_services.duty_shift_update(actor=request.user, shift=shift, **form.cleaned_data)
            except PortalError as exc:
                add_service_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Shift saved."))
                return redirect("bookings_staff:roster", palace_id=palace.pk)
    else:
        form = DutyShiftForm.for_shift(shift)
    context = _frame(request, palace, "roster") | {"form": form, "shift": shift}
    return render(request, "bookings/staff/shift_edit.html", context, status=status)


@staff_page
@require_POST
def shift_delete(request, palace_id: int, shift_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    shift = _shift(palace, shift_id)
    try:
        staff_services.duty_shift_delete(actor=request.user, shift=shift)
    except PortalError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Shift removed from the roster."))
    return redirect("bookings_staff:roster", palace_id=palace.pk)
