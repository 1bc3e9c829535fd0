"""Staff pages of the activity ledger: list with filters and totals, log / correct / remove, export.

Reads: palaces `access.palaces_visible_to` the user; writes: `access.palaces_managed_by`. Any other
palace or activity answers 404.
"""

from __future__ import annotations

import csv
from urllib.parse import quote

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities import access
from activities.ledger import importing, services
from activities.ledger.forms import ActivityForm, LedgerFilterForm
from activities.ledger.models import Activity
from activities.ledger.selectors import counted_from_offerings, counted_totals
from palace_portal.db_router import replica_reads
from palace_portal.errors import InvalidInput
from palace_portal.spreadsheets import formula_safe, sheet_title, write_table, xlsx_response
from venues.models import Palace
from venues.pages import palace_or_404, palaces_in_scope, staff_page

PAGE_SIZE = 30
# Sessions counted from check-ins listed on the ledger page (all of them are in the totals).
COUNTED_SHOWN = 50
# Rows an export may hold; a bigger ledger is exported month by month.
EXPORT_LIMIT = 20000


def _managed_activity(request, activity_id: int) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("palace").filter(palace__in=palaces_in_scope(request.user, "manage")),
        pk=activity_id,
    )


def _filtered(request, palace: Palace):
    form = LedgerFilterForm(request.GET)
    queryset = form.apply(Activity.objects.filter(palace=palace))
    return form, queryset


def _bad_filters(form: LedgerFilterForm) -> HttpResponse | None:
    """A 400 naming the bad filters, for an export asked for by hand (the page's links carry only
    valid ones): a file of another period than asked would mislead."""
    if not form.errors:
        return None
    text = " ".join(str(message) for messages in form.errors.values() for message in messages)
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


# A stand-in id: each row's links are this one reversed URL with the row's id put in its place.
_ROW_ID = 987654321


def _row_url(name: str):
    """`name`'s URL for any activity id, reversed once per page instead of once per row: the
    ledger page showed 30 rows twice (cards and table) with two links each, 129 `reverse()`
    calls a page."""
    before, after = reverse(name, args=[_ROW_ID]).split(str(_ROW_ID))
    return lambda pk: f"{before}{pk}{after}"


def _with_row_texts(activities: list[Activity], *, may_manage: bool) -> list[Activity]:
    """What each row shows (cards and table alike), worked out once per row, not per cell in the
    template: its dates, its place, its person-times and, for managers, its links."""
    edit_url, delete_url = _row_url("activities:edit"), _row_url("activities:delete")
    for a in activities:
        a.dates = a.date.isoformat() + (f"–{a.end_date.isoformat()}" if a.end_date else "")
        a.place = _place(a) or "—"
        figures = {"n": intcomma(a.participants), "v": intcomma(a.online_viewers)}
        a.people = _("%(n)s person-times · %(v)s online viewers") % figures
        if may_manage:
            a.edit_url, a.delete_url = edit_url(a.pk), delete_url(a.pk)
    return activities


def _head(palace: Palace, tab: str) -> dict:
    return {"palace": palace, "tab": tab}


@staff_page
@require_GET
def ledger(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    form, queryset = _filtered(request, palace)
    totals = queryset.aggregate(
        activities=Count("pk"),
        participants=Coalesce(Sum("participants"), 0),
        online_viewers=Coalesce(Sum("online_viewers"), 0),
    )
    paginator = Paginator(
        queryset.select_related("venue", "satellite_point").order_by("-date", "-pk"), PAGE_SIZE
    )
    paginator.count = totals["activities"]  # already counted above: spare the second COUNT
    page_obj = paginator.get_page(request.GET.get("page"))
    may_manage = access.may_manage(request.user, palace)
    page_obj.object_list = _with_row_texts(list(page_obj.object_list), may_manage=may_manage)
    # Sessions of classes and events with check-ins count themselves: staff do not log them twice.
    first, last = form.month_range()
    by_kind = bool(form.params().get("kind"))  # a kind of logged activity: sessions are none of them
    counted = [] if by_kind else counted_from_offerings(palace, first=first, last=last, limit=COUNTED_SHOWN)
    for row in counted:
        row["day"] = row["date"].isoformat()
        row["people"] = _("%(n)s person-times") % {"n": row["participants"]}
    if len(counted) < COUNTED_SHOWN:  # every session is on the page: its sums are the totals
        counted_sums = {"sessions": len(counted), "participants": sum(r["participants"] for r in counted)}
    else:
        counted_sums = counted_totals(palace, first=first, last=last)
    return render(
        request,
        "activities/ledger.html",
        {
            **_head(palace, "ledger"),
            "form": form,
            "totals": totals,
            "counted": counted,
            "counted_totals": counted_sums,
            "page_obj": page_obj,
            "query": urlencode(form.params()),
            "may_manage": may_manage,
            # Ratings feed the monthly ledger too: the template shows the month filtered on (else this
            # month) through `activities.templatetags.ratings_tags`, as ratings sit above the ledger.
            "month": form.params().get("month"),
            # The period the totals cover: the month filtered on, or every month.
            "period": first if form.params().get("month") else None,
        },
    )


def _save(request, form: ActivityForm, save) -> bool:
    """Hand the parsed input to a service; its errors are put on the form's fields."""
    if not form.is_valid():
        return False
    try:
        save(**{name: form.cleaned_data[name] for name in form.Meta.fields})
    except InvalidInput as error:
        form.add_service_errors(error.fields or {"non_field_errors": [error.message]})
        return False
    return True


@staff_page
@require_http_methods(["GET", "POST"])
def activity_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = ActivityForm(request.POST or None, palace=palace)
    if request.method == "POST" and _save(
        request,
        form,
        lambda **fields: services.activity_create(actor=request.user, palace=palace, **fields),
    ):
        return redirect("activities:ledger", palace.pk)
    return render(
        request,
        "activities/activity_form.html",
        {**_head(palace, "new"), "form": form, "title": _("Log an activity")},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def activity_edit(request, activity_id: int):
    activity = _managed_activity(request, activity_id)
    palace = activity.palace
    form = ActivityForm(request.POST or None, instance=activity, palace=palace)
    if request.method == "POST" and _save(
        request,
        form,
        lambda **fields: services.activity_update(actor=request.user, activity=activity, **fields),
    ):
        return redirect("activities:ledger", palace.pk)
    return render(
        request,
        "activities/activity_form.html",
        {**_head(palace, "edit"), "form": form, "activity": activity, "title": _("Correct an activity")},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def activity_remove(request, activity_id: int):
    activity = _managed_activity(request, activity_id)
    if request.method == "POST":
        services.activity_delete(actor=request.user, activity=activity)
        return redirect("activities:ledger", activity.palace_id)
    return render(
        request, "activities/activity_delete.html", {**_head(activity.palace, "delete"), "activity": activity}
    )


# --- Export ---------------------------------------------------------------------------------------


def _columns() -> list[str]:
    # Shared with the import, so an export re-imports and the template matches.
    return [str(label) for _name, label in importing.COLUMNS]


def _place(activity: Activity) -> str:
    if activity.venue is not None:
        return activity.venue.name
    if activity.satellite_point is not None:
        return activity.satellite_point.name
    return activity.off_site


def _rows(queryset):
    for a in queryset.select_related("venue", "satellite_point").order_by("date", "pk")[:EXPORT_LIMIT]:
        yield [
            a.date,
            a.end_date,
            a.title,
            a.get_kind_display(),
            a.get_centre_display(),
            _place(a),
            a.participants,
            a.online_viewers,
            a.likes,
            a.get_partner_kind_display(),
            a.partner_name,
            a.programme,
        ]


# Column widths (characters) of the XLSX export, in the order of `importing.COLUMNS`.
_WIDTHS = [12, 12, 36, 14, 10, 24, 14, 12, 10, 14, 24, 16]
_NUMBER_FORMATS = {0: "yyyy-mm-dd", 1: "yyyy-mm-dd", 6: "#,##0", 7: "#,##0", 8: "#,##0"}


def _filenames(palace: Palace, form: LedgerFilterForm, ext: str) -> tuple[str, str]:
    """The download's name (the palace and the period, in the page's language) and an ASCII
    fallback for clients that do not read `filename*`."""
    month = form.params().get("month")
    period = month or _("all time")
    name = _("%(palace)s activity ledger %(period)s") % {"palace": palace.name, "period": period}
    # No path separators or quotes in a file name, whatever a palace is called.
    name = "".join("-" if ch in '/\\:*?"<>|' else ch for ch in name).replace(" ", "_")
    return f"{name}.{ext}", f"activities-{palace.pk}-{month or 'all'}.{ext}"


@staff_page
@require_GET
@replica_reads
def export_xlsx(request, palace_id: int):
    """The filtered ledger as a workbook: bold frozen header, widths, text never run as a formula."""
    from openpyxl import Workbook

    palace = palace_or_404(request, palace_id, scope="view")
    form, queryset = _filtered(request, palace)
    if bad := _bad_filters(form):
        return bad
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(_("Activities"))
    write_table(sheet, _columns(), _rows(queryset), widths=_WIDTHS, number_formats=_NUMBER_FORMATS)
    filename, ascii_filename = _filenames(palace, form, "xlsx")
    return xlsx_response(workbook, filename=filename, ascii_filename=ascii_filename)


@staff_page
@require_GET
@replica_reads
def export_csv(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    form, queryset = _filtered(request, palace)
    if bad := _bad_filters(form):
        return bad
    # The BOM lets spreadsheet programs read the Chinese text as UTF-8.
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename, ascii_filename = _filenames(palace, form, "csv")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(_columns())
    for row in _rows(queryset):
        # A title like "=HYPERLINK(...)" is shown as typed, never run by the spreadsheet.
        writer.writerow(["" if value is None else formula_safe(value) for value in row])
    return response
