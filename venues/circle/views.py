"""Pages of the service circle: the worker's search (list + map), a point's page, the staff's pages.

The search works without JavaScript (a GET form: district, kind, service, open now); with it, the
"use my location" button fills `near` from the browser's geolocation (static/venues/circle.js).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palace_portal.errors import PortalError

from .. import access
from ..models import Palace, Region
from ..pages import palace_or_404, palaces_in_scope, staff_page
from . import maps, selectors
from .forms import WEEKDAY_FIELDS, PointSearchForm, ServicePointForm, StaffPointFilterForm
from .hours import is_open_at, local_now
from .models import PointKind, PointService, SatellitePoint, ServicePointHours
from .services import service_point_delete, service_point_save

PAGE_SIZE = 30


def filtered_points(data: dict):
    """The worker-visible points matching the search form's district, city, kind and service."""
    qs = selectors.points_for_workers()
    if data.get("district"):
        # A city chosen as the district ("all of the city") covers its county-level units too.
        qs = qs.filter(Q(region_id=data["district"]) | Q(region__parent_id=data["district"]))
    if data.get("city"):
        qs = qs.filter(Q(region_id=data["city"]) | Q(region__parent_id=data["city"]))
    if data.get("kind"):
        qs = qs.filter(kind=data["kind"])
    if data.get("service"):
        # The JSON list's text holds each code in quotes: one lookup on SQLite and PostgreSQL.
        qs = qs.filter(services__icontains=f'"{data["service"]}"')
    return qs


def _city_of(region: Region | None) -> Region | None:
    if region is None:
        return None
    return region if region.level == Region.Level.CITY else region.parent


def circle_home(request):
    form = PointSearchForm(request.GET or None)
    at = local_now()
    cities = list(
        Region.objects.filter(level=Region.Level.CITY).prefetch_related(
            Prefetch("children", queryset=Region.objects.order_by("code"))
        )
    )
    items, page_obj, near, map_city, widened = [], None, None, None, False
    chosen = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        near = data["near"]
        qs = filtered_points(data)
        open_only = bool(data["open"])
        regions = {r.pk: r for c in cities for r in (c, *c.children.all())}
        chosen_region = regions.get(data.get("district") or data.get("city"))
        if near:
            chosen = True
            radius = data["radius"] or selectors.DEFAULT_RADIUS_M
            kwargs = {"lat": near[0], "lng": near[1], "at": at, "open_only": open_only}
            items = selectors.nearest_points(qs, radius_m=radius, limit=data["limit"] or 20, **kwargs)
            if not items and not data["radius"]:
                widened = True
                items = selectors.nearest_points(qs, radius_m=selectors.MAX_RADIUS_M, limit=20, **kwargs)
            map_city = _city_of(items[0].point.region) if items else _city_of(chosen_region)
        elif chosen_region is not None:
            chosen = True
            paginator = Paginator(selectors.listed_points(qs, at=at, open_only=open_only), PAGE_SIZE)
            page_obj = paginator.get_page(request.GET.get("page"))
            items = selectors.results(page_obj.object_list, at=at)
            map_city = _city_of(chosen_region)
    city_map = _city_map(map_city, items, near, form) if map_city else None
    return render(
        request,
        "venues/circle/home.html",
        {
            "form": form,
            "cities": cities,
            "kinds": PointKind.choices,
            "services": PointService.choices,
            "items": items,
            "page_obj": page_obj,
            "near": near,
            "chosen": chosen,
            "widened": widened,
            "city_map": city_map,
            "map_city": map_city,
            "now": at,
        },
    )


def _city_map(city: Region, items, near, form) -> maps.CityMap | None:
    if not maps.has_map(city.code):
        return None
    names = {r.code: r.name for r in city.children.all()}
    current = ""
    if form.is_valid() and form.cleaned_data.get("district"):
        current = next((r.code for r in city.children.all() if r.pk == form.cleaned_data["district"]), "")
    markers = [
        maps.Marker(
            *maps.project(city.code, item.point.latitude, item.point.longitude),
            label=item.point.name,
            url=reverse("venues:circle:point", args=[item.point.pk]),
            is_open=item.is_open,
            rank=rank,
        )
        for rank, item in enumerate(items, start=1)
        if item.point.latitude is not None
    ]
    here = maps.project(city.code, *near) if near else None
    return maps.city_map(city.code, names=names, current=current, markers=markers, here=here)


def point_detail(request, pk: int):
    point = get_object_or_404(selectors.points_for_workers(), pk=pk)
    at = local_now()
    hours = list(point.hours.all())
    week = [
        {
            "label": label,
            "intervals": [h for h in hours if h.weekday == weekday],
            "is_today": weekday == at.weekday(),
        }
        for weekday, (_name, label) in enumerate(WEEKDAY_FIELDS)
    ]
    return render(
        request,
        "venues/circle/point_detail.html",
        {
            "point": point,
            "is_open": is_open_at(point, at),
            "next_change": selectors.next_change(point, at),
            "week": week,
        },
    )


# --- Staff ---------------------------------------------------------------------------------------


@staff_page
def staff_home(request):
    palaces = list(
        palaces_in_scope(request.user, "view")
        .select_related("region")
        .annotate(point_count=Count("satellite_points"))
        .order_by("region__code", "name")[:200]
    )
    if len(palaces) == 1:
        return redirect("venues:circle:staff_points", palace_id=palaces[0].pk)
    if not palaces:
        raise Http404
    return render(request, "venues/circle/staff_home.html", {"palaces": palaces})


@staff_page
def staff_points(request, palace_id: int):
    """A palace's points, filtered and a page at a time (a palace may keep a thousand)."""
    palace = palace_or_404(request, palace_id, scope="view")
    form = StaffPointFilterForm(request.GET or None)
    points = SatellitePoint.objects.filter(palace=palace)
    filtered = form.is_bound and form.is_valid()
    if filtered:
        if text := form.cleaned_data["q"].strip():
            points = points.filter(Q(name__icontains=text) | Q(address__icontains=text))
        if form.cleaned_data["kind"]:
            points = points.filter(kind=form.cleaned_data["kind"])
    points = points.select_related("region").prefetch_related("hours").order_by("kind", "name", "pk")
    page_obj = Paginator(points, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "venues/circle/staff_points.html",
        {
            "palace": palace,
            "form": form,
            "is_filtered": filtered and any(form.cleaned_data.values()),
            "page_obj": page_obj,
            "items": selectors.results(page_obj.object_list, at=local_now()),
            "may_manage": access.may_manage_palace(request.user, palace),
        },
    )


def _edit(request, palace: Palace, point: SatellitePoint | None):
    form = ServicePointForm(request.POST or None, instance=point, palace=palace)
    if request.method == "POST" and form.is_valid():
        try:
            saved = service_point_save(
                actor=request.user,
                palace=palace,
                point=form.save(commit=False),
                week=form.cleaned_data["week"],
            )
        except PortalError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Service point %(name)s saved.") % {"name": saved.name})
            return redirect("venues:circle:staff_points", palace_id=palace.pk)
    return render(
        request,
        "venues/circle/point_form.html",
        {
            "palace": palace,
            "point": point,
            "form": form,
            "hour_fields": [form[name] for name, _label in WEEKDAY_FIELDS],
        },
    )


@staff_page
def point_create(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    return _edit(request, palace, None)


@staff_page
def point_edit(request, palace_id: int, pk: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    point = get_object_or_404(
        SatellitePoint.objects.filter(palace=palace).prefetch_related(
            Prefetch("hours", queryset=ServicePointHours.objects.order_by("weekday", "opens"))
        ),
        pk=pk,
    )
    return _edit(request, palace, point)


@staff_page
@require_POST
def point_delete(request, palace_id: int, pk: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    point = get_object_or_404(SatellitePoint.objects.filter(palace=palace), pk=pk)
    try:
        service_point_delete(actor=request.user, point=point)
    except PortalError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Service point %(name)s removed.") % {"name": point.name})
    return redirect("venues:circle:staff_points", palace_id=palace.pk)
