"""Bulk import of the activity ledger from the spreadsheet palaces already keep (issue 4).

The columns are the export's (`COLUMNS`); headers are accepted in Chinese or English, and kinds,
centres and partner kinds as their code or their label in either language. `parse_upload` turns an
uploaded file into raw rows (strings); `clean_rows` turns raw rows into per-row results. Nothing here
writes: `services.activities_import` does, all or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import ActivityKind, PartnerKind
from activities.series.models import Series
from palace_portal.errors import InvalidInput
from palace_portal.spreadsheets import FORMULA_START
from venues.kinds import Centre
from venues.models import Palace, SatellitePoint, Venue

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: 5 MB of it can unpack to gigabytes. 5,000 rows of a ledger unpack to a few MB.
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
# No field of an activity is longer than 200 characters; a longer cell is not a ledger row.
MAX_CELL_CHARS = 1000

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
_LANGUAGES = ("en", "zh-hans")


def _norm(text: Any) -> str:
    return "".join(str(text or "").split()).casefold()


def _labels(pairs) -> dict[str, str]:
    """Map every accepted spelling (code, English or Chinese label) to the code or field."""
    lookup: dict[str, str] = {}
    for code, label in pairs:
        lookup[_norm(code)] = code
        for language in _LANGUAGES:
            with translation.override(language):
                lookup[_norm(label)] = code
    return lookup


def _header_lookup() -> dict[str, str]:
    return _labels([*COLUMNS, *OPTIONAL_COLUMNS])


@dataclass
class RowResult:
    number: int  # the row's number in the spreadsheet (the header is row 1)
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    # The exports write "=..." as "'=..." (formula-safe): read such a cell back as it was typed.
    if text.startswith("'") and text[1:2] and text[1] in FORMULA_START:
        text = text[1:]
    return text.strip()


def _numbered(rows) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their number in the file; stops one past the limit (header + MAX_ROWS)
    and at the first cell longer than MAX_CELL_CHARS (InvalidInput), before reading on."""
    kept = []
    for number, row in enumerate(rows, start=1):
        if any(len(cell) > MAX_CELL_CHARS for cell in row):
            raise InvalidInput(
                _("Row %(row)d has a cell longer than %(max)d characters. Nothing was imported.")
                % {"row": number, "max": MAX_CELL_CHARS},
                code="cell_too_long",
            )
        if any(row):
            kept.append((number, row))
            if len(kept) > MAX_ROWS + 1:
                break
    return kept


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip that would unpack to more than MAX_UNPACKED_BYTES, before openpyxl reads it.

    The sizes are the archive's own; Python's zipfile stops reading a member at its stated size,
    so a member cannot unpack to more than it says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InvalidInput(
            _("The file is not a spreadsheet (.xlsx or .csv)."), code="not_spreadsheet"
        ) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            _("The spreadsheet unpacks to more than %(max)d MB; nothing was imported.")
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)},
            code="too_large",
        )


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise InvalidInput(
            _("The file is not a spreadsheet (.xlsx or .csv)."), code="not_spreadsheet"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return _numbered([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
    except InvalidInput:
        raise
    except Exception as error:  # a sheet broken past its header reads fine, then fails here
        raise InvalidInput(
            _("The file is not a spreadsheet (.xlsx or .csv)."), code="not_spreadsheet"
        ) from error
    finally:
        workbook.close()


def _read_csv(data: bytes) -> list[list[str]]:
    if b"\x00" in data[:4096]:
        raise InvalidInput(_("The file is not a spreadsheet (.xlsx or .csv)."), code="not_spreadsheet")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The CSV file must be saved as UTF-8 or GB18030."), code="bad_encoding")
    try:
        return _numbered([_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text)))
    except csv.Error as error:  # a field over csv.field_size_limit(), a stray NUL, …
        raise InvalidInput(
            _("The CSV file cannot be read: a cell is too long or the file is damaged."),
            code="bad_csv",
        ) from error


def parse_upload(upload) -> list[dict[str, str]]:
    """Read an uploaded .xlsx or .csv into raw rows keyed by field (and "row", its number in the
    file; blank rows are skipped); raise InvalidInput on a bad file."""
    if upload is None:
        raise InvalidInput(_("Choose a file to import."), code="no_file")
    if upload.size > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="too_large")
    name = (upload.name or "").lower()
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        rows = _read_xlsx(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(data)
    else:
        raise InvalidInput(_("The file is not a spreadsheet (.xlsx or .csv)."), code="not_spreadsheet")
    if not rows:
        raise InvalidInput(_("The file is empty."), code="empty")
    lookup = _header_lookup()
    header = [lookup.get(_norm(cell)) for cell in rows[0][1]]
    missing = [str(label) for name, label in COLUMNS if name not in header]
    if missing:
        raise InvalidInput(
            _("The header row does not match the template. Missing columns: %(columns)s")
            % {"columns": ", ".join(missing)},
            code="bad_headers",
        )
    body = rows[1:]
    if not body:
        raise InvalidInput(_("The file has no rows below the header."), code="empty")
    if len(body) > MAX_ROWS:
        raise InvalidInput(
            _("The file has more than %(max)d rows; split it into smaller files.") % {"max": MAX_ROWS},
            code="too_many_rows",
        )
    result = []
    for number, row in body:
        raw = dict.fromkeys([*FIELDS, *(name for name, _label in OPTIONAL_COLUMNS)], "")
        raw["row"] = str(number)
        for index, name in enumerate(header):
            if name is not None and index < len(row):
                raw[name] = row[index]
        result.append(raw)
    return result


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if " " in text:
        text = text.split(" ", 1)[0]
    parts = text.replace("/", "-").replace(".", "-").split("-")
    try:
        year, month, day = (int(p) for p in parts)
        return date(year, month, day)
    except (TypeError, ValueError):
        return None


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
