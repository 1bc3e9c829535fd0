"""Helpers shared by the booking core's tests: a frozen "now", times around it, quick bookings.

"Now" is Monday 2026-11-23 08:00 in Asia/Shanghai. Services and selectors take it as `now=`.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings.models import Booking, Notification
from bookings.rules import rule_for
from bookings.services.booking import CODE_ALPHABET, booking_create
from tests.factories import OpeningHoursFactory, PalaceFactory, UserFactory, VenueFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)  # a Monday
TODAY: date = NOW.date()


def at(days: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """The local time `hour:minute` on the day `days` after today."""
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute, second), tzinfo=SHANGHAI)


def book(
    user, venue, *, days: int = 1, hour: int = 10, hours: int = 1, now: datetime = NOW, **kwargs
) -> Booking:
    start = at(days, hour)
    return booking_create(
        user=user, venue=venue, start=start, end=start + timedelta(hours=hours), now=now, **kwargs
    )


def set_rule(venue, **values):
    rule = rule_for(venue)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def shared_venue(palace, *, capacity: int = 3, max_party: int = 3, **rule_values):
    """A small shared venue (a yoga room) where party sizes matter."""
    venue = VenueFactory(palace=palace, kind="yoga", capacity=capacity)
    set_rule(venue, max_party=max_party, **rule_values)
    return venue


def worker(**kwargs):
    return UserFactory(**kwargs)


def member(**kwargs):
    return UserFactory(membership_number="36010012345", **kwargs)


def palace_open(region, *hours: tuple[time, time]):
    """A palace in service with the given opening intervals every day."""
    palace = PalaceFactory(region=region)
    for weekday in range(7):
        for opens, closes in hours:
            OpeningHoursFactory(palace=palace, weekday=weekday, opens=opens, closes=closes)
    return palace


def write_booking(
    user, venue, start: datetime, *, status=Booking.Status.CONFIRMED, end: datetime | None = None, **kwargs
):
    """A booking row written directly (e.g. past no-shows), bypassing the rules; one hour by default."""
    kwargs.setdefault("check_in_code", "".join(secrets.choice(CODE_ALPHABET) for _ in range(8)))
    return Booking.objects.create(
        palace=venue.palace,
        venue=venue,
        user=user,
        mode=venue.booking_mode,
        exclusive=venue.booking_mode in ("exclusive", "request"),
        start=start,
        end=end or start + timedelta(hours=1),
        local_date=start.astimezone(SHANGHAI).date(),
        status=status,
        **kwargs,
    )


def sent(kind: str, **filters) -> int:
    """Outbox rows of one kind (users from the factories have no e-mail: one SMS row per event)."""
    return Notification.objects.filter(kind=kind, **filters).count()
