"""Staff pages of events: the list (upcoming and past), create and edit, publish, cancel, and
the registrations with their check-ins (`/staff/events/<palace_id>/...`, namespace
`classes_staff`). The list is for palaces the user may read; everything else for palaces they
manage (`venues.pages.palace_or_404`); any other palace or event answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.offerings import selectors as signup_reads
from activities.offerings.staff import (
    STATE_BADGES,
    head,
    listing_cancel_page,
    listing_publish_page,
    signup_status,
)
from bookings.models import Occurrence
from palace_portal.service_forms import save_with
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from . import selectors, services
from .forms import EventForm
from .models import Event

PAGE_SIZE = 30


def event_of(palace: Palace, event_id: int) -> Event:
    return get_object_or_404(
        Event.objects.filter(palace=palace).select_related("offering", "venue", "palace"), pk=event_id
    )


@staff_page
@require_GET
def events(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    past = request.GET.get("when") == "past"
    now = timezone.now()
    queryset = selectors.events_with_counts(Event.objects.filter(palace=palace))
    if past:
        queryset = queryset.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        queryset = queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = head(request, palace, "events") | {
        "page_obj": page,
        "rows": [(e, STATE_BADGES[e.state]) for e in page.object_list],
        "past": past,
        "query": "when=past" if past else "",
    }
    return render(request, "activities/staff/events.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def event_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = EventForm(request.POST or None, request.FILES or None, palace=palace)
    if request.method == "POST":
        event = save_with(
            form, lambda values: services.event_create(actor=request.user, palace=palace, **values)
        )
        if event is not None:
            messages.success(request, _("Saved as a draft. Publish it when it is ready."))
            return redirect("classes_staff:event", palace.pk, event.pk)
    context = head(request, palace, "events") | {"form": form, "event": None}
    return render(request, "activities/staff/event_form.html", context, status=400 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def event_edit(request, palace_id: int, event_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    event = event_of(palace, event_id)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        palace=palace,
        initial=EventForm.initial_of(event),
        current_picture=event.picture,
    )
    if request.method == "POST":
        saved = save_with(
            form, lambda values: services.event_update(actor=request.user, event=event, **values)
        )
        if saved is not None:
            messages.success(request, _("Event saved."))
            return redirect("classes_staff:event", palace.pk, event.pk)
    context = head(request, palace, "events") | {"form": form, "event": event}
    return render(request, "activities/staff/event_form.html", context, status=400 if form.errors else 200)


@staff_page
@require_GET
def event_detail(request, palace_id: int, event_id: int):
    """The event and everyone registered, with their check-in."""
    palace = palace_or_404(request, palace_id, scope="manage")
    event = event_of(palace, event_id)
    registrations = selectors.event_registrations(event)
    occurrence = (
        Occurrence.objects.filter(offering_id=event.offering_id).order_by("start").first()
        if event.offering_id
        else None
    )
    rows = [(b, signup_status(b, event=True)) for b in registrations]
    context = head(request, palace, "events") | {
        "event": event,
        "offering": event.offering,
        "badge": STATE_BADGES[event.state],
        "rows": rows,
        "holding": sum(1 for b in registrations if b.status in signup_reads.ENROLLED),
        "attended": sum(1 for b in registrations if b.attended),
        "waiting": sum(1 for b in registrations if b.status == signup_reads.Status.WAITLISTED),
        "occurrence": occurrence,
        "now": timezone.now(),
    }
    return render(request, "activities/staff/event_detail.html", context)


@staff_page
@require_POST
def event_publish(request, palace_id: int, event_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    event = event_of(palace, event_id)
    return listing_publish_page(
        request,
        publish=lambda: services.event_publish(actor=request.user, event=event),
        done=_("Published: workers can see the event."),
        back=reverse("classes_staff:event", args=[palace.pk, event.pk]),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def event_cancel(request, palace_id: int, event_id: int):
    """A confirmation page: who will be told, and the reason they will read."""
    palace = palace_or_404(request, palace_id, scope="manage")
    event = event_of(palace, event_id)
    return listing_cancel_page(
        request,
        listing=event,
        cancel=lambda reason: services.event_cancel(actor=request.user, event=event, reason=reason),
        already=_("The event is already cancelled."),
        done=_("The event is cancelled; everyone registered has been told."),
        back=reverse("classes_staff:event", args=[palace.pk, event.pk]),
        template="activities/staff/event_cancel.html",
        context=head(request, palace, "events")
        | {"event": event, "told": signup_reads.open_count(event.offering_id)},
    )
