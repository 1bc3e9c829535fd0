"""Staff writes: a venue's rules and settings (rule_update), the duty roster (duty_shift_*)."""

from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import translation

from bookings.models import Booking, BookingRule, DutyShift, SlotCounter
from bookings.services.booking import booking_cancel
from bookings.services.staff import duty_shift_create, duty_shift_delete, duty_shift_update, rule_update
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.bookings.support import NOW, TODAY, at, book, shared_venue
from tests.factories import UserFactory, VenueFactory

Status = Booking.Status


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def rule_values(venue) -> dict | None:
    """The venue's saved rule (None while it has none and the defaults apply)."""
    rule = BookingRule.objects.filter(venue=venue).first()
    if rule is None:
        return None
    return {f.name: getattr(rule, f.name) for f in BookingRule._meta.fields if f.name != "updated_at"}


def venue_values(venue) -> tuple:
    venue.refresh_from_db()
    return (venue.slot_minutes, venue.fee, venue.member_only, venue.capacity)


@pytest.fixture
def window(world):
    """A legal-aid window at palace A with a lawyer on duty every Monday 9:00–12:00 (NOW is a Monday)."""
    venue = VenueFactory(palace=world.palace_a, name="法律援助窗口", kind="legal_aid_window")
    duty_shift_create(
        actor=world.staff_a, venue=venue, person="张律师", weekday=0, starts=time(9), ends=time(12), now=NOW
    )
    return venue


# --- rule_update ---------------------------------------------------------------------------------


def test_rule_update_saves_rule_and_venue_settings(world):
    rule = rule_update(
        actor=world.staff_a,
        venue=world.venue_a,
        window_days=14,
        window_opens_at=time(7, 30),
        max_party=3,
        member_hours_start=time(18),
        member_hours_end=time(21),
        fee=Decimal("15.50"),
        member_only=True,
        slot_minutes=90,
        capacity=6,
        now=NOW,
    )
    assert (rule.window_days, rule.window_opens_at, rule.max_party) == (14, time(7, 30), 3)
    stored = rule_values(world.venue_a)
    assert stored["member_hours_start"] == time(18)
    assert stored["member_hours_end"] == time(21)
    assert venue_values(world.venue_a) == (90, Decimal("15.50"), True, 6)


def test_rule_update_by_province_officer_is_allowed(world):
    rule_update(actor=world.province_officer, venue=world.venue_b, window_days=5, now=NOW)
    assert rule_values(world.venue_b)["window_days"] == 5


@pytest.mark.parametrize("who", ["staff_b", "manager_b", "city_officer", "worker"])
def test_rule_update_outside_ones_palaces_is_not_found(world, who):
    before = rule_values(world.venue_a)
    with pytest.raises(NotFound):
        rule_update(actor=getattr(world, who), venue=world.venue_a, window_days=30, now=NOW)
    assert rule_values(world.venue_a) == before


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"min_party": 3, "max_party": 2}, "max_party", "smaller than the smallest"),
        ({"window_days": 91}, "window_days", "from 0 to 90"),
        ({"window_days": -1}, "window_days", "from 0 to 90"),
        ({"member_hours_start": time(20), "member_hours_end": time(18)}, "member_hours_end", "end after"),
        ({"member_hours_start": time(18), "member_hours_end": None}, "member_hours_end", "both"),
        ({"max_per_day": 6, "max_per_week": 5}, "max_per_day", "per week"),
        ({"fee": Decimal("-1")}, "fee", "from 0"),
        ({"fee": Decimal("1.005")}, "fee", "two decimal places"),
        ({"fee": "abc"}, "fee", "amount"),
        ({"slot_minutes": 10}, "slot_minutes", "from 15 to 480"),
        ({"slot_minutes": 47}, "slot_minutes", "multiple of 5"),
        ({"capacity": 0}, "capacity", "from 1"),
        ({"max_party": 5}, "max_party", "capacity (4)"),
        ({"max_slots": "2"}, "max_slots", "whole number"),
        ({"window_opens_at": None}, "window_opens_at", "time"),
        ({"checkin_opens_minutes": 0, "checkin_closes_minutes": 0}, "checkin_closes_minutes", "at least"),
        ({"offer_minutes": 2}, "offer_minutes", "from 5"),
    ],
)
def test_rule_update_refuses_bad_values_and_changes_nothing(world, fields, field, words):
    before_rule, before_venue = rule_values(world.venue_a), venue_values(world.venue_a)
    with pytest.raises(InvalidInput) as caught:
        rule_update(actor=world.staff_a, venue=world.venue_a, now=NOW, **fields)
    assert field in caught.value.fields
    assert words in " ".join(caught.value.fields[field])
    assert caught.value.status == 400
    assert rule_values(world.venue_a) == before_rule
    assert venue_values(world.venue_a) == before_venue


def test_rule_update_checks_fields_against_the_final_values(world):
    # Raising both bounds together is fine although the new minimum exceeds the old maximum.
    rule_update(actor=world.staff_a, venue=world.venue_a, min_party=3, max_party=4, now=NOW)
    rule = rule_values(world.venue_a)
    assert (rule["min_party"], rule["max_party"]) == (3, 4)


def test_rule_update_rejects_unknown_fields(world):
    with pytest.raises(TypeError):
        rule_update(actor=world.staff_a, venue=world.venue_a, colour="red", now=NOW)


def test_capacity_below_places_taken_in_a_future_slot_is_refused_with_the_slots(world):
    venue = shared_venue(world.palace_a, capacity=3, max_party=3)
    book(world.worker, venue, days=1, hour=10, party_size=3)
    with pytest.raises(RuleViolation) as caught:
        rule_update(actor=world.staff_a, venue=venue, capacity=2, max_party=2, now=NOW)
    assert caught.value.code == "capacity_below_taken"
    assert "11-24 10:00 (3 booked, 2 places)" in str(caught.value.message)
    assert venue_values(venue)[3] == 3
    assert SlotCounter.objects.get(venue=venue).capacity == 3
    assert rule_values(venue)["max_party"] == 3


def test_capacity_change_updates_future_counters_only(world):
    venue = shared_venue(world.palace_a, capacity=5, max_party=2)
    book(world.worker, venue, days=1, hour=10, party_size=2)
    past = SlotCounter.objects.create(
        palace=world.palace_a, venue=venue, start=at(-1, 10), end=at(-1, 11), capacity=5, taken=5
    )
    rule_update(actor=world.staff_a, venue=venue, capacity=3, now=NOW)
    assert SlotCounter.objects.get(venue=venue, start=at(1, 10)).capacity == 3
    past.refresh_from_db()
    assert past.capacity == 5


def test_capacity_raise_offers_the_new_place_to_the_waitlist(world):
    venue = shared_venue(world.palace_a, capacity=1, max_party=1)
    book(world.worker, venue, days=1, hour=10)
    waiting = book(world.worker2, venue, days=1, hour=10, waitlist=True)
    assert waiting.status == Status.WAITLISTED
    rule_update(actor=world.staff_a, venue=venue, capacity=2, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED
    assert SlotCounter.objects.get(venue=venue).taken == 2


def test_slot_length_of_shared_venue_is_locked_while_future_bookings_hold_places(world):
    venue = shared_venue(world.palace_a, capacity=3)
    book(world.worker, venue, days=2, hour=10)
    with pytest.raises(RuleViolation) as caught:
        rule_update(actor=world.staff_a, venue=venue, slot_minutes=30, now=NOW)
    assert caught.value.code == "slot_length_locked"
    assert "2026-11-25" in str(caught.value.message)
    assert venue_values(venue)[0] == 60


def test_slot_length_of_exclusive_venue_may_change_with_bookings(world):
    book(world.worker, world.venue_a, days=1, hour=10)
    rule_update(actor=world.staff_a, venue=world.venue_a, slot_minutes=30, now=NOW)
    assert venue_values(world.venue_a)[0] == 30


def test_rule_update_creates_the_rule_with_defaults_when_missing(world):
    assert not BookingRule.objects.filter(venue=world.venue_b).exists()
    rule_update(actor=world.staff_b, venue=world.venue_b, max_active=4, now=NOW)
    rule = rule_values(world.venue_b)
    assert rule["max_active"] == 4
    assert rule["window_days"] == 3  # the shared-venue default, untouched


# --- Duty roster ---------------------------------------------------------------------------------


def shift_kwargs(**overrides):
    values = {"person": "李律师", "weekday": 1, "starts": time(14), "ends": time(17)}
    values.update(overrides)
    return values


def test_duty_shift_create_opens_appointment_slots(world, window):
    assert DutyShift.objects.filter(venue=window).count() == 1
    shift = duty_shift_create(actor=world.manager_a, venue=window, now=NOW, **shift_kwargs(role="律师"))
    assert (shift.person, shift.role, shift.weekday, shift.palace_id) == (
        "李律师",
        "律师",
        1,
        world.palace_a.pk,
    )


def test_duty_shift_only_for_service_windows(world):
    with pytest.raises(InvalidInput) as caught:
        duty_shift_create(actor=world.staff_a, venue=world.venue_a, now=NOW, **shift_kwargs())
    assert caught.value.code == "not_a_service_window"
    assert not DutyShift.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"person": "  "}, "person", "Name the person"),
        ({"weekday": None}, "weekday", "either a weekday"),
        ({"date": TODAY + timedelta(days=3)}, "weekday", "not both"),
        ({"weekday": 7}, "weekday", "Choose a weekday"),
        ({"weekday": None, "date": TODAY - timedelta(days=1)}, "date", "passed"),
        ({"starts": time(17), "ends": time(14)}, "ends", "end after"),
        ({"starts": time(14), "ends": time(14)}, "ends", "end after"),
        ({"person": "长" * 51}, "person", "50 characters"),
    ],
)
def test_duty_shift_bad_input_is_refused_and_nothing_created(world, window, overrides, field, words):
    with pytest.raises(InvalidInput) as caught:
        duty_shift_create(actor=world.staff_a, venue=window, now=NOW, **shift_kwargs(**overrides))
    assert words in " ".join(caught.value.fields[field])
    assert DutyShift.objects.filter(venue=window).count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"person": "张律师", "weekday": 0, "starts": time(11), "ends": time(13)},
        {
            "person": " 张律师 ",
            "weekday": None,
            "date": TODAY + timedelta(days=7),
            "starts": time(8),
            "ends": time(10),
        },
    ],
)
def test_duty_shift_overlapping_the_same_person_is_refused(world, window, overrides):
    with pytest.raises(InvalidInput) as caught:
        duty_shift_create(actor=world.staff_a, venue=window, now=NOW, **shift_kwargs(**overrides))
    assert caught.value.code == "shift_overlaps"
    assert "already on duty" in str(caught.value.message)
    assert DutyShift.objects.filter(venue=window).count() == 1


def test_duty_shifts_that_only_touch_or_are_other_people_are_fine(world, window):
    duty_shift_create(
        actor=world.staff_a,
        venue=window,
        now=NOW,
        **shift_kwargs(person="张律师", weekday=0, starts=time(12), ends=time(13)),
    )
    duty_shift_create(
        actor=world.staff_a,
        venue=window,
        now=NOW,
        **shift_kwargs(person="王律师", weekday=0, starts=time(9), ends=time(12)),
    )
    assert DutyShift.objects.filter(venue=window).count() == 3


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_duty_roster_outside_ones_palaces_is_not_found(world, window, who):
    shift = DutyShift.objects.get(venue=window)
    actor = getattr(world, who)
    with pytest.raises(NotFound):
        duty_shift_create(actor=actor, venue=window, now=NOW, **shift_kwargs())
    with pytest.raises(NotFound):
        duty_shift_update(actor=actor, shift=shift, person="别人", now=NOW)
    with pytest.raises(NotFound):
        duty_shift_delete(actor=actor, shift=shift, now=NOW)
    shift.refresh_from_db()
    assert shift.person == "张律师"
    assert DutyShift.objects.filter(venue=window).count() == 1


def test_deleting_a_shift_that_booked_appointments_need_is_refused(world, window):
    book(world.worker, window, days=0, hour=10, matter="工资被拖欠")
    shift = DutyShift.objects.get(venue=window)
    with pytest.raises(RuleViolation) as caught:
        duty_shift_delete(actor=world.staff_a, shift=shift, now=NOW)
    assert caught.value.code == "duty_conflict"
    assert "11-23 10:00 (1 booked, 0 places)" in str(caught.value.message)
    assert DutyShift.objects.filter(pk=shift.pk).exists()
    assert SlotCounter.objects.get(venue=window).capacity == 1


def test_shortening_a_shift_under_a_booked_appointment_is_refused(world, window):
    book(world.worker, window, days=0, hour=11, matter="劳动合同")
    shift = DutyShift.objects.get(venue=window)
    with pytest.raises(RuleViolation):
        duty_shift_update(actor=world.staff_a, shift=shift, ends=time(11), now=NOW)
    shift.refresh_from_db()
    assert shift.ends == time(12)
    # A change that keeps the booked slot covered is fine.
    duty_shift_update(actor=world.staff_a, shift=shift, starts=time(10), person="张 律师", now=NOW)
    shift.refresh_from_db()
    assert (shift.starts, shift.person) == (time(10), "张 律师")


def test_a_second_person_on_duty_lets_a_shift_go_and_a_cancelled_appointment_frees_it(world, window):
    booking = book(world.worker, window, days=0, hour=10, matter="工伤认定")
    first = DutyShift.objects.get(venue=window)
    duty_shift_create(
        actor=world.staff_a,
        venue=window,
        now=NOW,
        **shift_kwargs(person="王律师", weekday=0, starts=time(9), ends=time(12)),
    )
    assert SlotCounter.objects.get(venue=window).capacity == 2
    duty_shift_delete(actor=world.staff_a, shift=first, now=NOW)
    assert SlotCounter.objects.get(venue=window).capacity == 1
    booking_cancel(actor=world.worker, booking=booking, now=NOW)
    last = DutyShift.objects.get(venue=window)
    duty_shift_delete(actor=world.staff_a, shift=last, now=NOW)
    assert not DutyShift.objects.filter(venue=window).exists()


def test_a_new_shift_offers_its_place_to_the_waitlist(world, window):
    book(world.worker, window, days=0, hour=10, matter="工伤认定")
    other = UserFactory()
    waiting = book(other, window, days=0, hour=10, matter="欠薪", waitlist=True)
    assert waiting.status == Status.WAITLISTED
    duty_shift_create(
        actor=world.staff_a,
        venue=window,
        now=NOW,
        **shift_kwargs(person="王律师", weekday=0, starts=time(10), ends=time(11)),
    )
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED


def test_dated_shift_for_a_weekday_clashes_only_on_that_weekday(world, window):
    monday_next = TODAY + timedelta(days=7)
    tuesday_next = TODAY + timedelta(days=8)
    duty_shift_create(
        actor=world.staff_a,
        venue=window,
        now=NOW,
        person="张律师",
        date=tuesday_next,
        starts=time(9),
        ends=time(12),
    )
    with pytest.raises(InvalidInput):
        duty_shift_create(
            actor=world.staff_a,
            venue=window,
            now=NOW,
            person="张律师",
            date=monday_next,
            starts=time(9),
            ends=time(10),
        )
    assert DutyShift.objects.filter(venue=window).count() == 2
