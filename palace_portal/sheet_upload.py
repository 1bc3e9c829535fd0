"""Reading a spreadsheet people upload (.xlsx or .csv), bounded, into raw rows; and keeping a checked
upload in the session between its preview and its import.

Every import of the portal (the activity ledger, the service points) goes upload → preview (every
row, bad ones with their reasons) → import, all or nothing. This module is the part they share and
that knows nothing of what the rows mean:

- `read_upload` refuses what is not a spreadsheet, more than 5 MB, a zip that would unpack to more
  than 25 MB, a cell over 1,000 characters, more rows than the caller allows, and a header that
  lacks one of the caller's columns; headers are matched in Chinese or English, ignoring spaces and
  case. Cells come back as stripped text: dates as YYYY-MM-DD, whole floats without ".0", and a
  cell the exports wrote formula-safe ("'=…") as it was typed. Nothing is evaluated: formulas are
  read as their cached value (`data_only`) or as text.
- `pending_keep` / `pending_take`: the raw rows wait in the (server-side) session under a random
  token, so the browser cannot alter what it previewed; one pending import per kind at a time.

Every refusal is an `InvalidInput` with a code and a message for the page.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .errors import InvalidInput
from .spreadsheets import FORMULA_START

MAX_BYTES = 5 * 1024 * 1024
# An .xlsx is a zip: 5 MB of it can unpack to gigabytes. Thousands of rows unpack to a few MB.
MAX_UNPACKED_BYTES = 25 * 1024 * 1024
# No imported field is longer than a few hundred characters; a longer cell is not a row of ours.
MAX_CELL_CHARS = 1000
# Serialised size a pending import may take in the session.
SESSION_LIMIT = 2 * 1024 * 1024
_LANGUAGES = ("en", "zh-hans")


@dataclass
class RowResult:
    """One row of an upload, checked: its cleaned `values` for the service, or its `errors`."""

    number: int  # the row's number in the spreadsheet (the header is row 1)
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def norm(text: Any) -> str:
    """Text compared loosely: without any whitespace, case-folded."""
    return "".join(str(text or "").split()).casefold()


def labels(pairs: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Every accepted spelling (the code, its English or Chinese label) of (code, label) pairs → code."""
    lookup: dict[str, str] = {}
    for code, label in pairs:
        lookup[norm(code)] = code
        for language in _LANGUAGES:
            with translation.override(language):
                lookup[norm(label)] = code
    return lookup


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


def _numbered(rows: Iterable[list[str]], max_rows: int) -> list[tuple[int, list[str]]]:
    """Non-blank rows with their number in the file; stops one past the limit (header + max_rows)
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
            if len(kept) > max_rows + 1:
                break
    return kept


def _not_a_spreadsheet() -> InvalidInput:
    return InvalidInput(_("The file is not a spreadsheet (.xlsx or .csv)."), code="not_spreadsheet")


def _check_unpacked_size(data: bytes) -> None:
    """Refuse a zip that would unpack to more than MAX_UNPACKED_BYTES, before openpyxl reads it.

    The sizes are the archive's own; Python's zipfile stops reading a member at its stated size,
    so a member cannot unpack to more than it says."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _not_a_spreadsheet() from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise InvalidInput(
            _("The spreadsheet unpacks to more than %(max)d MB; nothing was imported.")
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)},
            code="too_large",
        )


def _read_xlsx(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a broken file
        raise _not_a_spreadsheet() from error
    try:
        sheet = workbook.worksheets[0]
        return _numbered(([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)), max_rows)
    except InvalidInput:
        raise
    except Exception as error:  # a sheet broken past its header reads fine, then fails here
        raise _not_a_spreadsheet() from error
    finally:
        workbook.close()


def _read_csv(data: bytes, max_rows: int) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:4096]:
        raise _not_a_spreadsheet()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput(_("The CSV file must be saved as UTF-8 or GB18030."), code="bad_encoding")
    try:
        return _numbered(([_cell(cell) for cell in row] for row in csv.reader(io.StringIO(text))), max_rows)
    except csv.Error as error:  # a field over csv.field_size_limit(), a stray NUL, …
        raise InvalidInput(
            _("The CSV file cannot be read: a cell is too long or the file is damaged."),
            code="bad_csv",
        ) from error


def read_upload(
    upload,
    *,
    columns: Sequence[tuple[str, Any]],
    optional_columns: Sequence[tuple[str, Any]] = (),
    max_rows: int,
) -> list[dict[str, str]]:
    """An uploaded .xlsx or .csv as raw rows keyed by field, each with "row", its number in the
    file (blank rows skipped). `columns` are (field, header label) pairs the header must hold, in any
    order; `optional_columns` may be there too. Raises InvalidInput on a bad file."""
    if upload is None:
        raise InvalidInput(_("Choose a file to import."), code="no_file")
    if upload.size > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="too_large")
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("The file is larger than 5 MB."), code="too_large")
    name = (upload.name or "").lower()
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        rows = _read_xlsx(data, max_rows)
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows = _read_csv(data, max_rows)
    else:
        raise _not_a_spreadsheet()
    if not rows:
        raise InvalidInput(_("The file is empty."), code="empty")
    lookup = labels([*columns, *optional_columns])
    header = [lookup.get(norm(cell)) for cell in rows[0][1]]
    missing = [str(label) for name, label in columns if name not in header]
    if missing:
        raise InvalidInput(
            _("The header row does not match the template. Missing columns: %(columns)s")
            % {"columns": ", ".join(missing)},
            code="bad_headers",
        )
    body = rows[1:]
    if not body:
        raise InvalidInput(_("The file has no rows below the header."), code="empty")
    if len(body) > max_rows:
        raise InvalidInput(
            _("The file has more than %(max)d rows; split it into smaller files.") % {"max": max_rows},
            code="too_many_rows",
        )
    names = [name for name, _label in [*columns, *optional_columns]]
    result = []
    for number, row in body:
        raw = dict.fromkeys(names, "")
        raw["row"] = str(number)
        for index, name in enumerate(header):
            if name is not None and index < len(row):
                raw[name] = row[index]
        result.append(raw)
    return result


def parse_date(text: str) -> date | None:
    """YYYY-MM-DD (also with / or . between, or a time after a space) → date; anything else None."""
    text = text.strip()
    if " " in text:
        text = text.split(" ", 1)[0]
    parts = text.replace("/", "-").replace(".", "-").split("-")
    try:
        year, month, day = (int(p) for p in parts)
        return date(year, month, day)
    except (TypeError, ValueError):
        return None


# --- Between preview and import --------------------------------------------------------------------


def pending_keep(session, kind: str, owner: int, rows: list[dict[str, str]]) -> str | None:
    """Keep checked raw rows of an import of `kind` for `owner` (e.g. the palace) in the session;
    the token to import them, or None if they are too large to keep (the caller says so). Only the
    latest pending import of a kind is kept."""
    payload = json.dumps({"owner": owner, "rows": rows})
    if len(payload) > SESSION_LIMIT:
        return None
    prefix = f"{kind}_import:"
    for key in [k for k in session.keys() if k.startswith(prefix)]:  # noqa: SIM118 - deleting while listing
        del session[key]
    token = secrets.token_urlsafe(16)
    session[prefix + token] = payload
    return token


def pending_preview(
    session, kind: str, owner: int, raw_rows: list[dict[str, str]], results: Sequence[RowResult]
) -> tuple[list[RowResult], str]:
    """What an import's preview shows: the rows that are not valid, and when there are none the
    token that imports the rows (kept in the session by `pending_keep`; "" while some are bad).
    InvalidInput when the rows are too large to keep."""
    bad = [result for result in results if not result.ok]
    if bad:
        return bad, ""
    token = pending_keep(session, kind, owner, raw_rows)
    if token is None:
        raise InvalidInput(_("The file holds too much text to import at once; split it."), code="too_large")
    return bad, token


def pending_values(session, kind: str, owner: int, token: str, clean) -> list[dict[str, Any]]:
    """The checked values of the rows kept under `token` (taken from the session), for the
    service that writes them: `clean(raw_rows)` checks them again (what they name may have changed
    since the preview). InvalidInput if there are none (expired, imported already) or any row is no
    longer valid: nothing is to be written."""
    raw_rows = pending_take(session, kind, owner, token)
    if raw_rows is None:
        raise InvalidInput(_("This import has expired; upload the file again."), code="expired")
    results = clean(raw_rows)
    if any(not result.ok for result in results):
        raise InvalidInput(_("Nothing was imported: some rows are not valid."))
    return [result.values for result in results]


def pending_take(session, kind: str, owner: int, token: str) -> list[dict[str, str]] | None:
    """The rows kept under `token` for `owner`, removed from the session; None if there are none
    (expired, imported already, or kept for another owner)."""
    payload = session.pop(f"{kind}_import:{token or ''}", None)
    data = json.loads(payload) if payload else None
    if not data or data.get("owner") != owner:
        return None
    return data["rows"]
