"""The workers' pages of the night school (职工夜校).

- `/classes/`: the course catalogue with filters; `/classes/<id>/`: one course, its sessions, the
  visitor's own state and actions, the lottery's audit once drawn, the other sections.
- `/classes/mine/`: the worker's timetable, enrolments with attendance and check-in codes,
  registered events, the past.
- The printable certificate of a completed course.

A sign-up's own pages (withdraw, accept, QR code, .ics) are `activities.offerings.views`, shared
with events. Views parse with forms, call a selector or a service, and render; a refusal comes
back as a `palace_portal.errors` exception whose message the page shows, with nothing changed. The
certificate opens to its holder and to staff of the palace; anyone else gets 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from activities import access
from activities.offerings import selectors as signup_reads
from activities.offerings.pages import (
    ACTIVE,
    STATUS_BADGES,
    Status,
    is_course,
    listing_or_404,
    places_of,
    sign_up_page,
    signup_context,
    status_label,
    when,
)
from activities.offerings.selectors import ENROLLED
from bookings.models import Attendance, Booking, Occurrence, Offering
from bookings.services.offering import offering_waitlist_position

from . import selectors
from .catalogue import catalogue_page
from .models import Course, LotteryDraw, PriorityRound
from .services.enrolments import enrolment_create

PAST_PAGE_SIZE = 20


TIMETABLE_WEEKS = 4


# A draw's order is shown open up to this many applications, folded beyond.
DRAW_ROWS_OPEN = 30


KEY_PREFIX = 12


@require_GET
def catalogue(request):
    # The cards come from the shared cache, with places and the visitor's own state filled in
    # live (activities.classes.catalogue).
    return render(request, "activities/classes/catalogue.html", catalogue_page(request))


def _course_or_404(request, pk: int) -> Course:
    return listing_or_404(
        request, selectors.courses_with_counts(Course.objects.filter(pk=pk)).select_related("section_of")
    )


@dataclass(frozen=True)
class DrawRow:
    position: int
    application: int
    round: int
    round_label: str
    key_prefix: str
    won: bool
    mine: bool


def _draw_rounds(draw: LotteryDraw) -> list[str]:
    """The labels of the draw's rounds, in order; the last one takes everyone else."""
    labels = dict(PriorityRound.choices)
    if not draw.rounds:
        return [_("All applications")]
    return [*(str(labels.get(key, key)) for key in draw.rounds), _("Everyone else")]


def _draw_rows(draw: LotteryDraw, mine_pk: int | None) -> list[DrawRow]:
    round_labels = _draw_rounds(draw)
    return [
        DrawRow(
            position=position,
            application=row["booking"],
            round=row["round"] + 1,
            round_label=round_labels[min(row["round"], len(round_labels) - 1)],
            key_prefix=row["key"][:KEY_PREFIX],
            won=position <= draw.places,
            mine=row["booking"] == mine_pk,
        )
        for position, row in enumerate(draw.ordering, start=1)
    ]


@require_GET
def course_detail(request, pk: int):
    now = timezone.now()
    course = _course_or_404(request, pk)
    offering = course.offering
    places = places_of(offering, applicants=course.applied, waitlisted=course.waitlisted, now=now)
    context = signup_context(
        request, offering, places, published=course.state == Course.State.PUBLISHED, now=now
    )
    mine = context["mine"]
    sessions = list(Occurrence.objects.filter(offering=offering).order_by("start"))
    attended = set()
    if mine is not None and mine.status in ENROLLED:
        attended = set(Attendance.objects.filter(booking=mine).values_list("occurrence_id", flat=True))
    rows = [{"session": s, "past": s.end <= now, "attended": s.pk in attended} for s in sessions]
    draw = LotteryDraw.objects.filter(course=course).first()
    draw_rows = _draw_rows(draw, mine.pk if mine else None) if draw else []
    root = course.root
    sections = selectors.courses_with_counts(
        Course.objects.filter(Q(pk=root.pk) | Q(section_of_id=root.pk), state=Course.State.PUBLISHED).exclude(
            pk=course.pk
        )
    ).order_by("section_label", "pk")
    return render(
        request,
        "activities/classes/course_detail.html",
        {
            **context,
            "course": course,
            "offering": offering,
            "places": places,
            # Sessions over fold away above the coming ones (a term has a score of them).
            "past_sessions": [row for row in rows if row["past"]],
            "coming_sessions": [row for row in rows if not row["past"]],
            "attended_count": len(attended),
            "session_count": sum(1 for s in sessions if not s.cancelled),
            "draw": draw,
            "draw_rows": draw_rows,
            "draw_rounds": _draw_rounds(draw) if draw else [],
            "draw_mine": next((row for row in draw_rows if row.mine), None),
            "draw_open": len(draw_rows) <= DRAW_ROWS_OPEN,
            "draw_example": draw_rows[0] if draw_rows else None,
            "sections": [
                {
                    "course": s,
                    "places": places_of(s.offering, applicants=s.applied, waitlisted=s.waitlisted, now=now),
                }
                for s in sections
            ],
        },
    )


def _enrolled_message(course: Course, booking: Booking) -> str:
    values = {"course": str(course)}
    if booking.status == Status.PENDING:
        values["closes"] = when(course.offering.closes_at)
        message = _(
            "You have applied for %(course)s. Places are drawn by lot after enrolment closes "
            "(%(closes)s); we will tell you the result."
        )
    elif booking.status == Status.WAITLISTED:
        values["position"] = offering_waitlist_position(booking) or 1
        message = _(
            "%(course)s is full: you are number %(position)d on the waitlist. If a place frees up, "
            "it is offered to you."
        )
    else:
        message = _("You are enrolled in %(course)s. Your sessions are in My classes.")
    return message % values


@require_POST
def course_enrol(request, pk: int):
    """Enrol, apply for the lottery or join the waitlist: the service decides which."""

    def enrol():
        course = _course_or_404(request, pk)
        return enrolment_create(user=request.user, course=course), course

    return sign_up_page(
        request, back=reverse("classes:course", args=[pk]), sign_up=enrol, message=_enrolled_message
    )


def certificate_number(booking: Booking) -> str:
    """Derived from the ids, so staff can find the enrolment from the number alone."""
    course = booking.offering.course
    return f"{booking.palace_id:03d}-{course.term_id:03d}-{course.pk:04d}-{booking.pk:06d}"


@login_required
@require_GET
def certificate(request, pk: int):
    """The printable certificate of a completed course: to its owner and to staff of the palace."""
    booking = get_object_or_404(
        Booking.objects.filter(offering__kind=Offering.Kind.COURSE, status__in=ENROLLED).select_related(
            "offering", "offering__course", "offering__course__term", "palace", "user", "venue"
        ),
        pk=pk,
    )
    if not access.may_read_certificate(request.user, booking):
        raise Http404
    record = signup_reads.enrolment_record(booking)
    if not record.completed:
        raise Http404
    course = booking.offering.course
    today = timezone.localdate()
    return render(
        request,
        "activities/classes/certificate.html",
        {
            "booking": booking,
            "course": course,
            "record": record,
            "holder": booking.user.real_name,
            "number": certificate_number(booking),
            "issued_on": min(timezone.localtime(booking.offering.ends_at).date(), today),
        },
    )


@dataclass(frozen=True)
class SignupItem:
    booking: Booking
    label: str
    badge: str
    position: int | None
    record: signup_reads.AttendanceRecord | None
    may_withdraw: bool

    @property
    def is_course(self) -> bool:
        return is_course(self.booking)

    @property
    def show_qr(self) -> bool:
        return self.booking.status in ENROLLED and self.booking.offering.ends_at > timezone.now()

    @property
    def completed(self) -> bool:
        return self.record is not None and self.record.completed and self.booking.status in ENROLLED


def _item(booking: Booking, now: datetime, positions: dict, records: dict) -> SignupItem:
    offering = booking.offering
    last = offering.starts_at if offering.kind == Offering.Kind.EVENT else offering.ends_at
    return SignupItem(
        booking=booking,
        label=status_label(booking),
        badge=STATUS_BADGES.get(booking.status, "badge-muted"),
        position=positions.get(booking.pk),
        record=records.get(booking.pk),
        may_withdraw=booking.status in Booking.OPEN and now < last,
    )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _timetable(user, today: date) -> list[dict]:
    """The coming weeks' sessions of the user's courses, by week (Monday first), by day. One query."""
    monday = today - timedelta(days=today.weekday())
    end = monday + timedelta(weeks=TIMETABLE_WEEKS)
    sessions = (
        Occurrence.objects.filter(
            offering__kind=Offering.Kind.COURSE,
            offering__bookings__user=user,
            offering__bookings__status__in=ENROLLED,
            start__gte=_day_start(today),
            start__lt=_day_start(end),
        )
        .select_related("offering", "offering__course", "venue")
        .order_by("start", "pk")
        .distinct()
    )
    weeks: dict[date, dict[date, list]] = {}
    for session in sessions:
        day = session.local_date
        week = day - timedelta(days=day.weekday())
        weeks.setdefault(week, {}).setdefault(day, []).append(session)
    return [
        {
            "monday": week,
            "sunday": week + timedelta(days=6),
            "is_current": week == monday,
            "days": [{"day": d, "is_today": d == today, "sessions": s} for d, s in sorted(days.items())],
        }
        for week, days in sorted(weeks.items())
    ]


@login_required
@require_GET
def my_classes(request):
    now = timezone.now()
    user = request.user
    signups = signup_reads.enrolments_of_user(user).select_related(
        "offering__course__term", "offering__course__venue", "offering__event__venue"
    )
    current = list(signups.filter(status__in=ACTIVE, offering__ends_at__gt=now).order_by("start", "pk"))
    past_page = Paginator(
        signups.exclude(status__in=ACTIVE, offering__ends_at__gt=now), PAST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    past = list(past_page.object_list)
    courses = [b for b in (*current, *past) if is_course(b) and b.status in ENROLLED]
    records = signup_reads.enrolment_records(courses, now=now)
    positions = signup_reads.waitlist_positions_of(current)
    weeks = _timetable(user, timezone.localdate(now))
    return render(
        request,
        "activities/classes/my_classes.html",
        {
            "courses": [_item(b, now, positions, records) for b in current if is_course(b)],
            "events": [_item(b, now, positions, records) for b in current if not is_course(b)],
            "past": [_item(b, now, positions, records) for b in past],
            "past_page": past_page,
            "weeks": weeks,
            "class_today": any(day["is_today"] for week in weeks for day in week["days"]),
            "timetable_weeks": TIMETABLE_WEEKS,
            "today": timezone.localdate(now),
        },
    )
