"""The palace desk: desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from palace_portal.errors import PortalError
from venues.models import Palace, Venue
from venues.pages import palace_or_404, staff_page

from .. import services as booking_services
from ..models import Booking
from ..rules import checkin_window
from ..staff_forms import (
    CheckInForm,
    DayForm,
)
from ._common import (
    DAY_LISTED,
    PAGE_SIZE,
    STATUS_BADGES,
    SWITCH_TARGETS,
    Status,
    _day_param,
    _frame,
    _managed,
    _rule_of,
)

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
        for row in Booking.objects.of_venues()
        .filter(palace__in=[p.pk for p in items])
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
    palace = palace_or_404(request, palace_id, scope="manage")
    return redirect(f"bookings_staff:{target}", palace_id=palace.pk)


# --- Today ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayRow:
    """One booking of the day with its texts made once here: the template only prints them (its
    tags and filters, run for every row, were most of the page's time)."""

    booking: Booking
    badge: str
    can_check_in: bool
    overdue: bool
    start_iso: str
    starts: str
    ends: str
    link: str
    who: str
    about: str
    state: str
    note: str


def _day_row(booking: Booking, rule, now: datetime, palace_id: int) -> DayRow:
    opens, closes = checkin_window(rule, booking.start)
    confirmed = booking.status == Status.CONFIRMED
    overdue = confirmed and now > closes
    start, end = timezone.localtime(booking.start), timezone.localtime(booking.end)
    user = booking.user
    about = user.masked_phone
    if booking.party_size > 1:
        people = ngettext("%(counter)s person", "%(counter)s people", booking.party_size)
        about += " · " + people % {"counter": booking.party_size}
    if overdue:
        note = _("check-in closed")
    elif confirmed:
        note = _("from %(opens)s") % {"opens": timezone.localtime(opens).strftime("%H:%M")}
    elif booking.status == Status.CHECKED_IN and booking.checked_in_at:
        note = timezone.localtime(booking.checked_in_at).strftime("%H:%M")
    else:
        note = ""
    return DayRow(
        booking=booking,
        badge=STATUS_BADGES[booking.status],
        can_check_in=confirmed and opens <= now <= closes,
        overdue=overdue,
        start_iso=start.isoformat(),
        starts=f"{start:%H:%M}",
        ends=f"{end:%H:%M}",
        link=reverse("bookings_staff:booking", args=[palace_id, booking.pk]),
        who=user.masked_name,
        about=about,
        state=booking.get_status_display(),
        note=note,
    )


@staff_page
def today(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
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
        .of_venues()
        .filter(local_date=day, status__in=DAY_LISTED)
        .select_related("user")
        .order_by("start", "pk")
    )
    counted = {
        (row["venue_id"], row["status"]): row["n"]
        for row in Booking.objects.for_palace(palace)
        .of_venues()
        .filter(local_date=day, status__in=(Status.WAITLISTED, Status.CANCELLED))
        .values("venue_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    by_venue: dict[int, list[DayRow]] = {v.pk: [] for v in venues}
    rules = {v.pk: _rule_of(v) for v in venues}
    for b in bookings:
        by_venue[b.venue_id].append(_day_row(b, rules[b.venue_id], now, palace.pk))
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
        "day_param": day.isoformat(),
        "check_in_url": reverse("bookings_staff:check_in", args=[palace.pk]),
        "check_in_label": _("Check in"),
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
    palace = palace_or_404(request, palace_id, scope="manage")
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
        Booking.objects.for_palace(palace)
        .select_related("venue", "user", "offering")
        .filter(check_in_code=code)
        .first()
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
    if booking.offering_id is not None:
        # A sign-up of a course or event (perhaps online, without a venue): its session is now.
        message = _("Checked in: %(title)s, %(name)s.") % {
            "title": booking.offering.title,
            "name": booking.user.masked_name,
        }
    else:
        message = _("Checked in: %(venue)s, %(time)s, %(name)s.") % {
            "venue": booking.venue.name,
            "time": timezone.localtime(booking.start).strftime("%H:%M"),
            "name": booking.user.masked_name,
        }
    return {"ok": True, "code": "checked_in", "message": message, "booking": booking, "typed": code}, 200
