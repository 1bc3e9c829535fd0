"""The provincial event calendar as an .ics file: one all-day event per approved hosting
application, with its host palace and venue. Public data only (nothing of the reviews)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import HostingApplication

PRODID = "-//Palace portal//Alliance//EN"
UID_DOMAIN = "palace-portal"


def event_of(application: HostingApplication) -> icalendar.Event:
    """Reads application.call, .palace and .venue (select_related them)."""
    event = icalendar.Event()
    event.add("uid", f"alliance-event-{application.pk}@{UID_DOMAIN}")
    event.add("dtstamp", application.decided_at or timezone.now())
    event.add("dtstart", application.event_date)
    event.add("dtend", application.event_date + timedelta(days=1))
    event.add("summary", application.event_title or application.call.title)
    event.add("location", ", ".join(p for p in (application.palace.name, application.venue.name) if p))
    event.add(
        "description",
        "\n".join(
            [
                _("Host: %(palace)s") % {"palace": application.palace.name},
                _("Kind: %(kind)s") % {"kind": application.call.get_event_kind_display()},
            ]
        ),
    )
    event.add("status", "CONFIRMED")
    event.add("transp", "TRANSPARENT")
    return event


def calendar_ics(applications: Iterable[HostingApplication]) -> bytes:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", _("Provincial event calendar"))
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for application in applications:
        calendar.add_component(event_of(application))
    return calendar.to_ical()
