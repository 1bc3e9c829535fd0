"""The periods rankings and dashboards compare: a month, a quarter or a year, always named.

A period knows its months, the period just before it (previous month / quarter / year) and the
same period a year earlier, so month-on-month and year-on-year changes are asked the same way
whatever its length. Parsing goes through `palace_portal.months` (one accepted range of years).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palace_portal import months as m

MONTH, QUARTER, YEAR = "month", "quarter", "year"
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])")
_YEAR = re.compile(r"[0-9]{4}")


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH | QUARTER | YEAR
    year: int
    number: int  # the month (1–12), the quarter (1–4), or 0 for a year

    @classmethod
    def of_month(cls, month: date) -> Period:
        return cls(MONTH, month.year, month.month)

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(YEAR, m.check_year(year), 0)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> Period:
        return cls(QUARTER, m.check_year(year), quarter)

    @property
    def months(self) -> list[date]:
        if self.kind == MONTH:
            return [date(self.year, self.number, 1)]
        if self.kind == QUARTER:
            return m.quarter_months(self.year, self.number)
        return m.months_of_year(self.year)

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def last(self) -> date:
        return self.months[-1]

    def previous(self) -> Period | None:
        """The period of the same length just before (None for a year: no "month-on-month")."""
        if self.kind == MONTH:
            return Period.of_month(m.previous_month(self.first))
        if self.kind == QUARTER:
            month = m.add_months(self.first, -3)
            return Period(QUARTER, month.year, m.quarter_of(month))
        return None

    def year_ago(self) -> Period:
        return Period(self.kind, self.year - 1, self.number)

    def shifted(self, count: int) -> Period:
        """The period `count` steps later (earlier if negative), for the pages' ‹ › links."""
        if self.kind == YEAR:
            return Period(YEAR, self.year + count, 0)
        step = 1 if self.kind == MONTH else 3
        month = m.add_months(self.first, count * step)
        return Period(self.kind, month.year, month.month if self.kind == MONTH else m.quarter_of(month))

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(month)d/%(year)d") % {"year": self.year, "month": self.number}
        if self.kind == QUARTER:
            return _("Q%(quarter)d %(year)d") % {"year": self.year, "quarter": self.number}
        return _("%(year)d, full year") % {"year": self.year}

    @property
    def query(self) -> str:
        """The period as the query string says it (`month=2024-03`, `quarter=2024-Q1`, `year=2024`)."""
        return f"{self.kind}={self.value}"

    @property
    def value(self) -> str:
        if self.kind == MONTH:
            return m.format_month(self.first)
        if self.kind == QUARTER:
            return f"{self.year:04d}-Q{self.number}"
        return f"{self.year:04d}"

    @property
    def slug(self) -> str:
        """For file names: 2024-03, 2024-Q1, 2024."""
        return self.value

    def __str__(self) -> str:
        return self.label


PERIOD_REQUIRED = gettext_lazy("Give exactly one of month (YYYY-MM), quarter (YYYY-Qn) or year (YYYY).")


def parse_period(params, *, default: Period | None = None) -> Period:
    """Exactly one of `month`, `quarter`, `year` from a QueryDict-like mapping; `default` when
    none is given (if a default is allowed). Raises `ValidationError` keyed by the field."""
    given = {key: (params.get(key) or "").strip() for key in (MONTH, QUARTER, YEAR)}
    given = {key: value for key, value in given.items() if value}
    if not given and default is not None:
        return default
    if len(given) != 1:
        raise ValidationError({"period": [PERIOD_REQUIRED]})
    key, value = next(iter(given.items()))
    try:
        if key == MONTH:
            return Period.of_month(m.parse_month(value))
        if key == QUARTER:
            match = _QUARTER.fullmatch(value)
            if match is None:
                raise ValidationError(
                    _("Enter a quarter as YYYY-Qn (n from 1 to 4)."), code="invalid_quarter"
                )
            return Period.of_quarter(int(match.group(1)), int(match.group(2)))
        if _YEAR.fullmatch(value) is None:
            raise ValidationError(_("Enter a year as YYYY."), code="invalid_year")
        return Period.of_year(int(value))
    except ValidationError as error:
        raise ValidationError({key: error.messages}) from error
