"""What the worker's booking pages share."""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone


def when_label(start: datetime) -> str:
    """ "3月2日 19:00": the local day and time a booking starts, as pages and messages say it."""
    local = timezone.localtime(start)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {local:%H:%M}"
