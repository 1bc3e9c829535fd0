"""Classes and events in calendars: one sign-up's sessions as an .ics file, and the personal feed's
provider (`bookings.calendars.FEED_PROVIDERS`, registered in `ActivitiesConfig.ready`).

Each session of a course the worker is enrolled in, and each event they registered for, is one
VEVENT, written in the palace's zone like the venue bookings' events. A cancelled session stays in
the calendar as CANCELLED (with the palace's note), so subscribed apps strike it out. Nothing
personal beyond the worker's own check-in code goes in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.calendars import FEED_LIMIT, ICS_SEQUENCE, PRODID, UID_DOMAIN
from bookings.models import Booking, Occurrence, Offering

Status = Booking.Status
# Sign-ups whose sessions belong in the worker's calendar: enrolled, registered, checked in.
IN_CALENDAR = (Status.CONFIRMED, Status.CHECKED_IN)


def _local(value: datetime) -> datetime:
    return value.astimezone(ZoneInfo(settings.TIME_ZONE))


def session_event(
    occurrence: Occurrence, *, signup_id: int, code: str, stamp: datetime | None
) -> icalendar.Event:
    """One session of an offering the worker holds a place in. Reads `occurrence.offering` (with
    its course or event), `occurrence.venue` and `occurrence.palace`: select_related them."""
    offering = occurrence.offering
    palace = occurrence.palace
    venue = occurrence.venue
    status = "CANCELLED" if occurrence.cancelled else "CONFIRMED"
    lines = []
    online_url = ""
    if offering.kind == Offering.Kind.COURSE:
        course = offering.course
        if course.teacher:
            lines.append(_("Teacher: %(teacher)s") % {"teacher": course.teacher})
    else:
        online_url = offering.event.online_url
        if online_url:
            lines.append(_("Online: %(url)s") % {"url": online_url})
    if occurrence.cancelled:
        lines.insert(0, _("This session is cancelled."))
        if occurrence.note:
            lines.insert(1, occurrence.note)
    else:
        lines.append(_("Check-in code: %(code)s") % {"code": code})
        lines.append(_("Show the QR code under My classes when you arrive."))

    event = icalendar.Event()
    event.add("uid", f"session-{occurrence.pk}-{signup_id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", _local(occurrence.start))
    event.add("dtend", _local(occurrence.end))
    event.add("summary", offering.title)
    place = [palace.name, palace.address]
    if venue is not None:
        place += [venue.name, venue.floor]
    elif online_url:
        place = [_("Online"), online_url]
    event.add("location", ", ".join(part for part in place if part))
    event.add("description", "\n".join(lines))
    if online_url:
        event.add("url", online_url)
    event.add("status", status)
    event.add("sequence", ICS_SEQUENCE[status])
    event.add("transp", "TRANSPARENT" if occurrence.cancelled else "OPAQUE")
    if not occurrence.cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(hours=-1))
        alarm.add("description", offering.title)
        event.add_component(alarm)
    return event


def _sessions():
    return Occurrence.objects.select_related(
        "offering", "offering__course", "offering__event", "venue", "palace"
    ).order_by("start", "pk")


def feed_class_events(user, since: datetime) -> Iterable[icalendar.Event]:
    """The personal feed's sessions: every session ending after `since` of the courses the user is
    enrolled in and the events they registered for. One query whatever the count."""
    sessions = (
        _sessions()
        .filter(offering__bookings__user=user, offering__bookings__status__in=IN_CALENDAR, end__gte=since)
        # The same join as the filter: the user's own sign-up of each session's offering.
        .annotate(
            signup_id=F("offering__bookings__pk"),
            signup_code=F("offering__bookings__check_in_code"),
            signup_stamp=F("offering__bookings__updated_at"),
        )[:FEED_LIMIT]
    )
    return [
        session_event(s, signup_id=s.signup_id, code=s.signup_code, stamp=s.signup_stamp) for s in sessions
    ]


def signup_ics(booking: Booking) -> bytes:
    """Every session of one sign-up's course (or its event) as an .ics file (the caller checked
    that the requester owns it)."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for occurrence in _sessions().filter(offering_id=booking.offering_id):
        calendar.add_component(
            session_event(
                occurrence, signup_id=booking.pk, code=booking.check_in_code, stamp=booking.updated_at
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()
