"""What the workers' pages of courses and of events share: the words of a sign-up's status, an
offering's places and window, and what the visitor may do on a course's or an event's page.

Courses (`activities.classes.views`) and events (`activities.events.views`) build their pages on
these, so a sign-up reads and behaves the same in both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import access
from activities.offerings import selectors as signup_reads
from bookings.models import Booking, Offering
from bookings.services.offering import offering_is_open, offering_waitlist_position
from palace_portal.errors import PortalError
from venues.models import Palace

from .models import PublishState

Status = Booking.Status


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


ACTIVE = (*Booking.OPEN, Status.CHECKED_IN)


def is_course(booking: Booking) -> bool:
    return booking.offering.kind == Offering.Kind.COURSE


def status_label(booking: Booking) -> str:
    labels = COURSE_STATUS if is_course(booking) else EVENT_STATUS
    return str(labels.get(booking.status, booking.get_status_display()))


def when(start: datetime) -> str:
    local = timezone.localtime(start)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"


def login_url(next_url: str) -> str:
    return reverse("users:login") + "?" + urlencode({"next": next_url})


def page_by_ids(rows: QuerySet, per_page: int, number) -> Page:
    """A page of `rows` (ordered) whose ids are chosen first, then read with their joins and
    counts (one query more): sorting every row with its joined tables before keeping a page made
    the events' list join 1,500 coming events to their palaces and venues at ten times the
    province."""
    page = Paginator(rows.values_list("pk", flat=True), per_page).get_page(number)
    ids = list(page.object_list)
    found = rows.in_bulk(ids)
    page.object_list = [found[pk] for pk in ids if pk in found]
    return page


def listed_palaces():
    return Palace.objects.listed()


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


def places_of(offering: Offering, *, applicants: int, waitlisted: int, now: datetime) -> Places:
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


def mine_by_offering(user, offering_ids) -> dict[int, Booking]:
    """The user's current sign-up of each offering (one query; anonymous: none)."""
    if not user.is_authenticated or not offering_ids:
        return {}
    rows = Booking.objects.filter(user=user, offering_id__in=offering_ids, status__in=ACTIVE)
    return {b.offering_id: b for b in rows}


def filter_context(request, form, fields) -> dict:
    return {
        "filter_form": form,
        "is_filtered": any(request.GET.get(name) for name in fields),
    }


def _own_state(user, offering: Offering) -> Booking | None:
    """The user's latest sign-up of the offering, whatever its state."""
    if not user.is_authenticated:
        return None
    return Booking.objects.filter(user=user, offering=offering).order_by("-created_at", "-pk").first()


def signup_context(request, offering: Offering, places: Places, *, published: bool, now: datetime) -> dict:
    """What the visitor may do, and why not: shared by the course and event pages."""
    user = request.user
    mine = _own_state(user, offering)
    active = mine is not None and mine.status in ACTIVE
    staff = user.is_authenticated and access.may_manage(user, offering.palace)
    members_note = offering.members_only and user.is_authenticated and not user.is_member and not staff
    may_sign_up = (
        user.is_authenticated and published and places.window == "open" and not active and not members_note
    )
    # A refusal the service would give anyway is said before the button, not after the tap.
    refusal_note = ""
    if may_sign_up and not staff:
        refusal_note = signup_reads.signup_refusal(user, offering, now=now)
        may_sign_up = not refusal_note
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
        "refusal_note": refusal_note,
        "may_withdraw": may_withdraw,
        "withdraw_label": WITHDRAW_LABELS.get(mine.status, "") if mine else "",
        "withdraw_note": withdraw_note,
        "login_url": login_url(request.get_full_path()),
        "now": now,
    }


def refused(request, exc: PortalError) -> None:
    if exc.status == 404:
        raise Http404 from None
    messages.error(request, str(exc.message))


def listing_or_404(request, queryset: QuerySet):
    """The one course or event of `queryset` if the visitor may see it: published or cancelled, of
    a palace that is open or listed; a draft only to staff who may manage its palace. 404 otherwise."""
    listing = get_object_or_404(queryset)
    if listing.state == PublishState.DRAFT and not access.may_manage_listing(request.user, listing):
        raise Http404
    if listing.palace.status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        raise Http404
    return listing


def sign_up_page(
    request,
    *,
    back: str,
    sign_up: Callable[[], tuple[Booking, Any]],
    message: Callable[[Any, Booking], str],
) -> HttpResponse:
    """The sign-up button of a course or an event: sign in first; then the service decides
    (enrolled, applied for the lottery, waitlisted) and the page says which. `sign_up()` finds the
    listing (404 if out of reach) and signs up, returning the sign-up and the listing; a refusal is
    shown with nothing changed. Back to `back` either way."""
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    try:
        booking, listing = sign_up()
    except PortalError as exc:
        refused(request, exc)
    else:
        messages.success(request, message(listing, booking))
    return redirect(back)
