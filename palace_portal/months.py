"""Months as the portal handles them: a month is the date of its first day.

Every place that reads `YYYY-MM`, steps from one month to the next or asks for a month's first and
last day comes here, so the arithmetic and the accepted range are written once. Years outside
`MIN_YEAR`..`MAX_YEAR` are refused as input: no palace data exists before the network and no date
library should be asked for year 0 or 10000.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000
MAX_YEAR = 2100
# For OpenAPI and HTML `pattern`s: the shape only; the range is checked by `parse_month`.
MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def parse_month(value: str) -> date:
    """`YYYY-MM` → the month's first day. Raises `ValidationError` (a clear message) otherwise."""
    match = _MONTH.fullmatch((value or "").strip())
    if match is None:
        raise ValidationError(_("Enter a month as YYYY-MM."), code="invalid_month")
    year = int(match.group(1))
    check_year(year)
    return date(year, int(match.group(2)), 1)


def check_year(year: int) -> int:
    """The year itself if it is within the range the portal accepts; `ValidationError` otherwise."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            _("Enter a year from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            code="year_out_of_range",
        )
    return year


def month_of(day: date) -> date:
    """The first day of the month `day` falls in."""
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    """The first day of the month `count` months after (or before, if negative) `month`'s."""
    index = month.year * 12 + (month.month - 1) + count
    return date(index // 12, index % 12 + 1, 1)


def next_month(month: date) -> date:
    return add_months(month, 1)


def previous_month(month: date) -> date:
    return add_months(month, -1)


def first_day(month: date) -> date:
    return month.replace(day=1)


def last_day(month: date) -> date:
    return next_month(month) - timedelta(days=1)


def month_bounds(month: date) -> tuple[date, date]:
    """First and last day of the month: an inclusive date range."""
    return first_day(month), last_day(month)


def month_range(month: date) -> tuple[date, date]:
    """First day of the month and first day of the next: a half-open range for `>=` / `<`."""
    return first_day(month), next_month(month)


def months_between(first: date, last: date) -> Iterator[date]:
    """Every month from `first`'s to `last`'s, both included (nothing if `last` is earlier)."""
    month, end = month_of(first), month_of(last)
    while month <= end:
        yield month
        month = next_month(month)


def months_of_year(year: int) -> list[date]:
    return [date(year, number, 1) for number in range(1, 13)]


def month_ends(year: int, *, until: date | None = None) -> list[date]:
    """The last day of each month of `year`, stopping at the month of `until` (that day itself)."""
    ends = []
    for month in months_of_year(year):
        if until is not None and month > until:
            break
        end = last_day(month)
        ends.append(min(end, until) if until is not None else end)
    return ends


def quarter_of(month: date) -> int:
    return (month.month - 1) // 3 + 1


def quarter_months(year: int, quarter: int) -> list[date]:
    start = 3 * (quarter - 1) + 1
    return [date(year, number, 1) for number in range(start, start + 3)]


def format_month(month: date) -> str:
    """`YYYY-MM`, the API's and the query string's form."""
    return f"{month.year:04d}-{month.month:02d}"
