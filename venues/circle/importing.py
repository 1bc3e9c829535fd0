"""A palace's service points from a spreadsheet: the columns, and each row checked.

A city links about a thousand points (Huaibei: 1,000); staff keep them in a spreadsheet long before
the portal. The columns are the point form's fields and its seven days of hours, with the form's
labels as headers (Chinese or English, `COLUMNS`); kinds, districts and services are accepted by
their code or their label in either language, several services separated by 、 , ; or spaces.
A row names a point by its name: a point of that name is updated (its hours replaced), any other
name adds a point. Points the file does not name are left as they are.

`read` turns an upload into raw rows (the bounded reading is `palace_portal.sheet_upload`'s);
`clean_rows` checks them. Nothing here writes: `services.service_points_import` does, all or
nothing. The same columns make the export (`export_rows`), so an export edited and uploaded again
is an import.
"""

from __future__ import annotations

import math
from datetime import time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from palace_portal.sheet_upload import RowResult, labels, norm, read_upload

from ..models import Palace, Region
from .forms import WEEKDAY_FIELDS, parse_intervals
from .models import PointKind, PointService, SatellitePoint

# A city's points fit several times over (Huaibei links about a thousand).
MAX_ROWS = 3000
_FIELD = SatellitePoint._meta.get_field

# (field, header) in the order of the template and the export: the point form's labels.
COLUMNS = [
    ("name", capfirst(_FIELD("name").verbose_name)),
    ("kind", capfirst(_FIELD("kind").verbose_name)),
    ("region", capfirst(_FIELD("region").verbose_name)),
    ("address", capfirst(_FIELD("address").verbose_name)),
    ("phone", capfirst(_FIELD("phone").verbose_name)),
    ("latitude", capfirst(_FIELD("latitude").verbose_name)),
    ("longitude", capfirst(_FIELD("longitude").verbose_name)),
    ("services", capfirst(_FIELD("services").verbose_name)),
    ("open_all_hours", capfirst(_FIELD("open_all_hours").verbose_name)),
    ("is_active", capfirst(_FIELD("is_active").verbose_name)),
    *WEEKDAY_FIELDS,
]
FIELDS = [name for name, _label in COLUMNS]
REQUIRED = ("name", "kind", "region")
_SEPARATORS = str.maketrans(dict.fromkeys("、，,；;/|\n\t", " "))
_YES, _NO = "yes", "no"


def read(upload) -> list[dict[str, str]]:
    """An uploaded .xlsx or .csv as raw rows; InvalidInput on a bad file."""
    return read_upload(upload, columns=COLUMNS, max_rows=MAX_ROWS)


def districts_of(palace: Palace) -> list[Region]:
    """Where the palace's points may be: its city and the city's county-level units (one query)."""
    city_id = palace.region_id if palace.region.level == Region.Level.CITY else palace.region.parent_id
    return list(Region.objects.filter(pk=city_id) | Region.objects.filter(parent_id=city_id))


def _booleans() -> dict[str, str]:
    lookup = labels([(_YES, _("yes")), (_NO, _("no"))])
    lookup.update({"true": _YES, "1": _YES, "y": _YES, "false": _NO, "0": _NO, "n": _NO})
    return lookup


def _coordinate(text: str, low: float, high: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def clean_rows(*, palace: Palace, raw_rows: list[dict[str, str]]) -> list[RowResult]:
    """Check every raw row; each result has `values` (the point's fields and `week`, weekday →
    intervals) or `errors`. Two queries (the districts, the palace's points' names), whatever the
    number of rows."""
    kinds = labels(PointKind.choices)
    services = labels(PointService.choices)
    booleans = _booleans()
    regions: dict[str, Region] = {}
    for region in districts_of(palace):
        regions[norm(region.name)] = region
        regions[norm(region.code)] = region
    existing = set(SatellitePoint.objects.filter(palace=palace).values_list("name", flat=True))
    seen: dict[str, int] = {}
    results = []
    for offset, raw in enumerate(raw_rows):
        result = RowResult(number=int(raw.get("row") or offset + 2), raw=raw)
        errors = result.errors
        values: dict[str, Any] = {}
        for name in REQUIRED:
            if not raw.get(name, "").strip():
                errors.append(gettext("“%(column)s” is empty.") % {"column": dict(COLUMNS)[name]})
        name = raw.get("name", "").strip()
        for field, limit in (("name", 100), ("address", 200), ("phone", 30)):
            text = raw.get(field, "").strip()
            if len(text) > limit:
                errors.append(
                    gettext("“%(column)s” is longer than %(max)d characters.")
                    % {"column": dict(COLUMNS)[field], "max": limit}
                )
            values[field] = text
        if name:
            if norm(name) in seen:
                errors.append(
                    gettext("Row %(row)d already names a point “%(name)s”.")
                    % {"row": seen[norm(name)], "name": name}
                )
            seen.setdefault(norm(name), result.number)
        values["new"] = name not in existing
        if kind := raw.get("kind", "").strip():
            if norm(kind) in kinds:
                values["kind"] = kinds[norm(kind)]
            else:
                errors.append(gettext("Unknown kind of service point: “%(value)s”.") % {"value": kind})
        if district := raw.get("region", "").strip():
            if norm(district) in regions:
                values["region"] = regions[norm(district)]
            else:
                errors.append(
                    gettext("“%(value)s” is not this palace's city or one of its districts.")
                    % {"value": district}
                )
        values["latitude"] = values["longitude"] = None
        lat_text, lng_text = raw.get("latitude", "").strip(), raw.get("longitude", "").strip()
        if bool(lat_text) != bool(lng_text):
            errors.append(gettext("Give both the latitude and the longitude, or neither."))
        elif lat_text:
            values["latitude"] = _coordinate(lat_text, -90, 90)
            values["longitude"] = _coordinate(lng_text, -180, 180)
            if values["latitude"] is None or values["longitude"] is None:
                errors.append(
                    gettext("The latitude must be a number within ±90 and the longitude within ±180.")
                )
        codes = []
        for part in raw.get("services", "").translate(_SEPARATORS).split():
            if norm(part) in services:
                codes.append(services[norm(part)])
            else:
                errors.append(gettext("Unknown service: “%(value)s”.") % {"value": part})
        values["services"] = sorted(set(codes))
        for field, default in (("open_all_hours", _NO), ("is_active", _YES)):
            text = raw.get(field, "").strip()
            answer = booleans.get(norm(text)) if text else default
            if answer is None:
                errors.append(
                    gettext("“%(column)s” must be yes or no: “%(value)s”.")
                    % {"column": dict(COLUMNS)[field], "value": text}
                )
            values[field] = answer == _YES
        week: dict[int, list[tuple[time, time]]] = {}
        for weekday, (field, label) in enumerate(WEEKDAY_FIELDS):
            try:
                week[weekday] = parse_intervals(raw.get(field, ""))
            except ValidationError as error:
                errors.extend(
                    gettext("%(day)s: %(message)s") % {"day": label, "message": message}
                    for message in error.messages
                )
        values["week"] = week
        if not errors:
            result.values.update(values)
        results.append(result)
    return results


def _hours_text(point: SatellitePoint, weekday: int) -> str:
    return ", ".join(f"{h.opens:%H:%M}-{h.closes:%H:%M}" for h in point.hours.all() if h.weekday == weekday)


def _joined(pattern: str, items: list[str]) -> str:
    text = items[0] if items else ""
    for item in items[1:]:
        text = pattern % {"list": text, "item": item}
    return text


def export_rows(points) -> list[list]:
    """The points (with `region` and `hours` loaded) as rows of `COLUMNS`, in the active language."""
    kinds = dict(PointKind.choices)
    service_labels = dict(PointService.choices)
    yes, no = gettext("yes"), gettext("no")
    # "a, b, c" in English, "a、b、c" in Chinese.
    joined = pgettext("a list in one cell, one item more", "%(list)s, %(item)s")
    rows = []
    for point in points:
        offered = set(point.services or [])
        rows.append(
            [
                point.name,
                str(kinds.get(point.kind, point.kind)),
                point.region.name if point.region else "",
                point.address,
                point.phone,
                point.latitude,
                point.longitude,
                _joined(
                    joined, [str(service_labels[code]) for code in PointService.values if code in offered]
                ),
                yes if point.open_all_hours else no,
                yes if point.is_active else no,
                *(_hours_text(point, weekday) for weekday in range(7)),
            ]
        )
    return rows
