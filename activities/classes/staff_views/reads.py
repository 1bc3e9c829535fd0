"""Reads for the staff pages of the night school (selector-style: a fixed number of queries).

The shared reads (counts, demand, attendance) are `activities.classes.selectors` and
`activities.offerings.selectors`; these are the ones only the staff pages need: the terms of a
palace, the lotteries due, a course's sessions, queues and sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet

from activities.classes.models import Course, Term
from bookings.models import Booking, Occurrence, Offering
from venues.models import Palace

Status = Booking.Status


def terms_of_palace(palace: Palace) -> QuerySet[Term]:
    """The palace's terms, newest first, each with `course_count` (courses not cancelled)."""
    return (
        Term.objects.filter(palace=palace)
        .annotate(course_count=Count("courses", filter=~Q(courses__state=Course.State.CANCELLED)))
        .order_by("-starts_on", "pk")
    )


def lotteries_due_in(palace: Palace, *, now: datetime) -> QuerySet[Course]:
    """The palace's published lottery courses whose enrolment closed and that are not drawn."""
    return (
        Course.objects.filter(
            palace=palace,
            state=Course.State.PUBLISHED,
            offering__selection=Offering.Selection.LOTTERY,
            offering__drawn_at__isnull=True,
            offering__closes_at__lte=now,
        )
        .select_related("term")
        .order_by("offering__closes_at", "pk")
    )


def course_sessions(course: Course) -> list[Occurrence]:
    """The course's sessions in order, each with `present` (attendances recorded)."""
    return list(
        Occurrence.objects.filter(offering_id=course.offering_id)
        .select_related("venue")
        .annotate(present=Count("attendances"))
        .order_by("start")
    )


@dataclass(frozen=True)
class Queues:
    applicants: list[Booking]  # lottery applications, in order of applying
    offered: list[Booking]  # places offered, waiting for an answer
    waiting: list[Booking]  # the waitlist in its order (a draw's order first)


def course_queues(course: Course) -> Queues:
    """Everyone who asked for the course and holds no place yet, in their order (one query)."""
    rows = list(
        Booking.objects.filter(
            offering_id=course.offering_id, status__in=(Status.PENDING, Status.OFFERED, Status.WAITLISTED)
        )
        .select_related("user")
        .order_by(F("queue_rank").asc(nulls_last=True), "created_at", "pk")
    )
    applicants = sorted((b for b in rows if b.status == Status.PENDING), key=lambda b: (b.created_at, b.pk))
    return Queues(
        applicants=applicants,
        offered=[b for b in rows if b.status == Status.OFFERED],
        waiting=[b for b in rows if b.status == Status.WAITLISTED],
    )


def course_family(course: Course) -> list[Course]:
    """The course and its other sections (first section first)."""
    root_id = course.section_of_id or course.pk
    return list(
        Course.objects.filter(Q(pk=root_id) | Q(section_of_id=root_id))
        .select_related("venue")
        .order_by(F("section_of_id").asc(nulls_first=True), "pk")
    )
