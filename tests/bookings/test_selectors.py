"""Reads of the booking core (bookings/selectors.py): a venue's day, positions in the queue."""

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking, DutyShift, SlotCounter
from bookings.selectors import day_slots, venue_availability, waitlist_position
from bookings.services.booking import booking_cancel
from tests.factories import VenueFactory
from venues.models import Closure, Venue

from .support import NOW, TODAY, at, book, member, set_rule, shared_venue, worker, write_booking

Status = Booking.Status


def by_hour(states):
    return {s.start.astimezone(at(0, 0).tzinfo).hour: s for s in states}


def test_day_slots_cut_the_opening_hours_into_the_venues_slots(world):
    slots = day_slots(world.venue_a, TODAY + timedelta(days=1))

    assert [s for s, _e, _c in slots][:2] == [at(1, 9), at(1, 10)]
    assert len(slots) == 12  # 09:00–21:00
    assert all(e - s == timedelta(hours=1) for s, e, _c in slots)
    assert {c for _s, _e, c in slots} == {1}
    assert {c for _s, _e, c in day_slots(world.venue_b, TODAY)} == {world.venue_b.capacity}


@pytest.mark.parametrize("whole_palace", [True, False])
def test_closed_days_have_no_slots(world, whole_palace):
    day = TODAY + timedelta(days=2)
    Closure.objects.create(
        palace=world.palace_a,
        venue=None if whole_palace else world.venue_a,
        start_date=day,
        end_date=day,
        reason="检修",
    )

    assert day_slots(world.venue_a, day) == []
    assert venue_availability(world.venue_a, day, now=NOW) == []
    assert day_slots(world.venue_a, day + timedelta(days=1))


def test_service_window_slots_follow_the_duty_roster(world):
    window = VenueFactory(palace=world.palace_a, kind="legal_aid_window")
    tuesday = TODAY + timedelta(days=1)
    DutyShift.objects.create(
        palace=world.palace_a, venue=window, person="张律师", weekday=1, starts=time(9), ends=time(12)
    )
    DutyShift.objects.create(
        palace=world.palace_a, venue=window, person="李律师", date=tuesday, starts=time(10), ends=time(12)
    )

    assert day_slots(window, tuesday) == [
        (at(1, 9), at(1, 10), 1),
        (at(1, 10), at(1, 11), 2),
        (at(1, 11), at(1, 12), 2),
    ]
    assert [c for _s, _e, c in day_slots(window, tuesday + timedelta(days=7))] == [1, 1, 1]
    assert day_slots(window, tuesday + timedelta(days=1)) == []


def test_availability_of_an_exclusive_venue(world):
    book(world.worker, world.venue_a, hour=10, hours=2)
    book(world.worker2, world.venue_a, hour=10, waitlist=True)
    book(worker(), world.venue_a, hour=11, waitlist=True)
    book(member(), world.venue_a, hour=11, waitlist=True)

    states = by_hour(venue_availability(world.venue_a, TODAY + timedelta(days=1), now=NOW))

    assert (states[10].taken, states[10].available, states[10].state, states[10].waiting) == (1, 0, "full", 1)
    assert (states[11].taken, states[11].waiting) == (1, 2)
    assert (states[12].taken, states[12].available, states[12].state) == (0, 1, "open")
    assert states[12].bookable
    assert not states[10].bookable
    assert states[9].capacity == 1


def test_cancelled_and_pending_do_not_take_an_exclusive_slot(world):
    booking = book(world.worker, world.venue_a, hour=10)
    booking_cancel(actor=world.worker, booking=booking, now=NOW)
    write_booking(world.worker2, world.venue_a, at(1, 11), status=Status.PENDING)

    states = by_hour(venue_availability(world.venue_a, TODAY + timedelta(days=1), now=NOW))

    assert states[10].state == states[11].state == "open"


def test_availability_of_a_shared_venue_counts_places(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, hour=10, party_size=2)
    book(world.worker2, room, hour=11, party_size=3)
    book(worker(), room, hour=11, party_size=1, waitlist=True)

    states = by_hour(venue_availability(room, TODAY + timedelta(days=1), now=NOW))

    assert (states[10].capacity, states[10].taken, states[10].available, states[10].state) == (
        3,
        2,
        1,
        "open",
    )
    assert (states[11].taken, states[11].available, states[11].state, states[11].waiting) == (3, 0, "full", 1)
    assert (states[12].taken, states[12].available, states[12].waiting) == (0, 3, 0)


def test_a_slot_with_a_queue_is_full_even_with_a_place_free(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, party_size=2)
    small = book(world.worker2, room, party_size=1)
    book(worker(), room, party_size=3, waitlist=True)
    booking_cancel(actor=world.worker2, booking=small, now=NOW)  # one place free; the head needs 3

    state = by_hour(venue_availability(room, TODAY + timedelta(days=1), now=NOW))[10]

    assert (state.available, state.waiting, state.state, state.bookable) == (1, 1, "full", False)


def test_past_and_not_yet_open_states(world):
    set_rule(world.venue_a, window_days=7, window_opens_at=time(8))
    today = by_hour(venue_availability(world.venue_a, TODAY, now=at(0, 10, 30)))

    assert today[9].state == today[10].state == "past"
    assert today[11].state == "open"

    seventh = TODAY + timedelta(days=7)
    before = venue_availability(world.venue_a, seventh, now=NOW - timedelta(minutes=1))
    after = venue_availability(world.venue_a, seventh, now=NOW)
    assert {s.state for s in before} == {"not_yet_open"}
    assert not any(s.bookable for s in before)
    assert {s.state for s in after} == {"open"}
    assert {s.state for s in venue_availability(world.venue_a, TODAY + timedelta(days=8), now=NOW)} == {
        "not_yet_open"
    }


def test_members_only_flag_per_slot(world):
    set_rule(world.venue_a, member_hours_start=time(18), member_hours_end=time(20))
    states = by_hour(venue_availability(world.venue_a, TODAY + timedelta(days=1), now=NOW))

    assert [h for h, s in sorted(states.items()) if s.members_only] == [18, 19]

    world.venue_a.member_only = True
    world.venue_a.save()
    assert all(s.members_only for s in venue_availability(world.venue_a, TODAY + timedelta(days=1), now=NOW))


def _busy_day(venue: Venue, day: date, users):
    """Every slot of the day held (by the first user, or a full counter), and a queue behind each."""
    for start, end, capacity in day_slots(venue, day):
        if venue.booking_mode == "shared":
            SlotCounter.objects.create(
                palace=venue.palace, venue=venue, start=start, end=end, capacity=capacity, taken=capacity
            )
        else:
            write_booking(users[0], venue, start, end=end)
        for user in users[1:]:
            write_booking(user, venue, start, end=end, status=Status.WAITLISTED)


def _queries(venue, day):
    venue = Venue.objects.get(pk=venue.pk)  # nothing cached
    with CaptureQueriesContext(connection) as ctx:
        states = venue_availability(venue, day, now=NOW)
    return len(ctx.captured_queries), states


@pytest.mark.parametrize("kind", ["badminton", "yoga"])
def test_availability_costs_a_fixed_number_of_queries(world, kind, django_assert_max_num_queries):
    venue = VenueFactory(palace=world.palace_a, kind=kind, slot_minutes=15)
    set_rule(venue)
    users = [worker() for _ in range(3)]
    day = TODAY + timedelta(days=1)
    empty_count, _states = _queries(venue, day)

    _busy_day(venue, day, users)
    busy_count, states = _queries(venue, day)

    assert len(states) == 48
    assert {s.state for s in states} == {"full"}
    assert {s.waiting for s in states} == {2}
    assert busy_count == empty_count
    fresh = Venue.objects.get(pk=venue.pk)
    # The rule, the palace, closures, opening hours, the queue, the places taken.
    with django_assert_max_num_queries(6):
        venue_availability(fresh, day, now=NOW)


def test_waitlist_position_is_none_for_those_not_waiting(world):
    holder = book(world.worker, world.venue_a)
    waiting = book(world.worker2, world.venue_a, waitlist=True)

    assert waitlist_position(holder) is None
    assert waitlist_position(waiting) == 1


def test_waitlist_position_counts_only_the_same_venue_and_overlapping_times(world):
    book(world.worker, world.venue_a, hour=10, hours=2)
    book(worker(), world.venue_b, hour=10)
    early = book(world.worker2, world.venue_a, hour=10, hours=2, waitlist=True)
    other_time = book(worker(), world.venue_a, hour=11, waitlist=True)
    later = book(worker(), world.venue_a, hour=10, waitlist=True, now=NOW + timedelta(minutes=1))

    assert waitlist_position(early) == 1
    assert waitlist_position(other_time) == 2  # `early` overlaps 11:00 too
    assert waitlist_position(later) == 2  # `other_time` does not overlap 10:00–11:00


def test_a_wait_for_two_slots_shows_on_both(world):
    write_booking(world.worker, world.venue_a, at(1, 10), end=at(1, 12), status=Booking.Status.WAITLISTED)

    slots = {s.start: s for s in venue_availability(world.venue_a, at(1, 10).date(), now=NOW)}

    assert slots[at(1, 10)].waiting == 1
    assert slots[at(1, 11)].waiting == 1
    assert slots[at(1, 11)].state == "full"
    assert slots[at(1, 12)].waiting == 0
