"""The worker's booking pages: a venue's availability grid (book in two taps), "My bookings", one
booking with its QR code, cancelling, offers from the waitlist, the calendar feed, the suspension
and its appeal.

Views parse input with forms, call selectors and services, and render. Every write is a POST with
CSRF and goes through `services.booking` (or `calendars`); a refusal comes back as a
`palace_portal.errors` exception whose message the page shows, with nothing changed. A worker's
bookings are looked up through their owner: anyone else gets 404.

The grid is one template fragment (`bookings/_availability.html`) served four ways: rendered into
the venue page by the `bookings_grid` template tag (the venue app may not import this one), as an
htmx fragment (`availability`) that day tabs and slot buttons swap in place, inside the booking
page (`venue_book`), and on that page again after a refused booking, with the worker's input kept.
Without JavaScript every tap simply reloads the page the grid is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from palace_portal.errors import PortalError
from venues import access
from venues.kinds import BookingMode, Centre
from venues.models import Venue

from . import calendars, qr
from .forms import AppealForm, BookingForm, GridForm
from .models import Appeal, Booking, BookingRule, Suspension
from .rules import cancel_deadline, checkin_window, rule_defaults, rule_for, window_last_date
from .selectors import (
    SlotState,
    day_slots,
    past_bookings_of_user,
    upcoming_bookings_of_user,
    user_bookings_between,
    venue_availability,
    venue_days,
    waitlist_positions,
)
from .services import booking as services

Status = Booking.Status
# Day tabs shown at most: the booking window (and the next day to open) within two weeks.
MAX_TABS = 14
PAST_PAGE_SIZE = 20
# How far ahead a date in the query string may go (further: the first day is shown instead).
MAX_DAYS_AHEAD = 366
# Without a date the grid opens on the first day with a free time among this many open days.
DEFAULT_DAY_SEARCH = 3

MODE_LEADS = {
    BookingMode.EXCLUSIVE: gettext_lazy("Tap a free time, check the details, then book: the venue is yours."),
    BookingMode.SHARED: gettext_lazy("Tap a time to book a place: each slot shows the places left."),
    BookingMode.APPOINTMENT: gettext_lazy(
        "Tap a time to make an appointment with the person on duty. Times exist only when someone is on duty."
    ),
    BookingMode.REQUEST: gettext_lazy(
        "For group events: tap a time, say what it is for, and palace staff approve or decline the request."
    ),
}
CANCEL_LABELS = {
    Status.WAITLISTED: gettext_lazy("Leave the waitlist"),
    Status.OFFERED: gettext_lazy("Decline the offer"),
    Status.PENDING: gettext_lazy("Withdraw the request"),
    Status.CONFIRMED: gettext_lazy("Cancel the booking"),
}
STATUS_BADGES = {
    Status.WAITLISTED: "badge-warn",
    Status.OFFERED: "badge-warn",
    Status.PENDING: "badge-warn",
    Status.CONFIRMED: "badge-ok",
    Status.CHECKED_IN: "badge-ok",
    Status.CANCELLED: "badge-muted",
    Status.EXPIRED: "badge-muted",
    Status.DECLINED: "badge-red",
    Status.NO_SHOW: "badge-red",
}


def _venue_or_404(pk: int) -> Venue:
    """A venue offered to the public (active, at a listed palace), with its palace."""
    try:
        return Venue.objects.listed().select_related("palace").get(pk=pk)
    except Venue.DoesNotExist:
        raise Http404 from None


def _local_dt(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


def _when(start: datetime) -> str:
    local = timezone.localtime(start)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


# --- The availability grid -------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotView:
    """One slot as this visitor sees it."""

    slot: SlotState
    # open, full, past, not_yet_open, members_only (closed to this non-member), mine
    state: str
    mine: Booking | None
    selectable: bool

    @property
    def at(self) -> str:
        return f"{timezone.localtime(self.slot.start):%H:%M}"


@dataclass(frozen=True)
class Tab:
    day: date
    label: str  # "today", "tomorrow" or ""
    closed: bool
    no_slots: bool
    not_open: bool


def _slot_views(slots, *, mine, signed_in, member, staff, suspended) -> list[SlotView]:
    views = []
    for slot in slots:
        booking = next((b for b in mine if b.start < slot.end and slot.start < b.end), None)
        if booking is not None and slot.state != "past":
            state = "mine"
        elif slot.state in ("past", "not_yet_open"):
            state = slot.state
        elif slot.members_only and signed_in and not member and not staff:
            state = "members_only"
        else:
            state = slot.state
        views.append(SlotView(slot, state, booking, state in ("open", "full") and not suspended))
    return views


def _ends_from(views: list[SlotView], index: int, rule: BookingRule, venue: Venue) -> list[datetime]:
    """The ends a booking starting at slot `index` may have: consecutive free slots, up to the rule."""
    first = views[index]
    if first.state != "open" or venue.booking_mode not in (BookingMode.EXCLUSIVE, BookingMode.REQUEST):
        return [first.slot.end]
    ends = [first.slot.end]
    for view in views[index + 1 : index + rule.max_slots]:
        if view.state != "open" or view.slot.start != ends[-1]:
            break
        ends.append(view.slot.end)
    return ends


def _page_url(request, venue: Venue) -> str:
    """The page the grid is on (links reload it without JavaScript; htmx pushes its URL): the
    booking page, or (normally) the venue page."""
    book_url = reverse("bookings:venue_book", args=[venue.pk])
    current = request.htmx.current_url_abs_path if request.htmx else request.path
    if current and current.split("?")[0] == book_url:
        return book_url
    return reverse("venues:venue_detail", args=[venue.pk])


def _grid_context(
    request,
    venue: Venue,
    *,
    day: date | None,
    at: time | None,
    form: BookingForm | None = None,
    error: str = "",
) -> dict:
    """Everything `bookings/_availability.html` shows: day tabs, the day's slots, the tapped slot."""
    now = timezone.now()
    user = request.user
    rule = rule_for(venue)
    today = timezone.localtime(now).date()
    last_open = window_last_date(rule, now)
    tab_last = min(last_open + timedelta(days=1), today + timedelta(days=MAX_TABS - 1))
    notice = ""
    if day is not None and not today <= day <= today + timedelta(days=MAX_DAYS_AHEAD):
        notice = _("That day cannot be booked here. Choose a day below.") if day > today else ""
        day, at = None, None
    days = venue_days(venue, today, max(tab_last, day or today))
    by_day = {info.day: info for info in days}

    slots = None
    if day is None:
        # The first day with a time still free, else today.
        day = today
        candidates = [i for i in days if i.day <= last_open and not i.closure and i.has_hours]
        for info in candidates[:DEFAULT_DAY_SEARCH]:
            candidate = venue_availability(venue, info.day, now=now)
            if any(s.bookable for s in candidate):
                day, slots = info.day, candidate
                break
    if slots is None:
        slots = venue_availability(venue, day, now=now)

    signed_in = user.is_authenticated
    staff = signed_in and access.may_manage_palace(user, venue.palace)
    suspension = services.suspension_in_force(user, now=now) if signed_in and not staff else None
    day_start = _local_dt(day, time.min)
    mine = user_bookings_between(user, venue, day_start, day_start + timedelta(days=1))
    views = _slot_views(
        slots,
        mine=mine,
        signed_in=signed_in,
        member=signed_in and user.is_member,
        staff=staff,
        suspended=suspension is not None,
    )

    tabs = [
        Tab(
            info.day,
            {0: "today", 1: "tomorrow"}.get((info.day - today).days, ""),
            info.closure is not None,
            not info.has_hours,
            info.day > last_open,
        )
        for info in days
        if info.day <= tab_last or info.day == day
    ]

    selected, panel = None, None
    if at is not None:
        index = next((i for i, v in enumerate(views) if timezone.localtime(v.slot.start).time() == at), None)
        if index is None:
            error = error or _("That time slot is not offered on this day any more. Choose another one.")
        elif not views[index].selectable:
            notice = {
                "past": _("That time has already begun."),
                "not_yet_open": _("Booking for that day is not open yet."),
                "members_only": _("This time is for trade-union members only."),
                "mine": _("You already have a booking at this time."),
            }.get(views[index].state, "")
        else:
            selected = views[index]
            panel = _panel(request, venue, rule, views, index, day, form=form, now=now)

    earlier = []
    if any(v.state != "past" for v in views):
        earlier = [v for v in views if v.state == "past"]
    info = by_day.get(day)
    not_open_note = ""
    if day > last_open:
        opens_on = day - timedelta(days=rule.window_days)
        not_open_note = _("Booking for this day opens at %(time)s on %(date)s.") % {
            "time": rule.window_opens_at.strftime("%H:%M"),
            "date": formats.date_format(opens_on, "MONTH_DAY_FORMAT"),
        }
    return {
        "venue": venue,
        "rule": rule,
        "day": day,
        "tabs": tabs,
        "closure": info.closure if info else None,
        "has_hours": info.has_hours if info else True,
        "not_open_note": not_open_note,
        "slots": views,
        # Today's slots that are over fold away above the rest (when some are still ahead).
        "earlier": earlier,
        "later": views[len(earlier) :],
        "any_selectable": any(v.selectable for v in views),
        "members_note": any(v.state == "members_only" for v in views),
        "all_past": bool(views) and all(v.state == "past" for v in views),
        "next_day": day + timedelta(days=1) if day < tab_last else None,
        "selected": selected,
        "panel": panel,
        "error": error,
        "notice": notice,
        "suspension": suspension,
        "is_shared": venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT),
        "book_url": reverse("bookings:venue_book", args=[venue.pk]),
        "avail_url": reverse("bookings:availability", args=[venue.pk]),
        "page_url": _page_url(request, venue),
        "far_days": rule.window_days >= MAX_TABS,
        "last_open": last_open,
        "today": today,
    }


def _panel(request, venue, rule, views, index, day, *, form, now) -> dict:
    """The confirm panel of the tapped slot (tap 1): what booking it would mean, and the form."""
    view = views[index]
    start = view.slot.start
    ends = _ends_from(views, index, rule, venue)
    waitlist = view.state == "full"
    if form is None:
        form = BookingForm(
            venue=venue,
            rule=rule,
            initial={"date": day, "at": view.at, "party_size": rule.min_party},
        )
    chosen_until = form["until"].value() if form.is_bound else None
    deadline = cancel_deadline(rule, start)
    opens, closes = checkin_window(rule, start)
    next_url = reverse("venues:venue_detail", args=[venue.pk]) + "?" + urlencode({"date": day, "at": view.at})
    return {
        "slot": view,
        "start": start,
        "end": ends[0],
        "ends": [{"value": f"{timezone.localtime(e):%H:%M}", "end": e} for e in ends],
        "chosen_until": chosen_until,
        "waitlist": waitlist,
        "position": view.slot.waiting + 1,
        "deadline": deadline,
        "deadline_passed": deadline <= now,
        "checkin_opens": opens,
        "checkin_closes": closes,
        "form": form,
        "mode": venue.booking_mode,
        "members_only": view.slot.members_only,
        "login_url": reverse("users:login") + "?" + urlencode({"next": next_url}),
        "signed_in": request.user.is_authenticated,
    }


def _parse_grid(request) -> tuple[date | None, time | None, str]:
    form = GridForm(request.GET)
    if form.is_valid():
        return form.cleaned_data["date"], form.cleaned_data["at"], ""
    return None, None, _("That date or time is not valid. Choose one below.")


def _grid_from_query(request, venue: Venue) -> dict:
    """The grid for the day (and tapped slot) in the query string."""
    day, at, notice = _parse_grid(request)
    context = _grid_context(request, venue, day=day, at=at)
    context["notice"] = context["notice"] or notice
    return context


def availability_grid_html(request, venue: Venue) -> str:
    """The grid as HTML, for the venue page's template tag (`bookings_grid`)."""
    return render_to_string("bookings/_availability.html", _grid_from_query(request, venue), request=request)


@require_GET
@vary_on_headers("HX-Request")
def availability(request, pk: int):
    """The grid as an htmx fragment: day tabs and slot buttons swap it in place."""
    venue = _venue_or_404(pk)
    if not request.htmx:
        # Opened directly (a bookmark, a link shared): the venue page shows the same grid.
        query = request.GET.urlencode()
        return redirect(reverse("venues:venue_detail", args=[venue.pk]) + (f"?{query}" if query else ""))
    return render(request, "bookings/_availability.html", _grid_from_query(request, venue))


@require_http_methods(["GET", "POST"])
def venue_book(request, pk: int):
    """The booking page: the grid without JavaScript (GET), and tap 2, the booking itself (POST)."""
    venue = _venue_or_404(pk)
    if request.method == "POST":
        return _book(request, venue)
    return _render_book_page(request, venue, _grid_from_query(request, venue))


def _render_book_page(request, venue: Venue, context: dict, status: int = 200):
    context.update(
        {
            "palace": venue.palace,
            "centre": Centre(venue.centre),
            "mode_lead": MODE_LEADS.get(venue.booking_mode, ""),
        }
    )
    return render(request, "bookings/venue_book.html", context, status=status)


def _book(request, venue: Venue):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("venues:venue_detail", args=[venue.pk]))
    rule = rule_for(venue)
    form = BookingForm(request.POST, venue=venue, rule=rule)
    if not form.is_valid():
        day = form.cleaned_data.get("date")
        at = form.cleaned_data.get("at")
        context = _grid_context(
            request,
            venue,
            day=day,
            at=at,
            form=form if day and at else None,
            error=_("Check the details and try again."),
        )
        return _render_book_page(request, venue, context, status=400)
    data = form.cleaned_data
    day, at = data["date"], data["at"]
    start = _local_dt(day, at)
    if data["until"]:
        end = _local_dt(day, data["until"])
    else:
        end = next((e for s, e, _cap in day_slots(venue, day) if s == start), None)
    if end is None:
        # A slot that vanished (a closure, a changed roster) or a tampered time: nothing to book.
        context = _grid_context(
            request,
            venue,
            day=day,
            at=None,
            error=_("That time slot is not offered on this day any more. Choose another one."),
        )
        return _render_book_page(request, venue, context, status=409)
    try:
        booking = services.booking_create(
            user=request.user,
            venue=venue,
            start=start,
            end=end,
            party_size=data["party_size"],
            waitlist=data["waitlist"],
            purpose=data.get("purpose", ""),
            organisation=data.get("organisation", ""),
            matter=data.get("matter", ""),
        )
    except PortalError as exc:
        if exc.status == 404:
            raise Http404 from None
        shown = [name for name in exc.fields if name in form.fields]
        for name in shown:
            form.add_error(name, exc.fields[name])
        error = "" if shown else str(exc.message)
        context = _grid_context(request, venue, day=day, at=at, form=form, error=error)
        if context["panel"] is None and not context["error"]:
            context["error"] = str(exc.message)
        return _render_book_page(request, venue, context, status=exc.status)
    messages.success(request, _success_message(booking))
    return redirect("bookings:detail", booking.pk)


def _success_message(booking: Booking) -> str:
    values = {"venue": booking.venue.name, "when": _when(booking.start)}
    if booking.status == Status.WAITLISTED:
        return (
            _("You are on the waitlist for %(venue)s, %(when)s. If a place frees up, it is offered to you.")
            % values
        )
    if booking.status == Status.PENDING:
        return (
            _("Your request for %(venue)s, %(when)s has been sent. Palace staff will approve or decline it.")
            % values
        )
    return _("Booked: %(venue)s, %(when)s. Show the QR code when you arrive.") % values


# --- My bookings -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingItem:
    """One of the worker's bookings with what the pages say about it."""

    booking: Booking
    rule: BookingRule
    badge: str
    position: int | None
    deadline: datetime
    can_cancel: bool
    cancel_label: str
    cancel_note: str
    checkin_opens: datetime
    checkin_closes: datetime

    @property
    def show_qr(self) -> bool:
        return self.booking.status in (Status.CONFIRMED, Status.CHECKED_IN)

    @property
    def is_open(self) -> bool:
        return self.booking.status in Booking.OPEN

    @property
    def in_calendar(self) -> bool:
        return self.booking.status in (*Booking.OPEN, Status.CHECKED_IN)


def _rule_of(booking: Booking) -> BookingRule:
    """The venue's rule without a query: select_related by the selectors, else the defaults."""
    venue = booking.venue
    try:
        rule = venue.booking_rule
    except BookingRule.DoesNotExist:
        # Never saved by staff: the mode's and kind's defaults (what `rule_for` would give).
        rule = BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))
    venue._rule_cache = rule
    return rule


def _cancellation(booking: Booking, rule: BookingRule, now: datetime) -> tuple[bool, str]:
    """May the owner cancel now, and if not, why (the service decides; this only explains)."""
    if booking.status not in Booking.OPEN:
        return False, ""
    if booking.start <= now:
        return False, _("The booking has already begun.")
    deadline = cancel_deadline(rule, booking.start)
    if booking.status == Status.CONFIRMED and now > deadline:
        return False, _(
            "Bookings here can be cancelled up to %(minutes)d minutes before the start: the deadline was "
            "%(deadline)s. If you cannot come, tell the palace."
        ) % {"minutes": rule.cancel_deadline_minutes, "deadline": _when(deadline)}
    return True, ""


def _item(booking: Booking, now: datetime, positions: dict[int, int]) -> BookingItem:
    rule = _rule_of(booking)
    can_cancel, note = _cancellation(booking, rule, now)
    opens, closes = checkin_window(rule, booking.start)
    return BookingItem(
        booking=booking,
        rule=rule,
        badge=STATUS_BADGES.get(booking.status, ""),
        position=positions.get(booking.pk),
        deadline=cancel_deadline(rule, booking.start),
        can_cancel=can_cancel,
        cancel_label=str(CANCEL_LABELS.get(booking.status, "")),
        cancel_note=note,
        checkin_opens=opens,
        checkin_closes=closes,
    )


def _feed_url(request, user) -> str:
    feed = calendars.calendar_feed_for(user)
    return request.build_absolute_uri(reverse("bookings_calendar:feed", kwargs={"token": feed.token}))


@login_required
@require_GET
def my_bookings(request):
    now = timezone.now()
    user = request.user
    upcoming = list(upcoming_bookings_of_user(user, now=now))
    positions = waitlist_positions(upcoming)
    past_page = Paginator(past_bookings_of_user(user, now=now), PAST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    feed_url = _feed_url(request, user)
    return render(
        request,
        "bookings/my_bookings.html",
        {
            "upcoming": [_item(b, now, positions) for b in upcoming],
            "past_page": past_page,
            "past": [_item(b, now, {}) for b in past_page.object_list],
            "suspension": services.suspension_in_force(user, now=now),
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


def _own_booking(request, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.of_venues().select_related("venue", "venue__booking_rule", "venue__palace", "palace"),
        pk=pk,
        user=request.user,
    )


@login_required
@require_GET
def booking_detail(request, pk: int):
    booking = _own_booking(request, pk)
    now = timezone.now()
    positions = waitlist_positions([booking])
    return render(
        request,
        "bookings/booking_detail.html",
        {"item": _item(booking, now, positions), "booking": booking, "now": now},
    )


@login_required
@require_GET
def booking_qr(request, pk: int):
    """The check-in code as an SVG QR code: the owner's confirmed bookings only."""
    booking = _own_booking(request, pk)
    if booking.status not in (Status.CONFIRMED, Status.CHECKED_IN):
        raise Http404
    response = HttpResponse(qr.qr_svg(booking.check_in_code), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def booking_cancel(request, pk: int):
    """GET: the confirmation step (with the deadline); POST: cancel through the service."""
    booking = _own_booking(request, pk)
    if request.method == "POST":
        try:
            services.booking_cancel(actor=request.user, booking=booking)
        except PortalError as exc:
            if exc.status == 404:
                raise Http404 from None
            messages.error(request, str(exc.message))
            return redirect("bookings:detail", booking.pk)
        messages.success(
            request,
            _("Cancelled: %(venue)s, %(when)s.")
            % {"venue": booking.venue.name, "when": _when(booking.start)},
        )
        return redirect("bookings:my_bookings")
    item = _item(booking, timezone.now(), waitlist_positions([booking]))
    return render(request, "bookings/booking_cancel.html", {"item": item, "booking": booking})


@login_required
@require_POST
def offer_accept(request, pk: int):
    booking = _own_booking(request, pk)
    try:
        services.offer_accept(user=request.user, booking=booking)
    except PortalError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Booked: %(venue)s, %(when)s. Show the QR code when you arrive.")
            % {"venue": booking.venue.name, "when": _when(booking.start)},
        )
    return redirect("bookings:detail", booking.pk)


@login_required
@require_POST
def calendar_reset(request):
    calendars.calendar_feed_reset(user=request.user)
    messages.success(
        request,
        _("Your calendar address has changed and the old one no longer works: subscribe again."),
    )
    return redirect(reverse("bookings:my_bookings") + "#calendar")


# --- Suspension and appeal ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def suspension(request):
    """The worker's suspension (the one in force, else the latest): why, until when, the appeal."""
    now = timezone.now()
    user = request.user
    current = services.suspension_in_force(user, now=now)
    shown = current or Suspension.objects.filter(user=user).order_by("-starts_at").first()
    form = AppealForm(request.POST or None)
    status, error = 200, ""
    if request.method == "POST":
        if shown is None:
            raise Http404
        if form.is_valid():
            try:
                services.appeal_submit(user=user, suspension=shown, text=form.cleaned_data["text"])
            except PortalError as exc:
                if exc.status == 404:
                    raise Http404 from None
                if "text" in exc.fields:
                    form.add_error("text", exc.fields["text"])
                else:
                    error = str(exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your appeal has been sent. Staff will decide and let you know."))
                return redirect("bookings:suspension")
        else:
            status = 400
    appeal = None
    no_shows = []
    if shown is not None:
        appeal = Appeal.objects.filter(suspension=shown).first()
        no_shows = list(shown.no_shows.select_related("venue", "palace").order_by("-start"))
    return render(
        request,
        "bookings/suspension.html",
        {
            "suspension": shown,
            "in_force": current is not None,
            "appeal": appeal,
            "no_shows": no_shows,
            "form": form,
            "may_appeal": current is not None and appeal is None,
            "error": error,
        },
        status=status,
    )
