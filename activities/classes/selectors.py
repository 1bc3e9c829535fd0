"""Reads of the night school: the catalogue's counts, a course's demand, attendance and completion."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from activities.offerings.selectors import ENROLLED, AttendanceRecord, Status
from bookings.models import Booking, Occurrence

from .models import Course
from .services.sections import Demand


def _count_per_offering(rows: QuerySet) -> Coalesce:
    """How many of `rows` belong to the outer course's offering, as a correlated subquery."""
    counted = (
        rows.filter(offering_id=OuterRef("offering_id"))
        .order_by()
        .values("offering_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def courses_with_counts(qs: QuerySet[Course]) -> QuerySet[Course]:
    """Courses with `enrolled`, `applied`, `waitlisted`, `offered` and `session_count` annotated.

    Each count is its own subquery: joining bookings and sessions in one query multiplied them
    (a course with 40 sign-ups and 20 sessions made 800 rows to count distinct), which made the
    catalogue take seconds once a network had a few hundred courses.
    """
    return qs.select_related("offering", "term", "venue", "palace", "palace__region").annotate(
        enrolled=_count_per_offering(Booking.objects.filter(status__in=ENROLLED)),
        applied=_count_per_offering(Booking.objects.filter(status=Status.PENDING)),
        waitlisted=_count_per_offering(Booking.objects.filter(status=Status.WAITLISTED)),
        offered=_count_per_offering(Booking.objects.filter(status=Status.OFFERED)),
        session_count=_count_per_offering(Occurrence.objects.filter(cancelled=False)),
    )


def course_demand(course: Course) -> Demand:
    """Holders, applicants and waiting people against the places (one query)."""
    counts = Booking.objects.filter(offering_id=course.offering_id).aggregate(
        enrolled=Count("pk", filter=Q(status__in=(*ENROLLED, Status.OFFERED))),
        applied=Count("pk", filter=Q(status=Status.PENDING)),
        waitlisted=Count("pk", filter=Q(status=Status.WAITLISTED)),
    )
    return Demand(capacity=course.offering.capacity or 0, factor=course.term.overflow_factor, **counts)


def demand_of(course: Course) -> Demand:
    """The same from a course annotated by `courses_with_counts` (no query)."""
    return Demand(
        capacity=course.offering.capacity or 0,
        enrolled=course.enrolled + course.offered,
        applied=course.applied,
        waitlisted=course.waitlisted,
        factor=course.term.overflow_factor,
    )


def course_attendance(course: Course, *, now: datetime | None = None) -> list[AttendanceRecord]:
    """Every enrolled person's attendance and completion (three queries whatever the size)."""
    now = now or timezone.now()
    sessions = Occurrence.objects.filter(offering_id=course.offering_id, cancelled=False)
    total = sessions.count()
    held = sessions.filter(start__lte=now).count()
    enrolments = list(
        Booking.objects.filter(offering_id=course.offering_id, status__in=ENROLLED)
        .select_related("user")
        .annotate(attended=Count("attendances", filter=Q(attendances__occurrence__cancelled=False)))
        .order_by("created_at", "pk")
    )
    return [AttendanceRecord(b, b.attended, total, held, course.completion_percent) for b in enrolments]
