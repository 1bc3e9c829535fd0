"""Reads of the service circle: the nearest open points, a district's points, a palace's points.

Nearest-point search works the same on SQLite and PostgreSQL without a spatial extension: the
database keeps the points inside the bounding box of the search circle (an index on latitude,
longitude), orders them by a flat-earth approximation of the distance and hands over at most
`CANDIDATES` rows; Python then computes the exact great-circle distance, drops the box's corners
and sorts. "Open now" is a database condition (`open_at`) so that it filters before the cap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, QuerySet

from .geo import bounding_box, format_distance, haversine_m
from .hours import is_open_at
from .models import SatellitePoint, ServicePointHours

DEFAULT_RADIUS_M = 5_000  # a 15-minute ride or so
MAX_RADIUS_M = 50_000
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CANDIDATES = 400  # rows the database hands over to the exact distance, whatever the density


@dataclass(frozen=True)
class PointResult:
    point: SatellitePoint
    is_open: bool
    distance_m: float | None = None

    @property
    def distance_label(self) -> str:
        return format_distance(self.distance_m) if self.distance_m is not None else ""


def open_at_condition(at: datetime) -> Q:
    """Points open at the local moment `at` (mirrors `hours.is_open_at`, as one SQL condition)."""
    t, weekday = at.time().replace(microsecond=0), at.weekday()
    yesterday = (weekday - 1) % 7
    hours = ServicePointHours.objects.filter(point=OuterRef("pk"))
    today = hours.filter(weekday=weekday, opens__lte=t).filter(Q(closes__gt=t) | Q(closes__lte=F("opens")))
    spill = hours.filter(weekday=yesterday, closes__lte=F("opens"), closes__gt=t)
    return Q(is_active=True) & (Q(open_all_hours=True) | Exists(today) | Exists(spill))


def points_for_workers() -> QuerySet[SatellitePoint]:
    """Points a worker may go to, with what every list shows (a fixed number of queries)."""
    return (
        SatellitePoint.objects.in_service()
        .select_related("palace", "region")
        .prefetch_related("hours")
        .order_by("region__code", "kind", "name", "pk")
    )


def nearest_points(
    queryset: QuerySet[SatellitePoint],
    *,
    lat: float,
    lng: float,
    at: datetime,
    radius_m: float = DEFAULT_RADIUS_M,
    limit: int = DEFAULT_LIMIT,
    open_only: bool = False,
) -> list[PointResult]:
    """The `limit` points of `queryset` nearest to (lat, lng) within `radius_m`, nearest first.

    At most CANDIDATES rows leave the database; in a place denser than that the flat-earth order
    decides which, which at city scale differs from the exact order only among near-ties.
    """
    radius_m = min(max(radius_m, 1), MAX_RADIUS_M)
    south, north, west, east = bounding_box(lat, lng, radius_m)
    squeeze = math.cos(math.radians(lat)) ** 2
    rows = queryset.located().filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    )
    if open_only:
        rows = rows.filter(open_at_condition(at))
    rows = rows.annotate(
        flat=ExpressionWrapper(
            (F("latitude") - lat) * (F("latitude") - lat)
            + (F("longitude") - lng) * (F("longitude") - lng) * squeeze,
            output_field=FloatField(),
        )
    ).order_by("flat", "pk")[:CANDIDATES]
    results = []
    for point in rows:
        distance = haversine_m(lat, lng, point.latitude, point.longitude)
        if distance <= radius_m:
            results.append(PointResult(point=point, is_open=is_open_at(point, at), distance_m=distance))
    results.sort(key=lambda r: (r.distance_m, r.point.pk))
    return results[:limit]


def listed_points(queryset: QuerySet[SatellitePoint], *, at: datetime, open_only: bool = False):
    """A queryset of points (for a paginator), open ones only if asked; wrap pages with `results`."""
    return queryset.filter(open_at_condition(at)) if open_only else queryset


def results(points, *, at: datetime) -> list[PointResult]:
    return [PointResult(point=p, is_open=is_open_at(p, at)) for p in points]


def next_change(point, at: datetime) -> datetime | None:
    """When the point next opens or closes within a week (for "closes at 21:00"), or None."""
    if not point.is_active or point.open_all_hours or not point.hours.all():
        return None
    state = is_open_at(point, at)
    moment = at.replace(second=0, microsecond=0)
    # Intervals start and end on whole minutes: walking the week's boundaries is enough.
    edges = sorted(
        {
            moment.replace(hour=edge.hour, minute=edge.minute) + timedelta(days=day)
            for h in point.hours.all()
            for edge in (h.opens, h.closes)
            for day in range(8)
        }
    )
    for edge in edges:
        if edge > at and is_open_at(point, edge) != state:
            return edge
    return None
