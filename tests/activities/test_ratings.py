"""Ratings: the service's rules, the database's constraints, the selectors' figures.

Times follow `tests.bookings.support`: "now" is Monday 2026-11-23 08:00 in Asia/Shanghai. The
default course meets on Tuesdays 19:00–21:00 from tomorrow; the default event is on Friday
19:00–20:30. The helpers below are shared with test_ratings_views.py and test_ratings_api.py.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, timedelta

import pytest
from django.db import IntegrityError, OperationalError, connection, transaction

from activities.classes.services import enrolment_create
from activities.events.services import event_register
from activities.models import Rating
from activities.ratings import services
from activities.ratings.selectors import (
    ratables_of_user,
    rating_comments,
    rating_summary,
    ratings_month_summary,
)
from bookings.models import Attendance, Booking, Occurrence
from bookings.services.booking import booking_check_in
from bookings.services.offering import attendance_roll_call
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.activities.support import NOW, make_course, make_event
from tests.bookings.support import at, write_booking

Status = Booking.Status


# --- Helpers (also used by the page and API tests) -------------------------------------------------


def checked_in_booking(world, user=None, *, days=-2, hour=10, venue=None):
    """A venue booking that was checked in, `days` from today (default: two days ago, 10:00–11:00)."""
    return write_booking(
        user or world.worker, venue or world.venue_a, at(days, hour), status=Status.CHECKED_IN
    )


def first_session(course) -> Occurrence:
    return Occurrence.objects.filter(offering=course.offering).order_by("start").first()


def attended_course(world, users, *, course=None, term=None, teacher="陈老师", title="书法入门"):
    """A course of palace A with `users` enrolled and present (roll call) at its first session
    (tomorrow, Tuesday 19:00–21:00). Returns (course, session, {user: booking})."""
    course = course or make_course(world, term, teacher=teacher, title=title)
    bookings = {user: enrolment_create(user=user, course=course, now=NOW) for user in users}
    session = first_session(course)
    attendance_roll_call(
        actor=world.staff_a,
        occurrence=session,
        present=[b.pk for b in bookings.values()],
        now=session.start + timedelta(minutes=5),
    )
    return course, session, bookings


def attended_event(world, users, **values):
    """Friday's lecture with `users` registered and checked in by code at the door."""
    event = make_event(world, **values)
    bookings = {}
    for user in users:
        booking = event_register(user=user, event=event, now=NOW)
        booking_check_in(actor=world.staff_a, code=booking.check_in_code, now=event.starts_at)
        booking.refresh_from_db()
        bookings[user] = booking
    return event, bookings


def expect_refusal(code: str, call) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call()
    assert caught.value.code == code
    return caught.value


# --- Venue bookings -----------------------------------------------------------------------------------


def test_a_checked_in_venue_booking_is_rated_with_the_copies_the_averages_need(world):
    booking = checked_in_booking(world)

    rating = services.rating_create(
        user=world.worker, booking=booking, stars=4, comment="  场地干净 ", now=NOW
    )

    rating.refresh_from_db()
    assert (rating.subject, rating.stars, rating.comment) == ("venue", 4, "场地干净")
    assert (rating.palace, rating.venue, rating.local_date) == (
        world.palace_a,
        world.venue_a,
        booking.local_date,
    )
    assert (rating.occurrence, rating.course, rating.event, rating.teacher) == (None, None, None, "")


def test_a_booking_not_checked_in_is_refused_as_not_attended(world):
    for status in (Status.CONFIRMED, Status.NO_SHOW, Status.CANCELLED):
        booking = write_booking(world.worker, world.venue_a, at(-2, 10 + len(status) % 5), status=status)
        expect_refusal(
            "not_attended",
            lambda b=booking: services.rating_create(user=world.worker, booking=b, stars=5, now=NOW),
        )
    assert Rating.objects.count() == 0


def test_someone_elses_booking_is_not_found(world):
    booking = checked_in_booking(world)

    with pytest.raises(NotFound):
        services.rating_create(user=world.worker2, booking=booking, stars=5, now=NOW)


def test_rating_is_refused_before_the_start_and_after_thirty_days(world):
    booking = checked_in_booking(world, days=0, hour=10)  # today 10:00–11:00, checked in early

    expect_refusal(
        "too_early",
        lambda: services.rating_create(user=world.worker, booking=booking, stars=5, now=at(0, 9, 59)),
    )
    last = booking.end + timedelta(days=services.RATE_WITHIN_DAYS)
    expect_refusal(
        "too_late",
        lambda: services.rating_create(
            user=world.worker, booking=booking, stars=5, now=last + timedelta(seconds=1)
        ),
    )
    assert Rating.objects.count() == 0
    services.rating_create(user=world.worker, booking=booking, stars=5, now=last)
    assert Rating.objects.count() == 1


def test_a_second_rating_of_the_same_booking_is_refused(world):
    booking = checked_in_booking(world)
    services.rating_create(user=world.worker, booking=booking, stars=3, now=NOW)

    expect_refusal(
        "already_rated", lambda: services.rating_create(user=world.worker, booking=booking, stars=5, now=NOW)
    )
    assert Rating.objects.get().stars == 3


@pytest.mark.parametrize("stars", [0, 6, -1, "5", 4.5, True, None])
def test_stars_outside_one_to_five_are_invalid_input_and_nothing_is_written(world, stars):
    booking = checked_in_booking(world)

    with pytest.raises(InvalidInput) as caught:
        services.rating_create(user=world.worker, booking=booking, stars=stars, now=NOW)

    assert "stars" in caught.value.fields
    assert Rating.objects.count() == 0


def test_a_comment_over_500_characters_is_invalid_input(world):
    booking = checked_in_booking(world)

    with pytest.raises(InvalidInput) as caught:
        services.rating_create(user=world.worker, booking=booking, stars=5, comment="好" * 501, now=NOW)

    assert "comment" in caught.value.fields
    services.rating_create(user=world.worker, booking=booking, stars=5, comment="好" * 500, now=NOW)


def test_a_venue_booking_is_rated_without_a_session(world):
    booking = checked_in_booking(world)
    _course, session, _ = attended_course(world, [world.worker2])

    with pytest.raises(InvalidInput) as caught:
        services.rating_create(user=world.worker, booking=booking, occurrence=session, stars=5, now=NOW)
    assert "occurrence" in caught.value.fields


# --- The database's own guards ------------------------------------------------------------------------


def _row(world, booking, **values):
    values.setdefault("stars", 3)
    return Rating(
        palace=world.palace_a,
        user=booking.user,
        subject="venue",
        booking=booking,
        local_date=booking.local_date,
        **values,
    )


@pytest.mark.parametrize("stars", [0, 6])
def test_the_database_refuses_stars_outside_one_to_five(world, stars):
    booking = checked_in_booking(world)

    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, booking, stars=stars).save()


def test_the_database_keeps_one_rating_per_booking_and_per_session(world):
    booking = checked_in_booking(world)
    _row(world, booking).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, booking).save()

    course, session, bookings = attended_course(world, [world.worker])
    enrolment = bookings[world.worker]
    second = Occurrence.objects.filter(offering=course.offering).order_by("start")[1]

    def course_row(occurrence):
        return Rating(
            palace=world.palace_a,
            user=world.worker,
            subject="course",
            booking=enrolment,
            occurrence=occurrence,
            course=course,
            local_date=occurrence.local_date,
            stars=4,
        )

    course_row(session).save()
    course_row(second).save()  # another session of the same enrolment: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        course_row(session).save()


def test_the_database_refuses_a_hidden_comment_without_a_reason(world):
    booking = checked_in_booking(world)

    with pytest.raises(IntegrityError), transaction.atomic():
        _row(world, booking, comment="x", hidden_at=NOW).save()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("blind", [False, True], ids=["as_is", "check_blinded"])
def test_racing_ratings_of_one_booking_give_one_rating_and_refusals(world, monkeypatch, blind):
    """Real threads, each with its own connection, released together. Blinded, the service's own
    check sees nothing, so every racer reaches the insert: the unique constraint alone decides, and
    each loser must still get `already_rated`, not an IntegrityError."""
    booking = checked_in_booking(world)
    original_filter = Rating.objects.filter

    def blind_filter(*args, **kwargs):
        # The pre-check `Rating.objects.filter(booking=..., occurrence=...).exists()` sees nothing.
        if set(kwargs) == {"booking", "occurrence"}:
            return Rating.objects.none()
        return original_filter(*args, **kwargs)

    if blind:
        monkeypatch.setattr(Rating.objects, "filter", blind_filter)
    racers = 4
    barrier = threading.Barrier(racers)
    outcomes, errors = [], []

    def rate(stars):
        try:
            barrier.wait(timeout=10)
            # The in-memory SQLite test database answers "table is locked" to a concurrent writer
            # instead of making it wait; a retry is what a request would see as a short wait.
            for _attempt in range(200):
                try:
                    services.rating_create(user=world.worker, booking=booking, stars=stars, now=NOW)
                    outcomes.append("rated")
                    return
                except RuleViolation as refusal:
                    outcomes.append(refusal.code)
                    return
                except OperationalError:
                    time.sleep(0.01)
            errors.append("never got the database")
        except Exception as error:  # surfaced by the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=rate, args=(n + 1,)) for n in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes) == ["already_rated"] * (racers - 1) + ["rated"]
    assert original_filter(booking=booking).count() == 1


# --- Class sessions -----------------------------------------------------------------------------------


def test_a_class_session_attended_is_rated_with_its_course_teacher_and_date(world):
    course, session, bookings = attended_course(world, [world.worker])

    rating = services.rating_create(
        user=world.worker, booking=bookings[world.worker], occurrence=session, stars=5, now=session.end
    )

    assert (rating.subject, rating.course, rating.occurrence, rating.teacher) == (
        "course",
        course,
        session,
        "陈老师",
    )
    assert (rating.local_date, rating.venue_id, rating.palace) == (
        session.local_date,
        course.venue_id,
        world.palace_a,
    )


def test_a_session_missed_is_refused_even_when_enrolled(world):
    course, _session, bookings = attended_course(world, [world.worker])
    second = Occurrence.objects.filter(offering=course.offering).order_by("start")[1]

    expect_refusal(
        "not_attended",
        lambda: services.rating_create(
            user=world.worker, booking=bookings[world.worker], occurrence=second, stars=5, now=second.end
        ),
    )


def test_each_session_is_rated_once(world):
    _course, session, bookings = attended_course(world, [world.worker])
    booking = bookings[world.worker]
    services.rating_create(user=world.worker, booking=booking, occurrence=session, stars=5, now=session.end)

    expect_refusal(
        "already_rated",
        lambda: services.rating_create(
            user=world.worker, booking=booking, occurrence=session, stars=1, now=session.end
        ),
    )


def test_a_class_needs_the_session_and_only_one_of_its_own(world):
    course, session, bookings = attended_course(world, [world.worker])
    _other, other_session, _ = attended_course(world, [world.worker2], term=course.term, title="太极拳")

    with pytest.raises(InvalidInput):
        services.rating_create(user=world.worker, booking=bookings[world.worker], stars=5, now=session.end)
    with pytest.raises(InvalidInput):
        services.rating_create(
            user=world.worker,
            booking=bookings[world.worker],
            occurrence=other_session,
            stars=5,
            now=session.end,
        )
    assert Rating.objects.count() == 0


def test_the_teacher_is_copied_when_rated(world):
    course, session, bookings = attended_course(world, [world.worker])
    rating = services.rating_create(
        user=world.worker, booking=bookings[world.worker], occurrence=session, stars=5, now=session.end
    )
    type(course).objects.filter(pk=course.pk).update(teacher="刘老师")

    rating.refresh_from_db()
    assert rating.teacher == "陈老师"


# --- Events -------------------------------------------------------------------------------------------


def test_an_event_checked_in_is_rated_once_as_a_whole(world):
    event, bookings = attended_event(world, [world.worker])
    booking = bookings[world.worker]
    assert booking.status == Status.CHECKED_IN

    rating = services.rating_create(user=world.worker, booking=booking, stars=4, now=event.ends_at)

    assert (rating.subject, rating.event, rating.occurrence, rating.local_date) == (
        "event",
        event,
        None,
        event.local_date,
    )
    expect_refusal(
        "already_rated",
        lambda: services.rating_create(user=world.worker, booking=booking, stars=4, now=event.ends_at),
    )


def test_an_event_with_attendance_but_no_check_in_status_counts_as_attended(world):
    event = make_event(world)
    booking = event_register(user=world.worker, event=event, now=NOW)
    session = Occurrence.objects.get(offering=event.offering)
    Attendance.objects.create(
        booking=booking,
        occurrence=session,
        palace=world.palace_a,
        local_date=session.local_date,
        method="roll_call",
    )

    services.rating_create(user=world.worker, booking=booking, stars=4, now=event.ends_at)


def test_an_event_registered_for_but_not_attended_is_refused(world):
    event = make_event(world)
    booking = event_register(user=world.worker, event=event, now=NOW)

    expect_refusal(
        "not_attended",
        lambda: services.rating_create(user=world.worker, booking=booking, stars=4, now=event.ends_at),
    )
    expect_refusal(
        "too_early",
        lambda: services.rating_create(
            user=world.worker, booking=booking, stars=4, now=event.starts_at - timedelta(minutes=1)
        ),
    )


# --- Changing and hiding ------------------------------------------------------------------------------


def test_the_author_changes_a_rating_within_fourteen_days_only(world):
    rating = services.rating_create(user=world.worker, booking=checked_in_booking(world), stars=2, now=NOW)

    services.rating_update(
        user=world.worker, rating=rating, stars=4, comment="其实不错", now=NOW + timedelta(days=14)
    )
    rating.refresh_from_db()
    assert (rating.stars, rating.comment) == (4, "其实不错")

    expect_refusal(
        "too_late",
        lambda: services.rating_update(
            user=world.worker, rating=rating, stars=1, now=NOW + timedelta(days=14, seconds=1)
        ),
    )
    with pytest.raises(NotFound):
        services.rating_update(user=world.worker2, rating=rating, stars=1, now=NOW)
    with pytest.raises(InvalidInput):
        services.rating_update(user=world.worker, rating=rating, stars=9, now=NOW)
    rating.refresh_from_db()
    assert rating.stars == 4


def test_staff_of_the_palace_hide_a_comment_with_a_reason_and_its_stars_still_count(world):
    rating = services.rating_create(
        user=world.worker, booking=checked_in_booking(world), stars=1, comment="骂人的话", now=NOW
    )

    with pytest.raises(InvalidInput):
        services.rating_hide(actor=world.staff_a, rating=rating, reason="  ")
    for outsider in (world.staff_b, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            services.rating_hide(actor=outsider, rating=rating, reason="辱骂")
    services.rating_hide(actor=world.staff_a, rating=rating, reason="辱骂", now=NOW)

    rating.refresh_from_db()
    assert (rating.is_hidden, rating.hidden_by, rating.hidden_reason) == (True, world.staff_a, "辱骂")
    assert rating.comment == "骂人的话"  # kept, not deleted
    expect_refusal(
        "already_hidden", lambda: services.rating_hide(actor=world.manager_a, rating=rating, reason="x")
    )
    summary = rating_summary(world.palace_a, start=rating.local_date, end=rating.local_date)
    assert (summary.count, summary.average) == (1, 1.0)

    services.rating_unhide(actor=world.manager_a, rating=rating)
    rating.refresh_from_db()
    assert not rating.is_hidden


def test_a_rating_without_comment_has_nothing_to_hide(world):
    rating = services.rating_create(user=world.worker, booking=checked_in_booking(world), stars=1, now=NOW)

    expect_refusal("no_comment", lambda: services.rating_hide(actor=world.staff_a, rating=rating, reason="x"))


# --- What is left to rate -----------------------------------------------------------------------------


def test_ratables_list_what_was_attended_in_the_last_thirty_days_and_not_yet_rated(world):
    venue_booking = checked_in_booking(world, days=-2)
    checked_in_booking(world, days=-40)  # too long ago
    write_booking(world.worker, world.venue_a, at(-3, 10), status=Status.NO_SHOW)
    checked_in_booking(world, world.worker2, days=-1)  # someone else's
    _course, session, _ = attended_course(world, [world.worker])
    event, _ = attended_event(world, [world.worker])
    later = event.ends_at + timedelta(hours=1)

    items = ratables_of_user(world.worker, now=later)

    assert [(i.kind, i.booking.pk if i.kind == "venue" else None, i.occurrence) for i in items] == [
        ("event", None, None),
        ("course", None, session),
        ("venue", venue_booking.pk, None),
    ]
    assert items[1].title == "书法入门"
    services.rating_create(user=world.worker, booking=items[0].booking, stars=5, now=later)
    assert [i.kind for i in ratables_of_user(world.worker, now=later)] == ["course", "venue"]


def test_ratables_list_one_session_per_class_with_the_count_of_earlier_ones(world):
    course, first, enrolments = attended_course(world, [world.worker])
    second = Occurrence.objects.filter(offering=course.offering).order_by("start")[1]
    attendance_roll_call(
        actor=world.staff_a, occurrence=second, present=[enrolments[world.worker].pk], now=second.end
    )

    items = ratables_of_user(world.worker, now=second.end)
    every = ratables_of_user(world.worker, now=second.end, one_per_class=False)

    assert [(i.occurrence, i.earlier) for i in items] == [(second, 1)]
    assert [i.occurrence for i in every] == [second, first]
    services.rating_create(
        user=world.worker, booking=enrolments[world.worker], occurrence=second, stars=4, now=second.end
    )
    assert [(i.occurrence, i.earlier) for i in ratables_of_user(world.worker, now=second.end)] == [(first, 0)]


def test_ratables_take_three_queries_however_many(world, django_assert_num_queries):
    for days in range(1, 8):
        checked_in_booking(world, days=-days)
    attended_course(world, [world.worker])
    attended_event(world, [world.worker])

    with django_assert_num_queries(3):
        items = ratables_of_user(world.worker, now=NOW + timedelta(days=5))
        [(i.title, i.place, i.palace_name) for i in items]
    assert len(items) == 9


# --- Averages -----------------------------------------------------------------------------------------


def test_averages_per_course_teacher_venue_event_and_month(world):
    course, session, bookings = attended_course(world, [world.worker, world.worker2], teacher="陈老师")
    for user, stars in ((world.worker, 5), (world.worker2, 2)):
        services.rating_create(
            user=user, booking=bookings[user], occurrence=session, stars=stars, now=session.end
        )
    _yoga, yoga_session, yoga_bookings = attended_course(
        world, [world.worker], term=course.term, title="瑜伽", teacher="陈老师"
    )
    services.rating_create(
        user=world.worker,
        booking=yoga_bookings[world.worker],
        occurrence=yoga_session,
        stars=4,
        now=yoga_session.end,
    )
    for user, stars, days in ((world.worker, 3, -2), (world.worker2, 4, -3)):
        services.rating_create(
            user=user, booking=checked_in_booking(world, user, days=days), stars=stars, now=NOW
        )
    event, event_bookings = attended_event(world, [world.worker])
    services.rating_create(
        user=world.worker, booking=event_bookings[world.worker], stars=1, now=event.ends_at
    )

    summary = rating_summary(world.palace_a, start=date(2026, 11, 1), end=date(2026, 11, 30))

    assert summary.count == 6
    assert summary.average == pytest.approx((5 + 2 + 4 + 3 + 4 + 1) / 6)
    assert [(b.stars, b.count, b.percent) for b in summary.distribution] == [
        (5, 1, 17),
        (4, 2, 33),
        (3, 1, 17),
        (2, 1, 17),
        (1, 1, 17),
    ]
    assert [(r["course__title"], r["count"], r["average"]) for r in summary.by_course] == [
        ("书法入门", 2, 3.5),
        ("瑜伽", 1, 4.0),
    ]
    assert [(r["teacher"], r["count"], r["average"]) for r in summary.by_teacher] == [
        ("陈老师", 3, pytest.approx(11 / 3))
    ]
    venues = {r["venue__name"]: r for r in summary.by_venue}
    assert (venues["羽毛球馆1号场"]["count"], venues["羽毛球馆1号场"]["average"]) == (2, 3.5)
    assert venues["羽毛球馆1号场"]["bookings"] == 2
    assert venues["职工课堂"]["count"] == 3  # the classroom where the sessions were held
    assert venues["职工课堂"]["bookings"] == 0
    assert [(r["event__title"], r["count"], r["average"]) for r in summary.by_event] == [
        ("劳模讲堂：工匠精神", 1, 1.0)
    ]
    assert [(r["month"], r["count"]) for r in summary.by_month] == [(date(2026, 11, 1), 6)]
    assert rating_summary(world.palace_b, start=date(2026, 11, 1), end=date(2026, 11, 30)).count == 0


def test_the_summary_takes_six_queries_whatever_the_data(world, django_assert_num_queries):
    _course, session, bookings = attended_course(world, [world.worker, world.worker2])
    for user in bookings:
        services.rating_create(
            user=user, booking=bookings[user], occurrence=session, stars=4, now=session.end
        )
    for days in range(1, 6):
        services.rating_create(
            user=world.worker, booking=checked_in_booking(world, days=-days), stars=days, now=NOW
        )

    with django_assert_num_queries(6):
        rating_summary(world.palace_a, start=date(2026, 1, 1), end=date(2026, 12, 31))


def test_the_month_summary_counts_by_the_local_date_of_what_was_rated(world):
    # 1 December 00:30 in Shanghai is still 30 November in UTC: a month taken in UTC would be wrong.
    late = write_booking(world.worker, world.venue_a, at(7, 22, 30), status=Status.CHECKED_IN)
    early = write_booking(world.worker2, world.venue_a, at(8, 0, 30), status=Status.CHECKED_IN)
    assert (late.local_date, early.local_date) == (date(2026, 11, 30), date(2026, 12, 1))
    assert early.start.astimezone(UTC).date() == date(2026, 11, 30)
    services.rating_create(user=world.worker, booking=late, stars=2, now=late.end)
    services.rating_create(user=world.worker2, booking=early, stars=5, now=early.end)
    # Rated in December, about November: it counts for November.
    Rating.objects.filter(booking=late).update(created_at=early.end)

    november = ratings_month_summary(world.palace_a, date(2026, 11, 15))
    december = ratings_month_summary(world.palace_a, "2026-12")

    assert (november.month, november.count, november.average) == (date(2026, 11, 1), 1, 2.0)
    assert (december.month, december.count, december.average) == (date(2026, 12, 1), 1, 5.0)
    assert ratings_month_summary(world.palace_b, "2026-11").count == 0


def test_comments_for_staff_leave_out_ratings_without_one(world):
    services.rating_create(
        user=world.worker, booking=checked_in_booking(world, days=-2), stars=5, comment="好", now=NOW
    )
    services.rating_create(user=world.worker, booking=checked_in_booking(world, days=-3), stars=4, now=NOW)

    assert [
        r.comment for r in rating_comments(world.palace_a, start=date(2026, 11, 1), end=date(2026, 11, 30))
    ] == ["好"]
