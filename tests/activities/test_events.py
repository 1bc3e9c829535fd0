"""Events with sign-up: registration, places or none, check-in at the door, cancellation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from activities.events.services import event_cancel, event_create, event_register, event_update
from activities.models import Event
from activities.offerings.services import enrolment_withdraw
from bookings.models import Attendance, Booking
from bookings.services.booking import booking_check_in
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.activities.support import NOW, at, make_event, workers

pytestmark = pytest.mark.django_db
Status = Booking.Status


def test_registration_fills_the_places_then_waitlists(world):
    event = make_event(world, capacity=2)
    result = [event_register(user=w, event=event, now=NOW).status for w in workers(3)]
    assert result == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]


def test_an_event_without_a_capacity_takes_everyone(world):
    event = make_event(world, capacity=None)
    assert {event_register(user=w, event=event, now=NOW).status for w in workers(30)} == {Status.CONFIRMED}


def test_an_event_without_registration_needs_none(world):
    event = make_event(world, registration=False)
    assert event.offering is None
    with pytest.raises(RuleViolation) as refused:
        event_register(user=world.worker, event=event, now=NOW)
    assert refused.value.code == "no_registration"


def test_registration_closes_at_the_start(world):
    event = make_event(world)
    with pytest.raises(RuleViolation) as refused:
        event_register(user=world.worker, event=event, now=event.starts_at)
    assert refused.value.code == "enrolment_closed"


def test_an_online_event_needs_its_link_and_registers_without_a_venue(world):
    with pytest.raises(InvalidInput) as bad:
        make_event(world, venue=None, online_url="")
    assert "venue" in bad.value.fields
    event = make_event(world, venue=None, online_url="https://live.example.cn/room/1")
    booking = event_register(user=world.worker, event=event, now=NOW)
    assert booking.venue is None
    assert booking.status == Status.CONFIRMED


def test_check_in_at_the_door_marks_the_registration_checked_in(world):
    event = make_event(world)
    booking = event_register(user=world.worker, event=event, now=NOW)
    booking_check_in(
        actor=world.staff_a, code=booking.check_in_code, now=event.starts_at - timedelta(minutes=10)
    )
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN
    assert Attendance.objects.filter(booking=booking).count() == 1


def test_withdrawing_before_the_start_frees_the_place(world):
    event = make_event(world, capacity=1)
    first, second = (event_register(user=w, event=event, now=NOW) for w in workers(2))
    enrolment_withdraw(actor=first.user, enrolment=first, now=NOW)
    second.refresh_from_db()
    assert second.status == Status.OFFERED
    with pytest.raises(RuleViolation):
        enrolment_withdraw(actor=second.user, enrolment=second, now=event.starts_at)


def test_moving_an_event_moves_its_registrations(world):
    event = make_event(world)
    booking = event_register(user=world.worker, event=event, now=NOW)
    event_update(
        actor=world.staff_a,
        event=event,
        now=NOW,
        title=event.title,
        kind=event.kind,
        centre=event.centre,
        venue=event.venue,
        starts_at=at(5, 19),
        ends_at=at(5, 21),
        registration=True,
        capacity=50,
    )
    booking.refresh_from_db()
    assert booking.start == at(5, 19)
    assert event.offering.occurrences.get().start == at(5, 19)


def test_registration_cannot_be_switched_off_once_people_registered(world):
    event = make_event(world)
    event_register(user=world.worker, event=event, now=NOW)
    with pytest.raises(RuleViolation) as refused:
        event_update(
            actor=world.staff_a,
            event=event,
            now=NOW,
            title=event.title,
            kind=event.kind,
            centre=event.centre,
            venue=event.venue,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            registration=False,
        )
    assert refused.value.code == "has_registrations"


def test_only_the_palaces_staff_manage_its_events(world):
    with pytest.raises(NotFound):
        event_create(
            actor=world.staff_b,
            palace=world.palace_a,
            title="x",
            kind="lecture",
            centre="education",
            online_url="https://a.cn",
            starts_at=at(3, 19),
            ends_at=at(3, 20),
        )
    event = make_event(world)
    with pytest.raises(NotFound):
        event_cancel(actor=world.staff_b, event=event, reason="x", now=NOW)


def test_cancelling_an_event_tells_everyone(world):
    event = make_event(world)
    booking = event_register(user=world.worker, event=event, now=NOW)
    event_cancel(actor=world.staff_a, event=event, reason="天气原因", now=NOW)
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    assert Event.objects.get(pk=event.pk).state == Event.State.CANCELLED
    with pytest.raises(NotFound):
        event_register(user=world.worker2, event=Event.objects.get(pk=event.pk), now=NOW)
