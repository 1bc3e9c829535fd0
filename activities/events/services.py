"""Events with sign-up: lectures, performances, competitions, job fairs, mixers.

An event with registration keeps its places and sign-ups in a bookings `Offering` with one
session, so registering, the waitlist, withdrawing, check-in by code and the messages are the
venue bookings' own. Without registration it is simply announced. Staff of the palace only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.access import require_manager as _require_manager
from activities.events.models import Event
from activities.ledger.models import ActivityKind, PartnerKind
from activities.offerings.services import Refusals, listing_cancel, listing_publish
from activities.series.services import series_check
from bookings.models import Booking, Occurrence, Offering
from bookings.services import offering as offerings
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.images import apply_picture, picture_input
from venues.home_cache import home_page_changed
from venues.kinds import Centre
from venues.models import Palace, Venue

# What the event row keeps; the rest of the input shapes its registration (its offering).
EVENT_MODEL_FIELDS = (
    "title",
    "kind",
    "centre",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "speaker",
    "partner_kind",
    "partner_name",
    "programme",
    "series",
    "description",
)
EVENT_FIELDS = frozenset(EVENT_MODEL_FIELDS) | {
    "picture",
    "picture_alt",
    "picture_clear",
    "registration",
    "capacity",
    "members_only",
    "registration_closes",
}


def _event_values(
    *, palace: Palace, values: dict[str, Any], now: datetime, current_picture=None
) -> dict[str, Any]:
    unknown = set(values) - EVENT_FIELDS
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the event a title.")]
    if values.get("kind") not in ActivityKind.values:
        errors["kind"] = [_("Choose a kind.")]
    if values.get("centre") not in Centre.values:
        errors["centre"] = [_("Choose a centre.")]
    venue = values.get("venue")
    if venue is not None and (not isinstance(venue, Venue) or venue.palace_id != palace.pk):
        errors["venue"] = [_("Choose a venue of this palace.")]
    online_url = (values.get("online_url") or "").strip()
    if online_url:
        try:
            URLValidator(schemes=["http", "https"])(online_url)
        except ValidationError:
            errors["online_url"] = [_("Give a web address starting with http:// or https://.")]
    if venue is None and not online_url:
        errors["venue"] = [_("Choose a venue, or give the online link.")]
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if not isinstance(starts, datetime) or not isinstance(ends, datetime) or timezone.is_naive(starts):
        errors["starts_at"] = [_("Give the start and end.")]
    elif starts >= ends:
        errors["ends_at"] = [_("The end must be after the start.")]
    elif ends - starts > timedelta(days=14):
        errors["ends_at"] = [_("An event lasts at most two weeks; log longer ones as activities.")]
    series_error = series_check(palace=palace, series=values.get("series"))
    if series_error:
        errors["series"] = [series_error]
    partner_kind = values.get("partner_kind") or PartnerKind.NONE
    if partner_kind not in PartnerKind.values:
        errors["partner_kind"] = [_("Choose a partner kind.")]
    registration = bool(values.get("registration"))
    capacity = values.get("capacity")
    if (
        registration
        and capacity is not None
        and (not isinstance(capacity, int) or not 1 <= capacity <= 100000)
    ):
        errors["capacity"] = [_("Between 1 and 100,000 places, or leave empty for no limit.")]
    closes = values.get("registration_closes") or starts
    if registration and isinstance(starts, datetime) and isinstance(closes, datetime) and closes > starts:
        errors["registration_closes"] = [_("Registration must close by the start.")]
    picture = picture_input(values, current=current_picture, errors=errors)
    if errors:
        raise InvalidInput(_("Please correct the event."), fields=errors)
    return {
        "title": title[:200],
        "kind": values["kind"],
        "centre": values["centre"],
        "venue": venue,
        "online_url": online_url,
        "starts_at": starts,
        "ends_at": ends,
        "speaker": (values.get("speaker") or "").strip()[:200],
        "partner_kind": partner_kind,
        "partner_name": (values.get("partner_name") or "").strip()[:200],
        "programme": (values.get("programme") or "").strip()[:100],
        "series": values.get("series"),
        "description": (values.get("description") or "").strip(),
        "picture": picture,
        "registration": registration,
        "capacity": capacity if registration else None,
        "members_only": bool(values.get("members_only")),
        "registration_closes": closes,
    }


def _sync_offering(event: Event, clean: dict[str, Any], *, now: datetime) -> None:
    """Create, update or retire the event's offering and its one session."""
    offering = event.offering
    if not clean["registration"]:
        if offering is not None:
            if Booking.objects.filter(offering=offering, status__in=Booking.OPEN).exists():
                raise RuleViolation(
                    _("People have registered; registration cannot be switched off."),
                    code="has_registrations",
                )
            Offering.objects.filter(pk=offering.pk).update(cancelled=True, published=False)
            home_page_changed()  # an update() sends no signal (venues/home_cache.py)
            event.offering = None
        return
    if offering is None:
        offering = Offering.objects.create(
            palace_id=event.palace_id,
            venue=event.venue,
            kind=Offering.Kind.EVENT,
            title=event.title,
            capacity=clean["capacity"],
            members_only=clean["members_only"],
            published=event.state == Event.State.PUBLISHED,
            opens_at=None,
            closes_at=clean["registration_closes"],
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            offer_minutes=120,
        )
        event.offering = offering
    else:
        offering.title, offering.venue = event.title, event.venue
        offering.members_only = clean["members_only"]
        offering.closes_at = clean["registration_closes"]
        offering.starts_at, offering.ends_at = event.starts_at, event.ends_at
        offering.save()
        Booking.objects.filter(offering=offering).update(
            start=event.starts_at, end=event.ends_at, local_date=event.local_date, venue=event.venue
        )
        if clean["capacity"] != offering.capacity:
            offerings.offering_capacity_change(offering=offering, capacity=clean["capacity"], now=now)
    Occurrence.objects.filter(offering=offering, attendances__isnull=True).exclude(
        start=event.starts_at
    ).delete()
    Occurrence.objects.update_or_create(
        offering=offering,
        start=event.starts_at,
        defaults={
            "palace_id": event.palace_id,
            "venue": event.venue,
            "end": event.ends_at,
            "local_date": event.local_date,
        },
    )


def event_create(*, actor, palace: Palace, now: datetime | None = None, **values: Any) -> Event:
    """A new event of `palace` (staff of the palace), as a draft."""
    now = now or timezone.now()
    _require_manager(actor, palace)
    clean = _event_values(palace=palace, values=values, now=now)
    with transaction.atomic():
        event = Event(palace=palace, created_by=actor, **{k: clean[k] for k in EVENT_MODEL_FIELDS})
        event.local_date = timezone.localtime(event.starts_at).date()
        apply_picture(event, clean["picture"])
        event.save()
        _sync_offering(event, clean, now=now)
        event.save(update_fields=["offering"])
    return event


def event_update(*, actor, event: Event, now: datetime | None = None, **values: Any) -> Event:
    """Change an event; registrations follow its new time and places (never below those held)."""
    now = now or timezone.now()
    _require_manager(actor, event.palace)
    clean = _event_values(palace=event.palace, values=values, now=now, current_picture=event.picture)
    with transaction.atomic():
        event = Event.objects.select_for_update(of=("self",)).select_related("offering").get(pk=event.pk)
        if event.state == Event.State.CANCELLED:
            raise RuleViolation(_("A cancelled event cannot be changed."), code="cancelled")
        for name in EVENT_MODEL_FIELDS:
            setattr(event, name, clean[name])
        event.local_date = timezone.localtime(event.starts_at).date()
        apply_picture(event, clean["picture"])
        _sync_offering(event, clean, now=now)
        event.save()
    return event


_REFUSALS = Refusals(
    cannot_publish=gettext_lazy("A cancelled event cannot be published."),
    reason_required=gettext_lazy("Say why the event is cancelled; the people registered will see it."),
    already_cancelled=gettext_lazy("The event is already cancelled."),
)


def event_publish(*, actor, event: Event) -> Event:
    """Show the event to workers (and open its registration, if it has one)."""
    return listing_publish(actor=actor, listing=event, refusals=_REFUSALS)


def event_cancel(*, actor, event: Event, reason: str, now: datetime | None = None) -> Event:
    """Cancel the event; everyone registered is told why (reason required)."""
    return listing_cancel(actor=actor, listing=event, reason=reason, refusals=_REFUSALS, now=now)


def event_register(*, user, event: Event, now: datetime | None = None) -> Booking:
    """Register for a published event with registration (otherwise `NotFound` / `no_registration`)."""
    if event.state != Event.State.PUBLISHED:
        raise NotFound()
    if event.offering_id is None:
        raise RuleViolation(_("This event needs no registration: just come."), code="no_registration")
    return offerings.offering_enrol(user=user, offering=event.offering, now=now)
