"""Demo service points (the 15-minute service circle): points placed inside a city's districts.

`seed_service_points_for_city` is the one way in, used by the Jiangxi step below (a modest number
per city) and by the Huaibei profile (about 1,000 points). Points are spread around the districts
of the city's palaces, inside the districts' outlines of `static/venues/circle_cities.json`
(a city without outlines gets points without a location). Bulk inserts only.
"""

from __future__ import annotations

import random
from datetime import date, time

from django.utils.translation import gettext_lazy as _

from venues.circle import maps
from venues.circle.models import PointKind, SatellitePoint, ServicePointHours
from venues.models import Palace, Region

from .builder import DemoContext, Step

KIND_WEIGHTS = [
    (PointKind.WORKERS_HOME, 34),
    (PointKind.OUTDOOR_STATION, 26),
    (PointKind.LIBRARY, 14),
    (PointKind.VILLAGE_COMMUNITY, 9),
    (PointKind.TOWN_STREET, 6),
    (PointKind.INDUSTRIAL_PARK, 6),
    (PointKind.OTHER, 5),
]
SERVICES = {
    PointKind.WORKERS_HOME: ["rest", "water", "reading", "legal", "activities", "wifi"],
    PointKind.OUTDOOR_STATION: ["rest", "water", "charging", "microwave", "toilet", "first_aid", "wifi"],
    PointKind.LIBRARY: ["reading", "water", "wifi", "rest"],
    PointKind.VILLAGE_COMMUNITY: ["activities", "reading", "rest", "water"],
    PointKind.TOWN_STREET: ["activities", "legal", "rest", "water"],
    PointKind.INDUSTRIAL_PARK: ["activities", "legal", "rest", "water", "charging"],
    PointKind.OTHER: ["rest", "water", "legal"],
}
SUFFIXES = {
    PointKind.WORKERS_HOME: "职工之家",
    PointKind.OUTDOOR_STATION: "户外劳动者服务站",
    PointKind.LIBRARY: "职工书屋",
    PointKind.VILLAGE_COMMUNITY: "社区工会服务点",
    PointKind.TOWN_STREET: "街道工会服务站",
    PointKind.INDUSTRIAL_PARK: "园区工会服务站",
    PointKind.OTHER: "工会服务点",
}
PLACES = (
    "人民路",
    "建设路",
    "解放路",
    "长江路",
    "和平路",
    "胜利路",
    "新华路",
    "文化路",
    "幸福路",
    "光明路",
    "中山路",
    "青年路",
    "朝阳路",
    "滨河路",
    "工业大道",
    "迎宾大道",
    "汽车站",
    "火车站",
    "中心广场",
    "体育中心",
)


def _inside(x: float, y: float, rings: list[list[tuple[float, float]]]) -> bool:
    """Even-odd rule over every ring (holes included)."""
    inside = False
    for ring in rings:
        j = len(ring) - 1
        for i, (xi, yi) in enumerate(ring):
            xj, yj = ring[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                inside = not inside
            j = i
    return inside


def _place(rng: random.Random, rings) -> tuple[float, float] | None:
    """A canvas point inside the district, drawn towards its middle (where people live)."""
    xs = [x for ring in rings for x, _y in ring]
    ys = [y for ring in rings for _x, y in ring]
    if not xs:
        return None
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)
    sx, sy = (max(xs) - min(xs)) / 6, (max(ys) - min(ys)) / 6
    for attempt in range(40):
        if attempt < 25:
            x, y = rng.gauss(cx, sx), rng.gauss(cy, sy)
        else:
            x, y = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
        if _inside(x, y, rings):
            return x, y
    return None


def _hours(rng: random.Random, kind: str) -> tuple[bool, list[tuple[int, time, time]]]:
    """(open 24 hours, weekly intervals) typical of the kind."""
    if kind == PointKind.OUTDOOR_STATION:
        roll = rng.random()
        if roll < 0.3:
            return True, []
        if roll < 0.4:  # an evening station for night-shift workers, past midnight
            return False, [(d, time(18), time(2)) for d in range(7)]
        return False, [(d, time(7), time(21)) for d in range(7)]
    if kind == PointKind.LIBRARY:
        return False, [(d, time(9), time(21)) for d in range(1, 7)]  # closed on Mondays
    if kind == PointKind.WORKERS_HOME:
        return False, [(d, time(8, 30), time(17, 30)) for d in range(5)] + [(5, time(9), time(12))]
    return False, [(d, time(8), time(18)) for d in range(6)]


def seed_service_points_for_city(
    *, city_region: Region, palaces: list[Palace], rng: random.Random, today: date, count: int
) -> int:
    """Write `count` service points of `city_region`, run by `palaces` (with `region` loaded),
    spread around the palaces' districts. Returns the number of points written."""
    if not palaces or count <= 0:
        return 0
    districts = list(Region.objects.filter(parent=city_region).order_by("code"))
    rings = maps.district_rings(city_region.code)
    by_code = {d.code: d for d in districts}
    kinds, weights = zip(*KIND_WEIGHTS, strict=True)
    names = set(SatellitePoint.objects.filter(palace__in=palaces).values_list("palace_id", "name"))
    points, hours = [], []
    for n in range(count):
        palace = palaces[n % len(palaces)]
        # Most points near the palace's own district; a city-level palace reaches every district.
        if palace.region.level == Region.Level.COUNTY and rng.random() < 0.8:
            district = by_code.get(palace.region.code) or rng.choice(districts or [city_region])
        else:
            district = rng.choice(districts or [city_region])
        kind = rng.choices(kinds, weights)[0]
        place = rng.choice(PLACES)
        name = f"{district.name}{place}{SUFFIXES[kind]}"
        number = 1
        while (palace.pk, name) in names:
            number += 1
            name = f"{district.name}{place}{SUFFIXES[kind]}（{number}）"
        names.add((palace.pk, name))
        spot = _place(rng, rings.get(district.code, []))
        lat, lng = maps.unproject(city_region.code, *spot) if spot else (None, None)
        offered = SERVICES[kind]
        services = sorted(rng.sample(offered, k=rng.randint(max(2, len(offered) - 3), len(offered))))
        all_hours, week = _hours(rng, kind)
        points.append(
            SatellitePoint(
                palace=palace,
                kind=kind,
                name=name,
                address=f"{city_region.name}{district.name}{place}{rng.randint(1, 399)}号",
                region=district,
                latitude=round(lat, 6) if lat is not None else None,
                longitude=round(lng, 6) if lng is not None else None,
                services=services,
                open_all_hours=all_hours,
                is_active=rng.random() > 0.02,
            )
        )
        hours.append(week)
    created = SatellitePoint.objects.bulk_create(points, batch_size=500)
    ServicePointHours.objects.bulk_create(
        (
            ServicePointHours(point=point, weekday=weekday, opens=opens, closes=closes)
            for point, week in zip(created, hours, strict=True)
            for weekday, opens, closes in week
        ),
        batch_size=2000,
    )
    return len(created)


def build_service_points(ctx: DemoContext) -> None:
    rng = ctx.rng("service_points")
    palaces = list(Palace.objects.in_service().select_related("region__parent").order_by("pk"))
    total = 0
    for city in Region.objects.filter(level=Region.Level.CITY).order_by("code"):
        mine = [p for p in palaces if p.region_id == city.pk or p.region.parent_id == city.pk]
        total += seed_service_points_for_city(
            city_region=city, palaces=mine, rng=rng, today=ctx.today, count=20 + 2 * len(mine)
        )
    ctx.count(_("service points"), total)


SERVICE_POINTS_STEP = Step("service_points", build_service_points)
