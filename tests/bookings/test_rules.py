"""Booking rules (bookings/rules.py): defaults per mode and kind, the window, member hours, deadlines."""

from datetime import time, timedelta

import pytest
from django.db import IntegrityError

from bookings.models import BookingRule
from bookings.rules import (
    cancel_deadline,
    checkin_window,
    in_member_hours,
    rule_defaults,
    rule_for,
    window_last_date,
)
from tests.factories import VenueFactory
from venues.models import Venue

from .support import NOW, TODAY, at, set_rule


def test_rule_for_gives_the_defaults_without_writing(world, django_assert_num_queries):
    # Reads (availability, a public GET) never create rows: the rule is saved when staff change it.
    first = rule_for(world.venue_a)
    again = rule_for(Venue.objects.get(pk=world.venue_a.pk))

    assert first.pk is None
    assert again.pk is None
    assert not BookingRule.objects.exists()
    assert (first.window_days, first.max_slots) == (again.window_days, again.max_slots) == (7, 2)
    assert first.palace_id == world.palace_a.pk
    with django_assert_num_queries(0):
        assert rule_for(world.venue_a) is first  # kept on the venue object


def test_rule_for_reads_the_rule_staff_saved(world):
    set_rule(world.venue_a, window_days=30)
    set_rule(world.venue_a, max_slots=3)

    rule = rule_for(Venue.objects.get(pk=world.venue_a.pk))

    assert (rule.window_days, rule.max_slots) == (30, 3)
    assert BookingRule.objects.count() == 1


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("badminton", {"window_days": 7, "max_slots": 2, "max_party": 4, "cancel_deadline_minutes": 120}),
        ("karaoke", {"window_days": 7, "max_slots": 2, "max_party": 12, "cancel_deadline_minutes": 120}),
        ("gym", {"window_days": 3, "max_slots": 1, "max_party": 1, "cancel_deadline_minutes": 60}),
        ("swimming_pool", {"window_days": 3, "max_slots": 1, "max_party": 4}),
        ("yoga", {"window_days": 3, "max_party": 2}),
        ("library", {"window_days": 2, "max_party": 1}),
        ("legal_aid_window", {"window_days": 14, "max_slots": 1, "max_party": 1, "max_per_day": 1}),
        (
            "multi_function_hall",
            {
                "window_days": 60,
                "max_slots": 12,
                "max_party": 200,
                "max_active": 2,
                "max_per_day": 1,
                "max_per_week": 2,
                "cancel_deadline_minutes": 24 * 60,
            },
        ),
    ],
)
def test_defaults_follow_the_mode_then_the_kind(world, kind, expected):
    venue = VenueFactory(palace=world.palace_a, kind=kind)

    rule = rule_for(venue)

    assert {name: getattr(rule, name) for name in expected} == expected


def test_largest_party_never_exceeds_the_venues_capacity(world):
    tiny_pool = VenueFactory(palace=world.palace_a, kind="swimming_pool", capacity=3)
    one_seat = VenueFactory(palace=world.palace_a, kind="yoga", capacity=1)

    assert rule_defaults(tiny_pool)["max_party"] == 3
    assert rule_defaults(one_seat)["max_party"] == 1


def test_window_opens_a_new_day_at_the_set_hour(world):
    rule = set_rule(world.venue_a, window_days=7, window_opens_at=time(8))

    assert window_last_date(rule, NOW - timedelta(seconds=1)) == TODAY + timedelta(days=6)
    assert window_last_date(rule, NOW) == TODAY + timedelta(days=7)
    assert window_last_date(rule, at(0, 23, 59)) == TODAY + timedelta(days=7)


def test_window_reads_the_local_date(world):
    rule = set_rule(world.venue_a, window_days=1, window_opens_at=time(0))

    # 00:30 in Shanghai is still the previous day in UTC: the local date counts.
    assert window_last_date(rule, at(1, 0, 30)) == TODAY + timedelta(days=2)


def test_window_of_zero_days_is_today_whatever_the_hour(world):
    rule = set_rule(world.venue_a, window_days=0, window_opens_at=time(8))

    assert window_last_date(rule, at(0, 7)) == TODAY
    assert window_last_date(rule, at(0, 9)) == TODAY


def test_member_hours_include_the_start_and_exclude_the_end(world):
    rule = set_rule(world.venue_a, member_hours_start=time(18), member_hours_end=time(20))

    assert not in_member_hours(rule, at(1, 17))
    assert in_member_hours(rule, at(1, 18))
    assert in_member_hours(rule, at(1, 19, 59))
    assert not in_member_hours(rule, at(1, 20))


def test_no_member_hours_when_unset(world):
    rule = rule_for(world.venue_a)

    assert rule.member_hours_start is None
    assert not in_member_hours(rule, at(1, 19))


def test_check_in_window_and_cancel_deadline_are_relative_to_the_start(world):
    rule = set_rule(
        world.venue_a, checkin_opens_minutes=20, checkin_closes_minutes=10, cancel_deadline_minutes=90
    )
    start = at(1, 10)

    assert checkin_window(rule, start) == (at(1, 9, 40), at(1, 10, 10))
    assert cancel_deadline(rule, start) == at(1, 8, 30)


def test_a_second_rule_for_a_venue_is_refused(world):
    BookingRule.objects.create(venue=world.venue_a, palace=world.palace_a)

    with pytest.raises(IntegrityError):
        BookingRule.objects.create(venue=world.venue_a, palace=world.palace_a)
