"""The course catalogue's cards (`/classes/`), kept in the shared cache.

At ten times the province every request of the catalogue counted, sorted (by a `CASE` of the
sign-up window) and rendered twenty course cards, 15–35 ms of CPU, for a list that changes far
less often than it is read. The first page of each filter (the unfiltered one above all) is now
rendered once and kept with the home page's blocks (`venues.home_cache.home_value`): under the
home page's version, which a save or delete of a course, term, offering, palace, region or venue
moves (and the writes by `update()` that change sign-up windows, publishing or cancelling), per
language, and only until the first moment the list would change with time alone (a sign-up
window opening or closing, a course ending: `_valid_until`).

What is kept is public: the filter panel, the number of courses and the cards, three parts of
each marked (`_PART`) and settled on every request from one query (`selectors.catalogue_live`):

- the places (left, full, waiting, applied for a lottery) and the sign-up window's line, exact to
  the request: sign-ups move `taken` by `update()` and add bookings that no signal announces, so
  they are never taken from the cache (the text kept with the card is reused only when the live
  figures are the ones it was rendered from);
- the visitor's own sign-up badge ("Enrolled", "Waiting"…), which is personal and never cached.

Other pages than the first, and invalid filters, are rendered the same way without the cache.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Min, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from activities.offerings.pages import Places, listed_palaces, places_of
from bookings.models import Booking, Offering
from venues.home_cache import home_value

from . import selectors
from .forms import CourseFilterForm, enrolment_order
from .models import Course

PAGE_SIZE = 20
FILTERS = tuple(CourseFilterForm.base_fields)
Status = Booking.Status

# A part of a cached card that each request may replace: `<!--card:<n>:<part>-->…<!--/card-->`,
# empty for the visitor's badge, the text as rendered from the figures of `state` for the places
# and the window. Autoescaping turns any "<" a course's own text holds into "&lt;", so only the
# template's markers match.
_PART = re.compile(r"<!--card:(\d+):(mine|places|window)-->(.*?)<!--/card-->", re.DOTALL)
_END = mark_safe("<!--/card-->")


def catalogue_courses(now: datetime) -> QuerySet[Course]:
    """Published courses of listed palaces not yet over (current and coming terms)."""
    return Course.objects.filter(
        state=Course.State.PUBLISHED,
        offering__ends_at__gt=now,
        palace__in=listed_palaces(),
    )


def _start(n: int, part: str) -> SafeString:
    return mark_safe(f"<!--card:{n}:{part}-->")  # noqa: S308 - a fixed marker, no input in it


def _places_state(places: Places) -> tuple:
    """Everything `_places.html` and `_window.html` show of an offering's places: equal states
    render equal text."""
    o = places.offering
    return (
        places.left,
        places.lottery_pending,
        places.applicants,
        places.waitlisted,
        places.window,
        o.capacity,
        o.cancelled,
        o.opens_at,
        o.closes_at,
    )


def _places_html(places: Places) -> dict[str, str]:
    """The places and window parts of a card whose figures changed since it was kept."""
    context = {"places": places}
    return {
        "places": render_to_string("activities/classes/_places.html", context),
        "window": render_to_string("activities/classes/_window.html", context),
    }


def _valid_until(now: datetime) -> datetime | None:
    """The first moment a catalogue page would change with time alone (one query): a published
    course's sign-up opens (it moves up) or closes (it moves down or drops out), or the course
    ends. Taken over every course of the catalogue, whatever the filters: the palace list of the
    filters is every palace with a course not yet over."""
    found = catalogue_courses(now).aggregate(
        opens=Min("offering__opens_at", filter=Q(offering__opens_at__gt=now)),
        closes=Min("offering__closes_at", filter=Q(offering__closes_at__gt=now)),
        ends=Min("offering__ends_at"),
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


def _build(
    query: Mapping[str, str], number: str | None, now: datetime, *, keep: bool = True
) -> tuple[dict, datetime | None]:
    """The page of the catalogue that `query` (the filters) and `number` ask for, rendered with
    its parts marked, and until when it stays true with no write (`now`: not to be kept, the
    filters are not valid or `keep` is off)."""
    courses = catalogue_courses(now)
    palaces = listed_palaces().filter(courses__in=courses).distinct()
    form = CourseFilterForm(query or None, palaces=palaces)
    courses = form.apply(courses, now=now)
    # What can be signed up for now comes first, then what opens later, then (asked for) the rest.
    ordered = selectors.courses_with_counts(courses).order_by(
        enrolment_order(now),
        "term__starts_on",
        "palace__region__code",
        "palace__name",
        "title",
        "section_label",
        "pk",
    )
    page = Paginator(ordered, PAGE_SIZE).get_page(number)
    cards, kept = [], []
    for n, course in enumerate(page.object_list):
        places = places_of(course.offering, applicants=course.applied, waitlisted=course.waitlisted, now=now)
        parts = {f"{part}_start": _start(n, part) for part in ("mine", "places", "window")}
        cards.append({"course": course, "places": places, "end": _END, **parts})
        kept.append({"offering": course.offering_id, "title": course.title, "state": _places_state(places)})
    html = render_to_string(
        "activities/classes/_catalogue_results.html",
        {
            "filter_form": form,
            "is_filtered": any(query.get(name) for name in form.fields),
            "count": page.paginator.count,
            "course_cards": cards,
        },
    )
    keep = keep and (not form.is_bound or form.is_valid())
    return {"html": html, "count": page.paginator.count, "cards": kept}, _valid_until(now) if keep else now


def _key(query: Mapping[str, str]) -> str:
    """The cached page's name: the filters as asked (their raw values: the page shows them)."""
    asked = "&".join(f"{name}={query[name]}" for name in FILTERS if query.get(name))
    return "course-catalogue:" + hashlib.sha256(asked.encode()).hexdigest()[:32]


def _mine_badge(status: str | None) -> str:
    if status is None:
        return ""
    label = {
        Status.PENDING: _("Applied"),
        Status.WAITLISTED: _("Waiting"),
        Status.OFFERED: _("Place offered"),
    }.get(status, _("Enrolled"))
    return format_html('<span class="badge badge-ok">{}</span>', label)


def catalogue_page(request) -> dict[str, Any]:
    """The catalogue's page as the template shows it: `results` (filters, count and cards),
    `page_obj` (for the page links) and `cards` (each card's course, title and the visitor's own
    sign-up status)."""
    now = timezone.now()
    query = {name: request.GET[name] for name in FILTERS if name in request.GET}
    number = request.GET.get("page")
    if number in (None, "", "1"):
        block = home_value(_key(query), lambda at: _build(query, number, at))
    else:
        block = _build(query, number, now, keep=False)[0]
    page: Page = Paginator(range(block["count"]), PAGE_SIZE).get_page(number)
    live = selectors.catalogue_live([card["offering"] for card in block["cards"]], user=request.user)
    if len(live) < len(block["cards"]):  # a course deleted since: this request reads afresh
        block = _build(query, number, now, keep=False)[0]
        live = selectors.catalogue_live([card["offering"] for card in block["cards"]], user=request.user)
    parts, cards = [], []
    for card in block["cards"]:
        offering: Offering = live[card["offering"]]
        places = places_of(offering, applicants=offering.applied, waitlisted=offering.waitlisted, now=now)
        mine = getattr(offering, "mine", None)
        # The kept text where the figures are the ones it was rendered from, else rendered now.
        part = {} if _places_state(places) == card["state"] else _places_html(places)
        parts.append({"mine": _mine_badge(mine), **part})
        cards.append({"offering": card["offering"], "title": card["title"], "mine": mine})

    def fill(found: re.Match) -> str:
        return parts[int(found[1])].get(found[2], found[3])

    html = _PART.sub(fill, block["html"])
    return {
        "results": mark_safe(html),  # noqa: S308 - rendered from templates, autoescaped
        "page_obj": page,
        "cards": cards,
    }
