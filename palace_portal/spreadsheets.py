"""Spreadsheet exports that every app can share: formula-safe text, a plain table sheet, the
download response.

Text that came from people (palace names, titles, notes) may begin with `=`, `+`, `-`, `@`, a tab
or a carriage return; a spreadsheet program would run it as a formula (formula injection). Such
text is written with a leading apostrophe and stored as text, so it shows as typed and never runs.
Numbers stay numbers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from urllib.parse import quote

from django.http import HttpResponse

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", "-"))


def formula_safe(value):
    """`value` unchanged unless it is text a spreadsheet would read as a formula: then `'` + text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def sheet_title(title: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    return str(title).translate(_SHEET_FORBIDDEN)[:SHEET_TITLE_MAX]


def write_table(
    sheet,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[int] | None = None,
    number_formats: dict[int, str] | None = None,
) -> None:
    """A header row (bold, frozen) then the rows, every text cell formula-safe and stored as text.

    `widths` are column widths in characters; `number_formats` maps a 0-based column to an Excel
    number format (e.g. `"#,##0"`, `"0.0%"`)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet.append([formula_safe(str(title)) for title in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append([formula_safe(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif number_formats and cell.column - 1 in number_formats:
                cell.number_format = number_formats[cell.column - 1]
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def xlsx_response(workbook, *, filename: str, ascii_filename: str) -> HttpResponse:
    """The workbook as a download named `filename` (may be Chinese), with `ascii_filename` for
    clients that do not read RFC 6266's `filename*`."""
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
