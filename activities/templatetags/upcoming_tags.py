"""`{% upcoming_near %}`: the home page's "coming up" block (the home page belongs to `venues`,
which may not import `activities`).

What is coming up near the visitor: published events still to come and courses taking sign-ups
now, the signed-in person's own palace first, then its city, then the rest of the province. "Own
palace": where they hold a staff post, else where they last booked or signed up. Three queries at
most, whatever the number of events and courses. The few rows are chosen in a subquery without
the palace and venue they are shown with (joining every venue before sorting made the events'
query 25 ms at ten times the province).

The block is rendered once and kept in the shared cache (`venues/home_cache.py`), per language and
per palace put first (none for anonymous visitors): a write to an event, a course, a term, an
offering (the sign-up windows), a palace or a venue moves the key, and the rendered block is kept
only until the next moment its list would change with time alone (`_valid_until`): a shown event
ends, a shown class's sign-up closes, or another class's sign-up opens.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.db.models import Case, IntegerField, Min, Q, Value, When
from django.template.loader import render_to_string

from activities.classes.models import Course
from activities.events.models import Event
from activities.offerings.api.common import open_now
from bookings.models import Booking
from venues import access
from venues.home_cache import HOME_TTL, home_block
from venues.models import Palace

register = template.Library()

UPCOMING_EVENTS = 4
UPCOMING_COURSES = 4


def home_palace(user) -> Palace | None:
    """The palace the person is most likely to go to (one query; none for anonymous visitors)."""
    if user is None or not user.is_authenticated:
        return None
    posts = access.palaces_staffed_by(user).values("pk")
    last_visit = Booking.objects.filter(user=user).order_by("-pk").values("palace_id")[:1]
    return (
        Palace.objects.filter(Q(pk__in=posts) | Q(pk__in=last_visit))
        .select_related("region__parent")
        .annotate(
            is_post=Case(When(pk__in=posts, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("is_post", "pk")
        .first()
    )


def _nearness(palace: Palace | None):
    """0: the person's palace, 1: its city, 2: elsewhere (a column to order by)."""
    if palace is None:
        return Value(2, output_field=IntegerField())
    city_id = palace.region_id if palace.level == Palace.Level.CITY else palace.region.parent_id
    return Case(
        When(palace_id=palace.pk, then=Value(0)),
        When(Q(palace__region_id=city_id) | Q(palace__region__parent_id=city_id), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def _first(rows, n: int, *related: str) -> list:
    """The first `n` of `rows` (ordered), read with `related` in the same query: the rows are
    chosen without the joins, which the database would otherwise make for every candidate row
    before sorting."""
    return list(rows.filter(pk__in=rows.values("pk")[:n]).select_related(*related))


def _rows(palace: Palace | None, now: datetime) -> dict:
    nearness = _nearness(palace)
    events = (
        Event.objects.filter(state=Event.State.PUBLISHED, ends_at__gt=now)
        .annotate(nearness=nearness)
        .order_by("nearness", "starts_at", "pk")
    )
    courses = (
        Course.objects.filter(open_now("offering__", now), state=Course.State.PUBLISHED)
        .annotate(nearness=nearness)
        .order_by("nearness", "offering__closes_at", "pk")
    )
    return {
        "near_palace": palace,
        "near_city": (palace.region if palace.level == Palace.Level.CITY else palace.region.parent)
        if palace
        else None,
        "events": _first(events, UPCOMING_EVENTS, "palace", "venue"),
        "courses": _first(courses, UPCOMING_COURSES, "palace", "venue", "offering"),
    }


def _valid_until(rows: dict, now: datetime) -> datetime:
    """The first moment the list would change with time alone (one query): a shown event ends, a
    shown class's sign-up closes, or a published class's sign-up opens (which may put it among the
    first). Events still to come cannot join by themselves: they are already candidates."""
    moments = [e.ends_at for e in rows["events"]] + [c.offering.closes_at for c in rows["courses"]]
    opening = Course.objects.filter(
        state=Course.State.PUBLISHED,
        offering__published=True,
        offering__cancelled=False,
        offering__opens_at__gt=now,
        offering__closes_at__gt=now,
    ).aggregate(first=Min("offering__opens_at"))["first"]
    if opening is not None:
        moments.append(opening)
    return min(moments, default=now + timedelta(seconds=HOME_TTL))


@register.simple_tag(takes_context=True)
def upcoming_near(context):
    request = context.get("request")
    palace = home_palace(getattr(request, "user", None))

    def build(now: datetime):
        rows = _rows(palace, now)
        return render_to_string("activities/_upcoming.html", rows), _valid_until(rows, now)

    return home_block(f"upcoming:{palace.pk if palace else 0}", build)
