"""The workers' pages of events with sign-up: `/events/` (upcoming, with filters) and
`/events/<id>/` (the event, registering). A registration's own pages are `activities.offerings.views`."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities.offerings.pages import (
    Status,
    filter_context,
    listed_palaces,
    listing_or_404,
    mine_by_offering,
    page_by_ids,
    places_of,
    sign_up_page,
    signup_context,
)
from activities.offerings.selectors import ENROLLED
from bookings.models import Booking
from bookings.services.offering import offering_waitlist_position

from . import selectors
from .forms import EventFilterForm
from .models import Event
from .services import event_register

PAGE_SIZE = 20


def _upcoming_events(now: datetime):
    return Event.objects.filter(state=Event.State.PUBLISHED, ends_at__gt=now, palace__in=listed_palaces())


@require_GET
def event_list(request):
    now = timezone.now()
    events = _upcoming_events(now)
    palaces = listed_palaces().filter(events__in=events).distinct()
    form = EventFilterForm(request.GET or None, palaces=palaces)
    if request.GET:
        events = form.apply(events)
    events = selectors.events_with_counts(events).order_by("starts_at", "pk")
    page = page_by_ids(events, PAGE_SIZE, request.GET.get("page"))
    items = page.object_list
    mine = mine_by_offering(request.user, [e.offering_id for e in items if e.offering_id])
    cards = [
        {
            "event": e,
            "places": places_of(e.offering, applicants=0, waitlisted=e.waitlisted, now=now)
            if e.offering
            else None,
            "mine": mine.get(e.offering_id),
        }
        for e in items
    ]
    return render(
        request,
        "activities/events/event_list.html",
        {**filter_context(request, form, form.fields), "page_obj": page, "cards": cards},
    )


def _event_or_404(request, pk: int) -> Event:
    return listing_or_404(request, selectors.events_with_counts(Event.objects.filter(pk=pk)))


@require_GET
def event_detail(request, pk: int):
    now = timezone.now()
    event = _event_or_404(request, pk)
    context = {"event": event, "now": now, "places": None, "mine": None}
    if event.offering_id:
        places = places_of(event.offering, applicants=0, waitlisted=event.waitlisted, now=now)
        context.update(
            signup_context(
                request, event.offering, places, published=event.state == Event.State.PUBLISHED, now=now
            )
        )
        context["places"] = places
    mine = context["mine"]
    # Without registration the link is for everyone; with it, for those who hold a place.
    context["show_link"] = bool(event.online_url) and (
        not event.offering_id or (mine is not None and mine.status in ENROLLED)
    )
    context["past"] = event.ends_at <= now
    return render(request, "activities/events/event_detail.html", context)


def _registered_message(event: Event, booking: Booking) -> str:
    if booking.status == Status.WAITLISTED:
        return _(
            "%(event)s is full: you are number %(position)d on the waitlist. If a place frees up, "
            "it is offered to you."
        ) % {"event": event.title, "position": offering_waitlist_position(booking) or 1}
    return _("You are registered for %(event)s. Show your check-in code at the door.") % {
        "event": event.title
    }


@require_POST
def event_signup(request, pk: int):
    def register():
        event = _event_or_404(request, pk)
        return event_register(user=request.user, event=event), event

    return sign_up_page(
        request, back=reverse("classes:event", args=[pk]), sign_up=register, message=_registered_message
    )
