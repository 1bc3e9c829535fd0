"""Reads of events: the list's counts."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from activities.offerings.selectors import ENROLLED, Status
from bookings.models import Booking

from .models import Event


def events_with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("offering", "venue", "palace", "palace__region").annotate(
        registered=Count(
            "offering__bookings", filter=Q(offering__bookings__status__in=ENROLLED), distinct=True
        ),
        waitlisted=Count(
            "offering__bookings", filter=Q(offering__bookings__status=Status.WAITLISTED), distinct=True
        ),
    )


def event_registrations(event: Event) -> list[Booking]:
    """Everyone who registered for the event, the ones holding places first (one query)."""
    if event.offering_id is None:
        return []
    return list(
        Booking.objects.filter(offering_id=event.offering_id)
        .select_related("user")
        .annotate(attended=Count("attendances"))
        .order_by(F("queue_rank").asc(nulls_last=True), "created_at", "pk")
    )
