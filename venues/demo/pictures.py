"""The demo's pictures and the way to each palace.

The pictures are drawn by `scripts/demo_pictures.py` and committed under `picture_files/`; each is
stored once (as `demo/<name>.jpg`) and every palace and venue points at the one that fits it, in
a few UPDATEs: thousands of rows, eight files. Files under `demo/` are shared and never deleted
with a row (`palace_portal.images.SHARED_PREFIX`).
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from palace_portal.images import SHARED_PREFIX
from venues.models import Palace, Venue

from .builder import DemoContext, Step

FILES = Path(__file__).resolve().parent / "picture_files"
# What each drawing shows, appended to the row's name for its description (alt text).
SHOWS = {
    "palace": "文化宫大楼外观示意插图",
    "court": "球场示意插图",
    "pool": "游泳池示意插图",
    "gym": "健身房示意插图",
    "classroom": "教室示意插图",
    "theatre": "剧场舞台示意插图",
    "library": "书架与展陈示意插图",
    "service": "服务窗口示意插图",
}
VENUE_PICTURES = {
    "court": ("basketball", "badminton", "table_tennis", "air_volleyball", "football", "billiards"),
    "pool": ("swimming_pool",),
    "gym": ("gym", "yoga", "dance_rehearsal", "dance_hall"),
    "classroom": ("classroom", "skill_training", "multi_function_hall", "e_reading"),
    "theatre": ("theatre", "folk_stage", "karaoke"),
    "library": ("library", "art_gallery", "exhibition_hall", "chess_cards"),
    "service": (
        "aid_window",
        "relief_window",
        "consultation_window",
        "employment_window",
        "legal_aid_window",
        "mutual_insurance_window",
        "mediation_room",
    ),
}
# Nanchang has a metro: its city-level palaces give a station too.
METRO_CITY = "360100"
METRO_STATIONS = ("八一馆", "万寿宫", "丁公路北", "地铁大厦", "青山路口", "八一广场")
PARKING = (
    "院内有停车位，会员凭会员卡免费停车。",
    "门前有公共停车场，按时收费。",
    "门口有共享单车停放点，建议绿色出行。",
    "周边停车位紧张，建议乘公共交通前往。",
)


def stored_pictures() -> dict[str, str]:
    """Each demo picture's stored name, saving the file the first time only."""
    names = {}
    for key in SHOWS:
        name = f"{SHARED_PREFIX}{key}.jpg"
        if not default_storage.exists(name):
            with (FILES / f"{key}.jpg").open("rb") as handle:
                name = default_storage.save(name, File(handle))
        names[key] = name
    return names


def described(field: str, key: str):
    """`<name>（<what the drawing shows>）` computed by the database."""
    return Concat(F(field), Value(f"（{SHOWS[key]}）"))


def _directions(rng, palace: Palace, city_code: str) -> str:
    lines = sorted(rng.sample(range(1, 60), 3))
    text = (
        f"公交{lines[0]}路、{lines[1]}路、{lines[2]}路到“工人文化宫”站，下车步行约{rng.randint(2, 8)}分钟。"
    )
    if city_code == METRO_CITY and palace.level == Palace.Level.CITY:
        station, exit_ = rng.choice(METRO_STATIONS), rng.choice("ABCD")
        text += f"\n地铁{rng.randint(1, 4)}号线“{station}”站{exit_}出口，步行约{rng.randint(3, 10)}分钟。"
    return text + "\n" + rng.choice(PARKING)


def build_pictures(ctx: DemoContext) -> None:
    rng = ctx.rng("pictures")
    names = stored_pictures()
    palaces = list(
        Palace.objects.exclude(status=Palace.Status.PLANNED).select_related("region__parent").order_by("pk")
    )
    for palace in palaces:
        city = palace.region if palace.level == Palace.Level.CITY else palace.region.parent
        palace.directions = _directions(rng, palace, city.code)
    Palace.objects.bulk_update(palaces, ["directions"], batch_size=500)
    Palace.objects.exclude(status=Palace.Status.PLANNED).update(
        picture=names["palace"], picture_alt=described("name", "palace")
    )
    for key, kinds in VENUE_PICTURES.items():
        Venue.objects.filter(kind__in=kinds).update(picture=names[key], picture_alt=described("name", key))
    ctx.count(_("palaces with directions and a picture"), len(palaces))


PICTURES_STEP = Step("pictures", build_pictures)
