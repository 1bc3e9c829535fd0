"""Reads of sign-ups that courses and events share: a user's sign-ups, waitlist positions,
attendance and completion. The query count never depends on how many there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Attendance, Booking, Occurrence, Offering

Status = Booking.Status
ENROLLED = (Status.CONFIRMED, Status.CHECKED_IN)


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


def enrolment_record(enrolment: Booking, *, now: datetime | None = None) -> AttendanceRecord:
    return enrolment_records([enrolment], now=now)[enrolment.pk]


def enrolments_of_user(user) -> QuerySet[Booking]:
    """The user's sign-ups of courses and events, newest first, with what they belong to."""
    return (
        Booking.objects.filter(user=user, offering__isnull=False)
        .select_related("offering", "offering__course", "offering__event", "palace", "venue")
        .order_by("-start", "-pk")
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


def waiting_count(offering: Offering) -> int:
    return Booking.objects.filter(offering=offering, status=Status.WAITLISTED).count()


def open_count(offering_id: int | None) -> int:
    """Sign-ups still open (applied, waiting, offered, enrolled): who a cancellation tells."""
    if offering_id is None:
        return 0
    return Booking.objects.filter(offering_id=offering_id, status__in=Booking.OPEN).count()


def roll_of(occurrence: Occurrence) -> tuple[list[Booking], set[int]]:
    """The people enrolled in the session's offering and the ids of those recorded present."""
    enrolments = list(
        Booking.objects.filter(offering_id=occurrence.offering_id, status__in=ENROLLED)
        .select_related("user")
        .order_by("user__real_name", "pk")
    )
    present = set(Attendance.objects.filter(occurrence=occurrence).values_list("booking_id", flat=True))
    return enrolments, present


def signups_by_id(offering_id: int) -> dict[int, Booking]:
    """The offering's sign-ups by id, with their holders (a draw's audit beside names)."""
    return {b.pk: b for b in Booking.objects.filter(offering_id=offering_id).select_related("user")}


def signup_refusal(user, offering: Offering, *, now: datetime) -> str:
    """Why the sign-up service would refuse `user` for `offering` now, known before the tap:
    suspended, or already holding another section of the course or the term's course limit. ""
    when it would not refuse (or for anonymous visitors and the palace's staff, whom it does not
    limit). At most two queries. The booking service decides again when the button is pressed."""
    # The service's own rules (bookings.services.offering), read ahead so the page never offers a
    # button that only leads to a refusal.
    from bookings.access import is_staff_of
    from bookings.services import suspension_in_force
    from bookings.services.offering import signup_limit_refusal

    if not user.is_authenticated or is_staff_of(user, offering.palace):
        return ""
    suspension = suspension_in_force(user, now=now)
    if suspension is not None:
        return _("Your sign-ups are suspended until %(date)s: %(reason)s") % {
            "date": timezone.localtime(suspension.ends_at).strftime("%Y-%m-%d"),
            "reason": suspension.reason,
        }
    refusal = signup_limit_refusal(user, offering)
    return str(refusal.message) if refusal is not None else ""


def count_per_offering(rows: QuerySet, *, outer: str = "offering_id") -> Coalesce:
    """How many of `rows` (sign-ups) belong to the outer course's or event's offering (`outer`
    names the offering's id in the outer query), as a correlated subquery: counted for the rows a
    list keeps, not for every offering."""
    counted = (
        rows.filter(offering_id=OuterRef(outer))
        .order_by()
        .values("offering_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
