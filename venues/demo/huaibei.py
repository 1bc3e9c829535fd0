"""The Huaibei profile (`manage.py seed_demo --profile huaibei`): the Huaibei workers' cultural
palace as the second source article publishes it (DOMAIN.md, seeds/002).

This module writes what `venues` owns: Anhui province → 淮北市 and its four county-level units,
淮北市工人文化宫 (built 1987, 5,800 m², ten floors, in service, on the first national list of
standardised palaces) with its hours, its "nine rooms and eight centres" as venues (each in one of
the four centres), and the demo accounts (same phones and password as the default demo; staff and
manager at the Huaibei palace, the city officer for 淮北市, the provincial officer for 安徽省).
Upper apps add their own rows of the profile through their `PROFILE_STEPS["huaibei"]`
(activities: the year's ledger, night school, series, the media centre; see
`activities/demo/huaibei.py` and its `PALACE_SEEDERS`).

The registries of services built elsewhere:

- `CITY_SEEDERS` here: callables `seed_service_points_for_city(*, city_region, palaces, rng,
  today, count)` that write a city's union service points (the 15-minute service circle; Huaibei
  links about 1,000: `SERVICE_POINTS`). Each may return a `{label: rows}` dict, added to the
  counts the command prints.
- `activities.demo.huaibei.PALACE_SEEDERS`: callables `seed_X_for_palace(*, palace, rng, today,
  scale)` (employment, legal help, innovation, teams …), called once for the Huaibei palace with
  `scale=1.0` (the article's yearly figures).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import date, time
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from venues.kinds import KINDS_BY_CODE, Centre
from venues.models import OpeningHours, Palace, Region, Venue

from .accounts import write_accounts
from .builder import DemoContext, Step
from .service_points import seed_service_points_for_city

PROVINCE_CODE, PROVINCE_NAME = "340000", "安徽省"
CITY_CODE, CITY_NAME = "340600", "淮北市"
UNITS = (("340602", "杜集区"), ("340603", "相山区"), ("340604", "烈山区"), ("340621", "濉溪县"))
PALACE_NAME = "淮北市工人文化宫"
YEAR_BUILT, FLOOR_AREA, FLOORS = 1987, 5800, 10
SERVICE_POINTS = 1000  # "全市近千家工会服务阵地连点组网"

# The "nine rooms" and "eight centres" (the article's closing list): (name, venue kind, floor).
# The kind places each in one of the four centres (DOMAIN.md).
NINE_ROOMS = (
    ("劳动争议法庭", "legal_aid_window", "二楼"),
    ("劳动争议调解室", "mediation_room", "二楼"),
    ("劳模工匠创新工作室联盟", "skill_training", "五楼"),
    ("职工书屋", "library", "三楼"),
    ("心灵驿站", "consultation_window", "四楼"),
    ("工会驿站", "aid_window", "一楼"),
    ("职工书画室", "art_gallery", "六楼"),
    ("多功能厅", "multi_function_hall", "七楼"),
    ("排练厅", "dance_rehearsal", "八楼"),
)
EIGHT_CENTRES = (
    ("职工服务中心", "consultation_window", "一楼"),
    ("新时代职工文明实践中心", "exhibition_hall", "六楼"),
    ("职工创业就业服务中心", "employment_window", "二楼"),
    ("新就业形态劳动者服务中心", "consultation_window", "一楼"),
    ("职工家政服务中心", "skill_training", "五楼"),
    ("职工婚恋服务中心", "consultation_window", "四楼"),
    ("职工健身活动中心", "gym", "九楼"),
    ("工会融媒体中心", "multi_function_hall", "十楼"),
)
DESCRIPTION = (
    "淮北市工人文化宫建于1987年，建筑面积5800余平方米，地处市中心，交通便利。"
    "2018年以来，市总工会以“功能集成、服务集聚、引领集中”为思路，在现有楼面上共建“九室”“八中心”，"
    "完成10个楼层的基本布局，实现层层有服务、间间是阵地。\n\n"
    "文化宫入选首批全国标准化工人文化宫名单。"
)


class CitySeeder(Protocol):
    def __call__(
        self, *, city_region: Region, palaces: list[Palace], rng: random.Random, today: date, count: int
    ) -> Mapping[str, int] | None: ...


# The 15-minute circle's city seeder, adapted to the registry's `{label: rows}` answer.
def _service_points(**kwargs) -> dict[str, int]:
    return {_("service points of the 15-minute circle"): seed_service_points_for_city(**kwargs)}


CITY_SEEDERS: list[CitySeeder | Callable[..., Mapping[str, int] | None]] = [_service_points]


def build_region_and_palace(ctx: DemoContext) -> None:
    province = Region.objects.create(code=PROVINCE_CODE, name=PROVINCE_NAME, level=Region.Level.PROVINCE)
    city = Region.objects.create(code=CITY_CODE, name=CITY_NAME, level=Region.Level.CITY, parent=province)
    units = Region.objects.bulk_create(
        [Region(code=code, name=name, level=Region.Level.COUNTY, parent=city) for code, name in UNITS]
    )
    ctx.regions.update({r.code: r for r in [province, city, *units]})
    palace = Palace(
        name=PALACE_NAME,
        level=Palace.Level.CITY,
        status=Palace.Status.IN_SERVICE,
        region=city,
        address="淮北市相山区淮海路",
        phone="0561-3100000",
        floor_area=FLOOR_AREA,
        floors=FLOORS,
        year_built=YEAR_BUILT,
        description=DESCRIPTION,
    )
    palace.clean()
    palace.save()
    ctx.palaces.append(palace)
    OpeningHours.objects.bulk_create(
        [
            OpeningHours(palace=palace, weekday=day, opens=opens, closes=closes)
            for day in range(7)
            for opens, closes in ((time(8, 30), time(12)), (time(14, 30), time(21, 30)))
        ]
    )
    venues = []
    for name, kind, floor in (*NINE_ROOMS, *EIGHT_CENTRES):
        spec = KINDS_BY_CODE[kind]
        is_window = spec.centre == Centre.SERVICE
        venues.append(
            Venue(
                palace=palace,
                name=name,
                centre=spec.centre,
                kind=kind,
                booking_mode=spec.booking_mode,
                capacity=spec.capacity,
                fee=Decimal("0.00"),
                slot_minutes=30 if is_window else 60,
                floor=floor,
            )
        )
    Venue.objects.bulk_create(venues)
    ctx.venues.extend(venues)
    ctx.count(_("regions"), 2 + len(units))
    ctx.count(_("palaces"), 1)
    ctx.count(_("venues"), len(venues))


def build_accounts(ctx: DemoContext) -> None:
    write_accounts(
        ctx,
        palace=ctx.palace(PALACE_NAME),
        city=ctx.regions[CITY_CODE],
        province=ctx.regions[PROVINCE_CODE],
        workplaces={
            "worker": "淮北矿业集团",
            "worker_non_member": "淮北市顺达快递",
            "palace_staff": PALACE_NAME,
            "palace_manager": PALACE_NAME,
            "city_officer": "淮北市总工会",
            "province_officer": "安徽省总工会",
        },
    )


def build_service_points(ctx: DemoContext) -> None:
    """The registry's city seeders (the 15-minute service circle), for 淮北市."""
    for seeder in CITY_SEEDERS:
        counts = seeder(
            city_region=ctx.regions[CITY_CODE],
            palaces=list(ctx.palaces),
            rng=ctx.rng(f"huaibei.city.{getattr(seeder, '__name__', 'seeder')}"),
            today=ctx.today,
            count=SERVICE_POINTS,
        )
        for label, n in (counts or {}).items():
            ctx.count(label, n)


HUAIBEI_STEPS = [
    Step("huaibei.network", build_region_and_palace),
    Step("huaibei.accounts", build_accounts),
    Step("huaibei.service_points", build_service_points),
]
