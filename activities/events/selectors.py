"""Reads of events: the list's counts."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from activities.offerings.selectors import ENROLLED, Status
from bookings.models import Booking

from .models import Event


def _count_per_offering(rows: QuerySet) -> Coalesce:
    """How many of `rows` belong to the outer event's offering, as a correlated subquery."""
    counted = (
        rows.filter(offering_id=OuterRef("offering_id"))
        .order_by()
        .values("offering_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def events_with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    """Events with `registered` and `waitlisted` annotated. Each count is a subquery, computed for
    the rows kept: joined to the sign-ups and grouped, the list counted the sign-ups of every
    coming event before keeping one page (100 ms at ten times the province)."""
    return qs.select_related("offering", "venue", "palace", "palace__region").annotate(
        registered=_count_per_offering(Booking.objects.filter(status__in=ENROLLED)),
        waitlisted=_count_per_offering(Booking.objects.filter(status=Status.WAITLISTED)),
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
