"""The booking lifecycle (bookings/services/booking.py): every rule of issue 3, with a frozen "now".

"Now" is Monday 2026-11-23 08:00 Asia/Shanghai (tests/bookings/support.py). Palace A and B of the
`world` are open 09:00–21:00 every day; venue_a is a badminton court (booked whole, palace A),
venue_b a gym (places per slot, palace B).
"""

from datetime import UTC, time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count

from bookings.access import suspensions_decidable_by
from bookings.models import (
    Appeal,
    AppointmentMatter,
    Booking,
    DutyShift,
    MatterRead,
    Notification,
    SlotCounter,
    Suspension,
)
from bookings.rules import rule_for
from bookings.selectors import waitlist_position
from bookings.services import (
    appeal_decide,
    appeal_submit,
    booking_cancel,
    booking_check_in,
    booking_create,
    matter_read,
    no_shows_mark,
    offer_accept,
    offers_expire,
    reminders_send,
    request_decide,
    suspension_in_force,
    suspension_lift,
)
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.users import sms
from tests.factories import VenueFactory
from venues.models import Closure, Palace, Venue

from .support import (
    NOW,
    TODAY,
    at,
    book,
    member,
    palace_open,
    sent,
    set_rule,
    shared_venue,
    worker,
    write_booking,
)

Status = Booking.Status


def refused(code, call, /, *args, **kwargs):
    """Run `call`, expect a RuleViolation with `code`, and return it."""
    with pytest.raises(RuleViolation) as excinfo:
        call(*args, **kwargs)
    assert excinfo.value.code == code, excinfo.value.message
    return excinfo.value


def reload(booking):
    booking.refresh_from_db()
    return booking


def counter(venue, start):
    return SlotCounter.objects.get(venue=venue, start=start)


# --- Slots and opening hours ----------------------------------------------------------------------


def test_a_free_slot_is_booked_and_confirmed(world):
    booking = book(world.worker, world.venue_a, days=1, hour=10)

    assert booking.status == Status.CONFIRMED
    assert (booking.start, booking.end) == (at(1, 10), at(1, 11))
    assert booking.palace == world.palace_a
    assert booking.mode == "exclusive"
    assert booking.exclusive
    assert booking.local_date == TODAY + timedelta(days=1)
    assert len(booking.check_in_code) == 8
    assert sent("booking_confirmed", booking=booking) == 1


def test_booking_at_three_in_the_morning_is_outside_opening_hours(world):
    refused("outside_opening_hours", book, world.worker, world.venue_a, days=1, hour=3)
    assert not Booking.objects.exists()


def test_start_off_the_slot_grid_is_refused(world):
    start = at(1, 10, 30)
    refused(
        "outside_opening_hours",
        booking_create,
        user=world.worker,
        venue=world.venue_a,
        start=start,
        end=start + timedelta(hours=1),
        now=NOW,
    )
    assert not Booking.objects.exists()


def test_end_off_the_slot_grid_is_refused(world):
    refused(
        "outside_opening_hours",
        booking_create,
        user=world.worker,
        venue=world.venue_a,
        start=at(1, 10),
        end=at(1, 10, 30),
        now=NOW,
    )


def test_end_after_closing_time_is_refused(world):
    refused("outside_opening_hours", book, world.worker, world.venue_a, days=1, hour=20, hours=2)


def test_range_crossing_the_midday_break_is_refused(world):
    palace = palace_open(world.city1, (time(9), time(12)), (time(14), time(21)))
    venue = VenueFactory(palace=palace, kind="badminton")
    set_rule(venue, max_slots=6)

    refused("outside_opening_hours", book, world.worker, venue, days=1, hour=11, hours=4)
    refused("outside_opening_hours", book, world.worker, venue, days=1, hour=12)
    assert book(world.worker, venue, days=1, hour=14, hours=2).status == Status.CONFIRMED


def test_more_consecutive_slots_than_the_rule_allows_are_refused(world):
    assert rule_for(world.venue_a).max_slots == 2

    error = refused("outside_opening_hours", book, world.worker, world.venue_a, days=1, hour=10, hours=3)
    assert "2" in str(error.message)
    assert book(world.worker, world.venue_a, days=1, hour=10, hours=2).status == Status.CONFIRMED


def test_a_shared_venue_is_booked_one_slot_at_a_time(world):
    set_rule(world.venue_b, max_slots=4)  # ignored: places are sold per slot

    refused("outside_opening_hours", book, world.worker, world.venue_b, days=1, hour=10, hours=2)
    assert not SlotCounter.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(1, 11), at(1, 10)),
        (at(1, 10), at(1, 10)),
        (at(1, 10).replace(tzinfo=None), at(1, 11).replace(tzinfo=None)),
    ],
)
def test_a_start_not_before_the_end_or_without_time_zone_is_invalid(world, start, end):
    with pytest.raises(InvalidInput) as excinfo:
        booking_create(user=world.worker, venue=world.venue_a, start=start, end=end, now=NOW)
    assert "end" in excinfo.value.fields
    assert not Booking.objects.exists()


@pytest.mark.parametrize("whole_palace", [True, False])
def test_no_slots_on_a_closure_day(world, whole_palace):
    tomorrow = TODAY + timedelta(days=1)
    Closure.objects.create(
        palace=world.palace_a,
        venue=None if whole_palace else world.venue_a,
        start_date=tomorrow,
        end_date=tomorrow,
        reason="设备检修",
    )
    other = VenueFactory(palace=world.palace_a, kind="table_tennis")

    refused("outside_opening_hours", book, world.worker, world.venue_a, days=1, hour=10)
    other_booking = (
        None if whole_palace else book(world.worker, other, days=1, hour=10)
    )  # a venue-only closure leaves the rest of the palace open
    if whole_palace:
        refused("outside_opening_hours", book, world.worker, other, days=1, hour=10)
    else:
        assert other_booking.status == Status.CONFIRMED
    assert book(world.worker2, world.venue_a, days=2, hour=10).status == Status.CONFIRMED


def test_a_start_given_in_another_time_zone_is_the_same_instant(world):
    start = at(1, 10).astimezone(UTC)  # 02:00Z, as an API client may send it

    booking = booking_create(
        user=world.worker, venue=world.venue_a, start=start, end=start + timedelta(hours=1), now=NOW
    )

    assert booking.status == Status.CONFIRMED
    assert booking.start == at(1, 10)
    assert booking.local_date == TODAY + timedelta(days=1)


def test_inactive_venue_or_unlisted_palace_is_not_found(world):
    world.venue_a.is_active = False
    world.venue_a.save()
    with pytest.raises(NotFound):
        book(world.worker, world.venue_a)

    world.palace_b.status = Palace.Status.CLOSED
    world.palace_b.save()
    with pytest.raises(NotFound):
        book(world.worker, world.venue_b)
    assert not Booking.objects.exists()


# --- Booking window -------------------------------------------------------------------------------


def test_a_start_in_the_past_is_outside_the_booking_window(world):
    refused("outside_booking_window", book, world.worker, world.venue_a, days=-1, hour=10)
    # Today 10:00 seen at 10:30: already begun.
    refused("outside_booking_window", book, world.worker, world.venue_a, days=0, hour=10, now=at(0, 10, 30))
    refused("outside_booking_window", book, world.worker, world.venue_a, days=0, hour=10, now=at(0, 10))
    assert book(world.worker, world.venue_a, days=0, hour=11, now=at(0, 10, 30)).status == Status.CONFIRMED


def test_a_day_beyond_the_window_is_not_open_yet(world):
    set_rule(world.venue_a, window_days=7, window_opens_at=time(8, 0))

    error = refused("outside_booking_window", book, world.worker, world.venue_a, days=8)
    assert "08:00" in str(error.message)
    assert not Booking.objects.exists()


def test_the_newest_day_opens_at_the_set_hour(world):
    set_rule(world.venue_a, window_days=7, window_opens_at=time(8, 0))
    just_before = NOW - timedelta(seconds=1)

    refused("outside_booking_window", book, world.worker, world.venue_a, days=7, now=just_before)
    assert book(world.worker, world.venue_a, days=6, now=just_before).status == Status.CONFIRMED
    assert book(world.worker2, world.venue_a, days=7, now=NOW).status == Status.CONFIRMED


def test_window_of_zero_days_allows_only_today(world):
    set_rule(world.venue_a, window_days=0, window_opens_at=time(8, 0))

    assert book(world.worker, world.venue_a, days=0, hour=15, now=at(0, 7)).status == Status.CONFIRMED
    refused("outside_booking_window", book, world.worker, world.venue_a, days=1, now=at(0, 23))


# --- Per-person limits ----------------------------------------------------------------------------


def test_active_bookings_are_counted_across_palaces(world):
    set_rule(world.venue_a, max_active=2, max_per_day=9, max_per_week=9)
    court_a2 = VenueFactory(palace=world.palace_a, kind="table_tennis")
    book(world.worker, world.venue_b, days=1, hour=10)  # palace B
    book(world.worker, court_a2, days=2, hour=10)  # palace A, another venue

    error = refused("limit_reached", book, world.worker, world.venue_a, days=3)
    assert "2" in str(error.message)
    assert Booking.objects.filter(user=world.worker).count() == 2


def test_limits_ignore_cancelled_and_past_bookings(world):
    set_rule(world.venue_a, max_active=1, max_per_day=9, max_per_week=9)
    first = book(world.worker, world.venue_a, days=1)
    refused("limit_reached", book, world.worker, world.venue_a, days=2)

    booking_cancel(actor=world.worker, booking=first, now=NOW)
    assert book(world.worker, world.venue_a, days=2).status == Status.CONFIRMED
    # Once that booking is over it no longer counts as active.
    assert book(world.worker, world.venue_a, days=3, now=at(2, 11, 30)).status == Status.CONFIRMED


def test_bookings_per_day_are_counted_across_palaces(world):
    set_rule(world.venue_a, max_active=9, max_per_day=2, max_per_week=9)
    book(world.worker, world.venue_b, days=1, hour=10)  # palace B
    book(world.worker, world.venue_a, days=1, hour=12)

    refused("limit_reached", book, world.worker, world.venue_a, days=1, hour=15)
    assert book(world.worker, world.venue_a, days=2, hour=15).status == Status.CONFIRMED


def test_a_checked_in_booking_still_counts_for_its_day(world):
    set_rule(world.venue_a, max_active=9, max_per_day=2, max_per_week=9)
    first = book(world.worker, world.venue_a, days=1, hour=10)
    book(world.worker, world.venue_a, days=1, hour=12)
    booking_check_in(actor=world.staff_a, code=first.check_in_code, now=at(1, 10))

    refused("limit_reached", book, world.worker, world.venue_a, days=1, hour=15, now=at(1, 10, 5))


def test_bookings_per_week_count_monday_to_sunday(world):
    set_rule(world.venue_a, max_active=9, max_per_day=9, max_per_week=2)
    book(world.worker, world.venue_a, days=1)  # Tuesday
    book(world.worker, world.venue_a, days=2)  # Wednesday

    refused("limit_reached", book, world.worker, world.venue_a, days=6)  # Sunday
    assert book(world.worker, world.venue_a, days=7).status == Status.CONFIRMED  # next Monday


def test_staff_of_the_venues_palace_are_exempt_from_limits_elsewhere_not(world):
    set_rule(world.venue_a, max_active=1, max_per_day=1, max_per_week=1)
    set_rule(world.venue_b, max_active=1, max_per_day=1, max_per_week=1)
    book(world.staff_a, world.venue_a, days=1, hour=10)
    book(world.staff_a, world.venue_a, days=1, hour=12)

    refused("limit_reached", book, world.staff_a, world.venue_b, days=1, hour=15)


# --- Members, party size, suspension, already booked ----------------------------------------------


def test_members_only_venue_refuses_non_members(world):
    world.venue_a.member_only = True
    world.venue_a.save()

    refused("members_only", book, world.worker, world.venue_a)
    assert book(member(), world.venue_a, hour=10).status == Status.CONFIRMED
    assert book(world.staff_a, world.venue_a, hour=12).status == Status.CONFIRMED


def test_member_hours_are_for_members_only(world):
    set_rule(world.venue_a, member_hours_start=time(18), member_hours_end=time(20))

    refused("members_only", book, world.worker, world.venue_a, hour=18)
    refused("members_only", book, world.worker, world.venue_a, hour=19)
    assert book(world.worker, world.venue_a, hour=20).status == Status.CONFIRMED
    assert book(member(), world.venue_a, hour=18).status == Status.CONFIRMED
    assert book(world.staff_a, world.venue_a, hour=19, days=2).status == Status.CONFIRMED


@pytest.mark.parametrize("party_size", [0, 5, -1])
def test_party_size_outside_the_rule_is_invalid(world, party_size):
    set_rule(world.venue_a, min_party=1, max_party=4)

    with pytest.raises(InvalidInput) as excinfo:
        book(world.worker, world.venue_a, party_size=party_size)
    assert excinfo.value.code == "invalid_party_size"
    assert "party_size" in excinfo.value.fields
    assert not Booking.objects.exists()


def test_party_size_bounds_are_inclusive(world):
    set_rule(world.venue_a, min_party=2, max_party=4)

    with pytest.raises(InvalidInput):
        book(world.worker, world.venue_a, party_size=1)
    assert book(world.worker, world.venue_a, hour=10, party_size=2).party_size == 2
    assert book(world.worker2, world.venue_a, hour=12, party_size=4).party_size == 4


def test_suspended_worker_is_refused_with_the_end_date(world):
    Suspension.objects.create(
        user=world.worker, starts_at=NOW - timedelta(days=1), ends_at=at(13, 9), reason="三次未到"
    )

    error = refused("suspended", book, world.worker, world.venue_a)
    assert (TODAY + timedelta(days=13)).isoformat() in str(error.message)
    assert "三次未到" in str(error.message)
    assert not Booking.objects.exists()


def test_a_lifted_or_ended_suspension_does_not_refuse(world):
    Suspension.objects.create(
        user=world.worker, starts_at=NOW - timedelta(days=20), ends_at=NOW - timedelta(days=6), reason="x"
    )
    Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=13),
        reason="y",
        lifted_at=NOW - timedelta(hours=1),
    )

    assert book(world.worker, world.venue_a).status == Status.CONFIRMED


def test_the_same_person_cannot_book_the_same_time_twice(world):
    book(world.worker, world.venue_a, hour=10, hours=2)

    refused("already_booked", book, world.worker, world.venue_a, hour=10, hours=2)
    refused("already_booked", book, world.worker, world.venue_a, hour=11)
    assert Booking.objects.count() == 1


def test_a_waiting_person_cannot_queue_twice(world):
    book(world.worker, world.venue_a)
    book(world.worker2, world.venue_a, waitlist=True)

    refused("already_booked", book, world.worker2, world.venue_a, waitlist=True)


# --- Exclusive venues -----------------------------------------------------------------------------


def test_second_booking_of_the_same_range_is_refused_as_taken(world):
    book(world.worker, world.venue_a)

    refused("slot_taken", book, world.worker2, world.venue_a)
    assert Booking.objects.count() == 1


def test_second_booking_of_a_taken_range_may_join_the_waitlist(world):
    book(world.worker, world.venue_a)

    waiting = book(world.worker2, world.venue_a, waitlist=True)

    assert waiting.status == Status.WAITLISTED
    assert waitlist_position(waiting) == 1
    assert not Notification.objects.filter(booking=waiting).exists()  # shown on the page, no message


def test_overlapping_ranges_conflict(world):
    book(world.worker, world.venue_a, hour=10, hours=2)

    refused("slot_taken", book, world.worker2, world.venue_a, hour=11, hours=2)
    refused("slot_taken", book, world.worker2, world.venue_a, hour=9, hours=2)
    refused("slot_taken", book, world.worker2, world.venue_a, hour=11)


def test_ranges_are_half_open_touching_ranges_do_not_conflict(world):
    first = book(world.worker, world.venue_a, hour=10)
    second = book(world.worker2, world.venue_a, hour=11)
    third = book(worker(), world.venue_a, hour=9)

    assert {first.status, second.status, third.status} == {Status.CONFIRMED}


def test_cancelled_bookings_free_the_range(world):
    first = book(world.worker, world.venue_a)
    booking_cancel(actor=world.worker, booking=first, now=NOW)

    assert book(world.worker2, world.venue_a).status == Status.CONFIRMED


# --- Shared venues --------------------------------------------------------------------------------


def test_shared_places_are_counted_with_party_sizes(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, party_size=2)
    book(world.worker2, room, party_size=1)

    refused("slot_full", book, worker(), room, party_size=1)
    assert counter(room, at(1, 10)).taken == 3
    assert counter(room, at(1, 10)).capacity == 3


def test_a_party_larger_than_the_places_left_is_refused(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, party_size=2)

    refused("slot_full", book, world.worker2, room, party_size=2)
    assert counter(room, at(1, 10)).taken == 2
    assert book(world.worker2, room, party_size=1).status == Status.CONFIRMED


def test_shared_cancellation_gives_the_places_back(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    booking = book(world.worker, room, party_size=3)

    booking_cancel(actor=world.worker, booking=booking, now=NOW)

    assert counter(room, at(1, 10)).taken == 0
    assert book(world.worker2, room, party_size=3).status == Status.CONFIRMED


def test_the_database_refuses_to_overbook_a_slot(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, party_size=3)

    with pytest.raises(IntegrityError), transaction.atomic():
        SlotCounter.objects.filter(venue=room).update(taken=4)
    with pytest.raises(IntegrityError), transaction.atomic():
        SlotCounter.objects.filter(venue=room).update(capacity=2)
    assert counter(room, at(1, 10)).taken == 3


# --- Waitlist -------------------------------------------------------------------------------------


def _full_court(world):
    """venue_a tomorrow 10:00 booked by worker; returns that booking."""
    return book(world.worker, world.venue_a)


def test_waitlist_positions_are_first_come_first_served(world):
    holder = _full_court(world)
    first = book(world.worker2, world.venue_a, waitlist=True)
    second = book(worker(), world.venue_a, waitlist=True)
    third = book(worker(), world.venue_a, waitlist=True, now=NOW + timedelta(minutes=5))

    assert [waitlist_position(b) for b in (first, second, third)] == [1, 2, 3]
    assert waitlist_position(holder) is None

    booking_cancel(actor=first.user, booking=first, now=NOW)
    assert [waitlist_position(reload(b)) for b in (second, third)] == [1, 2]


def test_a_newcomer_waits_while_others_wait_even_if_a_place_is_free(world):
    # An offer was not taken up and has expired, but the next in line has not had theirs yet
    # (e.g. the beat task has not run): the range is free while someone waits.
    holder = _full_court(world)
    waiting = book(world.worker2, world.venue_a, waitlist=True)
    Booking.objects.filter(pk=holder.pk).update(status=Status.EXPIRED)

    refused("slot_taken", book, worker(), world.venue_a)
    newcomer = book(worker(), world.venue_a, waitlist=True)

    # Nobody joins ahead: the free place goes to the head of the queue, not the newcomer.
    assert reload(waiting).status == Status.OFFERED
    assert newcomer.status == Status.WAITLISTED
    assert waitlist_position(newcomer) == 1


def test_cancellation_offers_the_place_to_the_head_of_the_queue(world):
    holder = _full_court(world)
    first = book(world.worker2, world.venue_a, waitlist=True)
    second = book(worker(), world.venue_a, waitlist=True)

    with transaction.atomic():
        booking_cancel(actor=world.worker, booking=holder, now=NOW)

    first, second = reload(first), reload(second)
    assert first.status == Status.OFFERED
    assert first.offer_expires_at == NOW + timedelta(minutes=rule_for(world.venue_a).offer_minutes)
    assert second.status == Status.WAITLISTED
    assert waitlist_position(second) == 1
    assert sent("waitlist_offer", booking=first) == 1
    assert sent("booking_cancelled", booking=holder) == 1
    # The offered place is held: nobody else may take it.
    refused("slot_taken", book, worker(), world.venue_a)


def test_an_offer_never_outlasts_the_start(world):
    set_rule(world.venue_a, offer_minutes=120)
    holder = book(world.worker, world.venue_a, days=0, hour=9)
    waiting = book(world.worker2, world.venue_a, days=0, hour=9, waitlist=True)

    booking_cancel(actor=world.staff_a, booking=holder, reason="场地漏水", now=NOW)

    assert reload(waiting).offer_expires_at == at(0, 9)


def test_accepting_an_offer_confirms_the_booking(world):
    holder = _full_court(world)
    waiting = book(world.worker2, world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)

    accepted = offer_accept(user=world.worker2, booking=waiting, now=NOW + timedelta(minutes=29))

    assert accepted.status == Status.CONFIRMED
    assert accepted.offer_expires_at is None
    assert sent("booking_confirmed", booking=waiting) == 1
    # Accepted: the offer is not expired later on.
    assert offers_expire(now=NOW + timedelta(hours=1)) == 0
    assert reload(waiting).status == Status.CONFIRMED


def test_accepting_after_the_offer_expired_is_refused(world):
    holder = _full_court(world)
    waiting = book(world.worker2, world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)
    expires = reload(waiting).offer_expires_at

    refused("offer_expired", offer_accept, user=world.worker2, booking=waiting, now=expires)
    assert reload(waiting).status == Status.OFFERED


def test_accepting_an_offer_checks_the_limits_again(world):
    """Booking other times while waiting may use up the limit; the offer then waits to be taken."""
    set_rule(world.venue_a, max_per_day=1)
    holder = _full_court(world)
    waiting = book(world.worker2, world.venue_a, waitlist=True)
    other_court = VenueFactory(palace=world.palace_a, name="羽毛球馆2号场", kind="badminton")
    set_rule(other_court, max_per_day=1)
    elsewhere = book(world.worker2, other_court, hour=15)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)

    refused("limit_reached", offer_accept, user=world.worker2, booking=waiting, now=NOW)
    assert reload(waiting).status == Status.OFFERED

    booking_cancel(actor=world.worker2, booking=elsewhere, now=NOW)
    assert offer_accept(user=world.worker2, booking=waiting, now=NOW).status == Status.CONFIRMED


def test_only_the_offered_person_may_accept_and_only_an_offer(world):
    holder = _full_court(world)
    waiting = book(world.worker2, world.venue_a, waitlist=True)

    refused("no_offer", offer_accept, user=world.worker2, booking=waiting, now=NOW)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)
    with pytest.raises(NotFound):
        offer_accept(user=world.worker, booking=waiting, now=NOW)
    assert reload(waiting).status == Status.OFFERED


def test_an_expired_offer_passes_to_the_next_in_line_once(world):
    holder = _full_court(world)
    first = book(world.worker2, world.venue_a, waitlist=True)
    second = book(worker(), world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)
    later = NOW + timedelta(minutes=31)

    assert offers_expire(now=later) == 1
    assert offers_expire(now=later) == 0

    assert reload(first).status == Status.EXPIRED
    second = reload(second)
    assert second.status == Status.OFFERED
    assert second.offer_expires_at == later + timedelta(minutes=30)
    assert sent("waitlist_offer") == 2


def test_offers_not_yet_due_are_left_alone(world):
    holder = _full_court(world)
    first = book(world.worker2, world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)

    assert offers_expire(now=NOW + timedelta(minutes=29)) == 0
    assert reload(first).status == Status.OFFERED


def test_a_declined_offer_passes_to_the_next_in_line(world):
    holder = _full_court(world)
    first = book(world.worker2, world.venue_a, waitlist=True)
    second = book(worker(), world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)

    booking_cancel(actor=world.worker2, booking=first, now=NOW + timedelta(minutes=5))

    assert reload(first).status == Status.CANCELLED
    assert reload(second).status == Status.OFFERED


def test_shared_waitlist_offers_places_and_expiry_returns_them(world):
    room = shared_venue(world.palace_a, capacity=2, max_party=2)
    holder = book(world.worker, room, party_size=2)
    first = book(world.worker2, room, waitlist=True, party_size=1)
    second = book(worker(), room, waitlist=True, party_size=1)

    booking_cancel(actor=world.worker, booking=holder, now=NOW)

    # Both fit into the two freed places: both are offered, in order.
    assert reload(first).status == Status.OFFERED
    assert reload(second).status == Status.OFFERED
    assert counter(room, at(1, 10)).taken == 2
    offer_accept(user=world.worker2, booking=first, now=NOW)
    assert offers_expire(now=NOW + timedelta(minutes=31)) == 1
    assert counter(room, at(1, 10)).taken == 1
    assert reload(second).status == Status.EXPIRED


def test_when_the_head_does_not_fit_the_place_goes_to_the_first_that_fits(world):
    # Documented behaviour: freed places go, in queue order, to the first waiting party that
    # fits; a larger party at the head keeps its position for the next larger release.
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, party_size=2)
    small = book(world.worker2, room, party_size=1)
    big = book(worker(), room, waitlist=True, party_size=3)
    fits = book(worker(), room, waitlist=True, party_size=1)

    booking_cancel(actor=world.worker2, booking=small, now=NOW)

    assert reload(big).status == Status.WAITLISTED
    assert waitlist_position(big) == 1
    assert reload(fits).status == Status.OFFERED
    assert counter(room, at(1, 10)).taken == 3


def test_a_newcomer_who_fits_a_place_nobody_ahead_can_take_is_offered_it(world):
    room = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, room, party_size=2)
    small = book(world.worker2, room, party_size=1)
    big = book(worker(), room, waitlist=True, party_size=3)
    booking_cancel(actor=world.worker2, booking=small, now=NOW)  # one place free, too few for big

    refused("slot_full", book, worker(), room, party_size=1)
    newcomer = book(worker(), room, waitlist=True, party_size=1)

    # The newcomer queued behind `big`; the free place is offered in queue order, so it is not
    # left empty while someone who fits it waits.
    assert reload(big).status == Status.WAITLISTED
    assert newcomer.status == Status.OFFERED
    assert counter(room, at(1, 10)).taken == 3


def test_a_free_part_of_a_range_someone_waits_for_goes_to_whom_it_fits(world):
    holder_10 = book(world.worker, world.venue_a, hour=10)
    holder_11 = book(worker(), world.venue_a, hour=11)
    waits_both = book(world.worker2, world.venue_a, hour=10, hours=2, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder_10, now=NOW)
    assert reload(waits_both).status == Status.WAITLISTED  # 11:00 is still held

    refused("slot_taken", book, worker(), world.venue_a, hour=10)  # while someone waits: no direct booking
    newcomer = book(worker(), world.venue_a, hour=10, waitlist=True)

    assert newcomer.status == Status.OFFERED
    assert reload(waits_both).status == Status.WAITLISTED
    assert reload(holder_11).status == Status.CONFIRMED


# --- Group requests -------------------------------------------------------------------------------


@pytest.fixture
def hall(world):
    return VenueFactory(palace=world.palace_a, kind="multi_function_hall")


def _request(user, hall, **kwargs):
    kwargs.setdefault("purpose", "职工合唱排练")
    kwargs.setdefault("party_size", 40)
    return book(user, hall, days=10, hour=14, hours=3, **kwargs)


def test_a_group_request_waits_for_staff(world, hall):
    request = _request(world.worker, hall, organisation="某某公司工会")

    assert request.status == Status.PENDING
    assert request.purpose == "职工合唱排练"
    assert request.organisation == "某某公司工会"
    assert not Notification.objects.filter(booking=request).exists()  # the decision is what is sent


def test_a_group_request_needs_a_purpose(world, hall):
    with pytest.raises(InvalidInput) as excinfo:
        _request(world.worker, hall, purpose="   ")
    assert "purpose" in excinfo.value.fields
    assert not Booking.objects.exists()


def test_approving_a_request_blocks_the_range(world, hall):
    request = _request(world.worker, hall)
    rival = _request(world.worker2, hall)

    approved = request_decide(actor=world.staff_a, booking=request, approve=True, now=NOW)

    assert approved.status == Status.CONFIRMED
    assert approved.decided_by == world.staff_a
    assert approved.decided_at == NOW
    assert sent("request_approved", booking=request) == 1
    refused("slot_taken", request_decide, actor=world.manager_a, booking=rival, approve=True, now=NOW)
    assert reload(rival).status == Status.PENDING


def test_declining_a_request_needs_a_reason(world, hall):
    request = _request(world.worker, hall)

    with pytest.raises(InvalidInput) as excinfo:
        request_decide(actor=world.staff_a, booking=request, approve=False, reason="  ", now=NOW)
    assert "reason" in excinfo.value.fields
    assert reload(request).status == Status.PENDING

    declined = request_decide(
        actor=world.staff_a, booking=request, approve=False, reason="当天有演出", now=NOW
    )
    assert declined.status == Status.DECLINED
    assert declined.decision_reason == "当天有演出"
    assert sent("request_declined", booking=request) == 1
    assert "当天有演出" in Notification.objects.get(kind="request_declined").body


def test_a_request_is_decided_once(world, hall):
    request = _request(world.worker, hall)
    request_decide(actor=world.staff_a, booking=request, approve=True, now=NOW)

    refused(
        "already_decided",
        request_decide,
        actor=world.staff_a,
        booking=request,
        approve=False,
        reason="x",
        now=NOW,
    )
    assert reload(request).status == Status.CONFIRMED


@pytest.mark.parametrize("actor", ["staff_b", "city_officer", "worker2"])
def test_only_staff_of_the_palace_decide_requests(world, hall, actor):
    request = _request(world.worker, hall)

    with pytest.raises(NotFound):
        request_decide(actor=getattr(world, actor), booking=request, approve=True, now=NOW)
    assert reload(request).status == Status.PENDING


# --- Appointments at service windows --------------------------------------------------------------


@pytest.fixture
def window(world):
    """A legal-aid window: a lawyer every Tuesday 09–12, a second one on 2026-11-24 (a Tuesday) 10–11."""
    venue = VenueFactory(palace=world.palace_a, kind="legal_aid_window")
    tuesday = TODAY + timedelta(days=1)
    assert tuesday.weekday() == 1
    DutyShift.objects.create(
        palace=world.palace_a, venue=venue, person="张律师", weekday=1, starts=time(9), ends=time(12)
    )
    DutyShift.objects.create(
        palace=world.palace_a, venue=venue, person="李律师", date=tuesday, starts=time(10), ends=time(11)
    )
    return venue


def _appointment(user, window, **kwargs):
    kwargs.setdefault("matter", "工资被拖欠三个月")
    return book(user, window, **kwargs)


def test_appointments_exist_only_inside_duty_shifts(world, window):
    refused("outside_opening_hours", _appointment, world.worker, window, hour=14)  # nobody on duty
    refused("outside_opening_hours", _appointment, world.worker, window, days=2, hour=10)  # Wednesday
    assert _appointment(world.worker, window, hour=9).status == Status.CONFIRMED
    assert _appointment(world.worker2, window, days=8, hour=11).status == Status.CONFIRMED  # next Tuesday


def test_appointment_places_are_the_people_on_duty(world, window):
    _appointment(world.worker, window, hour=10)
    _appointment(world.worker2, window, hour=10)  # two lawyers at 10:00

    refused("slot_full", _appointment, worker(), window, hour=10)
    assert counter(window, at(1, 10)).capacity == 2
    _appointment(worker(), window, hour=11)
    refused("slot_full", _appointment, worker(), window, hour=11)  # one lawyer at 11:00
    # The dated shift is for that day only: next Tuesday 10:00 has one place.
    _appointment(worker(), window, days=8, hour=10)
    refused("slot_full", _appointment, worker(), window, days=8, hour=10)


def test_an_appointment_needs_the_matter(world, window):
    with pytest.raises(InvalidInput) as excinfo:
        _appointment(world.worker, window, matter=" ")
    assert "matter" in excinfo.value.fields
    assert not Booking.objects.exists()
    assert not AppointmentMatter.objects.exists()


def test_the_matter_is_stored_apart_and_never_in_the_messages(world, window):
    booking = _appointment(world.worker, window)

    assert AppointmentMatter.objects.get(booking=booking).text == "工资被拖欠三个月"
    assert "工资" not in Notification.objects.get(booking=booking).body


def test_service_staff_read_the_matter_and_each_read_is_recorded(world, window):
    booking = _appointment(world.worker, window)

    assert matter_read(actor=world.staff_a, booking=booking) == "工资被拖欠三个月"
    assert matter_read(actor=world.manager_a, booking=booking) == "工资被拖欠三个月"

    reads = MatterRead.objects.filter(matter__booking=booking)
    assert sorted(r.reader_id for r in reads) == sorted([world.staff_a.pk, world.manager_a.pk])


@pytest.mark.parametrize("actor", ["staff_b", "city_officer", "worker", "worker2"])
def test_others_cannot_read_the_matter(world, window, actor):
    booking = _appointment(world.worker, window)

    with pytest.raises(NotFound):
        matter_read(actor=getattr(world, actor), booking=booking)
    assert not MatterRead.objects.exists()


# --- Cancelling -----------------------------------------------------------------------------------


def test_owner_cancels_before_the_deadline(world):
    booking = book(world.worker, world.venue_a)  # tomorrow 10:00, deadline 08:00

    cancelled = booking_cancel(actor=world.worker, booking=booking, now=at(1, 8))

    assert cancelled.status == Status.CANCELLED
    assert cancelled.cancelled_at == at(1, 8)
    assert sent("booking_cancelled", booking=booking) == 1


def test_owner_cannot_cancel_after_the_deadline(world):
    booking = book(world.worker, world.venue_a)

    error = refused(
        "cancel_deadline_passed", booking_cancel, actor=world.worker, booking=booking, now=at(1, 8, 1)
    )
    assert "120" in str(error.message)
    refused("cancel_deadline_passed", booking_cancel, actor=world.worker, booking=booking, now=at(1, 10))
    assert reload(booking).status == Status.CONFIRMED
    assert sent("booking_cancelled") == 0


def test_staff_cancel_at_any_time_and_the_reason_reaches_the_worker(world):
    booking = book(world.worker, world.venue_a)

    cancelled = booking_cancel(actor=world.staff_a, booking=booking, reason=" 场地漏水 ", now=at(1, 10, 30))

    assert cancelled.status == Status.CANCELLED
    assert cancelled.decision_reason == "场地漏水"
    assert cancelled.decided_by == world.staff_a
    assert "场地漏水" in Notification.objects.get(kind="booking_cancelled").body


@pytest.mark.parametrize("kind", ["waitlisted", "pending"])
def test_waiting_and_pending_may_be_withdrawn_until_the_start(world, kind):
    if kind == "waitlisted":
        book(world.worker2, world.venue_a)
        booking = book(world.worker, world.venue_a, waitlist=True)
    else:
        hall = VenueFactory(palace=world.palace_a, kind="multi_function_hall")
        booking = book(world.worker, hall, purpose="讲座")
    assert booking.status == kind

    refused("cancel_deadline_passed", booking_cancel, actor=world.worker, booking=booking, now=at(1, 10))
    assert booking_cancel(actor=world.worker, booking=booking, now=at(1, 9, 59)).status == Status.CANCELLED


def test_a_cancelled_booking_cannot_be_cancelled_again(world):
    booking = book(world.worker, world.venue_a)
    booking_cancel(actor=world.worker, booking=booking, now=NOW)

    refused("not_cancellable", booking_cancel, actor=world.worker, booking=booking, now=NOW)
    refused("not_cancellable", booking_cancel, actor=world.staff_a, booking=booking, now=NOW)
    assert sent("booking_cancelled") == 1


@pytest.mark.parametrize("actor", ["worker2", "staff_b", "city_officer"])
def test_others_cannot_cancel_a_booking(world, actor):
    booking = book(world.worker, world.venue_a)

    with pytest.raises(NotFound):
        booking_cancel(actor=getattr(world, actor), booking=booking, now=NOW)
    assert reload(booking).status == Status.CONFIRMED


# --- Check-in -------------------------------------------------------------------------------------


def test_check_in_window_edges(world):
    booking = book(world.worker, world.venue_a)  # tomorrow 10:00; opens 30 min before, closes 15 after
    code = booking.check_in_code

    refused("not_checkin_time", booking_check_in, actor=world.staff_a, code=code, now=at(1, 9, 29, 59))
    refused("not_checkin_time", booking_check_in, actor=world.staff_a, code=code, now=at(1, 10, 15, 1))
    checked = booking_check_in(actor=world.staff_a, code=code, now=at(1, 9, 30))

    assert checked.status == Status.CHECKED_IN
    assert checked.checked_in_at == at(1, 9, 30)
    assert checked.checked_in_by == world.staff_a


def test_check_in_at_the_last_moment_of_the_window(world):
    booking = book(world.worker, world.venue_a)

    assert booking_check_in(actor=world.staff_a, code=booking.check_in_code, now=at(1, 10, 15)).status == (
        Status.CHECKED_IN
    )


def test_a_booking_is_checked_in_once(world):
    booking = book(world.worker, world.venue_a)
    booking_check_in(actor=world.staff_a, code=booking.check_in_code, now=at(1, 10))

    refused(
        "already_checked_in",
        booking_check_in,
        actor=world.manager_a,
        code=booking.check_in_code,
        now=at(1, 10),
    )


def test_only_confirmed_bookings_check_in(world):
    book(world.worker, world.venue_a)
    waiting = book(world.worker2, world.venue_a, waitlist=True)
    cancelled = book(worker(), world.venue_a, hour=12)
    booking_cancel(actor=cancelled.user, booking=cancelled, now=NOW)

    refused("not_confirmed", booking_check_in, actor=world.staff_a, code=waiting.check_in_code, now=at(1, 10))
    refused(
        "not_confirmed", booking_check_in, actor=world.staff_a, code=cancelled.check_in_code, now=at(1, 12)
    )


@pytest.mark.parametrize("typed", ["lower", "spaces", "dashes"])
def test_typed_codes_are_normalised(world, typed):
    booking = book(world.worker, world.venue_a)
    code = booking.check_in_code
    text = {
        "lower": f"  {code.lower()} ",
        "spaces": f"{code[:4]} {code[4:]}",
        "dashes": f"{code[:4]}-{code[4:].lower()}",
    }[typed]

    assert booking_check_in(actor=world.staff_a, code=text, now=at(1, 10)).pk == booking.pk


def test_unknown_code_and_other_palaces_code_are_not_found(world):
    booking = book(world.worker, world.venue_a)

    with pytest.raises(NotFound):
        booking_check_in(actor=world.staff_a, code="ZZZZ9999", now=at(1, 10))
    for outsider in (world.staff_b, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            booking_check_in(actor=outsider, code=booking.check_in_code, now=at(1, 10))
    with pytest.raises(InvalidInput):
        booking_check_in(actor=world.staff_a, code=" - ", now=at(1, 10))
    assert reload(booking).status == Status.CONFIRMED


# --- No-shows and suspensions ---------------------------------------------------------------------


def test_no_shows_are_marked_only_after_the_window_and_once(world):
    booking = book(world.worker, world.venue_a)  # tomorrow 10:00, check-in closes 10:15
    attended = book(world.worker2, world.venue_a, hour=12)
    booking_check_in(actor=world.staff_a, code=attended.check_in_code, now=at(1, 12))

    assert no_shows_mark(now=at(1, 10, 15)) == 0
    assert reload(booking).status == Status.CONFIRMED
    assert no_shows_mark(now=at(1, 13)) == 1
    assert no_shows_mark(now=at(1, 13)) == 0

    assert reload(booking).status == Status.NO_SHOW
    assert reload(attended).status == Status.CHECKED_IN


def _no_shows(user, venue, *days):
    """Past no-shows of `user`, one per given day offset (negative: before today)."""
    return [write_booking(user, venue, at(day, 10), status=Status.NO_SHOW) for day in days]


def test_the_third_no_show_in_thirty_days_suspends(world, settings):
    settings.BOOKING_SUSPENSION_DAYS = 14
    _no_shows(world.worker, world.venue_a, -20, -10)
    booking = write_booking(world.worker, world.venue_b, at(0, 9))

    assert no_shows_mark(now=at(0, 10)) == 1

    suspension = Suspension.objects.get(user=world.worker)
    assert suspension.starts_at == at(0, 10)
    assert suspension.ends_at == at(14, 10)
    assert "3" in suspension.reason
    assert set(suspension.no_shows.values_list("pk", flat=True)) == {
        *Booking.objects.filter(user=world.worker, venue=world.venue_a).values_list("pk", flat=True),
        booking.pk,
    }
    assert sent("suspended", user=world.worker) == 1
    assert suspension_in_force(world.worker, now=at(13, 9)) == suspension
    assert suspension_in_force(world.worker, now=at(14, 10)) is None
    refused("suspended", book, world.worker, world.venue_a, days=2, now=at(0, 10))


def test_a_crash_while_suspending_leaves_the_no_shows_unmarked_and_a_rerun_does_both(world, monkeypatch):
    _no_shows(world.worker, world.venue_a, -20, -10)
    booking = write_booking(world.worker, world.venue_b, at(0, 9))

    def crash(user_id, *, now):
        raise RuntimeError("worker killed while suspending")

    monkeypatch.setattr("bookings.services.jobs.suspend_for_no_shows", crash)
    with pytest.raises(RuntimeError):
        no_shows_mark(now=at(0, 10))

    # Marked and suspended together or not at all: nothing half done for the next run to miss.
    assert reload(booking).status == Status.CONFIRMED
    assert not Suspension.objects.exists()

    monkeypatch.undo()
    assert no_shows_mark(now=at(0, 10)) == 1
    assert reload(booking).status == Status.NO_SHOW
    assert Suspension.objects.filter(user=world.worker).count() == 1


def test_the_suspension_length_comes_from_the_settings(world, settings):
    settings.BOOKING_SUSPENSION_DAYS = 7
    settings.BOOKING_NO_SHOW_LIMIT = 2
    _no_shows(world.worker, world.venue_a, -3)
    write_booking(world.worker, world.venue_a, at(0, 9))

    no_shows_mark(now=at(0, 10))

    assert Suspension.objects.get(user=world.worker).ends_at == at(7, 10)


def test_no_shows_older_than_the_window_do_not_count(world):
    _no_shows(world.worker, world.venue_a, -40, -31)
    write_booking(world.worker, world.venue_a, at(0, 9))

    assert no_shows_mark(now=at(0, 10)) == 1
    assert not Suspension.objects.exists()


def test_two_no_shows_do_not_suspend_and_other_peoples_do_not_count(world):
    _no_shows(world.worker, world.venue_a, -2)
    _no_shows(world.worker2, world.venue_a, -3, -4)
    write_booking(world.worker, world.venue_a, at(0, 9))

    no_shows_mark(now=at(0, 10))

    assert not Suspension.objects.exists()


def test_no_second_suspension_while_one_is_in_force(world):
    _no_shows(world.worker, world.venue_a, -3, -2)
    write_booking(world.worker, world.venue_a, at(0, 9))
    no_shows_mark(now=at(0, 10))
    write_booking(world.worker, world.venue_a, at(0, 11))  # booked earlier, not attended either

    assert no_shows_mark(now=at(0, 12)) == 1
    assert Suspension.objects.filter(user=world.worker).count() == 1
    assert sent("suspended") == 1


def test_no_shows_punished_once_do_not_count_again(world):
    _no_shows(world.worker, world.venue_a, -3, -2)
    write_booking(world.worker, world.venue_a, at(0, 9))
    no_shows_mark(now=at(0, 10))
    first = Suspension.objects.get()
    suspension_lift(actor=world.province_officer, suspension=first, reason="误判", now=at(1, 8))

    write_booking(world.worker, world.venue_a, at(2, 9))
    no_shows_mark(now=at(2, 10))
    assert Suspension.objects.count() == 1  # 4 no-shows in 30 days, but only 1 since the last suspension

    write_booking(world.worker, world.venue_a, at(3, 9))
    write_booking(world.worker, world.venue_a, at(4, 9))
    no_shows_mark(now=at(4, 10))
    assert Suspension.objects.count() == 2
    second = Suspension.objects.exclude(pk=first.pk).get()
    assert second.no_shows.count() == 3


@pytest.fixture
def suspension(world):
    """worker suspended now for three no-shows at palace A's court."""
    _no_shows(world.worker, world.venue_a, -3, -2)
    write_booking(world.worker, world.venue_a, at(0, 9))
    no_shows_mark(now=at(0, 10))
    return Suspension.objects.get(user=world.worker)


@pytest.mark.parametrize("actor", ["province_officer", "staff_a", "manager_a"])
def test_suspension_lifted_by_province_or_staff_of_a_no_show_palace(world, suspension, actor):
    lifted = suspension_lift(
        actor=getattr(world, actor), suspension=suspension, reason=" 已说明情况 ", now=at(0, 11)
    )

    assert lifted.lifted_at == at(0, 11)
    assert lifted.lifted_by == getattr(world, actor)
    assert lifted.lift_reason == "已说明情况"
    assert suspension_in_force(world.worker, now=at(0, 12)) is None
    assert sent("suspension_lifted", user=world.worker) == 1
    assert book(world.worker, world.venue_a, days=1, now=at(0, 12)).status == Status.CONFIRMED


@pytest.mark.parametrize("actor", ["staff_b", "city_officer", "worker", "worker2"])
def test_others_cannot_lift_a_suspension(world, suspension, actor):
    with pytest.raises(NotFound):
        suspension_lift(actor=getattr(world, actor), suspension=suspension, reason="x", now=at(0, 11))
    assert reload(suspension).lifted_at is None


def test_lifting_needs_a_reason_and_happens_once(world, suspension):
    with pytest.raises(InvalidInput) as excinfo:
        suspension_lift(actor=world.staff_a, suspension=suspension, reason="  ", now=at(0, 11))
    assert "reason" in excinfo.value.fields
    assert reload(suspension).lifted_at is None

    suspension_lift(actor=world.staff_a, suspension=suspension, reason="ok", now=at(0, 11))
    refused(
        "not_in_force",
        suspension_lift,
        actor=world.staff_a,
        suspension=suspension,
        reason="ok",
        now=at(0, 12),
    )


def test_suspensions_decidable_by_follow_the_no_shows_palaces(world, suspension):
    assert list(suspensions_decidable_by(world.province_officer)) == [suspension]
    assert list(suspensions_decidable_by(world.staff_a)) == [suspension]
    assert list(suspensions_decidable_by(world.staff_b)) == []
    assert list(suspensions_decidable_by(world.city_officer)) == []


def test_the_worker_appeals_once(world, suspension):
    with pytest.raises(InvalidInput):
        appeal_submit(user=world.worker, suspension=suspension, text="  ", now=at(0, 11))
    with pytest.raises(NotFound):
        appeal_submit(user=world.worker2, suspension=suspension, text="不是我", now=at(0, 11))

    appeal = appeal_submit(user=world.worker, suspension=suspension, text=" 那天生病住院 ", now=at(0, 11))

    assert appeal.status == Appeal.Status.OPEN
    assert appeal.text == "那天生病住院"
    refused(
        "already_appealed",
        appeal_submit,
        user=world.worker,
        suspension=suspension,
        text="再次",
        now=at(0, 12),
    )
    assert Appeal.objects.count() == 1


def test_an_appeal_of_a_suspension_no_longer_in_force_is_refused(world, suspension):
    refused("not_in_force", appeal_submit, user=world.worker, suspension=suspension, text="x", now=at(15, 10))
    assert not Appeal.objects.exists()


def test_upholding_an_appeal_lifts_the_suspension(world, suspension):
    appeal = appeal_submit(user=world.worker, suspension=suspension, text="生病", now=at(0, 11))

    decided = appeal_decide(actor=world.staff_a, appeal=appeal, uphold=True, reason="有病历", now=at(0, 12))

    assert decided.status == Appeal.Status.UPHELD
    assert decided.decided_by == world.staff_a
    suspension = reload(suspension)
    assert suspension.lifted_at == at(0, 12)
    assert suspension.lifted_by == world.staff_a
    assert sent("appeal_decided", user=world.worker) == 1
    refused(
        "already_decided",
        appeal_decide,
        actor=world.staff_a,
        appeal=appeal,
        uphold=False,
        reason="x",
        now=at(0, 13),
    )


def test_rejecting_an_appeal_keeps_the_suspension(world, suspension):
    appeal = appeal_submit(user=world.worker, suspension=suspension, text="生病", now=at(0, 11))

    with pytest.raises(InvalidInput):
        appeal_decide(actor=world.staff_a, appeal=appeal, uphold=False, reason=" ", now=at(0, 12))
    with pytest.raises(NotFound):
        appeal_decide(actor=world.staff_b, appeal=appeal, uphold=True, reason="x", now=at(0, 12))
    decided = appeal_decide(
        actor=world.province_officer, appeal=appeal, uphold=False, reason="无证明", now=at(0, 12)
    )

    assert decided.status == Appeal.Status.REJECTED
    assert reload(suspension).lifted_at is None
    assert "无证明" in Notification.objects.get(kind="appeal_decided").body


# --- Reminders ------------------------------------------------------------------------------------


def test_reminders_go_once_for_bookings_starting_soon(world, settings):
    settings.BOOKING_REMINDER_HOURS = 3
    soon = book(world.worker, world.venue_a, days=0, hour=11)
    later = book(world.worker2, world.venue_a, days=0, hour=12)
    cancelled = book(worker(), world.venue_a, days=0, hour=10)
    booking_cancel(actor=cancelled.user, booking=cancelled, now=NOW)

    assert reminders_send(now=NOW) == 1
    assert reminders_send(now=NOW) == 0

    assert reload(soon).reminded_at == NOW
    assert reload(later).reminded_at is None
    assert sent("booking_reminder") == 1
    assert sent("booking_reminder", booking=soon) == 1
    assert reminders_send(now=NOW + timedelta(hours=1)) == 1
    assert sent("booking_reminder", booking=later) == 1


def test_no_reminder_for_a_booking_already_begun(world):
    booking = write_booking(world.worker, world.venue_a, at(0, 9))

    assert reminders_send(now=at(0, 9, 5)) == 0
    assert reload(booking).reminded_at is None


# --- Notifications: written with the change, sent after the commit --------------------------------


def test_the_message_is_written_in_the_bookings_transaction_and_sent_after_commit(
    world, django_capture_on_commit_callbacks
):
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking = book(world.worker, world.venue_a)

    row = Notification.objects.get(booking=booking)
    assert (row.kind, row.channel, row.status) == ("booking_confirmed", "sms", "pending")
    assert booking.check_in_code in row.body
    assert len(callbacks) == 1
    assert sms.outbox == []

    callbacks[0]()

    assert Notification.objects.get(pk=row.pk).status == "sent"
    assert [message.phone for message in sms.outbox] == [world.worker.phone]


def test_no_message_without_the_booking(world):
    class Abort(Exception):
        pass

    def book_then_fail():
        with transaction.atomic():
            book(world.worker, world.venue_a)
            assert sent("booking_confirmed") == 1
            raise Abort

    with pytest.raises(Abort):
        book_then_fail()

    assert not Booking.objects.exists()
    assert not Notification.objects.exists()


def test_a_refused_booking_writes_no_message(world, django_capture_on_commit_callbacks):
    book(world.worker, world.venue_a)

    with django_capture_on_commit_callbacks() as callbacks:
        refused("slot_taken", book, world.worker2, world.venue_a)

    assert callbacks == []
    assert Notification.objects.count() == 1


def test_each_event_writes_one_message_of_its_kind(world):
    holder = _full_court(world)
    waiting = book(world.worker2, world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker, booking=holder, now=NOW)
    offer_accept(user=world.worker2, booking=waiting, now=NOW)

    kinds = dict(Notification.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {"booking_confirmed": 2, "booking_cancelled": 1, "waitlist_offer": 1}


# --- local dates ----------------------------------------------------------------------------------


def test_local_date_is_the_shanghai_date(world):
    palace = palace_open(world.city1, (time(0), time(6)))
    venue = VenueFactory(palace=palace, kind="badminton", slot_minutes=30)
    start = at(1, 0, 30)

    booking = booking_create(user=world.worker, venue=venue, start=start, end=at(1, 1), now=NOW)

    assert booking.local_date == TODAY + timedelta(days=1)
    assert booking.start.astimezone(UTC).date() == TODAY
    assert Booking.objects.filter(local_date=TODAY + timedelta(days=1)).get() == booking


def test_waits_and_requests_whose_time_has_begun_expire(world):
    waiting = write_booking(world.worker, world.venue_a, at(0, 10), status=Booking.Status.WAITLISTED)
    later = write_booking(world.worker2, world.venue_a, at(1, 10), status=Booking.Status.WAITLISTED)

    offers_expire(now=at(0, 10, 1))
    offers_expire(now=at(0, 10, 1))

    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == Booking.Status.EXPIRED
    assert later.status == Booking.Status.WAITLISTED


def test_a_booking_with_a_stale_venue_keeps_the_capacity_staff_set(world):
    gym = shared_venue(world.palace_a, capacity=3, max_party=1)
    book(worker(), gym, days=1, hour=10)
    stale = Venue.objects.get(pk=gym.pk)
    Venue.objects.filter(pk=gym.pk).update(capacity=5)
    SlotCounter.objects.filter(venue=gym).update(capacity=5)  # as the rules editor does

    book(worker(), stale, days=1, hour=10)

    counter = SlotCounter.objects.get(venue=gym)
    assert (counter.capacity, counter.taken) == (5, 2)


def test_a_room_made_smaller_than_its_bookings_takes_nobody_more(world):
    room = shared_venue(world.palace_a, capacity=5, max_party=1)
    for _ in range(4):
        book(worker(), room, days=1, hour=10)
    Venue.objects.filter(pk=room.pk).update(capacity=3)  # four came while it held five

    refused("slot_full", book, worker(), Venue.objects.get(pk=room.pk), days=1, hour=10)

    counter = SlotCounter.objects.get(venue=room)
    assert (counter.capacity, counter.taken) == (5, 4)


def test_check_in_codes_are_eight_letters_of_the_alphabet_each_letter_drawn():
    from bookings.services.common import CODE_ALPHABET, new_check_in_code

    codes = [new_check_in_code() for _ in range(2000)]

    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    assert set("".join(codes)) == set(CODE_ALPHABET)  # 16,000 draws miss none of 32 letters
    assert len(set(codes)) == len(codes)


def test_a_venue_booking_longer_than_a_day_is_refused_by_the_database(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        write_booking(world.worker, world.venue_a, at(1, 10), end=at(2, 10, 1))

    write_booking(world.worker, world.venue_a, at(1, 10), end=at(2, 10))  # a day is the most


def test_a_term_long_sign_up_at_the_venue_still_holds_its_time(world):
    # The booking's facts read the venue's rows of the day before the start, and its sign-ups of
    # offerings (which may span a term) by their end: a course here since last month still counts.
    from bookings.models import Offering

    course = Offering.objects.create(
        palace=world.palace_a,
        venue=world.venue_a,
        kind="course",
        title="羽毛球提高班",
        capacity=10,
        closes_at=NOW - timedelta(days=40),
        starts_at=NOW - timedelta(days=30),
        ends_at=NOW + timedelta(days=30),
    )
    write_booking(
        world.worker,
        world.venue_a,
        course.starts_at,
        end=course.ends_at,
        offering=course,
        status=Booking.Status.CONFIRMED,
    )
    write_booking(
        world.worker2,
        world.venue_a,
        course.starts_at,
        end=course.ends_at,
        offering=course,
        status=Booking.Status.WAITLISTED,
    )

    refused("already_booked", book, world.worker, world.venue_a, days=1, hour=19)
    refused("slot_taken", book, worker(), world.venue_a, days=1, hour=19)  # people wait for this time
