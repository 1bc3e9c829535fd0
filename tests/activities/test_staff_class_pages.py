"""Staff pages of classes and events (activities/staff_classes/): who may open what, what the
forms do, and how many queries the lists take.

"Now" is frozen at Monday 2026-11-23 08:00 (Asia/Shanghai, tests.bookings.support) unless a test
says otherwise. The term runs from today for eight weeks; enrolment closes Saturday 28 Nov 20:00.
The calligraphy course meets on Tuesdays 19:00–21:00.
"""

from __future__ import annotations

import io
from datetime import timedelta
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from PIL import Image

from activities.classes.services import enrolment_create
from activities.events.services import event_register
from activities.models import Course, Event, LotteryDraw, Term
from bookings.models import Attendance, Booking, Occurrence
from bookings.services.booking import booking_check_in
from tests.activities.support import NOW, TODAY, at, classroom, make_course, make_event, make_term, workers
from venues.models import Closure

Status = Booking.Status
AFTER_CLOSE = at(6, 9)  # Sunday 29 Nov 09:00: enrolment has closed
FIRST_SESSION = at(1, 19, 10)  # Tuesday 24 Nov 19:10: the first session is under way


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def frozen_at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def school(world):
    """Palace A's winter term with a first-come course (3 enrolled, 1 on a code check-in list), an
    overflowing lottery course (2 places, 4 applicants), a lecture with registration and an
    online talk. Palace B has a term of its own."""
    s = SimpleNamespace(world=world, palace=world.palace_a)
    s.term = make_term(world)
    s.room = classroom(world.palace_a)
    s.course = make_course(world, s.term, venue=s.room)
    s.enrolled = workers(3)
    s.enrolments = [enrolment_create(user=w, course=s.course, now=NOW) for w in s.enrolled]
    s.lottery = make_course(
        world,
        s.term,
        venue=s.room,
        title="民族舞",
        weekdays=[3],
        selection="lottery",
        capacity=2,
        priority_rounds=["new_form_worker"],
    )
    s.applicants = workers(4)
    for w in s.applicants:
        enrolment_create(user=w, course=s.lottery, now=NOW)
    s.event = make_event(world)
    s.online = make_event(
        world, title="线上讲座", venue=None, online_url="https://live.example.com/1", capacity=None
    )
    s.session = Occurrence.objects.filter(offering=s.course.offering).order_by("start").first()
    s.term_b = make_term(world, world.palace_b)
    return s


def url(name, *args):
    return reverse(f"classes_staff:{name}", args=args)


def page_urls(s) -> list[tuple[str, str, bool]]:
    """(label, URL, readable by those who only see the palace) of every page."""
    p = s.palace.pk
    return [
        ("terms", url("terms", p), True),
        ("term_new", url("term_new", p), False),
        ("term", url("term", p, s.term.pk), True),
        ("term_edit", url("term_edit", p, s.term.pk), False),
        ("course_new", url("course_new", p, s.term.pk), False),
        ("course", url("course", p, s.course.pk), False),
        ("course_edit", url("course_edit", p, s.course.pk), False),
        ("course_cancel", url("course_cancel", p, s.course.pk), False),
        ("draw", url("draw", p, s.lottery.pk), True),
        ("section_new", url("section_new", p, s.course.pk), False),
        ("roll_call", url("roll_call", p, s.session.pk), False),
        ("events", url("events", p), True),
        ("event_new", url("event_new", p), False),
        ("event", url("event", p, s.event.pk), False),
        ("event_edit", url("event_edit", p, s.event.pk), False),
        ("event_cancel", url("event_cancel", p, s.event.pk), False),
    ]


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "reads", "writes"),
    [
        ("staff_a", 200, 200),
        ("manager_a", 200, 200),
        ("province_officer", 200, 200),
        ("city_officer", 200, 404),  # sees the palace's classes, acts on nothing, sees no roster
        ("staff_b", 404, 404),
        ("worker", 404, 404),
    ],
)
def test_every_page_answers_by_who_may_see_or_run_the_palace(school, who, reads, writes):
    client = client_of(getattr(school.world, who))
    for label, address, readable in page_urls(school):
        response = client.get(address)
        assert response.status_code == (reads if readable else writes), label


def test_anonymous_is_sent_to_sign_in_from_every_page(school):
    client = client_of()
    for label, address, _readable in page_urls(school):
        response = client.get(address)
        assert response.status_code == 302, label
        assert "next=" in response["Location"], label


def test_objects_of_another_palace_answer_404_under_this_palace(school, world):
    other_course = make_course(world, school.term_b)
    other_event = make_event(world, world.palace_b)
    client = client_of(world.staff_a)
    p = world.palace_a.pk
    assert client.get(url("term", p, school.term_b.pk)).status_code == 404
    assert client.get(url("course", p, other_course.pk)).status_code == 404
    assert client.get(url("event", p, other_event.pk)).status_code == 404
    assert client.get(url("course", world.palace_b.pk, other_course.pk)).status_code == 404


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_actions_are_refused_to_those_who_do_not_run_the_palace(school, who):
    client = client_of(getattr(school.world, who))
    p = school.palace.pk
    draft = make_course(school.world, school.term, publish=False, title="草稿")
    assert client.post(url("course_publish", p, draft.pk)).status_code == 404
    assert client.post(url("course_cancel", p, school.course.pk), {"reason": "x"}).status_code == 404
    with frozen_at(AFTER_CLOSE):
        assert client.post(url("draw", p, school.lottery.pk)).status_code == 404
    assert client.post(url("event_publish", p, school.event.pk)).status_code == 404
    draft.refresh_from_db()
    assert draft.state == Course.State.DRAFT
    assert not LotteryDraw.objects.exists()
    assert Course.objects.get(pk=school.course.pk).state == Course.State.PUBLISHED


def test_city_officers_see_lists_without_names_or_actions(school, world):
    with frozen_at(AFTER_CLOSE):
        client_of(world.staff_a).post(url("draw", school.palace.pk, school.lottery.pk))
        response = client_of(world.city_officer).get(url("draw", school.palace.pk, school.lottery.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert LotteryDraw.objects.get().seed in body
    for applicant in school.applicants:
        assert applicant.real_name not in body
    listing = (
        client_of(world.city_officer).get(url("term", school.palace.pk, school.term.pk)).content.decode()
    )
    assert url("course", school.palace.pk, school.course.pk) not in listing
    assert url("course_new", school.palace.pk, school.term.pk) not in listing


def test_the_desk_home_links_to_classes_and_events(school, world):
    body = client_of(world.staff_a).get(reverse("bookings_staff:home")).content.decode()
    assert url("terms", world.palace_a.pk) in body
    assert url("events", world.palace_a.pk) in body


# --- Terms ----------------------------------------------------------------------------------------


def _term_form(**extra):
    data = {
        "name": "2027年春季职工夜校",
        "starts_on": "2027-03-01",
        "ends_on": "2027-06-30",
        "enrolment_opens": "2027-02-10T09:00",
        "enrolment_closes": "2027-02-25T20:00",
        "max_courses": "3",
        "overflow_factor": "2.0",
    }
    data.update(extra)
    return data


def test_a_term_is_created_from_the_form(school, world):
    response = client_of(world.staff_a).post(url("term_new", world.palace_a.pk), _term_form())
    term = Term.objects.get(name="2027年春季职工夜校")
    assert response.status_code == 302
    assert response["Location"] == url("term", world.palace_a.pk, term.pk)
    assert term.palace == world.palace_a
    assert term.max_courses == 3
    assert str(term.overflow_factor) == "2.0"
    assert term.enrolment_closes.hour == 12  # 20:00 in Shanghai, stored in UTC


def test_a_bad_term_shows_errors_and_saves_nothing(school, world):
    before = Term.objects.count()
    response = client_of(world.staff_a).post(
        url("term_new", world.palace_a.pk), _term_form(enrolment_closes="2027-02-01T09:00")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["enrolment_closes"]
    assert Term.objects.count() == before


def test_a_term_is_edited_and_keeps_its_palace(school, world):
    data = _term_form(
        name="冬季夜校（延长）",
        starts_on=TODAY.isoformat(),
        ends_on=(TODAY + timedelta(weeks=10)).isoformat(),
        enrolment_opens="2026-11-16T08:00",
        enrolment_closes="2026-11-29T20:00",
    )
    response = client_of(world.staff_a).post(url("term_edit", world.palace_a.pk, school.term.pk), data)
    assert response.status_code == 302
    school.term.refresh_from_db()
    assert school.term.name == "冬季夜校（延长）"
    assert school.term.palace == world.palace_a


def test_the_terms_page_lists_lotteries_to_draw(school, world):
    with frozen_at(AFTER_CLOSE):
        body = client_of(world.staff_a).get(url("terms", world.palace_a.pk)).content.decode()
    assert url("draw", world.palace_a.pk, school.lottery.pk) in body
    assert "Draw now" in body


# --- Courses of a term ------------------------------------------------------------------------------


def test_the_term_page_flags_overflow_with_the_numbers(school, world):
    response = client_of(world.staff_a).get(url("term", world.palace_a.pk, school.term.pk))
    rows = {row.course.pk: row for row in response.context["rows"]}
    assert rows[school.lottery.pk].demand.overflowing
    assert not rows[school.course.pk].demand.overflowing
    assert rows[school.course.pk].course.enrolled == 3
    assert rows[school.lottery.pk].course.applied == 4
    body = response.content.decode()
    assert "Overflowing" in body
    assert "4 people want 2 places (2.0×; flagged from 1.5×)" in body
    assert url("section_new", world.palace_a.pk, school.lottery.pk) in body


def test_the_term_page_shows_draw_now_only_when_enrolment_has_closed(school, world):
    draw_url = url("draw", world.palace_a.pk, school.lottery.pk)
    before = client_of(world.staff_a).get(url("term", world.palace_a.pk, school.term.pk))
    assert not {row.course.pk: row for row in before.context["rows"]}[school.lottery.pk].due
    with frozen_at(AFTER_CLOSE):
        after = client_of(world.staff_a).get(url("term", world.palace_a.pk, school.term.pk))
    assert {row.course.pk: row for row in after.context["rows"]}[school.lottery.pk].due
    assert draw_url in after.content.decode()


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_the_term_page_takes_the_same_queries_for_many_courses(school, world):
    client = client_of(world.staff_a)
    address = url("term", world.palace_a.pk, school.term.pk)
    few = _queries(client, address)
    for n in range(12):
        course = make_course(world, school.term, venue=school.room, title=f"课程{n}", weekdays=[n % 7])
        for w in workers(2):
            enrolment_create(user=w, course=course, now=NOW)
    assert _queries(client, address) == few
    assert few <= 8, few


# --- A course -------------------------------------------------------------------------------------


def _course_form(venue, **extra):
    data = {
        "title": "智能手机摄影",
        "centre": "education",
        "venue": str(venue.pk),
        "teacher": "刘老师",
        "partner": "",
        "weekdays": ["1", "3"],
        "starts_at": "19:00",
        "ends_at": "20:30",
        "capacity": "25",
        "selection": "first_come",
        "members_only": "",
        "fee": "0",
        "completion_percent": "70",
        "description": "从构图到修图。",
    }
    data.update(extra)
    return data


def test_a_course_is_created_as_a_draft_with_its_sessions(school, world):
    response = client_of(world.staff_a).post(
        url("course_new", world.palace_a.pk, school.term.pk), _course_form(school.room)
    )
    course = Course.objects.get(title="智能手机摄影")
    assert response.status_code == 302
    assert response["Location"] == url("course", world.palace_a.pk, course.pk)
    assert course.state == Course.State.DRAFT
    assert course.weekdays == [1, 3]
    assert course.offering.capacity == 25
    assert Occurrence.objects.filter(offering=course.offering).count() == 16  # 8 weeks, twice a week
    page = client_of(world.staff_a).get(response["Location"])
    assert len(page.context["sessions"]) == 16


def test_a_course_with_a_lottery_keeps_its_priority_rounds(school, world):
    client_of(world.staff_a).post(
        url("course_new", world.palace_a.pk, school.term.pk),
        _course_form(school.room, selection="lottery", priority_rounds=["new_form_worker", "first_timer"]),
    )
    course = Course.objects.get(title="智能手机摄影")
    assert course.offering.is_lottery
    assert course.priority_rounds == ["new_form_worker", "first_timer"]


def test_a_bad_course_shows_errors_and_saves_nothing(school, world):
    before = Course.objects.count()
    client = client_of(world.staff_a)
    response = client.post(
        url("course_new", world.palace_a.pk, school.term.pk),
        _course_form(school.room, starts_at="21:00", ends_at="19:00", weekdays=[]),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["weekdays"]
    other_venue = world.venue_b  # palace B's: not a choice here
    response = client.post(url("course_new", world.palace_a.pk, school.term.pk), _course_form(other_venue))
    assert response.status_code == 400
    assert response.context["form"].errors["venue"]
    assert Course.objects.count() == before


def test_the_preview_marks_sessions_on_closures_and_saves_nothing(school, world):
    Closure.objects.create(
        palace=world.palace_a,
        start_date=TODAY + timedelta(days=8),
        end_date=TODAY + timedelta(days=8),
        reason="设备检修",
    )
    before = Course.objects.count()
    response = client_of(world.staff_a).post(
        url("course_new", world.palace_a.pk, school.term.pk), _course_form(school.room, preview="1")
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    skipped = [s for s in plan if s.skipped]
    assert len(plan) == 16
    assert [s.skipped for s in skipped] == ["设备检修"]
    assert "设备检修" in response.content.decode()
    assert Course.objects.count() == before


def test_a_course_picture_is_uploaded(school, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    data = _course_form(school.room, picture=buffer, picture_alt="学员在江边拍摄")
    response = client_of(world.staff_a).post(url("course_new", world.palace_a.pk, school.term.pk), data)
    assert response.status_code == 302
    course = Course.objects.get(title="智能手机摄影")
    assert course.picture.name.startswith("courses/course-")
    assert course.picture.name.endswith(".jpg")
    assert course.picture_alt == "学员在江边拍摄"
    assert (tmp_path / course.picture.name).exists()
    page = client_of(world.staff_a).get(response["Location"]).content.decode()
    assert f'src="{course.picture.url}" alt="学员在江边拍摄"' in page
    # The workers' page (a draft: its staff see it) shows it with its description too.
    public = client_of(world.staff_a).get(reverse("classes:course", args=[course.pk])).content.decode()
    assert f'src="{course.picture.url}" alt="学员在江边拍摄"' in public


def test_a_course_is_edited_through_the_service(school, world):
    data = _course_form(school.room, title="书法进阶", weekdays=["1"], starts_at="19:00", ends_at="21:00")
    data["capacity"] = "30"
    response = client_of(world.staff_a).post(url("course_edit", world.palace_a.pk, school.course.pk), data)
    assert response.status_code == 302
    school.course.refresh_from_db()
    assert school.course.title == "书法进阶"
    assert school.course.offering.capacity == 30


def test_a_refused_course_change_shows_the_reason_and_changes_nothing(school, world):
    data = _course_form(school.room, title="书法进阶", weekdays=["1"], starts_at="19:00", ends_at="21:00")
    data["capacity"] = "2"  # 3 people hold places
    response = client_of(world.staff_a).post(url("course_edit", world.palace_a.pk, school.course.pk), data)
    assert response.status_code == 400
    assert "3 places are already held" in response.content.decode()
    school.course.refresh_from_db()
    assert school.course.title == "书法入门"
    assert school.course.offering.capacity == 20


def test_a_draft_is_published(school, world):
    draft = make_course(world, school.term, publish=False, title="草稿课")
    response = client_of(world.staff_a).post(url("course_publish", world.palace_a.pk, draft.pk))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == Course.State.PUBLISHED
    assert draft.offering.published


def test_cancelling_a_course_needs_a_reason_and_tells_everyone(school, world):
    client = client_of(world.staff_a)
    address = url("course_cancel", world.palace_a.pk, school.course.pk)
    confirm = client.get(address)
    assert "3 enrolled or offered" in confirm.content.decode()
    refused = client.post(address, {"reason": " "})
    assert refused.status_code == 400
    assert Course.objects.get(pk=school.course.pk).state == Course.State.PUBLISHED
    response = client.post(address, {"reason": "老师生病，本期停课"})
    assert response.status_code == 302
    assert Course.objects.get(pk=school.course.pk).state == Course.State.CANCELLED
    assert set(Booking.objects.filter(offering=school.course.offering).values_list("status", flat=True)) == {
        Status.CANCELLED
    }


def test_the_course_page_shows_the_roster_with_names_phones_and_attendance(school, world):
    with frozen_at(FIRST_SESSION):
        booking_check_in(actor=world.staff_a, code=school.enrolments[0].check_in_code, now=FIRST_SESSION)
        response = client_of(world.staff_a).get(url("course", world.palace_a.pk, school.course.pk))
    body = response.content.decode()
    for person in school.enrolled:
        assert person.real_name in body
        assert person.phone in body
    records = {r.enrolment.pk: r for r in response.context["records"]}
    assert records[school.enrolments[0].pk].attended == 1
    assert records[school.enrolments[0].pk].held == 1
    assert url("roll_call", world.palace_a.pk, school.session.pk) in body


def test_the_course_page_links_certificates_of_those_who_completed(school, world):
    sessions = list(Occurrence.objects.filter(offering=school.course.offering, cancelled=False))
    Attendance.objects.bulk_create(
        Attendance(
            booking=school.enrolments[0],
            occurrence=s,
            palace=world.palace_a,
            local_date=s.local_date,
            method=Attendance.Method.ROLL_CALL,
        )
        for s in sessions
    )
    with frozen_at(at(60, 9)):
        response = client_of(world.staff_a).get(url("course", world.palace_a.pk, school.course.pk))
    body = response.content.decode()
    assert response.context["completed"] == 1
    assert reverse("classes:certificate", args=[school.enrolments[0].pk]) in body
    assert reverse("classes:certificate", args=[school.enrolments[1].pk]) not in body


def test_the_course_page_lists_applicants_and_the_waitlist_in_order(school, world):
    full = make_course(world, school.term, venue=school.room, title="瑜伽", weekdays=[4], capacity=1)
    people = workers(3)
    for person in people:
        enrolment_create(user=person, course=full, now=NOW)
    response = client_of(world.staff_a).get(url("course", world.palace_a.pk, full.pk))
    assert [b.user for b in response.context["queues"].waiting] == people[1:]
    lottery = client_of(world.staff_a).get(url("course", world.palace_a.pk, school.lottery.pk))
    assert [b.user for b in lottery.context["queues"].applicants] == school.applicants


def test_the_roster_takes_the_same_queries_for_many_people(school, world):
    client = client_of(world.staff_a)
    address = url("course", world.palace_a.pk, school.course.pk)
    few = _queries(client, address)
    for person in workers(15):
        enrolment_create(user=person, course=school.course, now=NOW)
    many = _queries(client, address)
    assert many == few
    assert few <= 14, few


# --- Roll call ------------------------------------------------------------------------------------


def test_the_roll_call_is_prefilled_and_saved(school, world):
    address = url("roll_call", world.palace_a.pk, school.session.pk)
    client = client_of(world.staff_a)
    with frozen_at(FIRST_SESSION):
        booking_check_in(actor=world.staff_a, code=school.enrolments[0].check_in_code, now=FIRST_SESSION)
        page = client.get(address)
        assert [ticked for _b, ticked in page.context["rows"]].count(True) == 1
        response = client.post(address, {"present": [school.enrolments[1].pk, school.enrolments[2].pk]})
    assert response.status_code == 302
    present = set(Attendance.objects.filter(occurrence=school.session).values_list("booking_id", flat=True))
    assert present == {school.enrolments[1].pk, school.enrolments[2].pk}


def test_a_roll_call_before_the_session_is_refused_clearly(school, world):
    address = url("roll_call", world.palace_a.pk, school.session.pk)
    response = client_of(world.staff_a).post(address, {"present": [school.enrolments[0].pk]})
    assert response.status_code == 409
    assert response.context["refusal"].code == "not_checkin_time"
    assert "Not saved." in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_roll_call_ticking_a_stranger_saves_nothing(school, world):
    stranger = Booking.objects.filter(offering=school.lottery.offering).first()
    with frozen_at(FIRST_SESSION):
        response = client_of(world.staff_a).post(
            url("roll_call", world.palace_a.pk, school.session.pk), {"present": [stranger.pk]}
        )
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_the_roll_call_of_another_palace_session_is_404(school, world):
    other = make_course(world, school.term_b)
    session = Occurrence.objects.filter(offering=other.offering).first()
    assert client_of(world.staff_a).get(url("roll_call", world.palace_a.pk, session.pk)).status_code == 404


# --- Check-in at the desk -------------------------------------------------------------------------


def test_the_desk_checks_in_a_course_enrolment_at_session_time(school, world):
    with frozen_at(FIRST_SESSION):
        response = client_of(world.staff_a).post(
            reverse("bookings_staff:check_in", args=[world.palace_a.pk]),
            {"code": school.enrolments[0].check_in_code},
        )
    assert response.status_code == 200
    assert response.context["result"]["ok"]
    body = response.content.decode()
    assert "书法入门" in body
    assert Attendance.objects.filter(booking=school.enrolments[0], occurrence=school.session).exists()


def test_the_desk_checks_in_an_online_event_registration(school, world):
    registration = event_register(user=world.worker, event=school.online, now=NOW)
    with frozen_at(at(4, 19, 5)):
        response = client_of(world.staff_a).post(
            reverse("bookings_staff:check_in", args=[world.palace_a.pk]), {"code": registration.check_in_code}
        )
    assert response.status_code == 200
    assert "线上讲座" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CHECKED_IN


def test_the_desk_shows_a_refused_sign_up_code_without_crashing(school, world):
    registration = event_register(user=world.worker, event=school.online, now=NOW)
    response = client_of(world.staff_a).post(
        reverse("bookings_staff:check_in", args=[world.palace_a.pk]), {"code": registration.check_in_code}
    )
    assert response.status_code == 409
    assert response.context["result"]["code"] == "not_checkin_time"
    assert "线上讲座" in response.content.decode()


# --- The lottery ----------------------------------------------------------------------------------


def test_the_draw_page_offers_no_draw_while_enrolment_is_open(school, world):
    response = client_of(world.staff_a).get(url("draw", world.palace_a.pk, school.lottery.pk))
    assert response.status_code == 200
    assert not response.context["due"]
    assert "Draw now" not in response.content.decode()
    refused = client_of(world.staff_a).post(url("draw", world.palace_a.pk, school.lottery.pk), follow=True)
    assert "after enrolment closes" in refused.content.decode()
    assert not LotteryDraw.objects.exists()


def test_the_lottery_is_drawn_once_and_its_audit_shown(school, world):
    client = client_of(world.staff_a)
    address = url("draw", world.palace_a.pk, school.lottery.pk)
    with frozen_at(AFTER_CLOSE):
        before = client.get(address)
        assert before.context["demand"].applied == 4
        assert "Draw now among 4 applicants" in before.content.decode()
        first = client.post(address)
        second = client.post(address, follow=True)
    assert first.status_code == 302
    assert LotteryDraw.objects.count() == 1
    assert "already been drawn" in second.content.decode()
    draw = LotteryDraw.objects.get()
    with frozen_at(AFTER_CLOSE):
        audit = client.get(address)
    body = audit.content.decode()
    assert draw.seed in body
    assert [row.booking for row in audit.context["rows"]] == [row["booking"] for row in draw.ordering]
    for row in draw.ordering:
        assert row["key"] in body
    for applicant in school.applicants:
        assert applicant.real_name in body  # staff of the palace see who
    assert Booking.objects.filter(offering=school.lottery.offering, status=Status.CONFIRMED).count() == 2


# --- Another section ------------------------------------------------------------------------------


@pytest.fixture
def overflowing(school, world):
    """A first-come yoga course with 2 places, both taken, and 4 people waiting."""
    course = make_course(world, school.term, venue=school.room, title="瑜伽", weekdays=[4], capacity=2)
    school.waiting = workers(6)
    for person in school.waiting:
        enrolment_create(user=person, course=course, now=NOW)
    school.yoga = course
    school.hall = classroom(world.palace_a, name="形体房")
    return school


def _section_form(venue, **extra):
    data = {
        "weekdays": ["5"],
        "starts_at": "09:00",
        "ends_at": "10:30",
        "venue": str(venue.pk),
        "capacity": "3",
        "section_label": "周六班",
    }
    data.update(extra)
    return data


def test_opening_a_section_takes_two_steps(overflowing, world):
    s = overflowing
    client = client_of(world.staff_a)
    address = url("section_new", world.palace_a.pk, s.yoga.pk)
    step1 = client.get(address)
    assert step1.context["demand"].waitlisted == 4
    assert step1.context["demand"].overflowing
    step2 = client.post(address, _section_form(s.hall))
    assert step2.status_code == 200
    assert step2.templates[0].name == "activities/staff/section_step2.html"
    assert step2.context["offers"] == 3
    assert step2.context["held"] == 8
    assert "up to 3 will be offered" in step2.content.decode()
    assert not Course.objects.filter(section_of=s.yoga).exists()
    done = client.post(address, {**_section_form(s.hall), "confirm": "1"})
    section = Course.objects.get(section_of=s.yoga)
    assert done.status_code == 302
    assert done["Location"] == url("course", world.palace_a.pk, section.pk)
    assert section.section_label == "周六班"
    assert section.state == Course.State.PUBLISHED
    offered = Booking.objects.filter(offering=section.offering, status=Status.OFFERED)
    assert [b.user for b in offered.order_by("queue_rank")] == s.waiting[2:5]


def test_a_bad_section_goes_back_to_step_one_and_opens_nothing(overflowing, world):
    s = overflowing
    address = url("section_new", world.palace_a.pk, s.yoga.pk)
    response = client_of(world.staff_a).post(address, _section_form(s.hall, ends_at="08:00", confirm="1"))
    assert response.status_code == 400
    assert response.templates[0].name == "activities/staff/section_step1.html"
    assert not Course.objects.filter(section_of=s.yoga).exists()


def test_changing_the_section_returns_to_step_one_with_the_values(overflowing, world):
    s = overflowing
    response = client_of(world.staff_a).post(
        url("section_new", world.palace_a.pk, s.yoga.pk), {**_section_form(s.hall), "back": "1"}
    )
    assert response.templates[0].name == "activities/staff/section_step1.html"
    assert response.context["form"]["section_label"].value() == "周六班"


# --- Events ---------------------------------------------------------------------------------------


def _event_form(**extra):
    data = {
        "title": "职工读书分享会",
        "kind": "reading_exchange",
        "centre": "education",
        "starts_at": "2026-12-05T14:00",
        "ends_at": "2026-12-05T16:00",
        "venue": "",
        "online_url": "https://live.example.com/reading",
        "speaker": "",
        "partner_kind": "none",
        "partner_name": "",
        "programme": "",
        "description": "",
        "registration": "on",
        "capacity": "",
        "members_only": "",
        "registration_closes": "",
    }
    data.update(extra)
    return data


def test_the_events_list_splits_upcoming_and_past(school, world):
    past = make_event(world, title="往期讲座", starts_at=at(-3, 19), ends_at=at(-3, 20), now=at(-10, 9))
    client = client_of(world.staff_a)
    upcoming = client.get(url("events", world.palace_a.pk))
    assert [e.pk for e, _badge in upcoming.context["rows"]] == [school.event.pk, school.online.pk]
    earlier = client.get(url("events", world.palace_a.pk) + "?when=past")
    assert [e.pk for e, _badge in earlier.context["rows"]] == [past.pk]


def test_an_online_event_without_limit_is_created(school, world):
    response = client_of(world.staff_a).post(url("event_new", world.palace_a.pk), _event_form())
    event = Event.objects.get(title="职工读书分享会")
    assert response.status_code == 302
    assert event.venue is None
    assert event.offering is not None
    assert event.offering.capacity is None
    assert event.state == Event.State.DRAFT


def test_an_event_without_venue_or_link_is_refused(school, world):
    before = Event.objects.count()
    response = client_of(world.staff_a).post(url("event_new", world.palace_a.pk), _event_form(online_url=""))
    assert response.status_code == 400
    assert response.context["form"].errors["venue"]
    assert Event.objects.count() == before


def test_an_event_is_edited_published_and_cancelled(school, world):
    client = client_of(world.staff_a)
    draft = make_event(world, publish=False, title="草稿活动")
    data = _event_form(title="改名活动", venue=str(school.room.pk), online_url="", capacity="80")
    assert client.post(url("event_edit", world.palace_a.pk, draft.pk), data).status_code == 302
    draft.refresh_from_db()
    assert draft.title == "改名活动"
    assert draft.offering.capacity == 80
    assert client.post(url("event_publish", world.palace_a.pk, draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.state == Event.State.PUBLISHED
    assert client.post(url("event_cancel", world.palace_a.pk, draft.pk), {"reason": ""}).status_code == 400
    assert Event.objects.get(pk=draft.pk).state == Event.State.PUBLISHED
    assert (
        client.post(url("event_cancel", world.palace_a.pk, draft.pk), {"reason": "场地维修"}).status_code
        == 302
    )
    assert Event.objects.get(pk=draft.pk).state == Event.State.CANCELLED


def test_the_event_page_lists_registrations_with_check_in(school, world):
    first = event_register(user=world.worker, event=school.event, now=NOW)
    event_register(user=world.worker2, event=school.event, now=NOW)
    moment = at(4, 18, 50)
    with frozen_at(moment):
        booking_check_in(actor=world.staff_a, code=first.check_in_code, now=moment)
        response = client_of(world.staff_a).get(url("event", world.palace_a.pk, school.event.pk))
    body = response.content.decode()
    assert response.context["holding"] == 2
    assert response.context["attended"] == 1
    assert world.worker.phone in body
    assert world.worker2.phone in body
    assert "checked in" in body


def test_the_events_list_takes_the_same_queries_for_many_events(school, world):
    client = client_of(world.staff_a)
    address = url("events", world.palace_a.pk)
    few = _queries(client, address)
    for n in range(10):
        make_event(world, title=f"活动{n}", venue=school.room)
    assert _queries(client, address) == few
