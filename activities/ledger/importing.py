"""Bulk import of the activity ledger from the spreadsheet palaces already keep (issue 4).

The columns are the export's (`COLUMNS`); headers are accepted in Chinese or English, and kinds,
centres and partner kinds as their code or their label in either language. `parse_upload` turns an
uploaded file into raw rows (strings; the bounded reading is `palace_portal.sheet_upload`'s);
`clean_rows` turns raw rows into per-row results. Nothing here writes:
`services.activities_import` does, all or nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from activities.ledger.models import ActivityKind, PartnerKind
from activities.series.models import Series
from palace_portal.errors import InvalidInput
from palace_portal.sheet_upload import RowResult, read_upload
from palace_portal.sheet_upload import labels as _labels
from palace_portal.sheet_upload import norm as _norm
from palace_portal.sheet_upload import parse_date as _parse_date
from venues.kinds import Centre
from venues.models import Palace, SatellitePoint, Venue

MAX_ROWS = 5000

# (field, header) in the order of the export and of the import template.
COLUMNS = [
    ("date", _("Date")),
    ("end_date", _("End date")),
    ("title", _("Title")),
    ("kind", _("Kind")),
    ("centre", _("Centre")),
    ("place", _("Place")),
    ("participants", _("Participants (person-times)")),
    ("online_viewers", _("Online viewers")),
    ("likes", _("Likes")),
    ("partner_kind", _("Partner kind")),
    ("partner_name", _("Partner name")),
    ("programme", _("Programme")),
]
FIELDS = [name for name, _label in COLUMNS]
# Columns a file may add after the template's: the series, named as the palace names it.
OPTIONAL_COLUMNS = [("series", _("Series"))]


def parse_upload(upload) -> list[dict[str, str]]:
    """Read an uploaded .xlsx or .csv into raw rows keyed by field (and "row", its number in the
    file; blank rows are skipped); raise InvalidInput on a bad file (palace_portal.sheet_upload)."""
    return read_upload(upload, columns=COLUMNS, optional_columns=OPTIONAL_COLUMNS, max_rows=MAX_ROWS)


def clean_rows(*, palace: Palace, raw_rows: list[dict[str, str]]) -> list[RowResult]:
    """Check every raw row; each result has cleaned `values` (service fields) or `errors`.

    Query count: three (the palace's venues, satellite points and series), whatever the number of rows.
    """
    from activities.ledger.services import validate_activity

    kinds = _labels(ActivityKind.choices)
    centres = _labels(Centre.choices)
    partner_kinds = _labels(PartnerKind.choices)
    venues = {_norm(v.name): v for v in Venue.objects.filter(palace=palace)}
    points = {_norm(p.name): p for p in SatellitePoint.objects.filter(palace=palace)}
    series = {_norm(s.name): s for s in Series.objects.filter(palace=palace)}
    results = []
    for offset, raw in enumerate(raw_rows):
        result = RowResult(number=int(raw.get("row") or offset + 2), raw=raw)
        errors = result.errors
        values: dict[str, Any] = {
            "title": raw.get("title", ""),
            "partner_name": raw.get("partner_name", ""),
            "programme": raw.get("programme", ""),
            "venue": None,
            "satellite_point": None,
            "off_site": "",
        }
        for name, lookup, message, default in (
            ("kind", kinds, _("Unknown kind of activity: “%(value)s”."), None),
            ("centre", centres, _("Unknown centre: “%(value)s”."), None),
            ("partner_kind", partner_kinds, _("Unknown kind of partner: “%(value)s”."), PartnerKind.NONE),
        ):
            text = raw.get(name, "")
            if not text and default is not None:
                values[name] = default
            elif _norm(text) in lookup:
                values[name] = lookup[_norm(text)]
            else:
                errors.append(str(message % {"value": text}))
        start = _parse_date(raw.get("date", ""))
        if start is None:
            errors.append(str(_("Bad date: “%(value)s” (use YYYY-MM-DD).") % {"value": raw.get("date", "")}))
        values["date"] = start
        end_text = raw.get("end_date", "")
        values["end_date"] = _parse_date(end_text) if end_text else None
        if end_text and values["end_date"] is None:
            errors.append(str(_("Bad end date: “%(value)s” (use YYYY-MM-DD).") % {"value": end_text}))
        for name, label in (
            ("participants", _("participants")),
            ("online_viewers", _("online viewers")),
            ("likes", _("likes")),
        ):
            text = raw.get(name, "") or "0"
            try:
                number = int(text)
            except ValueError:
                number = None
            if number is None or number < 0:
                errors.append(
                    str(
                        _("The number of %(what)s must be a whole number of at least 0: “%(value)s”.")
                        % {"what": label, "value": text}
                    )
                )
            values[name] = number
        place = raw.get("place", "")
        if place:
            if _norm(place) in venues:
                values["venue"] = venues[_norm(place)]
            elif _norm(place) in points:
                values["satellite_point"] = points[_norm(place)]
            else:
                errors.append(
                    str(
                        _("No venue or satellite point of this palace is named “%(value)s”.")
                        % {"value": place}
                    )
                )
        series_name = raw.get("series", "")
        if series_name:
            if _norm(series_name) in series:
                values["series"] = series[_norm(series_name)]
            else:
                errors.append(str(_("This palace has no series named “%(value)s”.") % {"value": series_name}))
        if not errors:
            try:
                values = validate_activity(palace=palace, values=values)
            except InvalidInput as error:
                for messages in error.fields.values():
                    errors.extend(str(m) for m in messages)
        if not errors:
            result.values = values
        results.append(result)
    return results
