"""The rules of classes: enrolment, waitlist and offers, the lottery, limits, sections, attendance."""

from __future__ import annotations

from collections import Counter
from datetime import time, timedelta

import pytest

from activities.classes.selectors import course_attendance, course_demand
from activities.classes.services import (
    course_cancel,
    course_update,
    draw_order,
    enrolment_create,
    lottery_draw,
    section_open,
    sessions_plan,
)
from activities.models import Course, LotteryDraw, PriorityRound
from activities.offerings.services import enrolment_withdraw
from bookings.models import Attendance, Booking, Notification, Occurrence
from bookings.services import booking_check_in, offer_accept, offers_expire
from bookings.services.offering import attendance_roll_call, offering_waitlist_position
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.activities.support import NOW, SHANGHAI, TODAY, classroom, make_course, make_term, workers
from tests.factories import UserFactory
from venues.models import Closure

pytestmark = pytest.mark.django_db
Status = Booking.Status
AFTER_CLOSE = NOW + timedelta(days=6)  # Sunday 29 November: enrolment closed on the 28th


def enrol_all(course, people, now=NOW):
    return [enrolment_create(user=person, course=course, now=now) for person in people]


# --- First come, first served ------------------------------------------------------------------


def test_enrolment_confirms_until_full_then_waitlists(world):
    course = make_course(world, capacity=2)
    result = enrol_all(course, workers(4))
    assert [b.status for b in result] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
        Status.WAITLISTED,
    ]
    course.offering.refresh_from_db()
    assert course.offering.taken == 2
    assert offering_waitlist_position(result[3]) == 2


def test_enrolment_twice_is_refused(world):
    course = make_course(world)
    enrolment_create(user=world.worker, course=course, now=NOW)
    with pytest.raises(RuleViolation) as refused:
        enrolment_create(user=world.worker, course=course, now=NOW)
    assert refused.value.code == "already_enrolled"
    assert Booking.objects.filter(offering=course.offering).count() == 1


@pytest.mark.parametrize(
    ("when", "code"),
    [(NOW - timedelta(days=30), "enrolment_not_open"), (AFTER_CLOSE, "enrolment_closed")],
)
def test_enrolment_outside_the_window_is_refused(world, when, code):
    course = make_course(world)
    with pytest.raises(RuleViolation) as refused:
        enrolment_create(user=world.worker, course=course, now=when)
    assert refused.value.code == code
    assert not Booking.objects.filter(offering=course.offering).exists()


def test_unpublished_course_does_not_exist_for_workers(world):
    course = make_course(world, publish=False)
    with pytest.raises(NotFound):
        enrolment_create(user=world.worker, course=course, now=NOW)


def test_members_only_course_refuses_non_members(world):
    course = make_course(world, members_only=True)
    with pytest.raises(RuleViolation) as refused:
        enrolment_create(user=UserFactory(membership_number=""), course=course, now=NOW)
    assert refused.value.code == "members_only"
    member = UserFactory(membership_number="36010012345")
    assert enrolment_create(user=member, course=course, now=NOW).status == Status.CONFIRMED


def test_withdrawal_offers_the_place_to_the_head_of_the_waitlist(world):
    course = make_course(world, capacity=1)
    first, second, third = enrol_all(course, workers(3))
    enrolment_withdraw(actor=first.user, enrolment=first, now=NOW)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == Status.OFFERED
    assert third.status == Status.WAITLISTED
    assert second.offer_expires_at == NOW + timedelta(minutes=course.offering.offer_minutes)
    assert Notification.objects.filter(user=second.user, kind="waitlist_offer").exists()
    offer_accept(user=second.user, booking=second, now=NOW + timedelta(hours=1))
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED


def test_an_offer_not_taken_passes_to_the_next(world):
    course = make_course(world, capacity=1)
    first, second, third = enrol_all(course, workers(3))
    enrolment_withdraw(actor=first.user, enrolment=first, now=NOW)
    offers_expire(now=NOW + timedelta(days=2))
    second.refresh_from_db()
    third.refresh_from_db()
    assert (second.status, third.status) == (Status.EXPIRED, Status.OFFERED)
    course.offering.refresh_from_db()
    assert course.offering.taken == 1


def test_a_newcomer_never_gets_ahead_of_the_waitlist(world):
    course = make_course(world, capacity=1)
    first, waiting = enrol_all(course, workers(2))
    enrolment_withdraw(actor=first.user, enrolment=first, now=NOW)
    late = enrolment_create(user=UserFactory(), course=course, now=NOW)
    assert late.status == Status.WAITLISTED
    waiting.refresh_from_db()
    assert waiting.status == Status.OFFERED


def test_withdrawal_after_the_course_ended_is_refused(world):
    course = make_course(world)
    enrolment = enrolment_create(user=world.worker, course=course, now=NOW)
    with pytest.raises(RuleViolation) as refused:
        enrolment_withdraw(actor=world.worker, enrolment=enrolment, now=course.offering.ends_at)
    assert refused.value.code == "cancel_deadline_passed"


def test_someone_else_cannot_withdraw_an_enrolment(world):
    course = make_course(world)
    enrolment = enrolment_create(user=world.worker, course=course, now=NOW)
    for outsider in (world.worker2, world.staff_b):
        with pytest.raises(NotFound):
            enrolment_withdraw(actor=outsider, enrolment=enrolment, now=NOW)
    enrolment_withdraw(actor=world.staff_a, enrolment=enrolment, reason="重复报名", now=NOW)
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CANCELLED


def test_capacity_cannot_drop_below_places_held_and_more_places_go_to_the_waitlist(world):
    course = make_course(world, capacity=2)
    people = enrol_all(course, workers(3))
    values = {
        "title": course.title,
        "centre": course.centre,
        "venue": course.venue,
        "weekdays": course.weekdays,
        "starts_at": course.starts_at,
        "ends_at": course.ends_at,
        "selection": "first_come",
    }
    with pytest.raises(RuleViolation) as refused:
        course_update(actor=world.staff_a, course=course, capacity=1, now=NOW, **values)
    assert refused.value.code == "capacity_below_taken"
    course_update(actor=world.staff_a, course=course, capacity=3, now=NOW, **values)
    people[2].refresh_from_db()
    assert people[2].status == Status.OFFERED


# --- The per-term limit and sections -------------------------------------------------------------


def test_a_worker_holds_at_most_the_terms_number_of_courses(world):
    term = make_term(world, max_courses=2)
    room = classroom(world.palace_a)
    courses = [make_course(world, term, title=f"课程{i}", venue=room, weekdays=[i]) for i in range(3)]
    enrolment_create(user=world.worker, course=courses[0], now=NOW)
    enrolment_create(user=world.worker, course=courses[1], now=NOW)
    with pytest.raises(RuleViolation) as refused:
        enrolment_create(user=world.worker, course=courses[2], now=NOW)
    assert refused.value.code == "limit_reached"
    # Another term's courses do not count.
    other = make_term(world, name="另一学期")
    assert (
        enrolment_create(user=world.worker, course=make_course(world, other), now=NOW).status
        == Status.CONFIRMED
    )


def test_offers_skip_people_who_reached_the_limit_meanwhile(world):
    term = make_term(world, max_courses=1)
    room = classroom(world.palace_a)
    popular = make_course(world, term, title="瑜伽", venue=room, capacity=1)
    other = make_course(world, term, title="摄影", venue=room, weekdays=[3])
    holder, busy, free = UserFactory(), UserFactory(), UserFactory()
    enrolment_create(user=holder, course=popular, now=NOW)
    busy_wait = enrolment_create(user=busy, course=popular, now=NOW)
    free_wait = enrolment_create(user=free, course=popular, now=NOW)
    enrolment_create(user=busy, course=other, now=NOW)  # waiting does not count; holding does
    enrolment_withdraw(actor=holder, enrolment=Booking.objects.get(user=holder), now=NOW)
    busy_wait.refresh_from_db()
    free_wait.refresh_from_db()
    assert (busy_wait.status, free_wait.status) == (Status.WAITLISTED, Status.OFFERED)


def test_a_new_section_is_offered_to_the_courses_waitlist_first(world):
    course = make_course(world, capacity=2)
    people = enrol_all(course, workers(6))
    waiting = people[2:]
    demand = course_demand(course)
    assert (demand.enrolled, demand.waitlisted, demand.overflowing) == (2, 4, True)
    section = section_open(
        actor=world.staff_a,
        course=course,
        weekdays=[3],
        starts_at=time(19),
        ends_at=time(21),
        venue=course.venue,
        capacity=3,
        now=NOW,
    )
    assert section.section_of == course
    assert section.offering.family == course.offering.family
    offered = Booking.objects.filter(offering=section.offering, status=Status.OFFERED)
    assert [b.user_id for b in offered.order_by("queue_rank")] == [b.user_id for b in waiting[:3]]
    # Accepting the new section's offer ends the wait for the first one.
    take = offered.get(user=waiting[0].user)
    offer_accept(user=waiting[0].user, booking=take, now=NOW)
    waiting[0].refresh_from_db()
    assert waiting[0].status == Status.CANCELLED
    # One section per person.
    with pytest.raises(RuleViolation) as refused:
        enrolment_create(user=people[0].user, course=section, now=NOW)
    assert refused.value.code == "already_enrolled"


def test_only_the_palaces_staff_open_sections(world):
    course = make_course(world)
    with pytest.raises(NotFound):
        section_open(
            actor=world.staff_b,
            course=course,
            weekdays=[3],
            starts_at=time(19),
            ends_at=time(21),
            venue=course.venue,
            capacity=3,
            now=NOW,
        )
    assert not Course.objects.filter(section_of=course).exists()


# --- The lottery ---------------------------------------------------------------------------------


def lottery_course(world, capacity=3, **values):
    return make_course(world, capacity=capacity, selection="lottery", title="花艺", **values)


def test_lottery_applications_take_no_places_until_the_draw(world):
    course = lottery_course(world)
    applied = enrol_all(course, workers(5))
    assert {b.status for b in applied} == {Status.PENDING}
    course.offering.refresh_from_db()
    assert course.offering.taken == 0


def test_lottery_is_drawn_only_after_enrolment_closes_and_only_once(world):
    course = lottery_course(world)
    enrol_all(course, workers(5))
    with pytest.raises(RuleViolation) as early:
        lottery_draw(actor=world.staff_a, course=course, now=NOW)
    assert early.value.code == "enrolment_open"
    lottery_draw(actor=world.staff_a, course=course, now=AFTER_CLOSE)
    with pytest.raises(RuleViolation) as again:
        lottery_draw(actor=world.staff_a, course=course, now=AFTER_CLOSE)
    assert again.value.code == "already_drawn"


def test_lottery_fills_the_places_in_draw_order_and_waitlists_the_rest(world):
    course = lottery_course(world, capacity=3)
    applied = enrol_all(course, workers(7))
    draw = lottery_draw(actor=world.staff_a, course=course, seed="abc123", now=AFTER_CLOSE)
    order = [row["booking"] for row in draw.ordering]
    assert sorted(order) == sorted(b.pk for b in applied)
    statuses = dict(Booking.objects.filter(offering=course.offering).values_list("pk", "status"))
    assert [statuses[pk] for pk in order] == [Status.CONFIRMED] * 3 + [Status.WAITLISTED] * 4
    assert (draw.seed, draw.places, draw.applicants) == ("abc123", 3, 7)
    # The waitlist keeps the draw's order: a freed place goes to the fourth drawn.
    winner = Booking.objects.get(pk=order[0])
    enrolment_withdraw(actor=winner.user, enrolment=winner, now=AFTER_CLOSE)
    assert Booking.objects.get(pk=order[3]).status == Status.OFFERED
    assert Notification.objects.filter(kind="lottery_won").values("user").distinct().count() == 3
    assert Notification.objects.filter(kind="lottery_waitlisted").values("user").distinct().count() == 4


def test_the_draw_is_reproducible_from_its_seed(world):
    course = lottery_course(world)
    enrol_all(course, workers(6))
    draw = lottery_draw(actor=world.staff_a, course=course, now=AFTER_CLOSE)
    assert len(draw.seed) == 32  # fresh from `secrets`, kept
    again = draw_order(draw.seed, [(row["booking"], row["round"]) for row in reversed(draw.ordering)])
    assert again == draw.ordering
    assert draw_order("another seed", [(row["booking"], 0) for row in draw.ordering]) != draw.ordering


def test_the_draw_is_fair_every_applicant_equally_likely(world):
    applicants = [(pk, 0) for pk in range(1, 11)]
    wins = Counter()
    trials = 4000
    for seed in range(trials):
        for row in draw_order(str(seed), applicants)[:3]:
            wins[row["booking"]] += 1
    expected = trials * 3 / 10
    chi_square = sum((wins[pk] - expected) ** 2 / expected for pk, _round in applicants)
    # 9 degrees of freedom: 27.9 is the 0.1% critical value. A biased draw fails by far.
    assert chi_square < 27.9, wins


def test_priority_rounds_draw_their_people_first(world):
    course = lottery_course(world, capacity=2, priority_rounds=[PriorityRound.NEW_FORM_WORKER])
    couriers = workers(2, new_form_worker=True)
    others = workers(6)
    enrol_all(course, [*others, *couriers])
    draw = lottery_draw(actor=world.staff_a, course=course, now=AFTER_CLOSE)
    winners = set(
        Booking.objects.filter(offering=course.offering, status=Status.CONFIRMED).values_list(
            "user_id", flat=True
        )
    )
    assert winners == {u.pk for u in couriers}
    assert [row["round"] for row in draw.ordering] == [0, 0] + [1] * 6


def test_first_timers_round_counts_classes_held_this_year(world):
    term = make_term(world)
    room = classroom(world.palace_a)
    earlier = make_course(world, term, title="太极", venue=room, weekdays=[5])
    veteran, newcomer = UserFactory(), UserFactory()
    enrolment_create(user=veteran, course=earlier, now=NOW)
    course = make_course(
        world,
        term,
        title="合唱",
        venue=room,
        capacity=1,
        selection="lottery",
        priority_rounds=["first_timer"],
    )
    enrol_all(course, [veteran, newcomer])
    lottery_draw(actor=world.staff_a, course=course, now=AFTER_CLOSE)
    assert Booking.objects.get(offering=course.offering, status=Status.CONFIRMED).user == newcomer


def test_staff_of_another_palace_cannot_draw(world):
    course = lottery_course(world)
    enrol_all(course, workers(3))
    with pytest.raises(NotFound):
        lottery_draw(actor=world.staff_b, course=course, now=AFTER_CLOSE)
    assert not LotteryDraw.objects.exists()


# --- Sessions and attendance ---------------------------------------------------------------------


def test_sessions_skip_the_palaces_closures(world):
    room = classroom(world.palace_a)
    tuesday = TODAY + timedelta(days=8)
    Closure.objects.create(palace=world.palace_a, start_date=tuesday, end_date=tuesday, reason="设备检修")
    plan = sessions_plan(
        palace=world.palace_a,
        venue=room,
        weekdays=[1],
        starts_at=time(19),
        ends_at=time(21),
        first=TODAY,
        last=TODAY + timedelta(weeks=3),
    )
    assert [s.start.date() for s in plan] == [TODAY + timedelta(days=d) for d in (1, 8, 15)]
    assert [s.skipped for s in plan] == ["", "设备检修", ""]
    course = make_course(world, venue=room)
    skipped = Occurrence.objects.get(offering=course.offering, local_date=tuesday)
    assert skipped.cancelled
    assert skipped.note == "设备检修"


def test_check_in_code_records_attendance_for_the_session_under_way(world):
    course = make_course(world)
    enrolment = enrolment_create(user=world.worker, course=course, now=NOW)
    session = course.offering.occurrences.filter(cancelled=False).first()
    with pytest.raises(RuleViolation) as early:
        booking_check_in(
            actor=world.staff_a, code=enrolment.check_in_code, now=session.start - timedelta(hours=2)
        )
    assert early.value.code == "not_checkin_time"
    booking_check_in(actor=world.staff_a, code=enrolment.check_in_code, now=session.start)
    assert Attendance.objects.get(booking=enrolment).occurrence == session
    with pytest.raises(RuleViolation) as twice:
        booking_check_in(
            actor=world.staff_a, code=enrolment.check_in_code, now=session.start + timedelta(minutes=5)
        )
    assert twice.value.code == "already_checked_in"
    enrolment.refresh_from_db()
    assert enrolment.status == Status.CONFIRMED  # a course goes on: the next session checks in again
    with pytest.raises(NotFound):
        booking_check_in(actor=world.staff_b, code=enrolment.check_in_code, now=session.start)


def test_roll_call_sets_exactly_who_was_there_and_completion_follows(world):
    course = make_course(world, completion_percent=50)
    present, absent = enrol_all(course, workers(2))
    sessions = list(course.offering.occurrences.filter(cancelled=False))
    other_course = make_course(world, course.term, title="别的课", weekdays=[4])
    stranger = enrolment_create(user=UserFactory(), course=other_course, now=NOW)
    with pytest.raises(InvalidInput):
        attendance_roll_call(
            actor=world.staff_a, occurrence=sessions[0], present=[stranger.pk], now=sessions[0].start
        )
    with pytest.raises(RuleViolation):
        attendance_roll_call(actor=world.staff_a, occurrence=sessions[-1], present=[present.pk], now=NOW)
    with pytest.raises(NotFound):
        attendance_roll_call(
            actor=world.staff_b, occurrence=sessions[0], present=[present.pk], now=sessions[0].start
        )
    attendance_roll_call(
        actor=world.staff_a, occurrence=sessions[0], present=[present.pk, absent.pk], now=sessions[0].start
    )
    result = attendance_roll_call(
        actor=world.staff_a, occurrence=sessions[0], present=[present.pk], now=sessions[0].start
    )
    assert result == {"added": 0, "removed": 1}
    half = len(sessions) // 2 + len(sessions) % 2
    for session in sessions[1:half]:
        attendance_roll_call(actor=world.staff_a, occurrence=session, present=[present.pk], now=session.start)
    records = {r.enrolment.pk: r for r in course_attendance(course, now=sessions[-1].end)}
    assert records[present.pk].attended == half
    assert records[present.pk].completed
    assert records[absent.pk].attended == 0
    assert not records[absent.pk].completed


def test_cancelling_a_course_ends_every_enrolment_with_the_reason(world):
    course = make_course(world, capacity=1)
    holder, _waiting = enrol_all(course, workers(2))
    with pytest.raises(InvalidInput):
        course_cancel(actor=world.staff_a, course=course, reason=" ", now=NOW)
    course_cancel(actor=world.staff_a, course=course, reason="老师生病", now=NOW)
    assert set(Booking.objects.filter(offering=course.offering).values_list("status", flat=True)) == {
        Status.CANCELLED
    }
    assert Notification.objects.filter(
        user=holder.user, kind="booking_cancelled", body__contains="老师生病"
    ).exists()


def test_the_schedule_is_local_time(world):
    course = make_course(world)
    first = course.offering.occurrences.order_by("start").first()
    assert first.start.astimezone(SHANGHAI).time() == time(19)


def test_the_beat_draws_lotteries_whose_enrolment_closed(world):
    from activities.classes.services import lotteries_draw_due

    course = lottery_course(world, capacity=1)
    enrol_all(course, workers(3))
    assert lotteries_draw_due(now=NOW) == 0
    assert lotteries_draw_due(now=AFTER_CLOSE) == 1
    draw = LotteryDraw.objects.get(course=course)
    assert draw.drawn_by is None
    assert lotteries_draw_due(now=AFTER_CLOSE) == 0
    assert Booking.objects.filter(offering=course.offering, status=Status.CONFIRMED).count() == 1
