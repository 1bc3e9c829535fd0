"""Distances on the earth, the bounding box that prefilters them, and how a distance is written."""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) holding every point within `radius_m` of (lat, lng).

    The longitude span is widened with the cosine of the box's latitude nearest a pole, so the box
    never cuts the circle; near a pole (or across ±180°, which no city of the portal touches) it
    spans every longitude.
    """
    dlat = radius_m / METRES_PER_DEGREE_LAT
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_edge = math.cos(math.radians(max(abs(south), abs(north))))
    if cos_edge < 1e-6:
        return south, north, -180.0, 180.0
    dlng = dlat / cos_edge
    if lng - dlng < -180 or lng + dlng > 180:
        return south, north, -180.0, 180.0
    return south, north, lng - dlng, lng + dlng


def format_distance(metres: float) -> str:
    """'350 米' under a kilometre (rounded to 10 m), '1.2 公里' above."""
    if metres < 995:
        return _("%(n)s m") % {"n": max(10, round(metres / 10.0) * 10) if metres >= 5 else 0}
    km = metres / 1000
    return _("%(n)s km") % {"n": f"{km:.1f}" if km < 100 else f"{km:.0f}"}
