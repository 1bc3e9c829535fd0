"""Dashboard pages (province, city, palace), the landing after sign-in, the XLSX exports.

Each view decides the scope (performance.dashboards.access, venues.pages.palace_or_404: out of
reach answers 404), parses the period and renders what `selectors.dashboard` computed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from palace_portal import months as m
from palace_portal.db_router import replica_reads
from venues import access as venue_access
from venues.models import Palace, Region
from venues.pages import palace_or_404, palaces_in_scope, staff_page

from ..rankings.periods import MONTH, QUARTER, Period, parse_period
from . import access, caching, exports, selectors

FIRST_YEAR = 2023  # the ledgers start in 2023 (DOMAIN.md)


def _period(request) -> tuple[Period, str]:
    """`?month=YYYY-MM`, `?year=YYYY` (with `m=1..12` from the page's selector: that month), or
    the default period. Bad input shows the default with a message instead of failing."""
    params = request.GET.copy()
    number = params.pop("m", [""])[-1]
    if params.get("year") and not params.get("month") and number.isdigit() and 1 <= int(number) <= 12:
        params["month"] = f"{params.pop('year')[-1]}-{int(number):02d}"
    try:
        period = parse_period(params, default=selectors.default_period())
    except ValidationError as error:
        return selectors.default_period(), " ".join(error.messages)
    if period.kind == QUARTER:
        return selectors.default_period(), _("Dashboards show a month or a year.")
    return period, ""


def _context(request, dash, *, error: str, base_url: str, **extra) -> dict:
    period = dash.period
    today = timezone.localdate()
    return {
        "full_path": request.get_full_path(),  # a stale dashboard's link to itself
        "dash": dash,
        "period": period,
        "period_error": error,
        "base_url": base_url,
        "years": list(range(today.year, FIRST_YEAR - 1, -1)),
        "month_numbers": list(range(1, 13)),
        "earlier": period.shifted(-1),
        "later": period.shifted(1) if period.last < m.month_of(today) else None,
        **extra,
    }


@staff_page
@require_GET
def landing(request):
    """Where sign-in leads: provincial officers to the province's dashboard, city officers to
    their city's; everyone else to the home page (palace staff find their dashboard in the menu)."""
    user = request.user
    if access.may_view_province(user):
        return redirect("performance:dashboard_province")
    city = access.cities_led_by(user).order_by("code").first()
    if city is not None:
        return redirect("performance:dashboard_city", city.pk)
    return redirect("home")


@staff_page
@require_GET
def mine(request):
    """The menu's "dashboard" link: the dashboard of the user's scope (first palace for staff)."""
    user = request.user
    if access.may_view_province(user) or access.cities_led_by(user).exists():
        return landing(request)
    palace = palaces_in_scope(user, "manage").order_by("region__code", "name").first()
    if palace is None:
        raise Http404
    return redirect("performance:dashboard_palace", palace.pk)


@staff_page
@require_GET
@replica_reads
def province(request):
    if not access.may_view_province(request.user):
        raise Http404
    period, error = _period(request)

    def compute():
        dash = caching.for_reader(caching.province_dashboard(period), request.user)
        return dash, _context(
            request,
            dash,
            error=error,
            base_url=reverse("performance:dashboard_province"),
            coverage=caching.coverage_map(),
            export_url=reverse("performance:export_province_month", args=[m.format_month(period.last)]),
        )

    name = f"province:{caching.period_name(period)}"
    return _scope_page(request, name, venue_access.scope_signature(request.user), error, compute)


@staff_page
@require_GET
@replica_reads
def city(request, city_id: int):
    if not access.may_lead(request.user, city_id):
        raise Http404
    period, error = _period(request)
    up = access.may_view_province(request.user)

    def compute():
        # Read only when the view is not kept: a view is kept once its region was read as a city,
        # for readers whose posts reach it as this one's do (the key says so).
        region = access.city_led_by(request.user, city_id)
        if region is None:
            raise Http404
        dash = caching.for_reader(caching.city_dashboard(region, period), request.user)
        return dash, _context(
            request,
            dash,
            error=error,
            base_url=reverse("performance:dashboard_city", args=[region.pk]),
            city=region,
            up_url=reverse("performance:dashboard_province") if up else "",
        )

    name = f"city-{city_id}:{caching.period_name(period)}"
    return _scope_page(
        request, name, f"{venue_access.scope_signature(request.user)}:{int(up)}", error, compute
    )


def _scope_page(request, name: str, reader: str, error: str, compute):
    """The province's or a city's dashboard page: its view (title and content) kept for every
    reader of the same scope (`caching.view_key`), else `compute()` (the dashboard, read from the
    cache or computed, and its content's context) rendered and kept; a bad period's page is never
    kept. The dashboard stays in the context, read only if something looks (the tests)."""
    key = None if error else caching.view_key(name, reader)
    kept = caching.kept_view(key)
    if kept is not None:
        return _page(request, *kept, lambda: compute()[0])
    dash, context = compute()
    content = str(render_to_string(caching.CONTENT_TEMPLATE, context))
    caching.keep_view(key, dash, _title(dash), content)
    return _page(request, _title(dash), content, lambda: dash)


@staff_page
@require_GET
@replica_reads
def palace(request, palace_id: int):
    target = palace_or_404(request, palace_id, scope="view")
    period, error = _period(request)
    dash = caching.dashboard(
        f"palace-{target.pk}:{caching.period_name(period)}",
        lambda panels_of, palaces_of: selectors.dashboard(
            kind="palace",
            period=period,
            palaces=Palace.objects.filter(pk=target.pk),
            title=_("%(palace)s dashboard") % {"palace": target.name},
            user=request.user,
            links=caching.links,
            panels_of=panels_of,
            palaces_of=palaces_of,
        ),
        lambda: selectors.dashboard_panels(
            kind="palace", period=period, palaces=Palace.objects.filter(pk=target.pk)
        ),
        lambda: selectors.palace_rows(Palace.objects.filter(pk=target.pk)),
    )
    city_region = target.region if target.region.level == Region.Level.CITY else target.region.parent
    ledger_month = (
        period.first
        if period.kind == MONTH
        else min(period.last, m.previous_month(m.month_of(timezone.localdate())))
    )
    # A palace's dashboard is its staff's and names what the reader may see: rendered each time.
    content = render_to_string(
        caching.CONTENT_TEMPLATE,
        _context(
            request,
            dash,
            error=error,
            base_url=reverse("performance:dashboard_palace", args=[target.pk]),
            palace=target,
            up_url=(
                reverse("performance:dashboard_city", args=[city_region.pk])
                if access.may_lead(request.user, city_region.pk)
                else ""
            ),
            ledger_url=reverse("performance:ledger", args=[target.pk, ledger_month]),
            ledger_month=ledger_month,
            export_url=reverse("performance:export_palace_year", args=[target.pk, period.year]),
            trend_url=reverse("performance:ranking_trend", args=[target.pk]),
            may_see_ledger=venue_access.may_view_palace(request.user, target),
        ),
    )
    return _page(request, _title(dash), content, lambda: dash)


def _title(dash) -> str:
    return f"{dash.title} · {dash.period.label}"


def _page(request, title: str, content: str, dash):
    """The dashboard's page: the visitor's frame around `content` (the dashboard's own part).
    `dash()` gives the dashboard it shows, read only if something looks (the tests: the frame
    reads only the title)."""
    return render(
        request,
        "performance/dashboards/dashboard.html",
        {
            "dash": SimpleLazyObject(dash),
            "title": title,
            "content": mark_safe(content),  # noqa: S308 - our own rendering, autoescaped
        },
    )


@staff_page
@require_GET
@replica_reads
def export_province_month(request, month: str):
    if not access.may_view_province(request.user):
        raise Http404
    try:
        period = Period.of_month(m.parse_month(month))
    except ValidationError as error:
        raise Http404 from error
    return exports.province_month(period=period, user=request.user)


@staff_page
@require_GET
@replica_reads
def export_palace_year(request, palace_id: int, year: int):
    target = palace_or_404(request, palace_id, scope="view")
    try:
        period = Period.of_year(year)
    except ValidationError as error:
        raise Http404 from error
    return exports.palace_year(palace=target, period=period)
