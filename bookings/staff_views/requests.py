"""The palace desk: requests."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palace_portal.errors import PortalError
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from .. import services as booking_services
from ..models import Booking
from ..staff_forms import (
    DecideForm,
)
from ._common import (
    PAGE_SIZE,
    Status,
    _booking,
    _form_errors,
    _frame,
)

# --- Group requests -------------------------------------------------------------------------------


def _requests_context(request, palace: Palace, *, errors: dict | None = None, reason: str = "") -> dict:
    pending = (
        Booking.objects.for_palace(palace)
        .of_venues()
        .filter(status=Status.PENDING)
        .select_related("venue", "user")
        .order_by("start", "pk")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    overlapping = []
    if items:
        # One query for every booking that could clash with a request on this page.
        overlapping = list(
            Booking.objects.filter(
                venue_id__in={b.venue_id for b in items},
                exclusive=True,
                status__in=(*Booking.HOLDING, Status.PENDING),
                start__lt=max(b.end for b in items),
                end__gt=min(b.start for b in items),
            )
            .select_related("user")
            .order_by("start")
        )
    now = timezone.now()
    rows = []
    for b in items:
        clashes = [
            o
            for o in overlapping
            if o.pk != b.pk and o.venue_id == b.venue_id and o.start < b.end and b.start < o.end
        ]
        rows.append(
            {
                "booking": b,
                "blocking": [o for o in clashes if o.status != Status.PENDING],
                "competing": [o for o in clashes if o.status == Status.PENDING],
                "is_past": b.start <= now,
                "error": (errors or {}).get(b.pk),
                "reason": reason if (errors or {}).get(b.pk) else "",
            }
        )
    return _frame(request, palace, "requests") | {"page_obj": page, "rows": rows}


@staff_page
def requests_list(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    return render(request, "bookings/staff/requests.html", _requests_context(request, palace))


@staff_page
@require_POST
def request_decide(request, palace_id: int, booking_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    booking = _booking(palace, booking_id)
    form = DecideForm(request.POST)
    status = 400
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            booking_services.request_decide(
                actor=request.user, booking=booking, approve=approve, reason=form.cleaned_data["reason"]
            )
        except PortalError as exc:
            error, status = str(exc.message), exc.status
        else:
            if approve:
                messages.success(request, _("Request approved: the applicant is told."))
            else:
                messages.success(request, _("Request declined: the applicant is told, with your reason."))
            return redirect("bookings_staff:requests", palace_id=palace.pk)
    else:
        error = _form_errors(form)
    context = _requests_context(
        request, palace, errors={booking.pk: error}, reason=request.POST.get("reason", "")[:300]
    )
    return render(request, "bookings/staff/requests.html", context, status=status)
