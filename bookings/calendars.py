"""iCalendar (.ics): one booking to add to a calendar, and a worker's personal feed at a secret URL.

Times are written in the palace's zone (TZID=Asia/Shanghai, with its VTIMEZONE), so a calendar
shows 19:00 for a 19:00 booking wherever the phone is. Texts are rendered in the active language.
Nothing confidential goes in: no appointment matter, no phone numbers.

Later issues add their events to the feed by appending a provider to `FEED_PROVIDERS` (e.g. in
their AppConfig.ready): a callable `(user, since) -> iterable of icalendar.Event` whose query
count does not depend on how many events it returns.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Booking, CalendarFeed

PRODID = "-//Palace portal//Bookings//EN"
UID_DOMAIN = "palace-portal"
# The personal feed shows what is still ahead and the recent past.
FEED_PAST = timedelta(days=30)
# A generous bound: a worker has a handful of bookings; a runaway account must not build a huge feed.
FEED_LIMIT = 500

S = Booking.Status
ICS_STATUS = {
    S.WAITLISTED: "TENTATIVE",
    S.OFFERED: "TENTATIVE",
    S.PENDING: "TENTATIVE",
    S.CONFIRMED: "CONFIRMED",
    S.CHECKED_IN: "CONFIRMED",
    S.CANCELLED: "CANCELLED",
    S.DECLINED: "CANCELLED",
    S.EXPIRED: "CANCELLED",
    S.NO_SHOW: "CANCELLED",
}
# Calendar apps replace an event they know only when SEQUENCE grows: tentative → confirmed → cancelled.
ICS_SEQUENCE = {"TENTATIVE": 0, "CONFIRMED": 1, "CANCELLED": 2}
FEED_STATUSES = (S.WAITLISTED, S.OFFERED, S.PENDING, S.CONFIRMED, S.CHECKED_IN)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(value: datetime) -> datetime:
    return value.astimezone(_zone())


def _calendar(name: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
        # How often subscribed calendar apps should fetch the feed again.
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def _finish(calendar: icalendar.Calendar) -> bytes:
    calendar.add_missing_timezones()
    return calendar.to_ical()


def booking_event(booking: Booking) -> icalendar.Event:
    """One VEVENT for a booking. Reads booking.venue and booking.palace (select_related them)."""
    venue = booking.venue
    palace = booking.palace
    status = ICS_STATUS.get(booking.status, "TENTATIVE")

    event = icalendar.Event()
    event.add("uid", f"booking-{booking.pk}@{UID_DOMAIN}")
    event.add("dtstamp", booking.updated_at or timezone.now())
    event.add("dtstart", _local(booking.start))
    event.add("dtend", _local(booking.end))
    event.add("summary", venue.name)
    event.add("location", ", ".join(part for part in (palace.name, palace.address, venue.floor) if part))
    event.add("description", _booking_description(booking))
    event.add("status", status)
    event.add("sequence", ICS_SEQUENCE[status])
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    if status != "CANCELLED":
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(hours=-1))
        alarm.add("description", venue.name)
        event.add_component(alarm)
    return event


def _booking_description(booking: Booking) -> str:
    lines = [_("Status: %(status)s") % {"status": booking.get_status_display()}]
    if booking.status in (S.CONFIRMED, S.CHECKED_IN):
        lines.append(_("Check-in code: %(code)s") % {"code": booking.check_in_code})
        lines.append(_("Show the QR code under My bookings when you arrive."))
    elif booking.status == S.OFFERED and booking.offer_expires_at:
        until = f"{_local(booking.offer_expires_at):%Y-%m-%d %H:%M}"
        lines.append(
            _("A place is held for you until %(until)s: accept it under My bookings.") % {"until": until}
        )
    if booking.party_size > 1:
        lines.append(_("Party size: %(size)s") % {"size": booking.party_size})
    return "\n".join(lines)


def booking_ics(booking: Booking) -> bytes:
    """One booking as an .ics file (the caller has checked that the requester may see it)."""
    calendar = _calendar()
    calendar.add_component(booking_event(booking))
    return _finish(calendar)


def feed_booking_events(user, since: datetime) -> Iterable[icalendar.Event]:
    """The feed's booking events: open or checked-in bookings ending after `since`. One query."""
    bookings = (
        Booking.objects.for_user(user)
        .of_venues()
        .filter(status__in=FEED_STATUSES, end__gte=since)
        .select_related("venue", "palace")
        .order_by("start", "pk")[:FEED_LIMIT]
    )
    return [booking_event(booking) for booking in bookings]


# Providers of the personal feed; later apps append theirs (see the module docstring).
FEED_PROVIDERS: list[Callable[..., Iterable[icalendar.Event]]] = [feed_booking_events]


def feed_ics(user) -> bytes:
    """The user's personal calendar feed: every provider's events from 30 days ago onwards."""
    since = timezone.now() - FEED_PAST
    calendar = _calendar(name=_("My palace bookings"))
    for provider in FEED_PROVIDERS:
        for event in provider(user, since):
            calendar.add_component(event)
    return _finish(calendar)


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def calendar_feed_for(user) -> CalendarFeed:
    """The user's feed (its secret token), created on first use."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": _new_token()})
    return feed


@transaction.atomic
def calendar_feed_reset(*, user) -> CalendarFeed:
    """Give the user's feed a new token: the old address stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(
        user=user, defaults={"token": _new_token()}
    )
    if not created:
        feed.token = _new_token()
        feed.created_at = timezone.now()
        feed.save(update_fields=["token", "created_at"])
    return feed


def calendar_feed_user(token: str):
    """The active user whose feed has this token, or None (the feed view answers 404)."""
    if not token or len(token) > CalendarFeed._meta.get_field("token").max_length:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return feed.user if feed else None
