"""Reads for classes and events: catalogue, rosters, attendance and completion, demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from activities.classes.models import Course
from activities.classes.services.courses import Demand
from activities.events.models import Event
from bookings.models import Attendance, Booking, Occurrence, Offering

Status = Booking.Status
ENROLLED = (Status.CONFIRMED, Status.CHECKED_IN)


def courses_with_counts(qs: QuerySet[Course]) -> QuerySet[Course]:
    """Courses with `enrolled`, `applied`, `waitlisted`, `offered` and `session_count` annotated."""
    return qs.select_related("offering", "term", "venue", "palace", "palace__region").annotate(
        enrolled=Count(
            "offering__bookings", filter=Q(offering__bookings__status__in=ENROLLED), distinct=True
        ),
        applied=Count(
            "offering__bookings", filter=Q(offering__bookings__status=Status.PENDING), distinct=True
        ),
        waitlisted=Count(
            "offering__bookings", filter=Q(offering__bookings__status=Status.WAITLISTED), distinct=True
        ),
        offered=Count(
            "offering__bookings", filter=Q(offering__bookings__status=Status.OFFERED), distinct=True
        ),
        session_count=Count(
            "offering__occurrences", filter=Q(offering__occurrences__cancelled=False), distinct=True
        ),
    )


def events_with_counts(qs: QuerySet[Event]) -> QuerySet[Event]:
    return qs.select_related("offering", "venue", "palace", "palace__region").annotate(
        registered=Count(
            "offering__bookings", filter=Q(offering__bookings__status__in=ENROLLED), distinct=True
        ),
        waitlisted=Count(
            "offering__bookings", filter=Q(offering__bookings__status=Status.WAITLISTED), distinct=True
        ),
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


@dataclass(frozen=True)
class AttendanceRecord:
    enrolment: Booking
    attended: int
    sessions: int  # sessions of the course, not cancelled
    held: int  # of which already begun
    percent_needed: int

    @property
    def completed(self) -> bool:
        return self.sessions > 0 and self.attended * 100 >= self.percent_needed * self.sessions

    @property
    def rate(self) -> int:
        """Attendance so far, in percent of the sessions held."""
        return round(self.attended * 100 / self.held) if self.held else 0


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


def enrolment_record(enrolment: Booking, *, now: datetime | None = None) -> AttendanceRecord:
    return enrolment_records([enrolment], now=now)[enrolment.pk]


def enrolments_of_user(user) -> QuerySet[Booking]:
    """The user's sign-ups of courses and events, newest first, with what they belong to."""
    return (
        Booking.objects.filter(user=user, offering__isnull=False)
        .select_related("offering", "offering__course", "offering__event", "palace", "venue")
        .order_by("-start", "-pk")
    )


def counted_from_offerings(palace, *, first, last, limit: int | None = None) -> list[dict]:
    """Sessions of courses and events with check-ins, as ledger rows: they count themselves.

    One row per session that someone attended (title, date, person-times), the latest first, at
    most `limit`. One query.
    """
    rows = (
        Attendance.objects.filter(palace=palace, local_date__gte=first, local_date__lte=last)
        .values("occurrence_id", "occurrence__offering__title", "occurrence__offering__kind", "local_date")
        .annotate(participants=Count("pk"))
        .order_by("-local_date", "occurrence_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {
            "occurrence": row["occurrence_id"],
            "title": row["occurrence__offering__title"],
            "kind": row["occurrence__offering__kind"],
            "date": row["local_date"],
            "participants": row["participants"],
        }
        for row in rows
    ]


def counted_totals(palace, *, first, last) -> dict[str, int]:
    """How many sessions those are and their person-times, counted by the database. One query."""
    return Attendance.objects.filter(palace=palace, local_date__gte=first, local_date__lte=last).aggregate(
        sessions=Count("occurrence", distinct=True), participants=Count("pk")
    )


def enrolment_records(enrolments, *, now: datetime | None = None) -> dict[int, AttendanceRecord]:
    """`enrolment_record` of many course sign-ups at once ({booking pk: record}): two queries.

    The sign-ups need `offering__course` loaded (as `enrolments_of_user` does).
    """
    now = now or timezone.now()
    enrolments = [b for b in enrolments if b.offering_id is not None]
    if not enrolments:
        return {}
    sessions = {
        row["offering_id"]: row
        for row in Occurrence.objects.filter(
            offering_id__in={b.offering_id for b in enrolments}, cancelled=False
        )
        .values("offering_id")
        .annotate(total=Count("pk"), held=Count("pk", filter=Q(start__lte=now)))
    }
    attended = dict(
        Attendance.objects.filter(booking__in=[b.pk for b in enrolments], occurrence__cancelled=False)
        .values("booking_id")
        .annotate(n=Count("pk"))
        .values_list("booking_id", "n")
    )
    records = {}
    for booking in enrolments:
        counts = sessions.get(booking.offering_id, {"total": 0, "held": 0})
        percent = booking.offering.course.completion_percent if booking.offering.kind == "course" else 100
        records[booking.pk] = AttendanceRecord(
            booking, attended.get(booking.pk, 0), counts["total"], counts["held"], percent
        )
    return records


def waitlist_positions_of(signups) -> dict[int, int]:
    """{sign-up pk: place in its offering's queue} for the waitlisted ones among `signups`, in one
    query; the queue's order is `bookings.services.offering`'s (draw order first, then joining)."""
    waiting = [b for b in signups if b.status == Status.WAITLISTED and b.offering_id is not None]
    if not waiting:
        return {}
    queue = Booking.objects.filter(
        offering_id__in={b.offering_id for b in waiting}, status=Status.WAITLISTED
    ).order_by("offering_id", F("queue_rank").asc(nulls_last=True), "created_at", "pk")
    positions, counters = {}, {}
    for pk, offering_id in queue.values_list("pk", "offering_id"):
        counters[offering_id] = counters.get(offering_id, 0) + 1
        positions[pk] = counters[offering_id]
    return {b.pk: positions[b.pk] for b in waiting if b.pk in positions}


__all__ = [
    "Offering",
    "counted_from_offerings",
    "course_attendance",
    "course_demand",
    "courses_with_counts",
    "demand_of",
    "enrolment_record",
    "enrolment_records",
    "enrolments_of_user",
    "events_with_counts",
    "waitlist_positions_of",
]
