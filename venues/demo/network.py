"""The demo network: Jiangxi's regions, its palaces, their hours, points, venues and closures.

The palaces are laid out so that the network overview reproduces the published figures exactly
(DOMAIN.md), whatever the seed (the seed picks *which* units, never *how many*):

- 98 palaces in service: 15 city-level (one in each of the 11 cities, a second in 4 big ones) and
  83 county-level, in 77 of the 100 county-level units (6 units have two);
- coverage: 11 cities + 77 units = 88 of 111 units have a palace in service = 79.3% → 79%;
- 24 projects under way (under construction or equipment being installed): 2 new city-level
  palaces, 10 new palaces in uncovered units, 12 new buildings replacing covered units' palaces;
- besides: 5 planned palaces and 4 closed old buildings (none counts in any figure);
- 69 alliance members (all 15 city-level palaces and 54 county-level ones, all in service).
"""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from venues.circle.models import SATELLITE_KINDS
from venues.kinds import KINDS, KINDS_BY_CODE, Centre
from venues.models import Closure, OpeningHours, Palace, Region, SatellitePoint, Venue

from . import vocabulary as words
from .accounts import DEMO_PALACE_NAME
from .builder import DemoContext, Step
from .jiangxi import CITIES, PROVINCE_CODE, PROVINCE_NAME, City, is_district

Status = Palace.Status
Level = Palace.Level

UNCOVERED_DISTRICTS = 14  # urban districts are often served by the city palace alone
UNCOVERED_OTHERS = 9  # 23 uncovered units → 77 covered
COUNTY_SECOND_PALACES = 6  # 77 + 6 = 83 county-level palaces in service
CITY_PROJECTS = 2
NEW_BUILD_PROJECTS = 10  # in uncovered units
REBUILD_PROJECTS = 12  # in covered units
EQUIPMENT_PROJECTS = 8  # of the 24, the rest are under construction
CLOSED_OLD_BUILDINGS = 3  # in uncovered units with a new build under way
PLANNED = 5
ALLIANCE_COUNTY_MEMBERS = 54  # + 15 city-level = 69

# Units whose palace the demo and the issue name: always covered.
PINNED_COVERED = frozenset(
    {"360112", "360121", "360423", "360482", "360483", "360781", "360783", "360881", "360982"}
)


class Unit(NamedTuple):
    code: str
    name: str
    city: City


class PalacePlan(NamedTuple):
    name: str
    level: str
    status: str
    region_code: str
    city: City
    unit: Unit | None  # None for city-level palaces
    second: bool = False  # a second, newer palace of the same city / unit


# --- Regions --------------------------------------------------------------------------------------


def build_regions(ctx: DemoContext) -> None:
    province = Region(code=PROVINCE_CODE, name=PROVINCE_NAME, level=Region.Level.PROVINCE)
    province.save()
    cities = [Region(code=c.code, name=c.name, level=Region.Level.CITY, parent=province) for c in CITIES]
    Region.objects.bulk_create(cities)
    counties = [
        Region(code=code, name=name, level=Region.Level.COUNTY, parent=city_row)
        for c, city_row in zip(CITIES, cities, strict=True)
        for code, name in c.units
    ]
    Region.objects.bulk_create(counties)
    ctx.regions.update({r.code: r for r in [province, *cities, *counties]})
    ctx.count(_("regions"), 1 + len(cities) + len(counties))


def wipe_regions() -> None:
    for level in (Region.Level.COUNTY, Region.Level.CITY, Region.Level.PROVINCE):
        Region.objects.filter(level=level).delete()


def regions_exist() -> bool:
    return Region.objects.exists()


# --- Palaces --------------------------------------------------------------------------------------


def plan_palaces(rng) -> list[PalacePlan]:
    """Which palace stands where, in which state: the figures are fixed, the places drawn."""
    units = [Unit(code, name, c) for c in CITIES for code, name in c.units]
    plans: list[PalacePlan] = []

    def county(name: str, status: str, unit: Unit, *, second: bool = False) -> None:
        plans.append(PalacePlan(name, Level.COUNTY, status, unit.code, unit.city, unit, second))

    for c in CITIES:
        plans.append(PalacePlan(f"{c.name}工人文化宫", Level.CITY, Status.IN_SERVICE, c.code, c, None))
    for c in CITIES:
        if c.code in words.SECOND_CITY_PALACES:
            name = words.SECOND_CITY_PALACES[c.code]
            plans.append(PalacePlan(name, Level.CITY, Status.IN_SERVICE, c.code, c, None, second=True))

    free = [u for u in units if u.code not in PINNED_COVERED]
    uncovered = rng.sample([u for u in free if is_district(u.name)], UNCOVERED_DISTRICTS) + rng.sample(
        [u for u in free if not is_district(u.name)], UNCOVERED_OTHERS
    )
    uncovered_codes = {u.code for u in uncovered}
    covered = [u for u in units if u.code not in uncovered_codes]
    for u in covered:
        county(f"{u.name}工人文化宫", Status.IN_SERVICE, u)
    with_second = rng.sample([u for u in covered if not is_district(u.name)], COUNTY_SECOND_PALACES)
    for u in with_second:
        county(
            rng.choice(words.SECOND_COUNTY_PALACE_PATTERNS).format(unit=u.name),
            Status.IN_SERVICE,
            u,
            second=True,
        )

    project_statuses = [Status.EQUIPMENT] * EQUIPMENT_PROJECTS + [Status.UNDER_CONSTRUCTION] * (
        CITY_PROJECTS + NEW_BUILD_PROJECTS + REBUILD_PROJECTS - EQUIPMENT_PROJECTS
    )
    rng.shuffle(project_statuses)
    cities_without_second = [c for c in CITIES if c.code not in words.SECOND_CITY_PALACES]
    for c in rng.sample(cities_without_second, CITY_PROJECTS):
        plans.append(
            PalacePlan(f"{c.name}工人文化宫新馆", Level.CITY, project_statuses.pop(), c.code, c, None)
        )
    rng.shuffle(uncovered)
    new_builds = uncovered[:NEW_BUILD_PROJECTS]
    for u in new_builds:
        county(f"{u.name}工人文化宫", project_statuses.pop(), u)
    rebuild_candidates = [u for u in covered if u not in with_second]
    rebuilds = rng.sample(rebuild_candidates, REBUILD_PROJECTS)
    for u in rebuilds:
        county(f"{u.name}工人文化宫新馆", project_statuses.pop(), u)
    for u in uncovered[NEW_BUILD_PROJECTS : NEW_BUILD_PROJECTS + PLANNED]:
        county(f"{u.name}工人文化宫", Status.PLANNED, u)
    for u in new_builds[:CLOSED_OLD_BUILDINGS]:
        county(f"{u.name}工人文化宫（旧馆）", Status.CLOSED, u)
    club_unit = rng.choice([u for u in rebuild_candidates if u not in rebuilds])
    county(f"{club_unit.name}工人俱乐部", Status.CLOSED, club_unit)
    return plans


def _address(rng, plan: PalacePlan) -> str:
    number = rng.randint(1, 399)
    if plan.unit is None:
        districts = [name for _code, name in plan.city.units if is_district(name)]
        district = rng.choice(districts) if plan.second else districts[0]
        return f"{plan.city.name}{district}{rng.choice(words.CITY_STREETS[plan.city.code])}{number}号"
    return f"{plan.city.name}{plan.unit.name}{rng.choice(words.COUNTY_STREETS)}{number}号"


def _landline(rng, city: City) -> str:
    return f"{city.area_code}-8{rng.randint(0, 9_999_999):07d}"


def _palace(rng, plan: PalacePlan, ctx: DemoContext) -> Palace:
    city_level = plan.level == Level.CITY
    status = plan.status
    palace = Palace(
        name=plan.name,
        level=plan.level,
        status=status,
        region=ctx.regions[plan.region_code],
        address="" if status == Status.PLANNED else _address(rng, plan),
        phone=_landline(rng, plan.city) if status in (Status.IN_SERVICE, Status.EQUIPMENT) else "",
    )
    if status == Status.PLANNED:
        template, area = words.DESCRIPTION_PLANNED, None
    elif status == Status.CLOSED:
        template, area = words.DESCRIPTION_CLOSED, rng.randrange(1200, 3001, 100)
        palace.year_built, palace.floors = rng.randint(1958, 1988), rng.randint(2, 4)
    elif status == Status.IN_SERVICE:
        if city_level:
            template, area = words.DESCRIPTION_CITY, rng.randrange(8000, 32001, 100)
            palace.year_built = rng.randint(2012, 2022) if plan.second else rng.randint(1953, 1995)
            palace.floors = rng.randint(4, 10)
        else:
            template, area = words.DESCRIPTION_COUNTY, rng.randrange(1800, 12001, 100)
            palace.year_built, palace.floors = rng.randint(1982, 2023), rng.randint(2, 6)
    else:
        area = rng.randrange(25000, 50001, 500) if city_level else rng.randrange(4000, 15001, 100)
        palace.floors = rng.randint(5, 12) if city_level else rng.randint(3, 6)
        if status == Status.EQUIPMENT:
            template, palace.year_built = words.DESCRIPTION_EQUIPMENT, ctx.today.year
        else:
            template = words.DESCRIPTION_UNDER_CONSTRUCTION
    palace.floor_area = area
    palace.description = template.format(
        name=plan.name,
        year=palace.year_built,
        area=area,
        city=plan.city.name,
        unit=plan.unit.name if plan.unit else plan.city.name,
    )
    palace.clean()  # the level must match the region's level
    return palace


def build_palaces(ctx: DemoContext) -> None:
    rng = ctx.rng("palaces")
    palaces = [_palace(rng, plan, ctx) for plan in plan_palaces(rng)]
    county_in_service = [p for p in palaces if p.status == Status.IN_SERVICE and p.level == Level.COUNTY]
    members = {id(p) for p in rng.sample(county_in_service, ALLIANCE_COUNTY_MEMBERS)}
    for p in palaces:
        p.alliance_member = p.status == Status.IN_SERVICE and (p.level == Level.CITY or id(p) in members)
    Palace.objects.bulk_create(palaces)
    ctx.palaces.extend(palaces)
    ctx.count(_("palaces"), len(palaces))


def wipe_palaces() -> None:
    # Cascades to what hangs off a palace (hours, closures, points, venues, staff assignments).
    Palace.objects.all().delete()


def palaces_exist() -> bool:
    return Palace.objects.exists()


def _in_service(ctx: DemoContext) -> list[Palace]:
    return [p for p in ctx.palaces if p.status == Status.IN_SERVICE]


# --- Opening hours --------------------------------------------------------------------------------

_ALL_WEEK, _TUE_SUN, _MON_FRI, _WEEKEND = range(7), range(1, 7), range(5), range(5, 7)
# Each pattern: (weekdays, [(opens, closes), ...]) pairs.
HOURS_PATTERNS: tuple[tuple[tuple[range, tuple[tuple[time, time], ...]], ...], ...] = (
    ((_TUE_SUN, ((time(9), time(21)),)),),  # Monday closed
    ((_ALL_WEEK, ((time(8, 30), time(12)), (time(14, 30), time(21)))),),  # midday break
    ((_MON_FRI, ((time(14), time(21, 30)),)), (_WEEKEND, ((time(9), time(21, 30)),))),  # after work
    ((_TUE_SUN, ((time(9), time(12)), (time(14), time(17, 30)), (time(19), time(21, 30)))),),
)


def build_hours(ctx: DemoContext) -> None:
    rng = ctx.rng("hours")
    rows = []
    for palace in _in_service(ctx):
        # City palaces keep long days; county ones may close at midday.
        patterns = HOURS_PATTERNS[::2] if palace.level == Level.CITY else HOURS_PATTERNS
        for weekdays, intervals in rng.choice(patterns):
            rows += [
                OpeningHours(palace=palace, weekday=day, opens=opens, closes=closes)
                for day in weekdays
                for opens, closes in intervals
            ]
    OpeningHours.objects.bulk_create(rows)
    ctx.count(_("opening hours"), len(rows))


# --- Satellite points (一宫多点) --------------------------------------------------------------------

_CITIES_BY_CODE = {c.code: c for c in CITIES}


def _point(rng, kind: str, palace: Palace, city: City, unit_name: str) -> tuple[str, str]:
    """A point's name and address: parks by their own roads, towns and villages in their unit."""
    number = rng.randint(1, 299)
    if kind == SatellitePoint.Kind.INDUSTRIAL_PARK:
        if palace.level == Level.CITY:
            park = rng.choice(words.CITY_PARKS[city.code])
        else:
            patterns = words.DISTRICT_PARK_PATTERNS if is_district(unit_name) else words.COUNTY_PARK_PATTERNS
            park = rng.choice(patterns).format(unit=unit_name)
        address = f"{city.name}{park}{rng.choice(words.PARK_STREETS)}{number}号"
        return park + rng.choice(words.PARK_POINT_SUFFIXES), address
    if kind == SatellitePoint.Kind.TOWN_STREET:
        town = rng.choice(words.TOWNS_STREETS)
        address = f"{city.name}{unit_name}{town}{rng.choice(words.COUNTY_STREETS)}{number}号"
        return town + rng.choice(words.TOWN_POINT_SUFFIXES), address
    community = rng.choice(words.COMMUNITIES_VILLAGES)
    address = f"{city.name}{unit_name}{community}{rng.randint(1, 30)}栋"
    if community.endswith("村"):
        address = f"{city.name}{unit_name}{community}村委会"
    return community + rng.choice(words.COMMUNITY_POINT_SUFFIXES), address


def build_points(ctx: DemoContext) -> None:
    rng = ctx.rng("points")
    kinds = SatellitePoint.Kind
    rows = []
    for palace in _in_service(ctx):
        city_level = palace.level == Level.CITY
        city = _CITIES_BY_CODE[palace.region.code if city_level else palace.region.parent.code]
        # Every palace reaches at least one industrial park; the others are drawn.
        drawn = rng.randint(2, 5) if city_level else rng.randint(0, 3)
        wanted = [kinds.INDUSTRIAL_PARK] + [rng.choice(SATELLITE_KINDS) for _n in range(drawn)]
        names: set[str] = set()
        for kind in wanted:
            unit_name = rng.choice(city.units)[1] if city_level else palace.region.name
            for _attempt in range(10):
                name, address = _point(rng, kind, palace, city, unit_name)
                if name not in names:
                    names.add(name)
                    rows.append(SatellitePoint(palace=palace, kind=kind, name=name, address=address))
                    break
    SatellitePoint.objects.bulk_create(rows)
    ctx.count(_("satellite points"), len(rows))


# --- Venues (the four centres) --------------------------------------------------------------------

# Every palace in service has at least one venue in each centre.
CITY_CORE = (
    "theatre", "karaoke", "chess_cards", "exhibition_hall",
    "library", "e_reading", "multi_function_hall", "classroom", "skill_training",
    "badminton", "badminton", "table_tennis", "gym",
    "aid_window", "legal_aid_window", "employment_window", "mutual_insurance_window",
)  # fmt: skip
CITY_EXTRAS = (
    "karaoke", "karaoke", "folk_stage", "dance_hall", "leisure_square", "art_gallery",
    "classroom", "classroom", "skill_training",
    "badminton", "badminton", "table_tennis", "table_tennis", "basketball", "air_volleyball",
    "billiards", "billiards", "yoga", "dance_rehearsal", "swimming_pool", "football",
    "relief_window", "consultation_window", "mediation_room",
)  # fmt: skip
COUNTY_EXTRAS = (
    "karaoke", "karaoke", "folk_stage", "leisure_square", "exhibition_hall", "theatre",
    "e_reading", "multi_function_hall", "classroom", "skill_training",
    "badminton", "badminton", "table_tennis", "table_tennis", "basketball", "air_volleyball",
    "billiards", "yoga", "gym", "gym", "dance_rehearsal",
    "legal_aid_window", "legal_aid_window", "employment_window", "mutual_insurance_window",
    "mediation_room",
)  # fmt: skip
MAX_NUMBERED = {
    "karaoke": 4, "skill_training": 3, "classroom": 4, "basketball": 2,
    "badminton": 6, "table_tennis": 6, "air_volleyball": 2, "billiards": 4,
}  # fmt: skip
CAPACITY_RANGES = {  # (low, high, step) where the kind's default would be unrealistic everywhere
    "theatre": (300, 1200, 50),
    "multi_function_hall": (80, 300, 20),
    "library": (30, 120, 10),
    "gym": (20, 80, 5),
    "swimming_pool": (60, 150, 10),
    "leisure_square": (200, 1000, 100),
}
SLOT_MINUTES = {
    "theatre": 180, "folk_stage": 180, "leisure_square": 180, "multi_function_hall": 180,
    "karaoke": 120, "library": 120, "e_reading": 120, "swimming_pool": 90,
}  # fmt: skip
WINDOW_SLOT_MINUTES = 30
LOW_FLOOR_KINDS = frozenset({"theatre", "multi_function_hall", "basketball", "air_volleyball"})
_KIND_ORDER = {k.code: i for i, k in enumerate(KINDS)}


def _venue_kinds(rng, city_level: bool) -> list[str]:
    if city_level:
        kinds, pool, target = list(CITY_CORE), CITY_EXTRAS, rng.randint(len(CITY_CORE), 30)
    else:
        core = ["library", "chess_cards", rng.choice(["table_tennis", "badminton"]), "aid_window"]
        kinds, pool, target = core, COUNTY_EXTRAS, rng.randint(len(core), 12)

    def room_for(kind: str) -> bool:
        return kinds.count(kind) < MAX_NUMBERED.get(kind, 1)

    while len(kinds) < target:
        available = [k for k in pool if room_for(k)]
        if not available:
            break
        kinds.append(rng.choice(available))
    return sorted(kinds, key=_KIND_ORDER.__getitem__)


def _kind_settings(rng, kind: str, palace: Palace) -> dict:
    """Settings shared by all venues of one kind in a palace (all its courts cost the same)."""
    city_level = palace.level == Level.CITY
    floors = words.FLOOR_NAMES[: palace.floors or 1]
    fee = Decimal("0.00")
    member_only = kind == "mutual_insurance_window"
    if kind == "swimming_pool":
        fee, member_only = Decimal(rng.choice(("10.00", "15.00"))), rng.random() < 0.5
    elif kind == "billiards" and rng.random() < 0.5:
        fee = Decimal("5.00")
    elif kind == "gym":
        fee = Decimal("5.00") if rng.random() < 0.2 else fee
        member_only = rng.random() < 0.3
    elif kind == "badminton" and city_level and rng.random() < 0.3:
        fee = Decimal("10.00")
    elif kind in ("yoga", "dance_rehearsal"):
        member_only = rng.random() < 0.3
    if KINDS_BY_CODE[kind].centre == Centre.SERVICE:
        floor = words.SERVICE_FLOOR
    elif kind in words.OUTDOOR_KINDS:
        floor = "室外"
    elif kind == "swimming_pool":
        floor = "负一楼"
    elif kind in LOW_FLOOR_KINDS:
        floor = rng.choice(floors[:2])
    else:
        floor = rng.choice(floors)
    low_high = CAPACITY_RANGES.get(kind)
    capacity = rng.randrange(low_high[0], low_high[1] + 1, low_high[2]) if low_high else None
    return {
        "fee": fee,
        "member_only": member_only,
        "floor": floor,
        "capacity": capacity or KINDS_BY_CODE[kind].capacity,
        "name": rng.choice(words.NAMED_VENUES[kind]) if kind in words.NAMED_VENUES else "",
        "accessibility": rng.choice(words.ACCESSIBILITY_NOTES) if rng.random() < 0.5 else "",
    }


def _venues_for(rng, palace: Palace, kinds: list[str], *, active: bool) -> list[Venue]:
    settings: dict[str, dict] = {}
    numbers: dict[str, int] = {}
    venues = []
    for kind in kinds:
        spec = KINDS_BY_CODE[kind]
        shared = settings.setdefault(kind, _kind_settings(rng, kind, palace))
        numbers[kind] = numbers.get(kind, 0) + 1
        if kind in words.NUMBERED_VENUES:
            name = words.NUMBERED_VENUES[kind].format(n=numbers[kind])
        else:
            name = shared["name"]
        is_window = spec.centre == Centre.SERVICE
        venues.append(
            Venue(
                palace=palace,
                name=name,
                centre=spec.centre,
                kind=kind,
                booking_mode=spec.booking_mode,
                capacity=shared["capacity"],
                fee=shared["fee"],
                member_only=shared["member_only"],
                slot_minutes=WINDOW_SLOT_MINUTES if is_window else SLOT_MINUTES.get(kind, 60),
                facilities=words.FACILITIES[kind],
                accessibility=shared["accessibility"],
                floor=shared["floor"],
                is_active=active,
            )
        )
    return venues


def build_venues(ctx: DemoContext) -> None:
    rng = ctx.rng("venues")
    venues: list[Venue] = []
    for palace in ctx.palaces:
        if palace.status == Status.IN_SERVICE:
            kinds = _venue_kinds(rng, palace.level == Level.CITY)
            venues += _venues_for(rng, palace, kinds, active=True)
        elif palace.status == Status.EQUIPMENT:
            # Being fitted out: a few rooms exist already but take no bookings yet.
            kinds = _venue_kinds(rng, city_level=False)[: rng.randint(2, 5)]
            venues += _venues_for(rng, palace, kinds, active=False)
    Venue.objects.bulk_create(venues)
    ctx.venues.extend(venues)
    ctx.count(_("venues"), len(venues))


# --- Closures ---------------------------------------------------------------------------------------


def _closure(palace: Palace, venue: Venue | None, start, reason_days: tuple[str, int]) -> Closure:
    reason, days = reason_days
    return Closure(
        palace=palace, venue=venue, start_date=start, end_date=start + timedelta(days=days - 1), reason=reason
    )


def _venue_closure_reason(venue: Venue) -> tuple[str, int]:
    if venue.centre == Centre.SERVICE:
        return words.WINDOW_CLOSURE
    return words.VENUE_CLOSURES.get(venue.kind, words.VENUE_CLOSURE_DEFAULT)


def build_closures(ctx: DemoContext) -> None:
    """Closures around the anchor day: some past, some under way, most in the coming weeks."""
    rng = ctx.rng("closures")
    today = ctx.today
    venues_by_palace: dict[int, list[Venue]] = {}
    for venue in ctx.venues:
        if venue.is_active:
            venues_by_palace.setdefault(id(venue.palace), []).append(venue)
    rows = []
    for palace in _in_service(ctx):
        venues = venues_by_palace[id(palace)]
        if palace.name == DEMO_PALACE_NAME:
            # The demo palace always shows an upcoming closure and a venue closed today.
            rows.append(
                _closure(palace, None, today + timedelta(days=rng.randint(5, 12)), words.PALACE_CLOSURES[0])
            )
            venue = rng.choice(venues)
            rows.append(_closure(palace, venue, today, _venue_closure_reason(venue)))
            continue
        if rng.random() < 0.3:
            start = today + timedelta(days=rng.randint(-30, 45))
            rows.append(_closure(palace, None, start, rng.choice(words.PALACE_CLOSURES)))
        if rng.random() < 0.2:
            venue = rng.choice(venues)
            start = today + timedelta(days=rng.randint(-20, 30))
            rows.append(_closure(palace, venue, start, _venue_closure_reason(venue)))
    Closure.objects.bulk_create(rows)
    ctx.count(_("closures"), len(rows))


NETWORK_STEPS: list[Step] = [
    Step("regions", build_regions, wipe=wipe_regions, has_data=regions_exist),
    Step("palaces", build_palaces, wipe=wipe_palaces, has_data=palaces_exist),
    Step("hours", build_hours),
    Step("points", build_points),
    Step("venues", build_venues),
    Step("closures", build_closures),
]
