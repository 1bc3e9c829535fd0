"""Reads of events: the list's counts."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet

from activities.offerings.selectors import ENROLLED, Status, count_per_offering
from bookings.models import Booking

from .models import Event


def events_with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Events with `registered` and `waitlisted` annotated. Each count is a subquery, computed for
    the rows kept: joined to the sign-ups and grouped, the list counted the sign-ups of every
    coming event before keeping one page (100 ms at ten times the province)."""
    return qs.select_related("offering", "venue", "palace", "palace__region").annotate(
        registered=count_per_offering(Booking.objects.filter(status__in=ENROLLED)),
        waitlisted=count_per_offering(Booking.objects.filter(status=Status.WAITLISTED)),
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
