"""What the database itself guarantees about bookings (bookings/models.py), and the model helpers."""

from datetime import time, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import (
    Appeal,
    Booking,
    BookingRule,
    DutyShift,
    Notification,
    SlotCounter,
    Suspension,
)

from .support import at, write_booking

Status = Booking.Status


def refused_by_database(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def _counter(world, **values):
    values = {"capacity": 3, "taken": 0, **values}
    return SlotCounter.objects.create(
        palace=world.palace_b, venue=world.venue_b, start=at(1, 10), end=at(1, 11), **values
    )


def test_a_slot_counter_never_passes_its_capacity(world):
    counter = _counter(world, taken=3)

    refused_by_database(lambda: SlotCounter.objects.filter(pk=counter.pk).update(taken=4))
    refused_by_database(lambda: SlotCounter.objects.filter(pk=counter.pk).update(capacity=2))
    counter.refresh_from_db()
    assert (counter.taken, counter.capacity) == (3, 3)


def test_a_slot_counter_never_goes_below_zero(world):
    counter = _counter(world, taken=0)

    with pytest.raises(IntegrityError), transaction.atomic():
        SlotCounter.objects.filter(pk=counter.pk).update(taken=-1)


def test_one_counter_per_slot(world):
    _counter(world)

    refused_by_database(lambda: _counter(world))


@pytest.mark.parametrize(
    "values",
    [
        {"min_party": 3, "max_party": 2},
        {"min_party": 0, "max_party": 2},
        {"member_hours_start": time(18), "member_hours_end": None},
        {"member_hours_start": None, "member_hours_end": time(20)},
        {"member_hours_start": time(20), "member_hours_end": time(18)},
        {"member_hours_start": time(18), "member_hours_end": time(18)},
        {"max_slots": 0},
    ],
)
def test_inconsistent_rules_are_refused(world, values):
    refused_by_database(
        lambda: BookingRule.objects.create(venue=world.venue_a, palace=world.palace_a, **values)
    )
    assert not BookingRule.objects.exists()


@pytest.mark.parametrize(
    "values",
    [
        {"weekday": 1, "date": at(1, 0).date()},
        {"weekday": None, "date": None},
        {"weekday": 7, "date": None},
        {"weekday": 1, "starts": time(12), "ends": time(9)},
    ],
)
def test_a_duty_shift_is_on_a_weekday_or_a_date_and_ordered(world, values):
    values = {"starts": time(9), "ends": time(12), **values}
    refused_by_database(
        lambda: DutyShift.objects.create(
            palace=world.palace_a, venue=world.venue_a, person="张律师", **values
        )
    )


@pytest.mark.parametrize(
    "change",
    [
        {"end": at(1, 10)},  # not after the start
        {"party_size": 0},
        {"fee": -1},
    ],
)
def test_impossible_bookings_are_refused(world, change):
    booking = write_booking(world.worker, world.venue_a, at(1, 10))

    refused_by_database(lambda: Booking.objects.filter(pk=booking.pk).update(**change))


def test_check_in_codes_are_unique(world):
    booking = write_booking(world.worker, world.venue_a, at(1, 10))

    refused_by_database(
        lambda: write_booking(world.worker2, world.venue_a, at(1, 12), check_in_code=booking.check_in_code)
    )


def test_a_suspension_ends_after_it_starts(world):
    refused_by_database(
        lambda: Suspension.objects.create(
            user=world.worker, starts_at=at(1, 10), ends_at=at(1, 10), reason="x"
        )
    )


def test_one_appeal_per_suspension(world):
    suspension = Suspension.objects.create(
        user=world.worker, starts_at=at(0, 8), ends_at=at(14, 8), reason="x"
    )
    Appeal.objects.create(suspension=suspension, text="生病")

    refused_by_database(lambda: Appeal.objects.create(suspension=suspension, text="再次"))


def test_an_outbox_message_is_written_once_per_dedupe_key(world):
    def write():
        return Notification.objects.create(
            user=world.worker,
            kind="booking_confirmed",
            channel="sms",
            subject="s",
            body="b",
            dedupe_key="k:1:sms",
        )

    write()
    refused_by_database(write)


def test_status_groups(world):
    assert set(Booking.HOLDING) == {Status.OFFERED, Status.CONFIRMED, Status.CHECKED_IN}
    assert set(Booking.ACTIVE) == {Status.PENDING, Status.OFFERED, Status.CONFIRMED}
    assert set(Booking.OPEN) == {Status.WAITLISTED, Status.OFFERED, Status.PENDING, Status.CONFIRMED}
    assert write_booking(world.worker, world.venue_a, at(1, 10), status=Status.OFFERED).is_holding
    assert not write_booking(world.worker, world.venue_a, at(1, 11), status=Status.WAITLISTED).is_holding


def test_queryset_filters(world):
    now = timezone.now()
    mine = write_booking(world.worker, world.venue_a, now + timedelta(days=1))
    waiting = write_booking(world.worker, world.venue_a, now + timedelta(days=1), status=Status.WAITLISTED)
    past = write_booking(world.worker, world.venue_a, now - timedelta(days=1))
    theirs = write_booking(world.worker2, world.venue_b, now + timedelta(days=1))

    assert set(Booking.objects.for_user(world.worker)) == {mine, waiting, past}
    assert set(Booking.objects.for_palace(world.palace_b)) == {theirs}
    assert set(Booking.objects.holding()) == {mine, past, theirs}
    assert set(Booking.objects.upcoming()) == {mine, waiting, theirs}


def test_suspension_in_force_by_the_clock(world):
    now = timezone.now()
    current = Suspension(
        user=world.worker, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1)
    )
    over = Suspension(user=world.worker, starts_at=now - timedelta(days=3), ends_at=now - timedelta(days=1))
    lifted = Suspension(
        user=world.worker, starts_at=now - timedelta(days=1), ends_at=now + timedelta(days=1), lifted_at=now
    )

    assert current.is_in_force
    assert not over.is_in_force
    assert not lifted.is_in_force
