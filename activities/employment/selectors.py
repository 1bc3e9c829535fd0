"""Reads of employment: open postings for workers, a palace's postings and applicants for staff,
a worker's own applications, a palace's residents. Query counts do not depend on the data."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from venues import access
from venues.models import Palace

from .models import (
    ApplicationStatus,
    JobApplication,
    JobPosting,
    ResidencyApplication,
    ResidencyStatus,
)


def postings_open(*, today: date) -> QuerySet[JobPosting]:
    """Published postings still valid today, of palaces shown to the public, newest first."""
    return (
        JobPosting.objects.open_on(today)
        .filter(palace__in=Palace.objects.listed())
        .select_related("employer", "palace", "palace__region")
        .order_by("-published_at", "-pk")
    )


def postings_with_counts(qs: QuerySet[JobPosting]) -> QuerySet[JobPosting]:
    """Staff's list: each posting with its applications and placements counted (one query)."""
    return qs.select_related("employer").annotate(
        applied=Count("applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN)),
        placed=Count("applications", filter=Q(applications__status=ApplicationStatus.PLACED)),
    )


def applications_of_user(user) -> QuerySet[JobApplication]:
    return (
        JobApplication.objects.filter(user=user)
        .select_related("posting", "posting__employer", "palace")
        .prefetch_related("interviews")
    )


def applicants_of(posting: JobPosting) -> list[JobApplication]:
    """Everyone who applied to `posting`, with their interviews (two queries)."""
    return list(
        JobApplication.objects.filter(posting=posting)
        .select_related("user")
        .prefetch_related("interviews")
        .order_by("created_at", "pk")
    )


def may_see_phones(user, palace: Palace) -> bool:
    """Applicants' phone numbers: only for staff who hold a post at the posting's palace (the
    people who will call them); officers reading the palace see them masked."""
    return access.is_staff_of(user, palace)


def residents_of(palace: Palace, *, today: date) -> QuerySet[ResidencyApplication]:
    """The palace's current residents (accepted, period not over), with their support summed."""
    return (
        ResidencyApplication.objects.filter(
            palace=palace, status=ResidencyStatus.ACCEPTED, ends_on__gte=today
        )
        .select_related("user")
        .annotate(support_total=Sum("support__amount"))
        .order_by("starts_on", "pk")
    )
