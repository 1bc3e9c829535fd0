"""Reads of the night school: the catalogue's counts, a course's demand, attendance and completion."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from activities.offerings.pages import ACTIVE
from activities.offerings.selectors import ENROLLED, AttendanceRecord, Status, count_per_offering
from bookings.models import Booking, Occurrence, Offering

from .models import Course
from .services.sections import Demand


def courses_with_counts(qs: QuerySet[Course]) -> QuerySet[Course]:
    """Courses with `enrolled`, `applied`, `waitlisted`, `offered` and `session_count` annotated.

    Each count is its own subquery: joining bookings and sessions in one query multiplied them
    (a course with 40 sign-ups and 20 sessions made 800 rows to count distinct), which made the
    catalogue take seconds once a network had a few hundred courses.
    """
    return qs.select_related("offering", "term", "venue", "palace", "palace__region").annotate(
        enrolled=count_per_offering(Booking.objects.filter(status__in=ENROLLED)),
        applied=count_per_offering(Booking.objects.filter(status=Status.PENDING)),
        waitlisted=count_per_offering(Booking.objects.filter(status=Status.WAITLISTED)),
        offered=count_per_offering(Booking.objects.filter(status=Status.OFFERED)),
        session_count=count_per_offering(Occurrence.objects.filter(cancelled=False)),
    )


def catalogue_live(offering_ids: list[int], *, user) -> dict[int, Offering]:
    """The offerings of the catalogue's shown cards as they are now (one query, none for no
    card): their places and window with `applied` and `waitlisted` counted, and for a signed-in
    visitor `mine`, the status of their current sign-up (None without one). What the cached cards
    may not hold (`activities.classes.catalogue`)."""
    if not offering_ids:
        return {}
    rows = Offering.objects.filter(pk__in=offering_ids).annotate(
        applied=count_per_offering(Booking.objects.filter(status=Status.PENDING), outer="pk"),
        waitlisted=count_per_offering(Booking.objects.filter(status=Status.WAITLISTED), outer="pk"),
    )
    if user.is_authenticated:
        mine = Booking.objects.filter(user=user, offering_id=OuterRef("pk"), status__in=ACTIVE)
        rows = rows.annotate(mine=Subquery(mine.order_by("-pk").values("status")[:1]))
    return {row.pk: row for row in rows}


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
