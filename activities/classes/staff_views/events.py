"""Events: the list (upcoming and past), create and edit, publish, cancel, registrations."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities.classes import selectors
from activities.classes.staff_forms import EventCancelForm, EventForm
from activities.classes.staff_views import reads
from activities.classes.staff_views._common import (
    STATE_BADGES,
    event_of,
    head,
    managed_palace,
    refuse,
    signup_status,
    visible_palace,
)
from activities.classes.staff_views.forms_flow import save_with
from activities.events import services
from activities.events.models import Event
from bookings.models import Occurrence
from bookings.staff_views._common import staff_page
from palace_portal.errors import PortalError

PAGE_SIZE = 30


@staff_page
@require_GET
def events(request, palace_id: int):
    palace = visible_palace(request, palace_id)
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
    palace = managed_palace(request, palace_id)
    form = EventForm(request.POST or None, palace=palace)
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
    palace = managed_palace(request, palace_id)
    event = event_of(palace, event_id)
    form = EventForm(request.POST or None, palace=palace, initial=EventForm.initial_of(event))
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
    palace = managed_palace(request, palace_id)
    event = event_of(palace, event_id)
    registrations = reads.event_registrations(event)
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
        "holding": sum(1 for b in registrations if b.status in reads.ENROLLED),
        "attended": sum(1 for b in registrations if b.attended),
        "waiting": sum(1 for b in registrations if b.status == reads.Status.WAITLISTED),
        "occurrence": occurrence,
        "now": timezone.now(),
    }
    return render(request, "activities/staff/event_detail.html", context)


@staff_page
@require_POST
def event_publish(request, palace_id: int, event_id: int):
    palace = managed_palace(request, palace_id)
    event = event_of(palace, event_id)
    try:
        services.event_publish(actor=request.user, event=event)
    except PortalError as error:
        refuse(request, error)
    else:
        messages.success(request, _("Published: workers can see the event."))
    return redirect("classes_staff:event", palace.pk, event.pk)


@staff_page
@require_http_methods(["GET", "POST"])
def event_cancel(request, palace_id: int, event_id: int):
    palace = managed_palace(request, palace_id)
    event = event_of(palace, event_id)
    if event.state == Event.State.CANCELLED:
        messages.info(request, _("The event is already cancelled."))
        return redirect("classes_staff:event", palace.pk, event.pk)
    form = EventCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
        except PortalError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The event is cancelled; everyone registered has been told."))
            return redirect("classes_staff:event", palace.pk, event.pk)
    context = head(request, palace, "events") | {
        "event": event,
        "form": form,
        "told": reads.open_count(event.offering_id),
    }
    return render(request, "activities/staff/event_cancel.html", context, status=400 if form.errors else 200)
