"""Pages of series: the public page of one series (its totals and items) and the staff's list
and form (`/staff/series/<palace_id>/...`: read by those who may read the palace, changed by those
who may manage it; any other palace or series answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.access import may_manage
from palace_portal.service_forms import save_with
from venues.pages import palace_or_404, staff_page

from . import selectors, services
from .forms import SeriesForm
from .models import Series


@require_GET
def series_detail(request, pk: int):
    """Public: a series of a palace, what it adds up to and its latest items."""
    series = get_object_or_404(Series.objects.select_related("palace", "palace__region"), pk=pk)
    totals, events, activities = selectors.series_detail(series)
    return render(
        request,
        "activities/series/detail.html",
        {
            "series": series,
            "palace": series.palace,
            "totals": totals,
            "events": events,
            "activities": activities,
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def staff_series(request, palace_id: int):
    """The palace's series with their totals; those who may manage the palace add one here."""
    palace = palace_or_404(request, palace_id, scope="view")
    manager = may_manage(request.user, palace)
    if request.method == "POST":
        palace = palace_or_404(request, palace_id, scope="manage")
    form = SeriesForm(request.POST or None) if manager else None
    if request.method == "POST":
        created = save_with(
            form, lambda values: services.series_create(actor=request.user, palace=palace, **values)
        )
        if created is not None:
            messages.success(request, _("Series added."))
            return redirect("series_staff:list", palace.pk)
    context = {
        "palace": palace,
        "rows": selectors.series_list(palace),
        "form": form,
        "may_manage": manager,
    }
    return render(
        request, "activities/series/staff_list.html", context, status=400 if form and form.errors else 200
    )


@staff_page
@require_http_methods(["GET", "POST"])
def staff_series_edit(request, palace_id: int, series_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    series = get_object_or_404(Series.objects.filter(palace=palace).select_related("palace"), pk=series_id)
    form = SeriesForm(request.POST or None, initial=SeriesForm.initial_of(series))
    if request.method == "POST":
        saved = save_with(
            form, lambda values: services.series_update(actor=request.user, series=series, **values)
        )
        if saved is not None:
            messages.success(request, _("Series saved."))
            return redirect("series_staff:list", palace.pk)
    context = {"palace": palace, "series": series, "form": form, "may_manage": True}
    return render(request, "activities/series/staff_form.html", context, status=400 if form.errors else 200)
