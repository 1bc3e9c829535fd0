"""How many SQL statements a booking costs over the API (issue 13): a bound, so regressions fail.

A booking used to take 21 statements (the person's lock, the suspension, the capacity, closures,
opening hours, the rule, the staff posts, the duplicate check, three limit counts, the queue, the
range lock and overlap check, a savepoint around the insert, the palace for the message, the
outbox insert and its re-read). docs/performance.md ("Bookings") says where each went.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bookings.models import Booking, Notification, SlotCounter
from bookings.rules import rule_for
from tests.factories import VenueFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)  # a Monday; the world's palaces open 9–21 daily
URL = "/api/v1/bookings/"

# Token and user with "holds a post?" (1), the venue with its palace, rule and the day's opening
# hours and closures (1), the person's lock with the capacity and the suspension (1), the counts
# (1), the range lock (exclusive) or the slot counter (shared) (1), the insert (1), the outbox
# rows (1).
BOOKING_STATEMENTS = 7
# On PostgreSQL a worker's booking of a free place, and the race's refusals, are one call of the
# booking function after the token and the venue (`bookings.services.fast`): no BEGIN, no COMMIT.
FAST_STATEMENTS = 3


def bound() -> int:
    return FAST_STATEMENTS if connection.vendor == "postgresql" else BOOKING_STATEMENTS


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(UTC))


def at(days: int, hour: int) -> datetime:
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour), tzinfo=SHANGHAI)


def post(user, venue, start: datetime):
    client = APIClient()
    token = Token.objects.get_or_create(user=user)[0]
    body = {"venue": venue.pk, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(URL, body, format="json", HTTP_AUTHORIZATION=f"Token {token.key}")
    # Savepoints and their release are bookkeeping of the test's own transaction, not round trips
    # a server makes (there the booking's transaction is the outermost one).
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    return response, statements


def test_a_booking_of_a_court_takes_at_most_seven_statements_three_on_postgresql(world):
    response, statements = post(world.worker, world.venue_a, at(1, 19))

    assert response.status_code == 201, response.content
    assert len(statements) <= bound(), "\n".join(statements)
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    assert Notification.objects.filter(kind="booking_confirmed").count() == 1


def test_a_booking_of_a_shared_slot_takes_at_most_seven_statements_once_its_counter_exists(world):
    # Three on PostgreSQL, whose function makes the counter too.
    post(world.worker2, world.venue_b, at(1, 19))  # makes the slot's counter

    response, statements = post(world.worker, world.venue_b, at(1, 19))

    assert response.status_code == 201, response.content
    assert len(statements) <= bound(), "\n".join(statements)
    assert SlotCounter.objects.get(venue=world.venue_b).taken == 2


def test_a_refusal_of_a_taken_court_waits_for_no_lock(world):
    post(world.worker2, world.venue_a, at(1, 19))

    response, statements = post(world.worker, world.venue_a, at(1, 19))

    assert response.status_code == 409
    assert response.json()["code"] == "slot_taken"
    range_lock = ("SELECT id FROM venues_venue WHERE", 'SELECT "venues_venue"."id" AS "pk"')  # lock_ranges
    assert not [sql for sql in statements if sql.startswith(range_lock)]
    assert len(statements) < BOOKING_STATEMENTS
    assert len(statements) <= bound()


def test_a_refusal_of_a_full_shared_slot_leaves_its_counter_alone(world):
    rule = rule_for(world.venue_b)
    rule.max_party = 1
    rule.save()
    world.venue_b.capacity = 1
    world.venue_b.save()
    post(world.worker2, world.venue_b, at(1, 19))  # makes the slot's counter, and fills it

    response, statements = post(world.worker, world.venue_b, at(1, 19))

    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    assert not [sql for sql in statements if sql.lstrip().startswith("UPDATE")]
    assert len(statements) < BOOKING_STATEMENTS
    assert len(statements) <= bound()


def test_staff_booking_with_a_token_stay_exempt_from_the_limits(world):
    rule = rule_for(world.venue_a)
    rule.max_active = 1
    rule.save()

    first, _ = post(world.staff_a, world.venue_a, at(1, 10))
    second, _ = post(world.staff_a, world.venue_a, at(1, 14))
    refused, _ = post(world.worker, world.venue_a, at(2, 10))
    worker_again, _ = post(world.worker, world.venue_a, at(2, 14))

    assert (first.status_code, second.status_code) == (201, 201)
    assert refused.status_code == 201
    assert worker_again.status_code == 409
    assert worker_again.json()["code"] == "limit_reached"


def test_a_counter_created_by_a_racer_between_the_two_reads_is_not_taken_for_full(world):
    # The race that lost two places of thirty: this booking's conditional update finds no counter
    # yet, another racer creates it (with room) before the next read. Room is room: the place is
    # taken, not refused as full.
    from unittest import mock

    from bookings.services import places

    gym = VenueFactory(palace=world.palace_a, name="健身房", kind="gym", capacity=30)
    start = at(1, 18)
    rng = places.SlotRange(start=start, end=start + timedelta(hours=1), capacity=30, slots=1)
    real_update = places.SlotCounter.objects.filter(pk=0).update.__func__
    calls = []

    def update_then_a_racer_creates_it(queryset, **values):
        calls.append(values)
        if len(calls) == 1:  # this booking's first try: no counter yet; a racer makes one meanwhile
            SlotCounter.objects.create(
                venue=gym, palace=world.palace_a, start=start, end=rng.end, capacity=30, taken=1
            )
            return 0
        return real_update(queryset, **values)

    with mock.patch.object(type(SlotCounter.objects.all()), "update", update_then_a_racer_creates_it):
        assert places.take_places(gym, rng, 1) is True
    assert SlotCounter.objects.get(venue=gym, start=start).taken == 2
