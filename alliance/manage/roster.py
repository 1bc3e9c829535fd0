"""The roster at a date, the growth chart, joining and leaving, and the roster as CSV."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from palace_portal.db_router import replica_reads
from palace_portal.months import month_ends
from venues.models import Palace, Region

from .. import selectors, services
from ..manage_forms import FIRST_YEAR, JoinForm, LeaveForm, RosterFilterForm
from ..models import Membership
from ._common import form_page, head, workspace_action, workspace_page
from .charts import column_chart


def city_of(palace: Palace) -> Region | None:
    """The prefecture-level city of a palace (its own region for a city-level palace)."""
    region = palace.region
    return region if region.level == Region.Level.CITY else region.parent


def _rows(day):
    memberships = selectors.roster_at(day).order_by("palace__region__code", "palace__name")
    return [{"membership": m, "palace": m.palace, "city": city_of(m.palace)} for m in memberships]


@workspace_page
@require_GET
def roster(request):
    """Members on a date (default today), with the growth by year end and by month of a year."""
    form = RosterFilterForm(request.GET or None)
    values = form.values()
    today = timezone.localdate()
    day, year = values["on"], values["year"]
    years = selectors.year_ends(FIRST_YEAR, today.year)
    months = month_ends(year, until=today)
    counts = selectors.growth([*years, *months])
    by_year, by_month = counts[: len(years)], counts[len(years) :]
    # Members at each month end hardly move (a flat row of equal columns): the month chart shows
    # what happened in the month, palaces joining, with the leaves and month-end count beside it.
    changes = selectors.month_changes(months)
    rows = _rows(day)
    return render(
        request,
        "alliance/manage/roster.html",
        head(request, "roster")
        | {
            "form": form,
            "day": day,
            "today": today,
            "year": year,
            "years_list": range(today.year, FIRST_YEAR - 1, -1),
            "rows": rows,
            "founding": sum(1 for r in rows if r["membership"].founding),
            "founders": selectors.founders_on(day),
            "by_year": by_year,
            "by_month": by_month,
            "changes": changes,
            "joined_in_year": sum(c.joined for c in changes),
            "left_in_year": sum(c.left for c in changes),
            "year_chart": column_chart([(str(d.year), n) for d, n in by_year]),
            "month_chart": column_chart([(str(c.month.month), c.joined) for c in changes]),
        },
        status=400 if form.errors else 200,
    )


@workspace_page
@require_GET
@replica_reads
def roster_csv(request):
    day = RosterFilterForm(request.GET or None).values()["on"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="alliance-members-{day:%Y-%m-%d}.csv"'
    # A byte-order mark so that spreadsheet programs read the Chinese names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([_("Palace"), _("City"), _("Level"), _("Joined on"), _("Founding member")])
    for row in _rows(day):
        palace, membership, city = row["palace"], row["membership"], row["city"]
        writer.writerow(
            [
                palace.name,
                city.name if city else "",
                palace.get_level_display(),
                membership.joined_on.isoformat(),
                _("yes") if membership.founding else "",
            ]
        )
    return response


@workspace_action
@require_http_methods(["GET", "POST"])
def join(request):
    form = JoinForm(request.POST or None)
    return form_page(
        request,
        form,
        template="alliance/manage/join.html",
        tab="roster",
        save=lambda v: services.membership_join(
            actor=request.user, palace=v["palace"], joined_on=v["joined_on"], founding=v["founding"]
        ),
        saved=lambda membership: (
            _("%(palace)s joined the alliance.") % {"palace": membership.palace.name},
            reverse("alliance_manage:roster"),
        ),
    )


@workspace_action
@require_http_methods(["GET", "POST"])
def leave(request, palace_id: int):
    membership = get_object_or_404(
        Membership.objects.filter(left_on__isnull=True).select_related("palace", "palace__region"),
        palace_id=palace_id,
    )
    palace = membership.palace
    return form_page(
        request,
        LeaveForm(request.POST or None),
        template="alliance/manage/leave.html",
        tab="roster",
        save=lambda v: services.membership_leave(actor=request.user, palace=palace, **v),
        saved=lambda _done: (
            _("%(palace)s has left the alliance.") % {"palace": palace.name},
            reverse("alliance_manage:roster"),
        ),
        context={"membership": membership, "palace": palace},
    )
