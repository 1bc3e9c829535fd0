"""Pages of the network: home, the palace directory, palace and venue pages, the overview.

Views parse input with forms (the directory's FilterSet), call selectors and render. Every page
issues a fixed number of queries whatever the amount of data (tests/venues/test_views.py).
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palace_portal.db_router import replica_reads

from . import access, directory_cache, page_cache, selectors
from .cache_versions import timed_block, timed_value
from .filters import PalaceFilter, StrictBooleanFilter
from .home_cache import home_value
from .kinds import BookingMode, Centre, kinds_of
from .models import Closure, OpeningHours, Palace, Region, Venue

DIRECTORY_PAGE_SIZE = 20
# Up to this many venues the palace page shows them all; more are grouped in closed centres.
VENUES_SHOWN_OPEN = 8
# Statuses the directory shows only when its status filter asks for them (as palace_list does).
UNLISTED_STATUSES = (Palace.Status.PLANNED, Palace.Status.CLOSED)

# What a status means for someone looking for a place to go, on the palace page.
STATUS_NOTES = {
    Palace.Status.PLANNED: gettext_lazy("This palace is planned. It is not open yet."),
    Palace.Status.UNDER_CONSTRUCTION: gettext_lazy(
        "This palace is being built. Its venues and opening hours will be published when it opens."
    ),
    Palace.Status.EQUIPMENT: gettext_lazy(
        "Equipment is being installed. The palace will open soon; its venues are listed below."
    ),
    Palace.Status.CLOSED: gettext_lazy("This palace is closed."),
}

BOOKING_MODE_HELP = {
    BookingMode.EXCLUSIVE: gettext_lazy("You book the whole venue for a time slot: one booking per slot."),
    BookingMode.SHARED: gettext_lazy(
        "You book a place in a time slot: up to %(capacity)s people share each slot."
    ),
    BookingMode.APPOINTMENT: gettext_lazy("You make an appointment with the person on duty for a time slot."),
    BookingMode.REQUEST: gettext_lazy(
        "For group events: you send a request for a time and palace staff approve it."
    ),
}


# --- Opening state, as the pages show it ---------------------------------------------------------


@dataclass(frozen=True)
class OpenState:
    is_open: bool
    closes_at: time | None
    closure: Closure | None
    next_opening: datetime | None
    # "today", "tomorrow" or "" (a later day: the date is shown).
    next_day: str
    has_hours: bool


def _open_state(palace: Palace, now: datetime) -> OpenState:
    status = selectors.opening_status(palace, at=now)
    next_opening = timezone.localtime(status.next_opening) if status.next_opening else None
    next_day = ""
    if next_opening is not None:
        delta = (next_opening.date() - now.date()).days
        next_day = {0: "today", 1: "tomorrow"}.get(delta, "")
    return OpenState(
        is_open=status.is_open,
        closes_at=status.closes_at,
        closure=status.closure,
        next_opening=next_opening,
        next_day=next_day,
        has_hours=bool(palace.opening_hours.all()),
    )


def _week_hours(palace: Palace, today: date) -> list[dict]:
    """Monday to Sunday with the day's opening intervals (prefetched hours, no query)."""
    by_day: dict[int, list[OpeningHours]] = defaultdict(list)
    for h in palace.opening_hours.all():
        by_day[h.weekday].append(h)
    return [
        {"label": label, "intervals": by_day.get(weekday, []), "is_today": weekday == today.weekday()}
        for weekday, label in OpeningHours.Weekday.choices
    ]


# --- Home ----------------------------------------------------------------------------------------


def home(request):
    """The home page. Its content is the same for every anonymous visitor, so theirs is kept whole
    (`home_cache.home_value`, under the blocks' version and language) until one of its blocks would
    change by itself; a signed-in visitor's "coming up" puts their own palace first, so theirs is
    rendered with the request (from the blocks, which are kept on their own)."""
    if request.user.is_authenticated:
        content = _home_content(request)
    else:
        content = home_value("page", lambda now: (str(_home_content(None)), None))
    return render(request, "venues/home.html", {"content": mark_safe(content)})  # noqa: S308 - ours, autoescaped


def _home_content(request) -> str:
    figures = selectors.home_figures()
    venue_counts = figures["venue_counts"]
    centres = [
        {
            "centre": centre,
            "kinds": [kind.label for kind in kinds_of(centre.value)][:5],
            "more_kinds": max(len(kinds_of(centre.value)) - 5, 0),
            "venue_count": venue_counts[centre.value],
        }
        for centre in Centre
    ]
    return render_to_string(
        "venues/_home_content.html",
        {
            "summary": figures,
            "venues_open": sum(venue_counts.values()),
            "cities_covered": figures["cities_covered"],
            "city_count": len(figures["by_city"]),
            "by_city": figures["by_city"],
            "centres": centres,
            "province_name": settings.PORTAL_PROVINCE_NAME,
            "request": request,  # `{% upcoming_near %}` puts the signed-in visitor's palace first
        },
    )


# --- Directory -----------------------------------------------------------------------------------


class _AllianceSelect(forms.Select):
    """Any palace / members / not members, handing the raw value to the strict field (which
    refuses anything but true, false and empty)."""

    def __init__(self, attrs=None):
        choices = [
            ("", gettext_lazy("All palaces")),
            ("true", gettext_lazy("Alliance members")),
            ("false", gettext_lazy("Not members")),
        ]
        super().__init__(attrs, choices)

    def format_value(self, value):
        value = {True: "true", False: "false"}.get(value, value)
        return [str(value)] if value in ("true", "false") else [""]

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class PalaceDirectoryFilter(PalaceFilter):
    """The directory's form: the API's filters, with a list of cities to choose from (an unknown
    city is an error, not an empty list), a bounded search and labels for the empty choices."""

    q = django_filters.CharFilter(
        method="filter_q",
        label=gettext_lazy("Search"),
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": gettext_lazy("Name or place")}),
    )
    city = django_filters.ModelChoiceFilter(
        queryset=Region.objects.filter(level=Region.Level.CITY).order_by("code"),
        to_field_name="code",
        method="filter_city_region",
        label=gettext_lazy("City"),
        empty_label=gettext_lazy("All cities"),
    )
    level = django_filters.ChoiceFilter(
        choices=Palace.Level.choices, label=gettext_lazy("Level"), empty_label=gettext_lazy("All levels")
    )
    status = django_filters.ChoiceFilter(
        choices=Palace.Status.choices,
        label=gettext_lazy("Status"),
        empty_label=gettext_lazy("Open or being built"),
    )
    centre = django_filters.ChoiceFilter(
        choices=Centre.choices,
        method="filter_centre",
        label=gettext_lazy("Centre offered"),
        empty_label=gettext_lazy("Any centre"),
    )

    alliance_member = StrictBooleanFilter(label=gettext_lazy("Alliance member"), widget=_AllianceSelect)

    def filter_city_region(self, qs, name, value):
        return qs.in_city(value)


# The fields the directory's form shows; the others (county) still work in links.
DIRECTORY_FIELDS = ("q", "city", "level", "status", "centre", "alliance_member")


def palace_list(request):
    """The directory: the same for everyone, so kept rendered per query string, language and
    version (`venues/directory_cache.py`); the page frame around it is the visitor's."""
    query = request.GET.urlencode()
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    key = f"directory:{digest}:{directory_cache.directory_version()}:{translation.get_language()}"
    directory = timed_block(key, lambda now: _directory_html(request, now), ttl=directory_cache.DIRECTORY_TTL)
    return render(request, "venues/palace_list.html", {"directory": directory})


def _directory_html(request, at: datetime) -> tuple[str, datetime]:
    """The directory's form, palaces and pages as HTML, and until when it stays true with no
    write: the first moment a listed palace in service opens or closes, or the local midnight."""
    status = request.GET.get("status", "")
    queryset = selectors.palace_list(include_unlisted=status in UNLISTED_STATUSES)
    filterset = PalaceDirectoryFilter(request.GET, queryset=queryset)
    # An invalid value shows its error and no palaces, never an unfiltered list.
    palaces = filterset.qs if filterset.is_valid() else queryset.none()
    page = Paginator(palaces, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    now = timezone.localtime(at)
    prefetch_related_objects(items, selectors.upcoming_closures_prefetch(now.date()))
    states = [(p, _open_state(p, now)) for p in items]
    form = filterset.form
    html = render_to_string(
        "venues/_directory.html",
        {
            "filter_form": form,
            "visible_fields": [form[name] for name in DIRECTORY_FIELDS],
            # Filters the form does not show are kept when it is submitted again.
            "hidden_values": [
                (name, request.GET[name])
                for name in form.fields
                if name not in DIRECTORY_FIELDS and request.GET.get(name)
            ],
            "hidden_errors": [
                (form.fields[name].label, errors)
                for name, errors in form.errors.items()
                if name not in DIRECTORY_FIELDS
            ],
            "page_obj": page,
            "items": [{"palace": p, "state": state} for p, state in states],
            "is_filtered": any(request.GET.get(name) for name in form.fields),
        },
        request=request,
    )
    if not _directory_cacheable(request, filterset, page, items):
        return html, now  # shown, not kept
    return html, _open_state_until(states, now)


# The most filters a directory kept in the cache may have: each combination is a key.
DIRECTORY_CACHED_FILTERS = 2


def _directory_cacheable(request, filterset, page, items) -> bool:
    """Whether to keep this directory in the shared cache: only the lists people browse, so that
    the keys are bounded by the network (its valid filter values, two at a time, and the pages
    they fill), not by what a query string can hold. Free-text searches, invalid or unknown or
    repeated parameters, a page number that is not the page shown, and empty lists are rendered
    for their request only (as every directory was before the cache)."""
    fields = filterset.form.fields
    return (
        bool(items)
        and filterset.is_valid()
        and not request.GET.get("q", "").strip()
        and all(
            (name in fields or name == "page") and len(request.GET.getlist(name)) == 1 for name in request.GET
        )
        and sum(1 for name in fields if request.GET.get(name)) <= DIRECTORY_CACHED_FILTERS
        and request.GET.get("page", str(page.number)) == str(page.number)
    )


def _open_state_until(states: list[tuple[Palace, OpenState]], now: datetime) -> datetime:
    """The next moment an open state shown changes by itself: a palace in service closes or
    opens, or the day ends (today and tomorrow, closures by date, the next opening's search)."""
    until = timezone.make_aware(datetime.combine(now.date() + timedelta(days=1), time.min))
    for palace, state in states:
        if palace.status != Palace.Status.IN_SERVICE:
            continue  # its open state is not shown
        if state.is_open and state.closes_at is not None:
            until = min(until, timezone.make_aware(datetime.combine(now.date(), state.closes_at)))
        elif state.next_opening is not None:
            until = min(until, state.next_opening)
    return until


# --- Palace and venue pages ----------------------------------------------------------------------


def palace_detail(request, pk):
    """The palace page: the same for everyone, so kept rendered per palace, language and version
    (`venues/page_cache.py`) until its open state changes by itself; the frame is the visitor's."""
    version = page_cache.existing_palace_page_version(pk)
    if version is None:
        raise Http404
    key = f"palace-page:{pk}:{version}:{translation.get_language()}"
    title, content = timed_value(key, lambda now: _palace_page(pk, now), ttl=page_cache.PALACE_PAGE_TTL)
    return render(
        request,
        "venues/palace_detail.html",
        {"title": title, "content": mark_safe(content)},  # noqa: S308 - our own rendering, autoescaped
    )


def _palace_page(pk: int, at: datetime) -> tuple[tuple[str, str], datetime]:
    """The palace's name and its page's content as HTML, and until when they stay true with no
    write (the palace opens or closes, or the day ends). Rendered without the request: what is
    kept for everyone cannot hold anything of the visitor who happened to render it."""
    try:
        palace = selectors.palace_detail(pk)
    except Palace.DoesNotExist:
        raise Http404 from None
    now = timezone.localtime(at)
    today = now.date()
    state = _open_state(palace, now)
    closures = [{"closure": c, "is_current": c.start_date <= today} for c in palace.upcoming_closures]
    venue_total = len(palace.active_venues)
    content = render_to_string(
        "venues/_palace_page.html",
        {
            "palace": palace,
            "state": state,
            "week_hours": _week_hours(palace, today),
            "closures": closures,
            "centres": selectors.venues_by_centre(palace.active_venues),
            "venue_total": venue_total,
            # A big palace (20+ venues) lists them by centre, each opened on demand.
            "venues_collapsed": venue_total > VENUES_SHOWN_OPEN,
            "status_note": STATUS_NOTES.get(palace.status, ""),
            "is_in_service": palace.status == Palace.Status.IN_SERVICE,
        },
    )
    return (palace.name, str(content)), _open_state_until([(palace, state)], now)


def venue_detail(request, pk):
    try:
        venue = selectors.venue_detail(pk)
    except Venue.DoesNotExist:
        raise Http404 from None
    palace = venue.palace
    now = timezone.localtime()
    today = now.date()
    venue_closures = [
        {"closure": c, "is_current": c.start_date <= today}
        for c in palace.upcoming_closures
        if c.venue_id in (None, venue.pk)
    ]
    return render(
        request,
        "venues/venue_detail.html",
        {
            "venue": venue,
            "palace": palace,
            "centre": Centre(venue.centre),
            "booking_help": BOOKING_MODE_HELP[venue.booking_mode] % {"capacity": venue.capacity},
            "state": _open_state(palace, now),
            "week_hours": _week_hours(palace, today),
            "closures": venue_closures,
            "is_in_service": palace.status == Palace.Status.IN_SERVICE,
        },
    )


# --- Network overview ----------------------------------------------------------------------------


class OverviewForm(forms.Form):
    format = forms.ChoiceField(
        choices=[("", gettext_lazy("Web page")), ("csv", "CSV")],
        required=False,
        label=gettext_lazy("Format"),
    )


def _percent(ratio: Decimal) -> int:
    """0.6667 → 67: a whole percent, rounded half up."""
    return int((ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _bar_class(percent: int) -> str:
    """The `.w-N` width class nearest to the percent, in steps of 5 (the CSP forbids inline styles)."""
    step = min(max((percent + 2) // 5 * 5, 0), 100)
    return f"w-{step}"


@replica_reads
def network_overview(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.may_view_network_overview(request.user):
        raise Http404
    form = OverviewForm(request.GET)
    by_city = selectors.network_by_city()
    summary = selectors.network_summary(by_city)
    rows = [
        {
            "figures": row,
            "percent": _percent(row.coverage_rate),
            "bar": _bar_class(_percent(row.coverage_rate)),
        }
        for row in by_city
    ]
    total_percent = _percent(summary["coverage_rate"])
    if form.is_valid() and form.cleaned_data["format"] == "csv":
        return _overview_csv(rows, summary, total_percent)
    return render(
        request,
        "venues/network_overview.html",
        {
            "form": form,
            "rows": rows,
            "summary": summary,
            "total_percent": total_percent,
            "total_bar": _bar_class(total_percent),
            "today": timezone.localdate(),
        },
        status=200 if form.is_valid() else 400,
    )


def _overview_csv(rows: list[dict], summary: dict, total_percent: int) -> HttpResponse:
    today = timezone.localdate()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="network-by-city-{today:%Y-%m-%d}.csv"'
    # A byte-order mark so that spreadsheet programs read the Chinese names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Division code"),
            _("City"),
            _("Palaces in service"),
            _("County-level in service"),
            _("Units covered"),
            _("Units"),
            _("Coverage (%)"),
            _("Projects under way"),
        ]
    )
    for row in rows:
        f = row["figures"]
        writer.writerow(
            [
                f.city.code,
                f.city.name,
                f.palaces_in_service,
                f.county_level_in_service,
                f.units_covered,
                f.units,
                row["percent"],
                f.projects_under_way,
            ]
        )
    writer.writerow(
        [
            "",
            _("Total"),
            summary["palaces_in_service"],
            summary["county_level_in_service"],
            summary["units_covered"],
            summary["units"],
            total_percent,
            summary["projects_under_way"],
        ]
    )
    return response
