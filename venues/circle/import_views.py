"""A palace's service points in and out of a spreadsheet: the export (also the import's template),
and the import: upload → preview (every row, bad ones with their reasons) → import, all or nothing.

The export is for those who may see the palace's points; the import for those who manage the
palace (anyone else: 404). Between preview and import the raw rows wait in the session
(`palace_portal.sheet_upload.pending_keep`) and are checked again before they are written.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import InvalidInput
from palace_portal.sheet_upload import pending_preview, pending_values
from palace_portal.spreadsheets import sheet_title, write_table, xlsx_response

from ..pages import palace_or_404, staff_page
from . import importing
from .models import SatellitePoint, ServicePointHours
from .services import service_points_import

_KIND = "service_points"  # of the pending import in the session
_TEMPLATE = "venues/circle/import_upload.html"
# Column widths (characters) of the export, in the order of `importing.COLUMNS`.
_WIDTHS = [24, 16, 12, 30, 16, 11, 11, 30, 10, 10, *([14] * 7)]


def _context(palace) -> dict:
    return {
        "palace": palace,
        "max_rows": importing.MAX_ROWS,
        "columns": [str(c) for _n, c in importing.COLUMNS],
    }


@staff_page
@require_http_methods(["GET", "POST"])
def points_import(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    context = _context(palace)
    if request.method == "GET":
        return render(request, _TEMPLATE, context)
    try:
        raw_rows = importing.read(request.FILES.get("file"))
        results = importing.clean_rows(palace=palace, raw_rows=raw_rows)
        bad, token = pending_preview(request.session, _KIND, palace.pk, raw_rows, results)
    except InvalidInput as error:
        return render(request, _TEMPLATE, {**context, "error": error.message}, status=400)
    return render(
        request,
        "venues/circle/import_preview.html",
        {
            **context,
            "results": results,
            "bad": bad,
            "token": token,
            "added": sum(1 for r in results if r.ok and r.values["new"]),
        },
    )


@staff_page
@require_POST
def points_import_commit(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    try:
        rows = pending_values(
            request.session,
            _KIND,
            palace.pk,
            request.POST.get("token", ""),
            lambda raw_rows: importing.clean_rows(palace=palace, raw_rows=raw_rows),
        )
        added, updated = service_points_import(actor=request.user, palace=palace, rows=rows)
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("venues:circle:points_import", palace.pk)
    messages.success(
        request,
        _("Service points imported: %(added)d added, %(updated)d updated.")
        % {"added": added, "updated": updated},
    )
    return redirect("venues:circle:staff_points", palace_id=palace.pk)


@staff_page
@require_GET
def points_export(request, palace_id: int):
    """Every point of the palace in the import's columns (an empty sheet is the template)."""
    from openpyxl import Workbook

    palace = palace_or_404(request, palace_id, scope="view")
    points = (
        SatellitePoint.objects.filter(palace=palace)
        .select_related("region")
        .prefetch_related(Prefetch("hours", queryset=ServicePointHours.objects.order_by("weekday", "opens")))
        .order_by("kind", "name", "pk")
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(_("Service points"))
    write_table(
        sheet,
        [str(label) for _name, label in importing.COLUMNS],
        importing.export_rows(points),
        widths=_WIDTHS,
    )
    return xlsx_response(
        workbook,
        filename=_("%(palace)s service points") % {"palace": palace.name} + ".xlsx",
        ascii_filename=f"service-points-{palace.pk}.xlsx",
    )
