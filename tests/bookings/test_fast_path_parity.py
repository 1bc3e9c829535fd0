"""The booking's one-round-trip path answers what `booking_create`'s transaction answers (issue 13).

Each case arranges the database once, then books through both paths on that same data (each
attempt rolled back before the next): `booking_create` with `BOOKING_FAST_PATH` on, and with it
off. The answer (the booking's fields, or the refusal's code and message, in the worker's
language) and every row written (the booking, the slot's counter, the outbox rows, what is queued
after the commit) must be equal. The cases the function decides itself say so, and the test checks
that it did: a fast path that silently handed everything back would fail them.

PostgreSQL only: the function is PostgreSQL's (`bookings.services.fast`); CI's postgres step runs
this file. Races through the function are `tests/integration/test_booking_races.py`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from bookings.models import Booking, Notification, SlotCounter, Suspension
from bookings.services import booking_create
from bookings.services.fast import FUNCTION
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.bookings.support import NOW, TODAY, at, set_rule, shared_venue, write_booking
from tests.factories import UserFactory, VenueFactory
from venues.models import Closure, Palace, Venue

pytestmark = pytest.mark.django_db

Status = Booking.Status


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the one-round-trip booking is a PostgreSQL function")


@dataclass
class Attempt:
    user: Any
    venue: Venue
    days: int = 1
    hour: int = 10
    minutes: int = 60
    kwargs: dict | None = None


def _booking_row(booking: Booking) -> dict:
    row = Booking.objects.filter(pk=booking.pk).values().get()
    assert len(row.pop("check_in_code")) == 8
    for name in ("id", "created_at", "updated_at"):
        row.pop(name)
    return row


def _rows() -> dict:
    """Every row a booking may write, without what differs by nature (ids, codes, clocks)."""
    bookings = list(
        Booking.objects.order_by("venue_id", "start", "user_id").values(
            "venue_id", "user_id", "start", "end", "status", "party_size", "mode", "exclusive", "fee",
            "local_date", "purpose", "organisation", "queue_rank", "offer_expires_at",
        )
    )  # fmt: skip
    counters = list(
        SlotCounter.objects.order_by("venue_id", "start").values("venue_id", "start", "capacity", "taken")
    )
    codes = dict(Booking.objects.values_list("pk", "check_in_code"))
    outbox = []
    for row in Notification.objects.order_by("booking__start", "channel").values():
        key = row.pop("dedupe_key")
        row["dedupe_key"] = key.replace(f":{row['booking_id']}:", ":<booking>:")
        row["body"] = row["body"].replace(codes[row["booking_id"]], "<code>")
        for name in ("id", "booking_id", "created_at"):
            row.pop(name)
        outbox.append(row)
    return {"bookings": bookings, "counters": counters, "outbox": outbox}


def _attempt(attempt: Attempt, *, fast: bool, capture) -> dict:
    """The answer and the rows of one booking through one path, rolled back afterwards."""
    start = at(attempt.days, attempt.hour)
    answer: dict
    with override_settings(BOOKING_FAST_PATH=fast):
        savepoint = transaction.savepoint()
        try:
            with CaptureQueriesContext(connection) as queries, capture() as callbacks:
                try:
                    booking = booking_create(
                        user=attempt.user,
                        venue=attempt.venue,
                        start=start,
                        end=start + timedelta(minutes=attempt.minutes),
                        now=NOW,
                        **(attempt.kwargs or {}),
                    )
                    answer = {"status": booking.status}
                except (RuleViolation, InvalidInput, NotFound) as error:
                    booking = None
                    answer = {
                        "refused": type(error).__name__,
                        "code": error.code,
                        "message": str(error),
                        "fields": error.fields,
                    }
            sql = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
            if booking is not None:
                answer["row"] = _booking_row(booking)
            answer["rows"] = _rows()
            # What is queued after the commit: how many outbox rows each callback carries.
            answer["queued"] = sorted(len(callback.args[0]) for callback in callbacks)
        finally:
            transaction.savepoint_rollback(savepoint)
    called = [i for i, statement in enumerate(sql) if FUNCTION in statement]
    answer["decided_by_function"] = bool(called) and called[-1] == len(sql) - 1
    answer["function_called"] = bool(called)
    return answer


def _both(attempt: Attempt, capture) -> tuple[dict, dict]:
    fast = _attempt(attempt, fast=True, capture=capture)
    slow = _attempt(attempt, fast=False, capture=capture)
    assert not slow["function_called"]
    return fast, slow


def _same(fast: dict, slow: dict) -> bool:
    """Assert the two answers equal; whether the function decided the fast one itself."""
    decided = fast.pop("decided_by_function")
    fast.pop("function_called")
    slow.pop("decided_by_function")
    slow.pop("function_called")
    assert fast == slow
    return decided


# --- What the function decides itself ------------------------------------------------------------


def _court_free(world):
    return Attempt(world.worker, world.venue_a, hour=19)


def _court_two_slots(world):
    return Attempt(world.worker, world.venue_a, hour=19, minutes=120, kwargs={"party_size": 2})


def _court_with_purpose(world):
    kwargs = {"purpose": "  班组训练  ", "organisation": " 工会 "}
    return Attempt(world.worker, world.venue_a, hour=19, kwargs=kwargs)


def _shared_first_of_its_slot(world):
    return Attempt(world.worker, world.venue_b, hour=19)


def _shared_with_its_counter(world):
    write_booking(world.worker2, world.venue_b, at(1, 19))
    SlotCounter.objects.create(
        venue=world.venue_b, palace=world.palace_b, start=at(1, 19), end=at(1, 20), capacity=30, taken=1
    )
    return Attempt(world.worker, world.venue_b, hour=19)


def _shared_party_in_the_last_places(world):
    venue = shared_venue(world.palace_a, capacity=3, max_party=3)
    SlotCounter.objects.create(
        venue=venue, palace=world.palace_a, start=at(1, 10), end=at(1, 11), capacity=3, taken=1
    )
    return Attempt(world.worker, venue, kwargs={"party_size": 2})


def _shared_full(world):
    venue = shared_venue(world.palace_a, capacity=3, max_party=3)
    SlotCounter.objects.create(
        venue=venue, palace=world.palace_a, start=at(1, 10), end=at(1, 11), capacity=3, taken=2
    )
    return Attempt(world.worker, venue, kwargs={"party_size": 2})


def _court_taken(world):
    write_booking(world.worker2, world.venue_a, at(1, 19))
    return Attempt(world.worker, world.venue_a, hour=19)


def _court_taken_by_the_second_hour(world):
    write_booking(world.worker2, world.venue_a, at(1, 20))
    return Attempt(world.worker, world.venue_a, hour=19, minutes=120)


def _already_booked_here(world):
    write_booking(world.worker, world.venue_b, at(1, 19))
    return Attempt(world.worker, world.venue_b, hour=19)


def _with_email_in_english(world):
    user = UserFactory(email="wu@example.com", language="en")
    return Attempt(user, world.venue_a, hour=19)


def _member_in_member_hours(world):
    set_rule(world.venue_a, member_hours_start=time(18), member_hours_end=time(20))
    return Attempt(UserFactory(membership_number="36010012345"), world.venue_a, hour=19)


def _limits_just_below(world):
    set_rule(world.venue_a, max_active=2, max_per_day=2, max_per_week=2)
    write_booking(world.worker, world.venue_a, at(1, 10))
    return Attempt(world.worker, world.venue_a, hour=19)


def _counter_of_an_older_capacity(world):
    # Made when the gym held 20; it holds 40 now: the counter's capacity follows with the booking.
    SlotCounter.objects.create(
        venue=world.venue_b, palace=world.palace_b, start=at(1, 19), end=at(1, 20), capacity=20, taken=20
    )
    return Attempt(world.worker, world.venue_b, hour=19)


DECIDED = [
    (_court_free, "confirmed"),
    (_court_two_slots, "confirmed"),
    (_court_with_purpose, "confirmed"),
    (_shared_first_of_its_slot, "confirmed"),
    (_shared_with_its_counter, "confirmed"),
    (_shared_party_in_the_last_places, "confirmed"),
    (_shared_full, "slot_full"),
    (_court_taken, "slot_taken"),
    (_court_taken_by_the_second_hour, "slot_taken"),
    (_already_booked_here, "already_booked"),
    (_with_email_in_english, "confirmed"),
    (_member_in_member_hours, "confirmed"),
    (_limits_just_below, "confirmed"),
    (_counter_of_an_older_capacity, "confirmed"),
]


def _outcome(answer: dict) -> str:
    return answer.get("code") or answer["status"]


@pytest.mark.parametrize(
    ("case", "expected"), DECIDED, ids=lambda value: getattr(value, "__name__", value).strip("_")
)
def test_the_function_decides_the_common_cases_as_booking_create_does(
    world, case, expected, django_capture_on_commit_callbacks
):
    fast, slow = _both(case(world), django_capture_on_commit_callbacks)

    assert _outcome(slow) == expected
    assert _same(fast, slow), "the function handed this case back to booking_create"


def test_a_booking_through_the_function_is_what_booking_create_writes(
    world, django_capture_on_commit_callbacks
):
    fast, slow = _both(_with_email_in_english(world), django_capture_on_commit_callbacks)

    assert fast["status"] == Status.CONFIRMED
    assert [row["channel"] for row in fast["rows"]["outbox"]] == ["email", "sms"]
    assert fast["rows"]["outbox"][0]["subject"].startswith("Booking confirmed")
    assert fast["queued"] == [2]
    assert _same(fast, slow)


# --- What it hands back: booking_create answers ---------------------------------------------------


def _suspended(world):
    Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW + timedelta(days=12),
        reason="3 no-shows",
    )
    return Attempt(world.worker, world.venue_a, hour=19)


def _members_only_venue(world):
    world.venue_a.member_only = True
    world.venue_a.save()
    return Attempt(world.worker, world.venue_a, hour=19)


def _member_hours(world):
    set_rule(world.venue_a, member_hours_start=time(18), member_hours_end=time(20))
    return Attempt(world.worker, world.venue_a, hour=19)


def _closed_hour(world):
    return Attempt(world.worker, world.venue_a, hour=22)


def _off_the_slot_boundary(world):
    return Attempt(world.worker, world.venue_a, hour=19, minutes=30)


def _too_many_slots(world):
    set_rule(world.venue_a, max_slots=2)
    return Attempt(world.worker, world.venue_a, hour=10, minutes=180)


def _two_slots_of_a_shared_venue(world):
    return Attempt(world.worker, world.venue_b, hour=10, minutes=120)


def _closure_day(world):
    Closure.objects.create(
        palace=world.palace_a,
        start_date=TODAY + timedelta(days=1),
        end_date=TODAY + timedelta(days=1),
        reason="检修",
    )
    return Attempt(world.worker, world.venue_a, hour=19)


def _window_not_open(world):
    return Attempt(world.worker, world.venue_a, days=30, hour=19)


def _already_begun(world):
    return Attempt(world.worker, world.venue_a, days=-1, hour=19)


def _max_active(world):
    set_rule(world.venue_a, max_active=1)
    write_booking(world.worker, world.venue_b, at(2, 10))
    return Attempt(world.worker, world.venue_a, hour=19)


def _max_per_day(world):
    set_rule(world.venue_a, max_per_day=1)
    write_booking(world.worker, world.venue_a, at(1, 10), status=Status.CHECKED_IN)
    return Attempt(world.worker, world.venue_a, hour=19)


def _max_per_week(world):
    set_rule(world.venue_a, max_per_week=1, max_active=5)
    write_booking(world.worker, world.venue_a, at(3, 10))
    return Attempt(world.worker, world.venue_a, hour=19)


def _people_waiting_for_a_court(world):
    write_booking(world.worker2, world.venue_a, at(1, 19), status=Status.WAITLISTED)
    return Attempt(world.worker, world.venue_a, hour=19)


def _people_waiting_for_a_shared_slot(world):
    write_booking(world.worker2, world.venue_b, at(1, 19), status=Status.WAITLISTED)
    return Attempt(world.worker, world.venue_b, hour=19)


def _capacity_changed_since_read(world):
    Venue.objects.filter(pk=world.venue_b.pk).update(capacity=1)  # the attempt's venue says 30
    return Attempt(world.worker, world.venue_b, hour=19)


def _counter_over_a_reduced_capacity(world):
    # Made when the room held 5 and 4 came; it holds 3 now: booking_create mends it, and it is full.
    venue = shared_venue(world.palace_a, capacity=3, max_party=3)
    SlotCounter.objects.create(
        venue=venue, palace=world.palace_a, start=at(1, 10), end=at(1, 11), capacity=5, taken=4
    )
    return Attempt(world.worker, venue)


def _party_larger_than_the_slot(world):
    venue = shared_venue(world.palace_a, capacity=3, max_party=3)
    return Attempt(world.worker, venue, kwargs={"party_size": 4})


def _staff_of_the_palace(world):
    set_rule(world.venue_a, max_active=1)
    write_booking(world.staff_a, world.venue_a, at(1, 10))
    return Attempt(world.staff_a, world.venue_a, hour=19)


def _waitlist(world):
    venue = shared_venue(world.palace_a, capacity=3, max_party=3)
    SlotCounter.objects.create(
        venue=venue, palace=world.palace_a, start=at(1, 10), end=at(1, 11), capacity=3, taken=3
    )
    return Attempt(world.worker, venue, kwargs={"waitlist": True})


def _group_request(world):
    venue = VenueFactory(palace=world.palace_a, kind="folk_stage")
    return Attempt(world.worker, venue, hour=14, kwargs={"purpose": "班组会"})


def _closed_palace(world):
    Palace.objects.filter(pk=world.palace_a.pk).update(status=Palace.Status.CLOSED)
    world.venue_a.palace.status = Palace.Status.CLOSED
    return Attempt(world.worker, world.venue_a, hour=19)


HANDED_BACK = [
    (_suspended, "suspended"),
    (_members_only_venue, "members_only"),
    (_member_hours, "members_only"),
    (_closed_hour, "outside_opening_hours"),
    (_off_the_slot_boundary, "outside_opening_hours"),
    (_too_many_slots, "outside_opening_hours"),
    (_two_slots_of_a_shared_venue, "outside_opening_hours"),
    (_closure_day, "outside_opening_hours"),
    (_window_not_open, "outside_booking_window"),
    (_already_begun, "outside_booking_window"),
    (_max_active, "limit_reached"),
    (_max_per_day, "limit_reached"),
    (_max_per_week, "limit_reached"),
    (_people_waiting_for_a_court, "slot_taken"),
    (_people_waiting_for_a_shared_slot, "slot_full"),
    (_capacity_changed_since_read, "confirmed"),
    (_counter_over_a_reduced_capacity, "slot_full"),
    (_party_larger_than_the_slot, "invalid_party_size"),
    (_staff_of_the_palace, "confirmed"),
    (_waitlist, "waitlisted"),
    (_group_request, "pending"),
    (_closed_palace, "not_found"),
]


@pytest.mark.parametrize(
    ("case", "expected"), HANDED_BACK, ids=lambda value: getattr(value, "__name__", value).strip("_")
)
def test_what_the_function_hands_back_is_answered_as_before(
    world, case, expected, django_capture_on_commit_callbacks
):
    fast, slow = _both(case(world), django_capture_on_commit_callbacks)

    assert _outcome(slow) == expected
    assert not _same(fast, slow)


def test_the_cases_cover_every_answer_of_a_booking():
    covered = {expected for _case, expected in (*DECIDED, *HANDED_BACK)}

    assert covered >= {
        "confirmed", "waitlisted", "pending", "slot_taken", "slot_full", "already_booked", "suspended",
        "members_only", "outside_opening_hours", "outside_booking_window", "limit_reached",
        "invalid_party_size", "not_found",
    }  # fmt: skip


def test_a_failed_constraint_in_the_function_leaves_nothing_and_booking_create_books(world, monkeypatch):
    from bookings.services import common

    taken = write_booking(world.worker2, world.venue_b, at(1, 19))
    draw = common.new_check_in_code
    drawn = []

    def first_a_code_in_use():  # then fresh ones, for booking_create
        drawn.append(draw() if drawn else taken.check_in_code)
        return drawn[-1]

    monkeypatch.setattr(common, "new_check_in_code", first_a_code_in_use)

    with CaptureQueriesContext(connection) as queries:
        booking = booking_create(
            user=world.worker, venue=world.venue_a, start=at(1, 19), end=at(1, 20), now=NOW
        )

    assert drawn[0] == taken.check_in_code  # the function was called with a code already used
    assert len(drawn) == 2
    assert any(FUNCTION in q["sql"] for q in queries.captured_queries)
    assert booking.status == Status.CONFIRMED
    assert booking.check_in_code != taken.check_in_code
    assert Booking.objects.filter(venue=world.venue_a).count() == 1
    assert Notification.objects.filter(booking=booking).count() == 1


def test_without_its_function_a_booking_takes_the_longer_path(world, caplog):
    from bookings.services import fast

    fast._warn_missing.cache_clear()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP FUNCTION {FUNCTION}")  # rolled back with the test's transaction

    booking = booking_create(user=world.worker, venue=world.venue_a, start=at(1, 19), end=at(1, 20), now=NOW)

    assert booking.status == Status.CONFIRMED
    assert "run migrate" in caplog.text
    fast._warn_missing.cache_clear()
