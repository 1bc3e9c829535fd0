"""Bulk import pages of the activity ledger: upload → preview (every row, bad ones with reasons) →
commit all or nothing. Managers of the palace only; anyone else gets 404.

Between preview and commit the raw rows wait in the session under a random token (the session is
server-side, so the browser cannot alter them); commit cleans them again before the service
re-validates and writes them in one transaction.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.ledger import importing, services
from activities.ledger.models import ActivityKind, PartnerKind
from activities.ledger.views import _NUMBER_FORMATS, _WIDTHS, _columns, _head
from palace_portal.errors import InvalidInput
from palace_portal.sheet_upload import pending_preview, pending_values
from palace_portal.spreadsheets import sheet_title, write_table, xlsx_response
from venues.kinds import Centre
from venues.pages import palace_or_404, staff_page

_KIND = "activities"  # of the pending import in the session


@staff_page
@require_http_methods(["GET", "POST"])
def import_upload(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    context = {**_head(palace, "import"), "max_rows": importing.MAX_ROWS}
    if request.method == "POST":
        try:
            raw_rows = importing.parse_upload(request.FILES.get("file"))
            results = importing.clean_rows(palace=palace, raw_rows=raw_rows)
            bad, token = pending_preview(request.session, _KIND, palace.pk, raw_rows, results)
        except InvalidInput as error:
            context["error"] = error.message
            return render(request, "activities/import_upload.html", context, status=400)
        return render(
            request,
            "activities/import_preview.html",
            {**context, "results": results, "bad": bad, "token": token, "columns": _columns()},
        )
    return render(request, "activities/import_upload.html", context)


@staff_page
@require_POST
def import_commit(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    try:
        rows = pending_values(
            request.session,
            _KIND,
            palace.pk,
            request.POST.get("token", ""),
            lambda raw_rows: importing.clean_rows(palace=palace, raw_rows=raw_rows),
        )
        count = services.activities_import(actor=request.user, palace=palace, rows=rows)
    except InvalidInput as error:
        messages.error(request, error.message)
        return redirect("activities:import", palace.pk)
    messages.success(request, _("Imported %(count)d activities.") % {"count": count})
    return redirect("activities:ledger", palace.pk)


@staff_page
@require_GET
def import_template(request, palace_id: int):
    from openpyxl import Workbook

    palace = palace_or_404(request, palace_id, scope="manage")
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(_("Activities"))
    example = {
        "date": timezone.localdate(),
        "end_date": None,
        "title": _("Reading exchange"),
        "kind": str(ActivityKind.READING_EXCHANGE.label),
        "centre": str(Centre.EDUCATION.label),
        "place": "",
        "participants": 30,
        "online_viewers": 0,
        "likes": 0,
        "partner_kind": str(PartnerKind.NONE.label),
        "partner_name": "",
        "programme": "",
    }
    # The export's layout, so a filled-in template and an export look and read the same.
    write_table(
        sheet,
        _columns(),
        [[example[name] for name in importing.FIELDS]],
        widths=_WIDTHS,
        number_formats=_NUMBER_FORMATS,
    )
    return xlsx_response(
        workbook,
        filename=_("%(palace)s activity import template") % {"palace": palace.name} + ".xlsx",
        ascii_filename=f"activities-import-{palace.pk}.xlsx",
    )
