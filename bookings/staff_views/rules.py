"""The palace desk: rules."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palace_portal.errors import PortalError
from venues.kinds import KINDS_BY_CODE, BookingMode
from venues.models import Venue
from venues.pages import palace_or_404, staff_page

from ..models import BookingRule
from ..rules import rule_defaults, rule_for
from ..services import staff as staff_services
from ..staff_forms import (
    RuleForm,
    add_service_errors,
)
from ._common import (
    _frame,
    _managed,
    _rule_of,
)

# --- Venues and their rules -----------------------------------------------------------------------


@staff_page
def venues(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    items = list(Venue.objects.for_palace(palace).select_related("booking_rule").order_by("centre", "name"))
    rows = [{"venue": v, "rule": _rule_of(v)} for v in items]
    return render(request, "bookings/staff/venues.html", _frame(request, palace, "venues") | {"rows": rows})


def _defaults(venue: Venue) -> dict:
    """The value each rule field takes for this kind of venue, to explain the form."""
    values = {
        f.name: f.default if f.has_default() else None
        for f in BookingRule._meta.get_fields()
        if f.name in staff_services.RULE_FIELDS
    }
    values.update(rule_defaults(venue))
    kind = KINDS_BY_CODE.get(venue.kind)
    values.update(
        {
            "slot_minutes": Venue._meta.get_field("slot_minutes").default,
            "fee": 0,
            "member_only": False,
            "capacity": kind.capacity if kind else venue.capacity,
        }
    )
    return values


@staff_page
@require_http_methods(["GET", "POST"])
def rules(request, venue_id: int):
    venue = get_object_or_404(
        Venue.objects.filter(palace__in=_managed(request)).select_related("palace"), pk=venue_id
    )
    palace = venue.palace
    rule = rule_for(venue)
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST, venue=venue)
        status = 400
        if form.is_valid():
            try:
                staff_services.rule_update(actor=request.user, venue=venue, **form.cleaned_data)
            except PortalError as exc:
                add_service_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Rules saved. They apply to new bookings from now on."))
                return redirect("bookings_staff:rules", venue_id=venue.pk)
    else:
        initial = {f: getattr(rule, f) for f in staff_services.RULE_FIELDS}
        initial |= {f: getattr(venue, f) for f in staff_services.VENUE_FIELDS}
        form = RuleForm(initial=initial, venue=venue)
    defaults = _defaults(venue)
    groups = [
        (title, [{"field": field, "default": defaults.get(field.name)} for field in fields])
        for title, fields in form.groups()
    ]
    context = _frame(request, palace, "venues") | {
        "venue": venue,
        "form": form,
        "groups": groups,
        "is_shared": venue.booking_mode == BookingMode.SHARED,
        "is_appointment": venue.booking_mode == BookingMode.APPOINTMENT,
    }
    return render(request, "bookings/staff/rules.html", context, status=status)
