"""Sensible booking rules per booking mode and kind; staff change them per venue."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from venues.kinds import BookingMode
from venues.models import Venue

from .models import BookingRule

# Defaults by booking mode, then adjustments by kind.
_MODE_DEFAULTS: dict[str, dict] = {
    BookingMode.EXCLUSIVE: {
        "window_days": 7,
        "max_slots": 2,
        "max_party": None,  # the venue's capacity
        "cancel_deadline_minutes": 120,
    },
    BookingMode.SHARED: {
        "window_days": 3,
        "max_slots": 1,
        "max_party": 2,
        "cancel_deadline_minutes": 60,
    },
    BookingMode.APPOINTMENT: {
        "window_days": 14,
        "max_slots": 1,
        "max_party": 2,
        "cancel_deadline_minutes": 60,
        "max_per_day": 1,
    },
    BookingMode.REQUEST: {
        "window_days": 60,
        "max_slots": 12,
        "max_party": None,
        "cancel_deadline_minutes": 24 * 60,
        "max_active": 2,
        "max_per_day": 1,
        "max_per_week": 2,
    },
}
_KIND_DEFAULTS: dict[str, dict] = {
    "swimming_pool": {"max_party": 4},
    "library": {"max_party": 1, "window_days": 2},
    "e_reading": {"max_party": 1, "window_days": 2},
    "gym": {"max_party": 1},
    "basketball": {"window_days": 7, "max_slots": 2},
    "badminton": {"max_slots": 2},
}


def rule_defaults(venue: Venue) -> dict:
    values = {**_MODE_DEFAULTS.get(venue.booking_mode, {}), **_KIND_DEFAULTS.get(venue.kind, {})}
    if values.get("max_party") is None:
        values["max_party"] = venue.capacity
    values["max_party"] = max(1, min(values["max_party"], venue.capacity))
    return values


def rule_for(venue: Venue) -> BookingRule:
    """The venue's rule; until staff save one, an unsaved rule with its mode's and kind's defaults.

    Never writes: reads (availability, a public GET) must not create rows. The staff rules editor
    saves the rule the first time it is changed.
    """
    rule = getattr(venue, "_rule_cache", None)
    if rule is None:
        related = Venue.booking_rule.related
        if related.is_cached(venue):
            # Loaded with the venue (select_related("booking_rule")): None when staff never saved one.
            rule = related.get_cached_value(venue)
        else:
            rule = BookingRule.objects.filter(venue=venue).first()
        if rule is None:
            rule = BookingRule(venue=venue, palace_id=venue.palace_id, **rule_defaults(venue))
        venue._rule_cache = rule
    return rule


def window_last_date(rule: BookingRule, now: datetime) -> date:
    """The last local date that may be booked at `now`: today + N days, once the hour has come."""
    local = timezone.localtime(now)
    last = local.date() + timedelta(days=rule.window_days)
    if local.time() < rule.window_opens_at:
        last -= timedelta(days=1)
    return max(last, local.date())


def in_member_hours(rule: BookingRule, start: datetime) -> bool:
    if rule.member_hours_start is None or rule.member_hours_end is None:
        return False
    t: time = timezone.localtime(start).time()
    return rule.member_hours_start <= t < rule.member_hours_end


def checkin_window(rule: BookingRule, start: datetime) -> tuple[datetime, datetime]:
    return (
        start - timedelta(minutes=rule.checkin_opens_minutes),
        start + timedelta(minutes=rule.checkin_closes_minutes),
    )


def cancel_deadline(rule: BookingRule, start: datetime) -> datetime:
    return start - timedelta(minutes=rule.cancel_deadline_minutes)
