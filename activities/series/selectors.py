"""Reads of series: a palace's series with their totals, one series' totals and items.

The ledger's activities and the events reach a series through its reverse relations
(`series.activities`, `series.events`), so this bottom layer imports neither. Query counts are
fixed: one for a palace's list, four for a series' page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum

from venues.models import Palace

from .models import Series

PUBLISHED = "published"  # activities.offerings.PublishState.PUBLISHED, a layer above
ITEMS_SHOWN = 30


@dataclass(frozen=True)
class SeriesTotals:
    events: int
    activities: int
    participants: int
    online_viewers: int
    first: date | None
    last: date | None

    @property
    def items(self) -> int:
        return self.events + self.activities


def _period(*days: date | None) -> tuple[date | None, date | None]:
    known = [d for d in days if d is not None]
    return (min(known), max(known)) if known else (None, None)


def _per_series(**aggregate) -> Subquery:
    """One figure of the outer series, as a correlated subquery (sums over two relations in one
    query would multiply each other)."""
    ((name, expression),) = aggregate.items()
    return Subquery(Series.objects.filter(pk=OuterRef("pk")).annotate(**{name: expression}).values(name)[:1])


def series_list(
    palace: Palace, *, active_only: bool = False, kinds: tuple[str, ...] | None = None
) -> list[tuple[Series, SeriesTotals]]:
    """The palace's series with their totals (published events, logged activities), one query."""
    qs: QuerySet[Series] = Series.objects.filter(palace=palace)
    if active_only:
        qs = qs.filter(is_active=True)
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    published = Q(events__state=PUBLISHED)
    rows = qs.annotate(
        n_activities=_per_series(n=Count("activities")),
        n_participants=_per_series(n=Sum("activities__participants")),
        n_viewers=_per_series(n=Sum("activities__online_viewers")),
        first_activity=_per_series(d=Min("activities__date")),
        last_activity=_per_series(d=Max("activities__date")),
        n_events=_per_series(n=Count("events", filter=published)),
        first_event=_per_series(d=Min("events__local_date", filter=published)),
        last_event=_per_series(d=Max("events__local_date", filter=published)),
    ).order_by("kind", "name", "pk")
    result = []
    for s in rows:
        first, last = _period(s.first_activity, s.last_activity, s.first_event, s.last_event)
        totals = SeriesTotals(
            events=s.n_events or 0,
            activities=s.n_activities or 0,
            participants=s.n_participants or 0,
            online_viewers=s.n_viewers or 0,
            first=first,
            last=last,
        )
        result.append((s, totals))
    return result


def series_detail(series: Series) -> tuple[SeriesTotals, list, list]:
    """A series' totals, its published events (latest first) and its latest logged activities."""
    acts = series.activities.aggregate(
        n=Count("pk"),
        participants=Sum("participants"),
        viewers=Sum("online_viewers"),
        first=Min("date"),
        last=Max("date"),
    )
    published = series.events.filter(state=PUBLISHED)
    events = list(published.select_related("venue").order_by("-starts_at", "-pk")[:ITEMS_SHOWN])
    ev = published.aggregate(n=Count("pk"), first=Min("local_date"), last=Max("local_date"))
    first, last = _period(acts["first"], acts["last"], ev["first"], ev["last"])
    totals = SeriesTotals(
        events=ev["n"],
        activities=acts["n"],
        participants=acts["participants"] or 0,
        online_viewers=acts["viewers"] or 0,
        first=first,
        last=last,
    )
    activities = list(series.activities.order_by("-date", "-pk")[:ITEMS_SHOWN])
    return totals, events, activities
