from datetime import date

import pytest
from django.core.exceptions import ValidationError

from palace_portal import months


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2024-01", date(2024, 1, 1)), ("2026-12", date(2026, 12, 1)), (" 2025-07 ", date(2025, 7, 1))],
)
def test_parse_month_reads_year_and_month(text, expected):
    assert months.parse_month(text) == expected


@pytest.mark.parametrize("text", ["", "2024", "2024-13", "2024-00", "2024-1", "24-01", "0000-01", "9999-12"])
def test_parse_month_refuses_malformed_or_absurd_months(text):
    with pytest.raises(ValidationError):
        months.parse_month(text)


def test_add_months_crosses_years_both_ways():
    assert months.add_months(date(2024, 11, 1), 3) == date(2025, 2, 1)
    assert months.add_months(date(2024, 2, 1), -14) == date(2022, 12, 1)
    assert months.next_month(date(2024, 12, 1)) == date(2025, 1, 1)
    assert months.previous_month(date(2024, 1, 1)) == date(2023, 12, 1)


def test_month_bounds_know_february_in_leap_years():
    assert months.month_bounds(date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert months.month_range(date(2023, 12, 5)) == (date(2023, 12, 1), date(2024, 1, 1))


def test_months_between_includes_both_ends_and_is_empty_backwards():
    assert list(months.months_between(date(2024, 11, 5), date(2025, 2, 1))) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert list(months.months_between(date(2025, 1, 1), date(2024, 1, 1))) == []


def test_month_ends_stop_at_the_given_day():
    assert months.month_ends(2024, until=date(2024, 3, 15)) == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 15),
    ]
    assert len(months.month_ends(2024)) == 12


def test_quarters_and_formatting():
    assert months.quarter_of(date(2024, 8, 1)) == 3
    assert months.quarter_months(2024, 4) == [date(2024, 10, 1), date(2024, 11, 1), date(2024, 12, 1)]
    assert months.format_month(date(2024, 3, 1)) == "2024-03"
