"""The palace desk: what the public pages show of the palace (introduction, directions, picture)
and each venue's picture. The palace's text is its managers' (scope `lead`); venue pictures are
the work of all its staff (scope `manage`)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from palace_portal.service_forms import save_with
from venues import services as venue_services
from venues.models import Venue
from venues.pages import palace_or_404, staff_page

from ..staff_forms import PalacePageForm, VenuePictureForm
from ._common import _frame, _managed


@staff_page
@require_http_methods(["GET", "POST"])
def palace_page(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="lead")
    initial = {
        "description": palace.description,
        "directions": palace.directions,
        "picture_alt": palace.picture_alt,
    }
    form = PalacePageForm(request.POST or None, request.FILES or None, palace=palace, initial=initial)
    if request.method == "POST":
        saved = save_with(
            form,
            lambda values: venue_services.palace_profile_update(actor=request.user, palace=palace, **values),
        )
        if saved is not None:
            messages.success(request, _("The palace page is saved."))
            return redirect("bookings_staff:palace_page", palace.pk)
    context = _frame(request, palace, "palace_page") | {"form": form}
    return render(request, "bookings/staff/palace_page.html", context, status=400 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def venue_picture(request, venue_id: int):
    venue = get_object_or_404(
        Venue.objects.filter(palace__in=_managed(request)).select_related("palace"), pk=venue_id
    )
    palace = venue.palace
    form = VenuePictureForm(
        request.POST or None, request.FILES or None, venue=venue, initial={"picture_alt": venue.picture_alt}
    )
    if request.method == "POST":
        saved = save_with(
            form,
            lambda values: venue_services.venue_picture_update(actor=request.user, venue=venue, **values),
        )
        if saved is not None:
            messages.success(request, _("The venue's picture is saved."))
            return redirect("bookings_staff:venues", palace.pk)
    context = _frame(request, palace, "venues") | {"venue": venue, "form": form}
    return render(request, "bookings/staff/venue_picture.html", context, status=400 if form.errors else 200)
