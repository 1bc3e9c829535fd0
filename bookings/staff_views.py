"""The palace desk: the pages palace staff work from.

Every page needs a signed-in user and a palace the user manages (`access.palaces_managed_by`);
anything outside that scope answers 404. Views parse with the forms of `staff_forms`, call one
service or read, and render; refusals show the service's message. Each page issues a fixed number
of queries whatever the number of bookings (tests/bookings/test_staff_views.py).

Appointment matters are confidential: no list shows them; the booking's page shows the text only
in the answer to a "read" POST, which `matter_read` records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from palace_portal.errors import PortalError
from venues import access
from venues.kinds import KINDS_BY_CODE, BookingMode
from venues.models import OpeningHours, Palace, Venue

from .models import Appeal, AppointmentMatter, Booking, BookingRule, DutyShift, MatterRead, Suspension
from .rules import checkin_window, rule_defaults, rule_for
from .services import booking as booking_services
from .services import staff as staff_services
from .staff_forms import (
    AppealDecideForm,
    CheckInForm,
    DayForm,
    DecideForm,
    DutyShiftForm,
    NewDutyShiftForm,
    ReasonForm,
    RuleForm,
    add_service_errors,
)

Status = Booking.Status
PAGE_SIZE = 30
# A user managing more palaces than this (provincial staff) picks one from the desk's home page.
SWITCHER_LIMIT = 30
# Statuses the day list shows one by one; the others are only counted.
DAY_LISTED = (Status.OFFERED, Status.PENDING, Status.CONFIRMED, Status.CHECKED_IN, Status.NO_SHOW)
STATUS_BADGES = {
    Status.CONFIRMED: "badge",
    Status.CHECKED_IN: "badge-ok",
    Status.NO_SHOW: "badge-red",
    Status.PENDING: "badge-warn",
    Status.OFFERED: "badge-warn",
    Status.WAITLISTED: "badge-muted",
    Status.CANCELLED: "badge-muted",
    Status.DECLINED: "badge-muted",
    Status.EXPIRED: "badge-muted",
}
# Pages the palace switcher may go to (URL names taking the palace id).
SWITCH_TARGETS = ("today", "check_in", "requests", "appointments", "roster", "venues")


# --- Access ---------------------------------------------------------------------------------------


def staff_page(view):
    """Sign-in first; the view itself scopes every object to the palaces the user manages."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _managed(request):
    return access.palaces_managed_by(request.user)


def _palace(request, palace_id: int) -> Palace:
    return get_object_or_404(_managed(request), pk=palace_id)


def _booking(palace: Palace, booking_id: int) -> Booking:
    return get_object_or_404(
        Booking.objects.for_palace(palace).select_related("venue", "user", "palace"), pk=booking_id
    )


def _frame(request, palace: Palace, tab: str) -> dict:
    """What every palace page's header needs: tabs, pending count, the palace switcher."""
    others = list(_managed(request).order_by("name").values_list("pk", "name")[: SWITCHER_LIMIT + 1])
    return {
        "palace": palace,
        "tab": tab,
        "pending_count": Booking.objects.for_palace(palace).filter(status=Status.PENDING).count(),
        "switch_palaces": others if 1 < len(others) <= SWITCHER_LIMIT else [],
        "many_palaces": len(others) > SWITCHER_LIMIT,
        "is_manager": access.may_assign_staff(request.user, palace),
    }


def _rule_of(venue: Venue) -> BookingRule:
    """The venue's rule from `select_related("booking_rule")`, or its defaults (unsaved, no query)."""
    try:
        return venue.booking_rule
    except ObjectDoesNotExist:
        return BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))


def _day_param(day: date) -> str:
    return urlencode({"date": day.isoformat()})


# --- Home and switcher ----------------------------------------------------------------------------


@staff_page
def home(request):
    """The palaces the user manages with today's figures; a search when there are many."""
    palaces = _managed(request).select_related("region").order_by("region__code", "name")
    if not palaces.exists():
        raise Http404
    q = request.GET.get("q", "").strip()[:50]
    if q:
        palaces = palaces.filter(name__icontains=q)
    page = Paginator(palaces, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    now = timezone.now()
    today = timezone.localdate()
    figures = {
        row["palace_id"]: row
        for row in Booking.objects.filter(palace__in=[p.pk for p in items])
        .values("palace_id")
        .annotate(
            today=Count("pk", filter=Q(local_date=today, status__in=DAY_LISTED)),
            checked_in=Count("pk", filter=Q(local_date=today, status=Status.CHECKED_IN)),
            pending=Count("pk", filter=Q(status=Status.PENDING)),
            waiting=Count("pk", filter=Q(status=Status.WAITLISTED, start__gt=now)),
        )
        .order_by()
    }
    empty = {"today": 0, "checked_in": 0, "pending": 0, "waiting": 0}
    return render(
        request,
        "bookings/staff/home.html",
        {
            "page_obj": page,
            "items": [{"palace": p, "figures": figures.get(p.pk, empty)} for p in items],
            "q": q,
            "show_search": page.paginator.count > PAGE_SIZE or bool(q),
            "today": today,
        },
    )


@staff_page
def switch(request):
    """The palace switcher's target: the same page, for the chosen palace."""
    try:
        palace_id = int(request.GET.get("palace", ""))
    except ValueError:
        raise Http404 from None
    target = request.GET.get("to", "today")
    if target not in SWITCH_TARGETS:
        target = "today"
    palace = _palace(request, palace_id)
    return redirect(f"bookings_staff:{target}", palace_id=palace.pk)


# --- Today ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    booking: Booking
    badge: str
    opens: datetime
    closes: datetime
    can_check_in: bool
    overdue: bool


@staff_page
def today(request, palace_id: int):
    palace = _palace(request, palace_id)
    form = DayForm(request.GET)
    now = timezone.now()
    day = timezone.localdate()
    status = 200
    if form.is_valid():
        day = form.cleaned_data["date"] or day
    else:
        status = 400
    venues = list(Venue.objects.for_palace(palace).select_related("booking_rule").order_by("centre", "name"))
    bookings = list(
        Booking.objects.for_palace(palace)
        .filter(local_date=day, status__in=DAY_LISTED)
        .select_related("user")
        .order_by("start", "pk")
    )
    counted = {
        (row["venue_id"], row["status"]): row["n"]
        for row in Booking.objects.for_palace(palace)
        .filter(local_date=day, status__in=(Status.WAITLISTED, Status.CANCELLED))
        .values("venue_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    by_venue: dict[int, list[DayRow]] = {v.pk: [] for v in venues}
    rules = {v.pk: _rule_of(v) for v in venues}
    for b in bookings:
        opens, closes = checkin_window(rules[b.venue_id], b.start)
        confirmed = b.status == Status.CONFIRMED
        by_venue[b.venue_id].append(
            DayRow(
                booking=b,
                badge=STATUS_BADGES[b.status],
                opens=opens,
                closes=closes,
                can_check_in=confirmed and opens <= now <= closes,
                overdue=confirmed and now > closes,
            )
        )
    groups, idle = [], []
    for v in venues:
        waiting = counted.get((v.pk, Status.WAITLISTED), 0)
        cancelled = counted.get((v.pk, Status.CANCELLED), 0)
        if by_venue[v.pk] or waiting or cancelled:
            groups.append({"venue": v, "rows": by_venue[v.pk], "waiting": waiting, "cancelled": cancelled})
        elif v.is_active:
            idle.append(v)
    rows = [row for group in by_venue.values() for row in group]
    totals = {
        "bookings": len(rows),
        "checked_in": sum(1 for r in rows if r.booking.status == Status.CHECKED_IN),
        # Confirmed and still able to check in; those past their window will be no-shows.
        "expected": sum(1 for r in rows if r.booking.status == Status.CONFIRMED and not r.overdue),
        "no_shows": sum(1 for r in rows if r.booking.status == Status.NO_SHOW or r.overdue),
    }
    context = _frame(request, palace, "today") | {
        "form": form,
        "day": day,
        "is_today": day == timezone.localdate(),
        "previous_day": _day_param(day - timedelta(days=1)),
        "next_day": _day_param(day + timedelta(days=1)),
        "groups": groups,
        "idle": idle,
        "totals": totals,
    }
    return render(request, "bookings/staff/today.html", context, status=status)


# --- Check-in -------------------------------------------------------------------------------------


@staff_page
@require_http_methods(["GET", "POST"])
def check_in(request, palace_id: int):
    """Type or scan a code. Works without JavaScript; static/js/checkin.js adds the camera."""
    palace = _palace(request, palace_id)
    result = None
    status = 200
    form = CheckInForm()
    if request.method == "POST":
        posted = CheckInForm(request.POST)
        if not posted.is_valid():
            form, status = posted, 400
        else:
            result, status = _check_in(request, palace, posted.cleaned_data["code"])
            if posted.cleaned_data["back"] == "today":
                level = messages.SUCCESS if result["ok"] else messages.ERROR
                messages.add_message(request, level, result["message"])
                day = posted.cleaned_data["date"] or timezone.localdate()
                return redirect(reverse("bookings_staff:today", args=[palace.pk]) + "?" + _day_param(day))
    context = _frame(request, palace, "check_in") | {"form": form, "result": result}
    return render(request, "bookings/staff/check_in.html", context, status=status)


def _check_in(request, palace: Palace, code: str) -> tuple[dict, int]:
    # Only this palace's bookings: someone running two palaces checks in at the one they are at.
    booking = (
        Booking.objects.for_palace(palace).select_related("venue", "user").filter(check_in_code=code).first()
    )
    if booking is None:
        message = _("No booking of this palace has the code %(code)s.") % {"code": code}
        return {"ok": False, "code": "unknown_code", "message": message, "typed": code}, 404
    try:
        booking = booking_services.booking_check_in(actor=request.user, code=code)
    except PortalError as exc:
        return {
            "ok": False,
            "code": exc.code,
            "message": str(exc.message),
            "booking": booking,
            "typed": code,
        }, exc.status
    message = _("Checked in: %(venue)s, %(time)s, %(name)s.") % {
        "venue": booking.venue.name,
        "time": timezone.localtime(booking.start).strftime("%H:%M"),
        "name": booking.user.masked_name,
    }
    return {"ok": True, "code": "checked_in", "message": message, "booking": booking, "typed": code}, 200


# --- Group requests -------------------------------------------------------------------------------


def _requests_context(request, palace: Palace, *, errors: dict | None = None, reason: str = "") -> dict:
    pending = (
        Booking.objects.for_palace(palace)
        .filter(status=Status.PENDING)
        .select_related("venue", "user")
        .order_by("start", "pk")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    overlapping = []
    if items:
        # One query for every booking that could clash with a request on this page.
        overlapping = list(
            Booking.objects.filter(
                venue_id__in={b.venue_id for b in items},
                exclusive=True,
                status__in=(*Booking.HOLDING, Status.PENDING),
                start__lt=max(b.end for b in items),
                end__gt=min(b.start for b in items),
            )
            .select_related("user")
            .order_by("start")
        )
    now = timezone.now()
    rows = []
    for b in items:
        clashes = [
            o
            for o in overlapping
            if o.pk != b.pk and o.venue_id == b.venue_id and o.start < b.end and b.start < o.end
        ]
        rows.append(
            {
                "booking": b,
                "blocking": [o for o in clashes if o.status != Status.PENDING],
                "competing": [o for o in clashes if o.status == Status.PENDING],
                "is_past": b.start <= now,
                "error": (errors or {}).get(b.pk),
                "reason": reason if (errors or {}).get(b.pk) else "",
            }
        )
    return _frame(request, palace, "requests") | {"page_obj": page, "rows": rows}


@staff_page
def requests_list(request, palace_id: int):
    palace = _palace(request, palace_id)
    return render(request, "bookings/staff/requests.html", _requests_context(request, palace))


@staff_page
@require_POST
def request_decide(request, palace_id: int, booking_id: int):
    palace = _palace(request, palace_id)
    booking = _booking(palace, booking_id)
    form = DecideForm(request.POST)
    status = 400
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            booking_services.request_decide(
                actor=request.user, booking=booking, approve=approve, reason=form.cleaned_data["reason"]
            )
        except PortalError as exc:
            error, status = str(exc.message), exc.status
        else:
            if approve:
                messages.success(request, _("Request approved: the applicant is told."))
            else:
                messages.success(request, _("Request declined: the applicant is told, with your reason."))
            return redirect("bookings_staff:requests", palace_id=palace.pk)
    else:
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    context = _requests_context(
        request, palace, errors={booking.pk: error}, reason=request.POST.get("reason", "")[:300]
    )
    return render(request, "bookings/staff/requests.html", context, status=status)


# --- Duty roster ----------------------------------------------------------------------------------


def _roster_context(request, palace: Palace, *, form=None) -> dict:
    today = timezone.localdate()
    windows = list(
        Venue.objects.for_palace(palace).filter(booking_mode=BookingMode.APPOINTMENT).order_by("name")
    )
    shifts = (
        DutyShift.objects.filter(palace=palace)
        .filter(Q(date__isnull=True) | Q(date__gte=today))
        .order_by("weekday", "date", "starts", "person")
    )
    by_venue: dict[int, list[DutyShift]] = {v.pk: [] for v in windows}
    for shift in shifts:
        by_venue.setdefault(shift.venue_id, []).append(shift)
    weekdays = dict(OpeningHours.Weekday.choices)
    groups = [
        {
            "venue": v,
            "weekly": [(weekdays[s.weekday], s) for s in by_venue[v.pk] if s.date is None],
            "dated": [s for s in by_venue[v.pk] if s.date is not None],
        }
        for v in windows
    ]
    active_windows = [v for v in windows if v.is_active]
    return _frame(request, palace, "roster") | {
        "groups": groups,
        "form": form if form is not None else NewDutyShiftForm(venues=active_windows),
        "has_windows": bool(active_windows),
    }


@staff_page
@require_http_methods(["GET", "POST"])
def roster(request, palace_id: int):
    palace = _palace(request, palace_id)
    if request.method == "GET":
        return render(request, "bookings/staff/roster.html", _roster_context(request, palace))
    windows = list(
        Venue.objects.for_palace(palace).filter(booking_mode=BookingMode.APPOINTMENT, is_active=True)
    )
    form = NewDutyShiftForm(request.POST, venues=windows)
    status = 400
    if form.is_valid():
        data = dict(form.cleaned_data)
        venue = next(v for v in windows if v.pk == data.pop("venue"))
        try:
            staff_services.duty_shift_create(actor=request.user, venue=venue, **data)
        except PortalError as exc:
            add_service_errors(form, exc)
            status = exc.status
        else:
            messages.success(request, _("Shift added to the roster."))
            return redirect("bookings_staff:roster", palace_id=palace.pk)
    return render(
        request, "bookings/staff/roster.html", _roster_context(request, palace, form=form), status=status
    )


def _shift(palace: Palace, shift_id: int) -> DutyShift:
    return get_object_or_404(
        DutyShift.objects.filter(palace=palace).select_related("venue", "venue__palace"), pk=shift_id
    )


@staff_page
@require_http_methods(["GET", "POST"])
def shift_edit(request, palace_id: int, shift_id: int):
    palace = _palace(request, palace_id)
    shift = _shift(palace, shift_id)
    status = 200
    if request.method == "POST":
        form = DutyShiftForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                staff_services.duty_shift_update(actor=request.user, shift=shift, **form.cleaned_data)
            except PortalError as exc:
                add_service_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Shift saved."))
                return redirect("bookings_staff:roster", palace_id=palace.pk)
    else:
        form = DutyShiftForm.for_shift(shift)
    context = _frame(request, palace, "roster") | {"form": form, "shift": shift}
    return render(request, "bookings/staff/shift_edit.html", context, status=status)


@staff_page
@require_POST
def shift_delete(request, palace_id: int, shift_id: int):
    palace = _palace(request, palace_id)
    shift = _shift(palace, shift_id)
    try:
        staff_services.duty_shift_delete(actor=request.user, shift=shift)
    except PortalError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Shift removed from the roster."))
    return redirect("bookings_staff:roster", palace_id=palace.pk)


# --- Appointments, bookings, confidential matters -------------------------------------------------


@staff_page
def appointments(request, palace_id: int):
    """Upcoming appointments. Never the matter: that is read one booking at a time, on record."""
    palace = _palace(request, palace_id)
    upcoming = (
        Booking.objects.for_palace(palace)
        .filter(
            mode=BookingMode.APPOINTMENT,
            end__gt=timezone.now(),
            status__in=(*Booking.OPEN, Status.CHECKED_IN),
        )
        .select_related("venue", "user")
        .order_by("start", "pk")
    )
    page = Paginator(upcoming, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"booking": b, "badge": STATUS_BADGES[b.status]} for b in page.object_list]
    context = _frame(request, palace, "appointments") | {"page_obj": page, "rows": rows}
    return render(request, "bookings/staff/appointments.html", context)


def _booking_context(request, palace: Palace, booking: Booking) -> dict:
    now = timezone.now()
    opens, closes = checkin_window(rule_for(booking.venue), booking.start)
    is_appointment = booking.mode == BookingMode.APPOINTMENT
    frame = _frame(request, palace, "appointments" if is_appointment else "today")
    reads = []
    if is_appointment and frame["is_manager"]:
        reads = list(
            MatterRead.objects.filter(matter__booking=booking)
            .select_related("reader")
            .order_by("-read_at")[:50]
        )
    return frame | {
        "booking": booking,
        "badge": STATUS_BADGES[booking.status],
        "opens": opens,
        "closes": closes,
        "can_check_in": booking.status == Status.CONFIRMED and opens <= now <= closes,
        "is_appointment": is_appointment,
        "has_matter": is_appointment and AppointmentMatter.objects.filter(booking=booking).exists(),
        "reads": reads,
        "day_param": _day_param(booking.local_date),
    }


@staff_page
def booking_detail(request, palace_id: int, booking_id: int):
    """One booking with the worker's full name and number, for staff who need to reach them."""
    palace = _palace(request, palace_id)
    booking = _booking(palace, booking_id)
    response = render(request, "bookings/staff/booking.html", _booking_context(request, palace, booking))
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_page
@require_POST
def matter(request, palace_id: int, booking_id: int):
    """Read an appointment's matter: recorded by `matter_read`, shown in this answer only."""
    palace = _palace(request, palace_id)
    booking = _booking(palace, booking_id)
    try:
        text = booking_services.matter_read(actor=request.user, booking=booking)
    except PortalError:
        raise Http404 from None
    context = _booking_context(request, palace, booking) | {"matter_text": text, "matter_shown": True}
    response = render(request, "bookings/staff/booking.html", context)
    add_never_cache_headers(response)
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_page
def matter_reads(request, palace_id: int):
    """Who read which appointment's matter, when: for the palace's managers."""
    palace = _palace(request, palace_id)
    if not access.may_assign_staff(request.user, palace):
        raise Http404
    reads = (
        MatterRead.objects.filter(matter__palace=palace)
        .select_related("reader", "matter__booking__venue", "matter__booking__user")
        .order_by("-read_at", "-pk")
    )
    page = Paginator(reads, 50).get_page(request.GET.get("page"))
    context = _frame(request, palace, "appointments") | {"page_obj": page}
    return render(request, "bookings/staff/matter_reads.html", context)


# --- Venues and their rules -----------------------------------------------------------------------


@staff_page
def venues(request, palace_id: int):
    palace = _palace(request, palace_id)
    items = list(Venue.objects.for_palace(palace).select_related("booking_rule").order_by("centre", "name"))
    rows = [{"venue": v, "rule": _rule_of(v)} for v in items]
    return render(request, "bookings/staff/venues.html", _frame(request, palace, "venues") | {"rows": rows})


def _defaults(venue: Venue) -> dict:
    """The value each rule field takes for this kind of venue, to explain the form."""
    values = {
        f.name: f.default if f.has_default() else None
        for f in BookingRule._meta.get_fields()
        if f.name in staff_services.RULE_FIELDS
    }
    values.update(rule_defaults(venue))
    kind = KINDS_BY_CODE.get(venue.kind)
    values.update(
        {
            "slot_minutes": Venue._meta.get_field("slot_minutes").default,
            "fee": 0,
            "member_only": False,
            "capacity": kind.capacity if kind else venue.capacity,
        }
    )
    return values


@staff_page
@require_http_methods(["GET", "POST"])
def rules(request, venue_id: int):
    venue = get_object_or_404(
        Venue.objects.filter(palace__in=_managed(request)).select_related("palace"), pk=venue_id
    )
    palace = venue.palace
    rule = rule_for(venue)
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST, venue=venue)
        status = 400
        if form.is_valid():
            try:
                staff_services.rule_update(actor=request.user, venue=venue, **form.cleaned_data)
            except PortalError as exc:
                add_service_errors(form, exc)
                status = exc.status
            else:
                messages.success(request, _("Rules saved. They apply to new bookings from now on."))
                return redirect("bookings_staff:rules", venue_id=venue.pk)
    else:
        initial = {f: getattr(rule, f) for f in staff_services.RULE_FIELDS}
        initial |= {f: getattr(venue, f) for f in staff_services.VENUE_FIELDS}
        form = RuleForm(initial=initial, venue=venue)
    defaults = _defaults(venue)
    groups = [
        (title, [{"field": field, "default": defaults.get(field.name)} for field in fields])
        for title, fields in form.groups()
    ]
    context = _frame(request, palace, "venues") | {
        "venue": venue,
        "form": form,
        "groups": groups,
        "is_shared": venue.booking_mode == BookingMode.SHARED,
        "is_appointment": venue.booking_mode == BookingMode.APPOINTMENT,
    }
    return render(request, "bookings/staff/rules.html", context, status=status)


# --- Suspensions ----------------------------------------------------------------------------------


def _suspensions_context(request, *, errors: dict | None = None) -> dict:
    now = timezone.now()
    in_force = Q(lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    open_appeal = Appeal.objects.filter(suspension=OuterRef("pk"), status=Appeal.Status.OPEN)
    suspensions = (
        booking_services.suspensions_decidable_by(request.user)
        .select_related("user", "appeal")
        .annotate(
            in_force_rank=Case(When(in_force, then=Value(0)), default=Value(1), output_field=IntegerField()),
            has_open_appeal=Exists(open_appeal),
        )
        .order_by("in_force_rank", "-has_open_appeal", "-starts_at", "-pk")
    )
    page = Paginator(suspensions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for s in page.object_list:
        try:
            appeal = s.appeal
        except ObjectDoesNotExist:
            appeal = None
        rows.append(
            {
                "suspension": s,
                "in_force": s.in_force_rank == 0,
                "appeal": appeal,
                "error": (errors or {}).get(s.pk),
            }
        )
    return {"page_obj": page, "rows": rows}


def _decidable(request, suspension_id: int) -> Suspension:
    return get_object_or_404(booking_services.suspensions_decidable_by(request.user), pk=suspension_id)


def _require_desk(request) -> None:
    if not _managed(request).exists():
        raise Http404


@staff_page
def suspensions(request):
    _require_desk(request)
    return render(request, "bookings/staff/suspensions.html", _suspensions_context(request))


@staff_page
@require_POST
def suspension_lift(request, suspension_id: int):
    _require_desk(request)
    suspension = _decidable(request, suspension_id)
    form = ReasonForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            booking_services.suspension_lift(
                actor=request.user, suspension=suspension, reason=form.cleaned_data["reason"]
            )
        except PortalError as exc:
            error, status = str(exc.message), exc.status
        else:
            messages.success(request, _("Suspension lifted: the worker may book again and is told."))
            return redirect("bookings_staff:suspensions")
    else:
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    context = _suspensions_context(request, errors={suspension.pk: error})
    return render(request, "bookings/staff/suspensions.html", context, status=status)


@staff_page
@require_POST
def appeal_decide(request, suspension_id: int):
    _require_desk(request)
    suspension = _decidable(request, suspension_id)
    appeal = get_object_or_404(Appeal, suspension=suspension)
    form = AppealDecideForm(request.POST)
    status = 400
    if form.is_valid():
        uphold = form.cleaned_data["decision"] == "uphold"
        try:
            booking_services.appeal_decide(
                actor=request.user, appeal=appeal, uphold=uphold, reason=form.cleaned_data["reason"]
            )
        except PortalError as exc:
            error, status = str(exc.message), exc.status
        else:
            if uphold:
                messages.success(
                    request, _("Appeal upheld: the suspension is lifted and the worker is told.")
                )
            else:
                messages.success(request, _("Appeal rejected: the worker is told, with your reason."))
            return redirect("bookings_staff:suspensions")
    else:
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    context = _suspensions_context(request, errors={suspension.pk: error})
    return render(request, "bookings/staff/suspensions.html", context, status=status)
