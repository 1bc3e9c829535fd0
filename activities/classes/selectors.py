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
    (`_catalogue_live_sql`) rather than an ORM query built anew: building it cost 2–3 ms of CPU,
    most of a warm request (tests/activities/test_catalogue_cache.py compares it with the ORM's).
    """
    if not offering_ids:
        return {}
    rows = Offering.objects.all()
    signed_in = user.is_authenticated
    params: list = [Status.PENDING, Status.WAITLISTED]
    if signed_in:
        params += [user.pk, *ACTIVE]
    sql = _catalogue_live_sql(rows.db, len(offering_ids), signed_in)
    return {row.pk: row for row in rows.raw(sql, [*params, *offering_ids])}


@functools.lru_cache(maxsize=64)
def _catalogue_live_sql(alias: str, cards: int, signed_in: bool) -> str:
    quote = connections[alias].ops.quote_name
    offering, booking = Offering._meta, Booking._meta
    columns = ", ".join(f"o.{quote(field.column)}" for field in offering.concrete_fields)
    pk, signups = quote(offering.pk.column), quote(booking.db_table)
    of, status = quote(booking.get_field("offering").column), quote(booking.get_field("status").column)
    # Quoted names of our own tables and placeholders only: no value is written into the SQL.
    count = f"(SELECT COUNT(*) FROM {signups} b WHERE b.{of} = o.{pk} AND b.{status} = %s)"  # noqa: S608
    mine = ""
    if signed_in:
        who, latest = quote(booking.get_field("user").column), quote(booking.pk.column)
        active = ", ".join(["%s"] * len(ACTIVE))
        mine = (
            f", (SELECT b.{status} FROM {signups} b WHERE b.{of} = o.{pk} AND b.{who} = %s"  # noqa: S608
            f" AND b.{status} IN ({active}) ORDER BY b.{latest} DESC LIMIT 1) AS mine"
        )
    ids = ", ".join(["%s"] * cards)
    return (
        f"SELECT {columns}, {count} AS applied, {count} AS waitlisted{mine}"  # noqa: S608 - names and placeholders only
        f" FROM {quote(offering.db_table)} o WHERE o.{pk} IN ({ids})"
    )


def courses_live(offering_ids: list[int]) -> dict[int, Offering]:
    """The offerings of a page of the courses' API as they are now (one query, none for no row):
    their places and window, with `enrolled`, `applied`, `waitlisted` and `sessions` counted as
    `courses_with_counts` counts them. What the kept list may not hold: sign-ups move `taken` by
    `update()` and add bookings that no signal announces, and closures cancel sessions
    (`activities.classes.api.views.CourseViewSet.list`). One statement written once per page size,
    as `catalogue_live` (tests/activities/test_api_courses_cache.py compares it with the ORM's)."""
    if not offering_ids:
        return {}
    rows = Offering.objects.all()
    sql = _courses_live_sql(rows.db, len(offering_ids))
    params = [*ENROLLED, Status.PENDING, Status.WAITLISTED, False, *offering_ids]
    return {row.pk: row for row in rows.raw(sql, params)}


@functools.lru_cache(maxsize=64)
def _courses_live_sql(alias: str, rows: int) -> str:
    quote = connections[alias].ops.quote_name
    offering, booking, session = Offering._meta, Booking._meta, Occurrence._meta
    columns = ", ".join(f"o.{quote(field.column)}" for field in offering.concrete_fields)
    pk, signups = quote(offering.pk.column), quote(booking.db_table)
    of, status = quote(booking.get_field("offering").column), quote(booking.get_field("status").column)
    enrolled = ", ".join(["%s"] * len(ENROLLED))
    # Quoted names of our own tables and placeholders only: no value is written into the SQL.
    count = f"(SELECT COUNT(*) FROM {signups} b WHERE b.{of} = o.{pk} AND b.{status} "  # noqa: S608
    held_by = quote(session.get_field("offering").column)
    cancelled = quote(session.get_field("cancelled").column)
    sessions = (
        f"(SELECT COUNT(*) FROM {quote(session.db_table)} s"  # noqa: S608
        f" WHERE s.{held_by} = o.{pk} AND s.{cancelled} = %s)"
    )
    ids = ", ".join(["%s"] * rows)
    return (
        f"SELECT {columns}, {count}IN ({enrolled})) AS enrolled, {count}= %s) AS applied, "  # noqa: S608
        f"{count}= %s) AS waitlisted, {sessions} AS sessions"
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
