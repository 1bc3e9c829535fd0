"""The venues tests' clock: a Monday, a local time on a day, and the pages' clock frozen there."""

from __future__ import annotations

from datetime import date, datetime, time
from unittest import mock

from django.utils import timezone

MONDAY = date(2026, 3, 2)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def frozen(at: datetime):
    """Freeze the clock the pages read (timezone.now, and localtime/localdate through it)."""
    return mock.patch("django.utils.timezone.now", return_value=at)
