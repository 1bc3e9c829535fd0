"""XLSX exports with the same numbers as the pages: a month's provincial report, a palace's year.

Both are built from `selectors.dashboard`, the selector the pages render, so a figure in the
workbook is the figure on the screen (as a number, not text). Header rows are bold and frozen,
columns sized, every text cell formula-safe (`palace_portal.spreadsheets`), sheet and file names
name the period (`省级月报-2024-03.xlsx`, with an ASCII name for old clients).
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from palace_portal.spreadsheets import sheet_title, write_table, xlsx_response
from venues.models import Palace

from ..rankings.periods import Period
from . import selectors


def _no_links(kind, obj) -> str:
    return ""


def _number(value):
    return float(value) if value is not None else None


def _formats(decimals: list[int], offset: int) -> dict[int, str]:
    return {
        offset + index: "#,##0" if places == 0 else "#,##0." + "0" * places
        for index, places in enumerate(decimals)
    }


def province_month(*, period: Period, user) -> HttpResponse:
    """The provincial monthly report (省级月报): by city, then by palace, then the glance."""
    from openpyxl import Workbook

    dash = selectors.dashboard(
        kind="province", period=period, palaces=Palace.objects.all(), title="", user=user, links=_no_links
    )
    city_dash = dash.by_unit
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(_("Provincial monthly report %(period)s") % {"period": period.slug})
    header = [_("City"), *dash.table_headings, _("Reporting rate (%)")]
    rows = [
        [row.label, *map(_number, row.values), _number(row.reporting)]
        for row in [*city_dash, dash.unit_total]
    ]
    decimals = city_dash[0].decimals if city_dash else []
    write_table(
        sheet,
        header,
        rows,
        widths=[16, *([14] * len(dash.table_headings)), 14],
        number_formats={**_formats(decimals, 1), len(header) - 1: "0.0"},
    )

    palaces = selectors.dashboard(
        kind="city", period=period, palaces=Palace.objects.all(), title="", user=user, links=_no_links
    )
    by_palace = workbook.create_sheet(sheet_title(_("Palaces %(period)s") % {"period": period.slug}))
    write_table(
        by_palace,
        [_("Palace"), _("City"), *palaces.table_headings, _("Reporting rate (%)")],
        [
            [
                row.label,
                row.palace.city.name if row.palace else "",
                *map(_number, row.values),
                _number(row.reporting),
            ]
            for row in palaces.by_unit
        ],
        widths=[28, 12, *([14] * len(palaces.table_headings)), 14],
        number_formats={**_formats(decimals, 2), 2 + len(palaces.table_headings): "0.0"},
    )

    glance = workbook.create_sheet(sheet_title(_("At a glance %(period)s") % {"period": period.slug}))
    write_table(
        glance,
        [_("Figure"), period.label, _("Change on the previous month (%)"), _("Change on a year earlier (%)")],
        [[f.label, _number(f.value), _number(f.change_mom), _number(f.change_yoy)] for f in dash.glance],
        widths=[20, 16, 18, 18],
        number_formats={1: "#,##0.##", 2: "0.0", 3: "0.0"},
    )
    return xlsx_response(
        workbook,
        filename=_("provincial-monthly-report-%(period)s.xlsx") % {"period": period.slug},
        ascii_filename=f"province-month-{period.slug}.xlsx",
    )


def palace_year(*, palace: Palace, period: Period) -> HttpResponse:
    """A palace's year: the twelve months and the year's total of the dashboard's table."""
    from openpyxl import Workbook

    dash = selectors.dashboard(
        kind="palace",
        period=period,
        palaces=Palace.objects.filter(pk=palace.pk),
        title="",
        user=None,
        links=_no_links,
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(f"{period.slug} {palace.name}")
    decimals = dash.year_total.decimals
    write_table(
        sheet,
        [_("Month"), *dash.table_headings],
        [[row.label, *map(_number, row.values)] for row in [*dash.by_month, dash.year_total]],
        widths=[16, *([14] * len(dash.table_headings))],
        number_formats=_formats(decimals, 1),
    )
    glance = workbook.create_sheet(sheet_title(_("At a glance %(period)s") % {"period": period.slug}))
    write_table(
        glance,
        [_("Figure"), period.label, _("Change on a year earlier (%)")],
        [[f.label, _number(f.value), _number(f.change_yoy)] for f in [*dash.glance, *dash.centres]],
        widths=[20, 16, 18],
        number_formats={1: "#,##0.##", 2: "0.0"},
    )
    return xlsx_response(
        workbook,
        filename=_("palace-year-%(palace)s-%(period)s.xlsx") % {"palace": palace.name, "period": period.slug},
        ascii_filename=f"palace-{palace.pk}-year-{period.slug}.xlsx",
    )
