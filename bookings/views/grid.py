"""The availability grid and the booking page: a venue's slots, the tapped slot's panel, booking it.

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
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from palace_portal.errors import PortalError
from venues.kinds import BookingMode, Centre
from venues.models import Venue

from .. import services
from ..access import is_staff_of
from ..forms import BookingForm, GridForm
from ..models import Booking, BookingRule
from ..rules import cancel_deadline, checkin_window, rule_for, window_last_date
from ..selectors import (
    OwnBooking,
    SlotState,
    day_slots,
    listed_venue,
    venue_availability_days,
    venue_calendar,
    venue_days,
)
from ._common import when_label

Status = Booking.Status

# Day tabs shown at most: the booking window (and the next day to open) within two weeks.
MAX_TABS = 14

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


def _venue_or_404(pk: int) -> Venue:
    """A venue offered to the public (active, at a listed palace), with its palace and rule: the
    booking API's statement written once (`listed_venue`), cheaper to run than to build the query."""
    venue = listed_venue(pk)
    if venue is None:
        raise Http404
    return venue


def _local_dt(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


# --- The availability grid -------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotView:
    """One slot as this visitor sees it."""

    slot: SlotState
    # open, full, past, not_yet_open, members_only (closed to this non-member), mine
    state: str
    mine: OwnBooking | None
    selectable: bool

    @property
    def at(self) -> str:
        return f"{timezone.localtime(self.slot.start):%H:%M}"


@dataclass(frozen=True)
class SlotCell:
    """What the template prints for one slot: worked out once here rather than in the template
    (an include per slot, with its ifs, filters and translations, was most of the grid's render)."""

    view: SlotView
    css: str
    # A link (a free or full slot to tap, or the visitor's own booking), or a plain box.
    href: str
    # The htmx address of a slot to tap (empty for the visitor's own booking).
    hx_get: str
    current: bool
    times: str
    state_label: str
    # "Members" on a slot kept for trade-union members, else empty.
    flag: str


@dataclass(frozen=True)
class Tab:
    day: date
    label: str  # "today", "tomorrow" or ""
    closed: bool
    no_slots: bool
    not_open: bool
    # What the template prints (see SlotCell).
    css: str = ""
    href: str = ""
    hx_get: str = ""
    name: str = ""
    date_label: str = ""
    note: str = ""


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


def _state_label(view: SlotView, *, is_shared: bool) -> str:
    slot, state = view.slot, view.state
    if view.selectable:
        if state == "open":
            if is_shared:
                left = slot.available
                return ngettext("%(counter)s place left", "%(counter)s places left", left) % {"counter": left}
            return pgettext("slot state", "Available")
        if slot.waiting:
            waiting = ngettext("%(counter)s waiting", "%(counter)s waiting", slot.waiting) % {
                "counter": slot.waiting
            }
        else:
            waiting = _("join the waitlist")
        return f"{_('Full')} · {waiting}"
    if state == "mine":
        return _("Your booking")
    return {
        "past": _("Over"),
        "not_yet_open": _("Not open yet"),
        "members_only": _("Members only"),
        "full": _("Full"),
    }.get(state) or pgettext("slot state", "Available")


def _slot_cells(
    views: list[SlotView],
    *,
    selected: SlotView | None,
    page_url: str,
    avail_url: str,
    day: date,
    is_shared: bool,
) -> list[SlotCell]:
    """Each slot's classes, links and texts, as `bookings/_availability.html` prints them."""
    day_iso = day.isoformat()
    members = _("Members")
    cells = []
    for view in views:
        start, end = timezone.localtime(view.slot.start), timezone.localtime(view.slot.end)
        times = f"{start:%H:%M}–{end:%H:%M}"
        href = hx_get = ""
        current = False
        if view.selectable:
            current = selected is not None and view.slot.start == selected.slot.start
            css = f"slot-btn is-{view.state}" + (" is-selected" if current else "")
            query = f"?date={day_iso}&at={start:%H:%M}"
            href, hx_get = f"{page_url}{query}#confirm", f"{avail_url}{query}"
        elif view.state == "mine":
            css = "slot-btn is-mine"
            href = reverse("bookings:detail", args=[view.mine.pk])
        else:
            css = f"slot-btn is-{view.state} is-disabled"
        cells.append(
            SlotCell(
                view=view,
                css=css,
                href=href,
                hx_get=hx_get,
                current=current,
                times=times,
                state_label=_state_label(view, is_shared=is_shared),
                flag=members if view.selectable and view.slot.members_only else "",
            )
        )
    return cells


def _tab(info, *, today: date, day: date, last_open: date, page_url: str, avail_url: str) -> Tab:
    label = {0: "today", 1: "tomorrow"}.get((info.day - today).days, "")
    closed, no_slots, not_open = info.closure is not None, not info.has_hours, info.day > last_open
    css = "day-tab"
    if info.day == day:
        css += " is-current"
    if closed:
        css, note = css + " is-closed", _("Closed")
    elif no_slots:
        css, note = css + " is-empty", _("No slots")
    elif not_open:
        css, note = css + " is-later", _("Opens later")
    else:
        note = ""
    # What the template's `date:"D"` and `date:"n/j"` print, without parsing the format per tab.
    name = {"today": _("Today"), "tomorrow": _("Tomorrow")}.get(label) or str(
        WEEKDAYS_ABBR[info.day.weekday()]
    )
    query = f"?date={info.day.isoformat()}"
    return Tab(
        info.day,
        label,
        closed,
        no_slots,
        not_open,
        css=css,
        href=page_url + query,
        hx_get=avail_url + query,
        name=name,
        date_label=f"{info.day.month}/{info.day.day}",
        note=note,
    )


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
    # Hours, closures and duty of every day the tabs show, read once (the venue page has them).
    calendar = venue_calendar(venue, today, max(tab_last, day or today))
    days = venue_days(venue, calendar.first, calendar.last, calendar=calendar)
    by_day = {info.day: info for info in days}

    # The slots of the asked day, or of the first days that may have a free time (and today, the
    # fallback), with the visitor's bookings there: one read whatever the number of days.
    if day is None:
        candidates = [i.day for i in days if i.day <= last_open and not i.closure and i.has_hours]
        asked = sorted({today, *candidates[:DEFAULT_DAY_SEARCH]})
    else:
        asked = [day]
    found = venue_availability_days(venue, asked, now=now, calendar=calendar, user=user)
    if day is None:
        # The first day with a time still free, else today.
        day = next(
            (d for d in candidates[:DEFAULT_DAY_SEARCH] if any(s.bookable for s in found.days[d])), today
        )
    slots = found.days[day]

    signed_in = user.is_authenticated
    staff = signed_in and is_staff_of(user, venue.palace)
    suspension = services.suspension_in_force(user, now=now) if signed_in and not staff else None
    day_start = _local_dt(day, time.min)
    day_end = _local_dt(day + timedelta(days=1), time.min)
    mine = [b for b in found.mine if b.start < day_end and day_start < b.end]
    views = _slot_views(
        slots,
        mine=mine,
        signed_in=signed_in,
        member=signed_in and user.is_member,
        staff=staff,
        suspended=suspension is not None,
    )

    page_url = _page_url(request, venue)
    avail_url = reverse("bookings:availability", args=[venue.pk])
    tabs = [
        _tab(info, today=today, day=day, last_open=last_open, page_url=page_url, avail_url=avail_url)
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
    is_shared = venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT)
    cells = _slot_cells(
        views, selected=selected, page_url=page_url, avail_url=avail_url, day=day, is_shared=is_shared
    )
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
        "earlier_cells": cells[: len(earlier)],
        "later_cells": cells[len(earlier) :],
        "any_selectable": any(v.selectable for v in views),
        "members_note": any(v.state == "members_only" for v in views),
        "all_past": bool(views) and all(v.state == "past" for v in views),
        "next_day": day + timedelta(days=1) if day < tab_last else None,
        "selected": selected,
        "panel": panel,
        "error": error,
        "notice": notice,
        "suspension": suspension,
        "is_shared": is_shared,
        "book_url": reverse("bookings:venue_book", args=[venue.pk]),
        "avail_url": avail_url,
        "page_url": page_url,
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


# --- The booking page ------------------------------------------------------------------------------


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
    values = {"venue": booking.venue.name, "when": when_label(booking.start)}
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
