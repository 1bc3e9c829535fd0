"""State changes that courses and events share: publishing and cancelling a listing, withdrawing a
sign-up.

A listing is a course or an event: a palace's row with a `state` (`PublishState`) whose places and
sign-ups are a bookings `Offering` (an event without registration has none). Only staff who may
manage the listing's palace may publish or cancel it (`activities.access.require_manager`); for
anyone else it does not exist (`NotFound`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from activities.access import require_manager
from bookings.models import Booking, Offering
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.home_cache import home_page_changed

from .models import PublishState

Listing = TypeVar("Listing")


@dataclass(frozen=True)
class Refusals:
    """What a course's or an event's staff read when a publish or a cancel is refused."""

    cannot_publish: str  # the listing is cancelled
    reason_required: str  # a cancel without a reason
    already_cancelled: str


def listing_publish(*, actor, listing: Listing, refusals: Refusals) -> Listing:
    """Show the course or event to workers and open its sign-up (in its window). A cancelled one
    stays cancelled (`RuleViolation`). The row is locked, so a concurrent cancel cannot be undone."""
    require_manager(actor, listing.palace)
    with transaction.atomic():
        listing = type(listing).objects.select_for_update().get(pk=listing.pk)
        if listing.state == PublishState.CANCELLED:
            raise RuleViolation(str(refusals.cannot_publish), code="cancelled")
        listing.state = PublishState.PUBLISHED
        listing.save(update_fields=["state"])
        if listing.offering_id:
            Offering.objects.filter(pk=listing.offering_id).update(published=True)
            home_page_changed()  # an update() sends no signal (venues/home_cache.py)
    return listing


def listing_cancel(
    *, actor, listing: Listing, reason: str, refusals: Refusals, now: datetime | None = None
) -> Listing:
    """Cancel the course or event: every open sign-up ends and its holder is told `reason`
    (required), through `bookings.services.booking.booking_cancel`; all of it or nothing."""
    from bookings.services.booking import booking_cancel

    now = now or timezone.now()
    require_manager(actor, listing.palace)
    reason = (reason or "").strip()
    if not reason:
        message = str(refusals.reason_required)
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        listing = type(listing).objects.select_for_update().get(pk=listing.pk)
        if listing.state == PublishState.CANCELLED:
            raise RuleViolation(str(refusals.already_cancelled), code="cancelled")
        listing.state = PublishState.CANCELLED
        listing.save(update_fields=["state"])
        if listing.offering_id:
            Offering.objects.filter(pk=listing.offering_id).update(cancelled=True)
            home_page_changed()
            for booking in Booking.objects.filter(offering_id=listing.offering_id, status__in=Booking.OPEN):
                booking_cancel(actor=actor, booking=booking, reason=reason, now=now)
    return listing


def enrolment_withdraw(
    *, actor, enrolment: Booking, reason: str = "", now: datetime | None = None
) -> Booking:
    """Withdraw from a course or event (the worker, until it ends; staff of the palace, always).

    The place goes to the next person waiting, as an offer.
    """
    from bookings.services.booking import booking_cancel

    if enrolment.offering_id is None:
        raise NotFound()
    return booking_cancel(actor=actor, booking=enrolment, reason=reason, now=now)
