"""The workers' pages of the night school (职工夜校) and of events with sign-up.

- `/classes/`: the course catalogue with filters; `/classes/<id>/`: one course, its sessions, the
  visitor's own state and actions, the lottery's audit once drawn, the other sections.
- `/events/`, `/events/<id>/`: upcoming events, registering.
- `/classes/mine/`: the worker's timetable, enrolments with attendance and check-in codes,
  registered events, the past.
- A sign-up's withdrawal (with a confirmation page), accepting an offer, its QR code, its .ics
  file, and the printable certificate of a completed course.

Views parse with forms, call a selector or a service, and render. Every write is a POST with CSRF
through `activities.services` or `bookings.services.booking`; a refusal comes back as a
`palace_portal.errors` exception whose message the page shows, with nothing changed. A sign-up is
looked up through its owner: anyone else gets 404 (the certificate also opens to staff of the
palace).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import calendars
from activities.classes import selectors
from activities.classes.forms import CourseFilterForm, EventFilterForm
from activities.classes.models import Course, LotteryDraw, PriorityRound
from activities.classes.services.courses import enrolment_create, enrolment_withdraw
from activities.events.models import Event
from activities.events.services import event_register
from bookings import qr
from bookings.models import Attendance, Booking, Occurrence, Offering
from bookings.services import booking as booking_services
from bookings.services.offering import offering_is_open, offering_waitlist_position
from palace_portal.errors import PortalError
from venues import access
from venues.models import Palace

Status = Booking.Status
PAGE_SIZE = 20
PAST_PAGE_SIZE = 20
TIMETABLE_WEEKS = 4
# A draw's order is shown open up to this many applications, folded beyond.
DRAW_ROWS_OPEN = 30
KEY_PREFIX = 12

STATUS_BADGES = {
    Status.WAITLISTED: "badge-warn",
    Status.OFFERED: "badge-warn",
    Status.PENDING: "badge-warn",
    Status.CONFIRMED: "badge-ok",
    Status.CHECKED_IN: "badge-ok",
}
# What a sign-up's status means to its owner (bookings' labels speak of venue bookings).
COURSE_STATUS = {
    Status.PENDING: gettext_lazy("Applied (lottery)"),
    Status.WAITLISTED: gettext_lazy("On the waitlist"),
    Status.OFFERED: gettext_lazy("Place offered"),
    Status.CONFIRMED: gettext_lazy("Enrolled"),
    Status.CHECKED_IN: gettext_lazy("Enrolled"),
    Status.CANCELLED: gettext_lazy("Withdrawn"),
    Status.EXPIRED: gettext_lazy("Ended"),
    Status.DECLINED: gettext_lazy("Declined"),
    Status.NO_SHOW: gettext_lazy("No-show"),
}
EVENT_STATUS = {
    **COURSE_STATUS,
    Status.PENDING: gettext_lazy("Registered"),
    Status.CONFIRMED: gettext_lazy("Registered"),
    Status.CHECKED_IN: gettext_lazy("Checked in"),
}
WITHDRAW_LABELS = {
    Status.WAITLISTED: gettext_lazy("Leave the waitlist"),
    Status.OFFERED: gettext_lazy("Decline the offer"),
    Status.PENDING: gettext_lazy("Withdraw the application"),
    Status.CONFIRMED: gettext_lazy("Withdraw"),
}
ENROLLED = (Status.CONFIRMED, Status.CHECKED_IN)
ACTIVE = (*Booking.OPEN, Status.CHECKED_IN)


def _is_course(booking: Booking) -> bool:
    return booking.offering.kind == Offering.Kind.COURSE


def status_label(booking: Booking) -> str:
    labels = COURSE_STATUS if _is_course(booking) else EVENT_STATUS
    return str(labels.get(booking.status, booking.get_status_display()))


def _when(start: datetime) -> str:
    local = timezone.localtime(start)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


def _login_url(next_url: str) -> str:
    return reverse("users:login") + "?" + urlencode({"next": next_url})


def _listed_palaces():
    return Palace.objects.listed()


# --- Places: what a course's or event's card and page say about its places ------------------------


@dataclass(frozen=True)
class Places:
    """An offering's places and sign-up window as a visitor sees them (the services decide)."""

    offering: Offering
    left: int | None  # None: no limit
    lottery_pending: bool  # a lottery that takes applications and has not been drawn
    applicants: int
    waitlisted: int
    window: str  # not_open, open, closed

    @property
    def full(self) -> bool:
        return self.left is not None and (self.left <= 0 or self.waitlisted > 0)


def _places(offering: Offering, *, applicants: int, waitlisted: int, now: datetime) -> Places:
    if offering_is_open(offering, now=now):
        window = "open"
    elif offering.opens_at is not None and now < offering.opens_at and not offering.cancelled:
        window = "not_open"
    else:
        window = "closed"
    left = None if offering.capacity is None else max(offering.capacity - offering.taken, 0)
    return Places(
        offering=offering,
        left=left,
        lottery_pending=offering.is_lottery and offering.drawn_at is None,
        applicants=applicants,
        waitlisted=waitlisted,
        window=window,
    )


def _mine_by_offering(user, offering_ids) -> dict[int, Booking]:
    """The user's current sign-up of each offering (one query; anonymous: none)."""
    if not user.is_authenticated or not offering_ids:
        return {}
    rows = Booking.objects.filter(user=user, offering_id__in=offering_ids, status__in=ACTIVE)
    return {b.offering_id: b for b in rows}


# --- The catalogue ----------------------------------------------------------------------------------


def _catalogue_courses(now: datetime):
    """Published courses of listed palaces not yet over (current and coming terms)."""
    return Course.objects.filter(
        state=Course.State.PUBLISHED,
        offering__ends_at__gt=now,
        palace__in=_listed_palaces(),
    )


def _filter_context(request, form, fields) -> dict:
    return {
        "filter_form": form,
        "is_filtered": any(request.GET.get(name) for name in fields),
    }


@require_GET
def catalogue(request):
    now = timezone.now()
    courses = _catalogue_courses(now)
    palaces = _listed_palaces().filter(courses__in=courses).distinct()
    form = CourseFilterForm(request.GET or None, palaces=palaces)
    if request.GET:
        courses = form.apply(courses, now=now)
    courses = selectors.courses_with_counts(courses).order_by(
        "term__starts_on", "palace__region__code", "palace__name", "title", "section_label", "pk"
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    mine = _mine_by_offering(request.user, [c.offering_id for c in items])
    cards = [
        {
            "course": c,
            "places": _places(c.offering, applicants=c.applied, waitlisted=c.waitlisted, now=now),
            "mine": mine.get(c.offering_id),
        }
        for c in items
    ]
    return render(
        request,
        "activities/classes/catalogue.html",
        {
            **_filter_context(request, form, form.fields),
            "page_obj": page,
            "cards": cards,
        },
    )


# --- One course -------------------------------------------------------------------------------------


def _course_or_404(request, pk: int) -> Course:
    """A published (or cancelled) course of a listed palace; drafts only to staff of the palace."""
    course = get_object_or_404(
        selectors.courses_with_counts(Course.objects.filter(pk=pk)).select_related("section_of")
    )
    if course.state == Course.State.DRAFT and not access.may_manage_palace(request.user, course.palace):
        raise Http404
    if course.palace.status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        raise Http404
    return course


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


def _own_state(user, offering: Offering) -> Booking | None:
    """The user's latest sign-up of the offering, whatever its state."""
    if not user.is_authenticated:
        return None
    return Booking.objects.filter(user=user, offering=offering).order_by("-created_at", "-pk").first()


def _signup_context(request, offering: Offering, places: Places, *, published: bool, now: datetime) -> dict:
    """What the visitor may do, and why not: shared by the course and event pages."""
    user = request.user
    mine = _own_state(user, offering)
    active = mine is not None and mine.status in ACTIVE
    staff = user.is_authenticated and access.may_manage_palace(user, offering.palace)
    members_note = offering.members_only and user.is_authenticated and not user.is_member and not staff
    may_sign_up = (
        user.is_authenticated and published and places.window == "open" and not active and not members_note
    )
    if places.lottery_pending:
        action = "apply"
    elif places.full:
        action = "waitlist"
    else:
        action = "enrol"
    withdraw_note = ""
    may_withdraw = mine is not None and mine.status in Booking.OPEN
    if may_withdraw:
        last = offering.starts_at if offering.kind == Offering.Kind.EVENT else offering.ends_at
        if now >= last:
            may_withdraw, withdraw_note = False, _("It is too late to withdraw.")
    return {
        "mine": mine,
        "mine_active": active,
        "mine_label": status_label(mine) if mine else "",
        "mine_badge": STATUS_BADGES.get(mine.status, "badge-muted") if mine else "",
        "position": offering_waitlist_position(mine) if mine and mine.status == Status.WAITLISTED else None,
        "may_sign_up": may_sign_up,
        "action": action,
        "members_note": members_note,
        "may_withdraw": may_withdraw,
        "withdraw_label": WITHDRAW_LABELS.get(mine.status, "") if mine else "",
        "withdraw_note": withdraw_note,
        "login_url": _login_url(request.get_full_path()),
        "now": now,
    }


@require_GET
def course_detail(request, pk: int):
    now = timezone.now()
    course = _course_or_404(request, pk)
    offering = course.offering
    places = _places(offering, applicants=course.applied, waitlisted=course.waitlisted, now=now)
    context = _signup_context(
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
                    "places": _places(s.offering, applicants=s.applied, waitlisted=s.waitlisted, now=now),
                }
                for s in sections
            ],
        },
    )


def _refused(request, exc: PortalError) -> None:
    if exc.status == 404:
        raise Http404 from None
    messages.error(request, str(exc.message))


@require_POST
def course_enrol(request, pk: int):
    """Enrol, apply for the lottery or join the waitlist: the service decides which."""
    course_url = reverse("classes:course", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(course_url)
    course = _course_or_404(request, pk)
    try:
        booking = enrolment_create(user=request.user, course=course)
    except PortalError as exc:
        _refused(request, exc)
        return redirect(course_url)
    values = {"course": str(course)}
    if booking.status == Status.PENDING:
        values["closes"] = _when(course.offering.closes_at)
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
    messages.success(request, message % values)
    return redirect(course_url)


# --- Events -------------------------------------------------------------------------------------------


def _upcoming_events(now: datetime):
    return Event.objects.filter(state=Event.State.PUBLISHED, ends_at__gt=now, palace__in=_listed_palaces())


@require_GET
def event_list(request):
    now = timezone.now()
    events = _upcoming_events(now)
    palaces = _listed_palaces().filter(events__in=events).distinct()
    form = EventFilterForm(request.GET or None, palaces=palaces)
    if request.GET:
        events = form.apply(events)
    events = selectors.events_with_counts(events).order_by("starts_at", "pk")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    mine = _mine_by_offering(request.user, [e.offering_id for e in items if e.offering_id])
    cards = [
        {
            "event": e,
            "places": _places(e.offering, applicants=0, waitlisted=e.waitlisted, now=now)
            if e.offering
            else None,
            "mine": mine.get(e.offering_id),
        }
        for e in items
    ]
    return render(
        request,
        "activities/events/event_list.html",
        {**_filter_context(request, form, form.fields), "page_obj": page, "cards": cards},
    )


def _event_or_404(request, pk: int) -> Event:
    event = get_object_or_404(selectors.events_with_counts(Event.objects.filter(pk=pk)))
    if event.state == Event.State.DRAFT and not access.may_manage_palace(request.user, event.palace):
        raise Http404
    if event.palace.status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        raise Http404
    return event


@require_GET
def event_detail(request, pk: int):
    now = timezone.now()
    event = _event_or_404(request, pk)
    context = {"event": event, "now": now, "places": None, "mine": None}
    if event.offering_id:
        places = _places(event.offering, applicants=0, waitlisted=event.waitlisted, now=now)
        context.update(
            _signup_context(
                request, event.offering, places, published=event.state == Event.State.PUBLISHED, now=now
            )
        )
        context["places"] = places
    mine = context["mine"]
    # Without registration the link is for everyone; with it, for those who hold a place.
    context["show_link"] = bool(event.online_url) and (
        not event.offering_id or (mine is not None and mine.status in ENROLLED)
    )
    context["past"] = event.ends_at <= now
    return render(request, "activities/events/event_detail.html", context)


@require_POST
def event_signup(request, pk: int):
    event_url = reverse("classes:event", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(event_url)
    event = _event_or_404(request, pk)
    try:
        booking = event_register(user=request.user, event=event)
    except PortalError as exc:
        _refused(request, exc)
        return redirect(event_url)
    if booking.status == Status.WAITLISTED:
        message = _(
            "%(event)s is full: you are number %(position)d on the waitlist. If a place frees up, "
            "it is offered to you."
        ) % {"event": event.title, "position": offering_waitlist_position(booking) or 1}
    else:
        message = _("You are registered for %(event)s. Show your check-in code at the door.") % {
            "event": event.title
        }
    messages.success(request, message)
    return redirect(event_url)


# --- One sign-up: withdraw, accept an offer, QR code, .ics, certificate ------------------------------


def _own_signup(request, pk: int) -> Booking:
    """The requester's own sign-up of a course or an event; anyone else's answers 404."""
    return get_object_or_404(
        Booking.objects.filter(offering__isnull=False).select_related(
            "offering", "offering__course", "offering__course__term", "offering__event", "palace", "venue"
        ),
        pk=pk,
        user=request.user,
    )


def _page_of(booking: Booking) -> str:
    if _is_course(booking):
        return reverse("classes:course", args=[booking.offering.course.pk])
    return reverse("classes:event", args=[booking.offering.event.pk])


def _title_of(booking: Booking) -> str:
    return booking.offering.title


@login_required
@require_http_methods(["GET", "POST"])
def signup_withdraw(request, pk: int):
    """GET: the confirmation step; POST: withdraw (or leave the waitlist, or decline the offer)."""
    booking = _own_signup(request, pk)
    if request.method == "POST":
        try:
            enrolment_withdraw(actor=request.user, enrolment=booking)
        except PortalError as exc:
            _refused(request, exc)
            return redirect(_page_of(booking))
        messages.success(
            request,
            {
                Status.OFFERED: _("You declined the place in %(title)s; it passes to the next in line."),
                Status.WAITLISTED: _("You have left the waitlist of %(title)s."),
                Status.PENDING: _("You have withdrawn your application for %(title)s."),
            }.get(booking.status, _("You have withdrawn from %(title)s."))
            % {"title": _title_of(booking)},
        )
        return redirect("classes:mine")
    if booking.status not in Booking.OPEN:
        messages.error(request, _("This sign-up has already ended."))
        return redirect(_page_of(booking))
    return render(
        request,
        "activities/classes/withdraw.html",
        {
            "booking": booking,
            "is_course": _is_course(booking),
            "label": WITHDRAW_LABELS.get(booking.status, ""),
            "status": status_label(booking),
            "back_url": _page_of(booking),
        },
    )


@login_required
@require_POST
def signup_accept(request, pk: int):
    booking = _own_signup(request, pk)
    try:
        booking_services.offer_accept(user=request.user, booking=booking)
    except PortalError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            (
                _("You are enrolled in %(title)s. Your sessions are in My classes.")
                if _is_course(booking)
                else _("You are registered for %(title)s. Show your check-in code at the door.")
            )
            % {"title": _title_of(booking)},
        )
    return redirect(_page_of(booking))


@login_required
@require_GET
def signup_qr(request, pk: int):
    """The check-in code as an SVG QR code: the owner's enrolments and registrations only."""
    booking = _own_signup(request, pk)
    if booking.status not in ENROLLED:
        raise Http404
    response = HttpResponse(qr.qr_svg(booking.check_in_code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_GET
def signup_ics(request, pk: int):
    """Every session of the owner's course (or their event) as an .ics file, once they hold a place."""
    booking = _own_signup(request, pk)
    if booking.status not in ENROLLED:
        raise Http404
    response = HttpResponse(calendars.signup_ics(booking), content_type="text/calendar; charset=utf-8")
    name = "course" if _is_course(booking) else "event"
    response["Content-Disposition"] = f'attachment; filename="{name}-{booking.offering_id}.ics"'
    response["Cache-Control"] = "private, no-cache"
    return response


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
    if booking.user_id != request.user.pk and not access.may_manage_palace(request.user, booking.palace):
        raise Http404
    record = selectors.enrolment_record(booking)
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


# --- My classes -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupItem:
    booking: Booking
    label: str
    badge: str
    position: int | None
    record: selectors.AttendanceRecord | None
    may_withdraw: bool

    @property
    def is_course(self) -> bool:
        return _is_course(self.booking)

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
    signups = selectors.enrolments_of_user(user).select_related(
        "offering__course__term", "offering__course__venue", "offering__event__venue"
    )
    current = list(signups.filter(status__in=ACTIVE, offering__ends_at__gt=now).order_by("start", "pk"))
    past_page = Paginator(
        signups.exclude(status__in=ACTIVE, offering__ends_at__gt=now), PAST_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    past = list(past_page.object_list)
    courses = [b for b in (*current, *past) if _is_course(b) and b.status in ENROLLED]
    records = selectors.enrolment_records(courses, now=now)
    positions = selectors.waitlist_positions_of(current)
    weeks = _timetable(user, timezone.localdate(now))
    return render(
        request,
        "activities/classes/my_classes.html",
        {
            "courses": [_item(b, now, positions, records) for b in current if _is_course(b)],
            "events": [_item(b, now, positions, records) for b in current if not _is_course(b)],
            "past": [_item(b, now, positions, records) for b in past],
            "past_page": past_page,
            "weeks": weeks,
            "class_today": any(day["is_today"] for week in weeks for day in week["days"]),
            "timetable_weeks": TIMETABLE_WEEKS,
            "today": timezone.localdate(now),
        },
    )
