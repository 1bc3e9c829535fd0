"""Whether a service point is open at a moment, from its weekly intervals (no query)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time

from django.utils import timezone


def local_now() -> datetime:
    """Now in the portal's time zone (Asia/Shanghai): the clock the points' hours are written in."""
    return timezone.localtime()


def is_open_at(point, at: datetime, hours: Iterable | None = None) -> bool:
    """Open at the local moment `at`: in service and inside an interval of that weekday, or inside
    the previous day's interval that runs past midnight. `hours` defaults to the prefetched ones."""
    if not point.is_active:
        return False
    if point.open_all_hours:
        return True
    t, weekday = at.time(), at.weekday()
    yesterday = (weekday - 1) % 7
    for h in point.hours.all() if hours is None else hours:
        overnight = h.closes <= h.opens
        if h.weekday == weekday and h.opens <= t and (overnight or t < h.closes):
            return True
        if h.weekday == yesterday and overnight and t < h.closes:
            return True
    return False


def intervals_of_day(point, weekday: int) -> list[tuple[time, time]]:
    return [(h.opens, h.closes) for h in point.hours.all() if h.weekday == weekday]
