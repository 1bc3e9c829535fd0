"""Reads of the night school: the catalogue's counts, a course's demand, attendance and completion."""

from __future__ import annotations

import functools
from datetime import datetime

from django.db import connections
from django.db.models import Count, Q, QuerySet
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
    may not hold (`activities.classes.catalogue`).

    Asked on every request of the catalogue, so it is one statement written once per shape
    (`_live_sql`) rather than an ORM query built anew: building it cost 2–3 ms of CPU, most of a
    warm request (tests/activities/test_catalogue_cache.py compares it with the ORM's).
    """
    return _live(offering_ids, mine_of=user if user.is_authenticated else None)


def courses_live(offering_ids: list[int]) -> dict[int, Offering]:
    """The offerings of a page of the courses' API as they are now (one query, none for no row):
    `catalogue_live`'s, with `enrolled` and `sessions` counted too, as `courses_with_counts`
    counts them. What the kept list may not hold: sign-ups move `taken` by `update()` and add
    bookings that no signal announces, and closures cancel sessions
    (`activities.classes.api.views.CourseViewSet.list`; tests/activities/test_api_courses_cache.py
    compares it with the ORM's)."""
    return _live(offering_ids, totals=True)


def _live(offering_ids: list[int], *, mine_of=None, totals: bool = False) -> dict[int, Offering]:
    if not offering_ids:
        return {}
    rows = Offering.objects.all()
    params: list = [*ENROLLED] if totals else []
    params += [Status.PENDING, Status.WAITLISTED]
    if totals:
        params.append(False)  # sessions not cancelled
    if mine_of is not None:
        params += [mine_of.pk, *ACTIVE]
    sql = _live_sql(rows.db, len(offering_ids), mine=mine_of is not None, totals=totals)
    return {row.pk: row for row in rows.raw(sql, [*params, *offering_ids])}


@functools.lru_cache(maxsize=64)
def _live_sql(alias: str, rows: int, *, mine: bool, totals: bool) -> str:
    """The live read of `rows` offerings: their columns, `applied` and `waitlisted`; with `totals`
    `enrolled` and `sessions` too; with `mine` the visitor's current sign-up's status."""
    quote = connections[alias].ops.quote_name
    offering, booking, session = Offering._meta, Booking._meta, Occurrence._meta
    columns = ", ".join(f"o.{quote(field.column)}" for field in offering.concrete_fields)
    pk, signups = quote(offering.pk.column), quote(booking.db_table)
    of, status = quote(booking.get_field("offering").column), quote(booking.get_field("status").column)
    # Quoted names of our own tables and placeholders only: no value is written into the SQL.
    count = f"(SELECT COUNT(*) FROM {signups} b WHERE b.{of} = o.{pk} AND b.{status} "  # noqa: S608
    counted = [f"{count}= %s) AS applied", f"{count}= %s) AS waitlisted"]
    if totals:
        enrolled = ", ".join(["%s"] * len(ENROLLED))
        held_by = quote(session.get_field("offering").column)
        cancelled = quote(session.get_field("cancelled").column)
        counted = [
            f"{count}IN ({enrolled})) AS enrolled",
            *counted,
            f"(SELECT COUNT(*) FROM {quote(session.db_table)} s"  # noqa: S608
            f" WHERE s.{held_by} = o.{pk} AND s.{cancelled} = %s) AS sessions",
        ]
    if mine:
        who, latest = quote(booking.get_field("user").column), quote(booking.pk.column)
        active = ", ".join(["%s"] * len(ACTIVE))
        counted.append(
            f"(SELECT b.{status} FROM {signups} b WHERE b.{of} = o.{pk} AND b.{who} = %s"  # noqa: S608
            f" AND b.{status} IN ({active}) ORDER BY b.{latest} DESC LIMIT 1) AS mine"
        )
    ids = ", ".join(["%s"] * rows)
    return (
        f"SELECT {columns}, {', '.join(counted)}"  # noqa: S608 - names and placeholders only
        f" FROM {quote(offering.db_table)} o WHERE o.{pk} IN ({ids})"
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
