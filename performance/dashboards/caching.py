"""The dashboards' data, and the province's and cities' pages, in the shared cache, keyed by the
ledger data version.

A dashboard's data depends only on the ledgers and the small tables beside them, never on raw
rows, and every write to those bumps `performance.ledgers.data_version`: a cached `Dashboard` is
therefore exact until the next write, and the first request after a write computes it afresh. The
key also names the language (labels are translated when computed) and today's date (the period
under way, the months due and "members today" move with it). `TTL` bounds what writes the version
cannot see (alliance `QuerySet.update` calls, region renames) to a few minutes.

Per reader: the only reader-dependent part of the data, a ranking row's `may_open` (may the reader
open that palace's ledger), is decided for each reader (`for_reader`), never taken from the cached
dashboard. A page (`view_key`) is kept per reader's scope signature, which decides those links.

A cache outage (the version reads None) computes the page afresh and stores nothing.

While a refresh is pending (`warming`: a write committed and queued it, the worker starts it a
few seconds later), a reader of the province's or a city's dashboard who misses the cache is
served the last one computed, marked `stale` (the page says so, with the time it was computed),
instead of computing it. Bounded: only while the mark stands, which the refresh clears when it
starts (the dashboards it computes are fresh from then on; a reader of any other computes it, as
before) and which expires after `warming.PENDING_TIMEOUT` (about a minute) if the worker is lost.
Who may call: `performance.dashboards.views`, after the scope checks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from palace_portal.db_router import reading_from_replica, use_replica
from venues import access as venue_access
from venues.models import Palace, Region

from ..ledgers.data_version import data_version, data_version_lsn, network_version
from ..rankings.periods import Period
from ..rankings.selectors import TOP, palaces_to_rank
from ..templatetags.perf_dash import chart_html
from . import coverage, recent, selectors
from .selectors import Dashboard, Panels

TTL = 300  # seconds
T = TypeVar("T")

# The latest dashboard computed is served only while a refresh is pending, so its age does not
# matter (each refresh replaces it); it is kept for the day its key names.
LATEST_TTL = 24 * 3600
# Set by `warming.warm_soon` when a write queued a refresh, cleared by the refresh when it starts.
PENDING_KEY = "performance:dashboards-warm-pending"


def cached(name: str, compute: Callable[[], T], *, network: bool = False) -> T:
    """`compute()`'s result, from the cache when the data version has not moved since it was
    stored. `name` identifies what is computed (kind, scope, period); it must not contain spaces.
    `network`: what is computed reads only the network's small tables (palaces, alliance,
    evaluations), so it is keyed by the network version, which ledger writes do not move."""
    return _lookup(name, compute, network=network)[0]


def _lookup(
    name: str, compute: Callable[[], T], *, network: bool, keep_latest: bool = False, stale_ok: bool = False
) -> tuple[T, bool]:
    """`cached`, and whether the value is the last one computed under an earlier version.
    `keep_latest`: store what is computed as the latest too; `stale_ok`: serve the latest while a
    refresh is pending (see the module's docstring)."""
    version = network_version() if network else data_version()
    if version is None:  # the cache does not answer: compute, store nothing
        return compute(), False
    space = "net" if network else "dash"
    where = f"{translation.get_language()}:{timezone.localdate():%Y%m%d}:{name}"
    key = f"performance:{space}:{version}:{where}"
    latest_key = f"performance:{space}-latest:{where}"
    if stale_ok:
        found = cache.get_many([key, latest_key, PENDING_KEY])
        value = found.get(key)
        latest = found.get(latest_key)
        if value is None and latest is not None and found.get(PENDING_KEY) is not None:
            latest_version, latest_value = latest
            return latest_value, latest_version != version
    else:
        value = cache.get(key)
    if value is None:
        # On a read replica, only once it has replayed the write that made this version: what is
        # stored under the version must not be older than it (else the primary computes it).
        on_replica = reading_from_replica()
        with use_replica(on_replica, min_lsn=data_version_lsn() if on_replica else None):
            value = compute()
        cache.set(key, value, timeout=TTL)
        if keep_latest:
            cache.set(latest_key, (version, value), timeout=LATEST_TTL)
    return value, False


def dashboard(
    name: str,
    compute: Callable[[Callable[[], Panels], Callable[[], list[Palace]]], Dashboard],
    panels: Callable[[], Panels],
    palaces: Callable[[], list[Palace]],
    *,
    latest: bool = False,
    stale_ok: bool = False,
) -> Dashboard:
    """`cached` for a dashboard, its charts' SVG rendered once with the data it is cached with, its
    ranking cut to the rows the page shows (so `ranking.rows` of the result is not the full
    ranking: `leaders` and `laggards` are exact). `compute(panels_of, palaces_of)` computes the
    dashboard with `panels_of()` giving its panels and `palaces_of()` its scope's palaces
    (`palaces()`, `selectors.palace_rows`), both cached under the network version: after a ledger
    write only the figures are computed again. The palaces are the scope's whatever the period:
    keyed by the scope part of `name` (before its first colon). `latest`: keep what is computed as
    the latest too; `stale_ok`: serve the latest while a refresh is pending (module docstring)."""
    scope = name.split(":", 1)[0]

    def computed() -> Dashboard:
        dash = compute(
            lambda: cached(f"{name}:panels", panels, network=True),
            lambda: cached(f"{scope}:palaces", palaces, network=True),
        )
        if dash.ranking is not None:
            # The page shows the leaders and the laggards only ("the full ranking" is a link):
            # keeping just those rows (leaders and laggards read the same from them) makes the
            # cached value a tenth of the size, and reading it back as many times faster.
            rows = dash.ranking.rows
            shown = rows[:TOP] + rows[max(TOP, len(rows) - TOP) :]
            dash = dataclasses.replace(dash, ranking=dataclasses.replace(dash.ranking, rows=shown))
        for chart, chart_id in ((dash.by_month_chart, "chart-month"), (dash.by_unit_chart, "chart-unit")):
            if chart is not None:  # the ids the dashboard template gives them
                chart.rendered[chart_id] = chart_html(chart, chart_id)
        return dataclasses.replace(dash, computed_at=timezone.now())

    dash, stale = _lookup(name, computed, network=False, keep_latest=latest, stale_ok=latest and stale_ok)
    return dataclasses.replace(dash, stale=True) if stale else dash


def links(kind: str, obj) -> str:
    """The drill-down URL of a dashboard's row: a city's dashboard, or a palace's."""
    if kind == "city":
        return reverse("performance:dashboard_city", args=[obj.pk])
    return reverse("performance:dashboard_palace", args=[obj.pk])


def province_dashboard(period: Period, *, reader: bool = True) -> Dashboard:
    """The province's dashboard of `period`, from the cache or computed (and cached). `reader` (the
    views; not the refresh): while a refresh is pending, the last one computed may be served
    (`stale`), and one the reader computes is remembered for the refreshes to come (`recent`)."""
    return _scope_dashboard("province", period, Palace.objects.all(), _("Province dashboard"), reader=reader)


def city_dashboard(city: Region, period: Period, *, reader: bool = True) -> Dashboard:
    """The dashboard of `city` for `period`, as `province_dashboard`."""
    title = _("%(city)s dashboard") % {"city": city.name}
    return _scope_dashboard("city", period, Palace.objects.in_city(city), title, city=city, reader=reader)


def _scope_dashboard(
    kind: str, period: Period, palaces, title: str, city: Region | None = None, *, reader: bool
) -> Dashboard:
    name = "province" if city is None else f"city-{city.pk}"

    def compute(panels_of, palaces_of) -> Dashboard:
        dash = selectors.dashboard(
            kind=kind,
            period=period,
            palaces=palaces,
            title=title,
            user=None,  # shared by every reader: their drill-down rights are `for_reader`'s
            links=links,
            city=city,
            panels_of=panels_of,
            palaces_of=palaces_of,
        )
        if reader:  # not the refresh's own computations: those would never be forgotten
            recent.remember(None if city is None else city.pk, period)
        return dash

    return dashboard(
        f"{name}:{period_name(period)}",
        compute,
        lambda: selectors.dashboard_panels(kind=kind, period=period, palaces=palaces),
        lambda: selectors.palace_rows(palaces),
        latest=True,
        stale_ok=reader,
    )


def ranking_palaces(city: Region | None, level: str | None) -> list[Palace]:
    """The palaces a ranking of this scope ranks (`rankings.palaces_to_rank`), loaded as the
    dashboards load theirs (`selectors.palace_rows`: the region and its parent shared, a few fields)
    and cached under the network version, which palace writes move: a province's ranking built
    its thousand palaces with their regions (~3,000 model instances) on every request."""
    name = f"rank-{'all' if city is None else city.pk}-{level or 'all'}:palaces"
    return cached(name, lambda: selectors.palace_rows(palaces_to_rank(city=city, level=level)), network=True)


def coverage_map() -> coverage.CoverageMap:
    """The province's coverage map (palace statuses: palace writes bump the version), its SVG —
    111 outlines, the page's largest part — rendered once with it."""

    def computed() -> coverage.CoverageMap:
        found = coverage.coverage_map()
        svg = render_to_string("performance/dashboards/_coverage_svg.html", {"coverage": found})
        return dataclasses.replace(found, svg=svg)

    return cached("coverage", computed, network=True)


CONTENT_TEMPLATE = "performance/dashboards/_dashboard_content.html"


def view_key(name: str, reader: str) -> str | None:
    """The key a dashboard's whole view is kept under (`kept_view`): the data version (which
    network writes move too), the scope and period (`name`), the language, the day and what the
    reader decides in the page, told without the dashboard (`reader`: their scope's signature,
    `venues.access.scope_signature`, and the way up). None when the cache does not answer."""
    version = data_version()
    if version is None:
        return None
    day = f"{timezone.localdate():%Y%m%d}"
    return f"performance:dash-view:{version}:{name}:{translation.get_language()}:{day}:{reader}"


def kept_view(key: str | None) -> tuple[str, str] | None:
    """The (title, content) kept under `key` by `keep_view`: a warm view reads this, not the
    dashboard (whose unpickling was most of a warm view's time)."""
    return None if key is None else cache.get(key)


def keep_view(key: str | None, dash: Dashboard, title: str, content: str) -> None:
    """Keep a view computed under `key`'s version (`view_key`, read before the dashboard was: a
    write in between moves the version, so nothing older is ever read under a newer one). A stale
    dashboard is never kept (the refresh replaces it within seconds)."""
    if key is not None and not dash.stale:
        cache.set(key, (title, str(content)), timeout=TTL)


def period_name(period: Period) -> str:
    return f"{period.kind}-{period.first:%Y%m}-{period.last:%Y%m}"


def openable(user, palace_ids: list[int]) -> set[int]:
    """Those of `palace_ids` whose ledgers and trend `user` may open: a ranking's drill-down links
    (a provincial officer: all of them, without a query)."""
    if venue_access.is_province_officer(user):
        return set(palace_ids)
    # Every other role sees a city's palaces at most: read those, not an IN list of a ranking's.
    return set(palace_ids) & set(venue_access.palaces_visible_to(user).values_list("pk", flat=True))


def for_reader(dash: Dashboard, user) -> Dashboard:
    """The cached dashboard with the ranking's drill-down links decided for this reader."""
    if dash.ranking is None:
        return dash
    rows = dash.ranking.rows
    visible = openable(user, [row.palace.pk for row in rows])
    ranking = dataclasses.replace(
        dash.ranking, rows=[dataclasses.replace(row, may_open=row.palace.pk in visible) for row in rows]
    )
    return dataclasses.replace(dash, ranking=ranking)
