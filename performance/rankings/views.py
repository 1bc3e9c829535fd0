"""The rankings page (比学赶超) and a palace's trend over 24 months.

Any staff role may open the rankings (see `performance.rankings.selectors` for why); a palace's
trend is a drill-down into its ledgers' figures and so is for those who may view the palace.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from palace_portal import months as m
from venues.models import Region
from venues.pages import palace_or_404, staff_page

from ..dashboards import caching
from ..dashboards.access import may_view_rankings
from ..dashboards.charts import line_chart
from . import measures, selectors
from .forms import PER_LABELS, RankingQueryForm
from .periods import Period

ROWS_PER_PAGE = 50


def _default_period() -> Period:
    """The last month that has ended: its ledgers are the newest complete ones."""
    return Period.of_month(m.previous_month(m.month_of(timezone.localdate())))


@staff_page
@require_GET
def rankings(request):
    if not may_view_rankings(request.user):
        raise Http404
    params = request.GET.copy()
    params.setdefault("metric", "person_times")
    form = RankingQueryForm(params, default_period=_default_period())
    result = page = None
    if form.is_valid():
        data = form.cleaned_data
        palace_list = caching.ranking_palaces(data["city"], data["level"] or None)
        result = selectors.ranking(
            user=request.user,
            measure=data["measure"],
            period=data["period"],
            city=data["city"],
            level=data["level"] or None,
            per=data["per"] or "",
            palace_list=palace_list,
            visible=caching.openable(request.user, [palace.pk for palace in palace_list]),
        )
        # A province's thousand rows in one table were 390 KB and a quarter of a second: a page of
        # them at a time (the leaders and laggards above it are the whole ranking's).
        page = Paginator(result.rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "performance/rankings/rankings.html",
        {
            "form": form,
            "result": result,
            "page_obj": page,
            "per_label": PER_LABELS.get(form.cleaned_data.get("per") or "", "") if result else "",
            "cities": Region.objects.filter(level=Region.Level.CITY).order_by("code"),
            "measures": measures.rankable(),
        },
    )


@staff_page
@require_GET
def trend(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    measure = measures.measure(request.GET.get("metric") or "person_times")
    if measure is None:
        raise Http404
    try:  # the 24 months end with `?month=` (the ranking's period) or the last month ended
        last = (
            Period.of_month(m.parse_month(request.GET["month"]))
            if request.GET.get("month")
            else _default_period()
        )
    except ValidationError:
        last = _default_period()
    points = selectors.palace_trend(palace=palace, measure=measure, last=last)
    chart = line_chart(
        [(f"{period.year % 100:02d}/{period.number}", value) for period, value in points],
        title=_("%(metric)s of %(palace)s, the 24 months to %(period)s")
        % {"metric": measure.name, "palace": palace.name, "period": last.label},
        description=_("A line over 24 months, oldest on the left; gaps are months without a ledger."),
        decimals=measure.decimals,
    )
    return render(
        request,
        "performance/rankings/trend.html",
        {
            "palace": palace,
            "measure": measure,
            "measures": measures.rankable(),
            "chart": chart,
            "points": list(reversed(points)),
            "first": points[0][0],
            "last": last,
        },
    )
