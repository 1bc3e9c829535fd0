"""Courses, events and enrolments over the API, against API.md ("Classes and events").

"Now" is Monday 2026-11-23 08:00 in Asia/Shanghai (tests.activities.support): the default term's
enrolment is open until Saturday 28 November 20:00; its courses meet on Tuesdays 19:00–21:00.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from activities.classes.services import course_cancel, enrolment_create, lottery_draw
from activities.events.services import event_cancel
from bookings.models import Booking, Occurrence, Offering, Suspension
from bookings.services.booking import booking_check_in
from bookings.services.offering import attendance_roll_call
from tests.activities.support import NOW, make_course, make_event, make_term, workers
from tests.bookings.support import at, member
from tests.factories import UserFactory
from venues.models import Closure

Status = Booking.Status

# API.md's keys of a course item, and the additive ones (documented in the schema).
COURSE_FIELDS = {
    "id",
    "palace",
    "title",
    "term",
    "schedule",
    "sessions",
    "capacity",
    "enrolled",
    "waitlisted",
    "enrolment_opens",
    "enrolment_closes",
    "selection",
}
COURSE_EXTRA = {"centre", "teacher", "fee", "members_only", "applied", "available", "open"}
PICTURE_EXTRA = {"picture", "picture_alt"}
COURSE_DETAIL_EXTRA = {
    "term_name",
    "skill_training",
    "section_of",
    "section_label",
    "venue_name",
    "partner",
    "description",
    "completion_percent",
    "offered",
    "drawn_at",
    "timetable",
}
SCHEDULE_FIELDS = {"weekdays", "starts", "ends", "venue", "first", "last"}
EVENT_FIELDS = {
    "id",
    "palace",
    "title",
    "kind",
    "centre",
    "venue",
    "online_url",
    "start",
    "end",
    "date",
    "speaker",
    "registration",
    "capacity",
    "enrolled",
    "waitlisted",
    "registration_closes",
    "members_only",
    "open",
}
# `series` (issue 12): the brand or programme the event belongs to (null for most).
EVENT_DETAIL_EXTRA = {"venue_name", "programme", "series", "partner_kind", "partner_name", "description"}
ENROLMENT_FIELDS = {
    "id",
    "kind",
    "course",
    "event",
    "title",
    "palace",
    "venue",
    "status",
    "start",
    "end",
    "waitlist_position",
    "offer_expires_at",
    "check_in_code",
    "attendance",
    "reason",
    "created_at",
    "cancelled_at",
}
COURSES = "/api/v1/courses/"
EVENTS = "/api/v1/events/"
ENROLMENTS = "/api/v1/enrolments/"


class Clock:
    """The frozen "now" of the services, selectors and views (they call `timezone.now()`)."""

    def __init__(self, monkeypatch):
        self.now = NOW
        monkeypatch.setattr(timezone, "now", lambda: self.now.astimezone(UTC))

    def set(self, value: datetime) -> None:
        self.now = value


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def client(user=None) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        api.force_authenticate(user)
    return api


def enroll(user, course):
    return client(user).post(f"{COURSES}{course.pk}/enroll/")


def register(user, event):
    return client(user).post(f"{EVENTS}{event.pk}/register/")


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- The course catalogue ----------------------------------------------------------------------------


def test_course_item_has_the_promised_keys_and_shapes(world, clock):
    course = make_course(world, capacity=12)
    enrolment_create(user=world.worker, course=course, now=NOW)

    body = client().get(COURSES).json()

    assert set(body) == {"count", "next", "previous", "results"}
    (item,) = body["results"]
    assert set(item) == COURSE_FIELDS | COURSE_EXTRA | PICTURE_EXTRA
    assert item["id"] == course.pk
    assert item["palace"] == world.palace_a.pk
    assert item["term"] == course.term_id
    assert item["title"] == "书法入门"
    assert item["schedule"] == {
        "weekdays": [1],
        "starts": "19:00",
        "ends": "21:00",
        "venue": course.venue_id,
        "first": "2026-11-24T19:00:00+08:00",
        "last": "2027-01-12T21:00:00+08:00",
    }
    assert set(item["schedule"]) == SCHEDULE_FIELDS
    assert (
        item["sessions"] == Occurrence.objects.filter(offering=course.offering, cancelled=False).count() == 8
    )
    assert (item["capacity"], item["enrolled"], item["waitlisted"], item["available"]) == (12, 1, 0, 11)
    assert item["enrolment_opens"] == "2026-11-16T08:00:00+08:00"
    assert item["enrolment_closes"] == "2026-11-28T20:00:00+08:00"
    assert item["selection"] == "first_come"
    assert (item["centre"], item["teacher"], item["fee"], item["members_only"]) == (
        "education",
        "陈老师",
        "0.00",
        False,
    )
    assert item["open"] is True
    assert item["applied"] == 0


def test_course_detail_lists_every_session_with_the_cancelled_ones(world, clock):
    term = make_term(world)
    venue_day = datetime(2026, 12, 1).date()  # a Tuesday: the palace is closed that day
    Closure.objects.create(palace=world.palace_a, start_date=venue_day, end_date=venue_day, reason="设备检修")
    course = make_course(world, term)

    response = client().get(f"{COURSES}{course.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == COURSE_FIELDS | COURSE_EXTRA | PICTURE_EXTRA | COURSE_DETAIL_EXTRA
    assert body["term_name"] == term.name
    assert body["venue_name"] == course.venue.name
    assert body["section_of"] is None
    assert body["picture"] is None
    timetable = body["timetable"]
    assert len(timetable) == 8
    assert set(timetable[0]) == {"start", "end", "cancelled", "note"}
    assert timetable[0]["start"] == "2026-11-24T19:00:00+08:00"
    cancelled = [s for s in timetable if s["cancelled"]]
    assert cancelled == [
        {
            "start": "2026-12-01T19:00:00+08:00",
            "end": "2026-12-01T21:00:00+08:00",
            "cancelled": True,
            "note": "设备检修",
        }
    ]
    assert body["sessions"] == 7


def test_only_published_courses_are_listed_or_shown(world, clock):
    term = make_term(world)
    published = make_course(world, term, title="太极拳")
    draft = make_course(world, term, title="摄影", publish=False)
    cancelled = make_course(world, term, title="茶艺")
    course_cancel(actor=world.staff_a, course=cancelled, reason="老师生病")

    assert ids(client().get(COURSES)) == [published.pk]
    for hidden in (draft, cancelled):
        assert client().get(f"{COURSES}{hidden.pk}/").status_code == 404
        assert enroll(world.worker, hidden).status_code == 404


def test_course_filters(world, clock):
    term_a = make_term(world)
    later = make_term(
        world,
        name="2026年冬季第二期",
        enrolment_opens=NOW + timedelta(days=2),
        enrolment_closes=NOW + timedelta(days=10),
    )
    term_b = make_term(world, world.palace_b)
    calligraphy = make_course(world, term_a, title="书法")
    yoga = make_course(world, term_a, title="瑜伽", centre="health")
    not_yet = make_course(world, later, title="合唱")
    palace_b = make_course(world, term_b, title="剪纸")

    def listed(**params):
        return set(ids(client().get(COURSES, params)))

    assert listed() == {calligraphy.pk, yoga.pk, not_yet.pk, palace_b.pk}
    assert listed(palace=world.palace_b.pk) == {palace_b.pk}
    assert listed(term=term_a.pk) == {calligraphy.pk, yoga.pk}
    assert listed(centre="health") == {yoga.pk}
    assert listed(open="true") == {calligraphy.pk, yoga.pk, palace_b.pk}
    assert listed(open="false") == {not_yet.pk}
    assert listed(palace=world.palace_a.pk, open="true", centre="education") == {calligraphy.pk}
    clock.set(NOW + timedelta(days=6))  # the first term's enrolment closed on Saturday
    assert listed(open="true") == {not_yet.pk}
    clock.set(NOW + timedelta(days=10))
    assert listed(open="true") == set()
    assert listed(open="false") == {calligraphy.pk, yoga.pk, not_yet.pk, palace_b.pk}


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"palace": "x"}, {"palace"}),
        ({"term": "1.5"}, {"term"}),
        ({"centre": "sports"}, {"centre"}),
        ({"open": "maybe"}, {"open"}),
        ({"palace": "0", "open": "yes"}, {"palace", "open"}),
    ],
)
def test_course_list_refuses_bad_filters(world, clock, params, fields):
    response = client().get(COURSES, params)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert set(response.json()["fields"]) == fields


def test_course_list_query_count_does_not_depend_on_the_number_of_courses(
    world, clock, django_assert_num_queries
):
    term = make_term(world)
    course = make_course(world, term)
    enrolment_create(user=world.worker, course=course, now=NOW)
    # count, the page's ids (sorted with the term alone), the page (offering, term, venue, palace
    # joined; counts annotated), the page's offerings (kept with the list), their live figures
    with django_assert_num_queries(5):
        assert client().get(COURSES).status_code == 200
    with django_assert_num_queries(1):  # kept: the live figures only
        assert client().get(COURSES).status_code == 200

    for n in range(6):
        other = make_course(world, term, title=f"课程{n}", capacity=1)
        for user in workers(2):
            enrolment_create(user=user, course=other, now=NOW)
    with django_assert_num_queries(5):
        assert len(ids(client().get(COURSES))) == 7
    with django_assert_num_queries(1):
        assert len(ids(client().get(COURSES))) == 7
    with django_assert_num_queries(2):  # and the detail: the course, its sessions
        assert client().get(f"{COURSES}{course.pk}/").status_code == 200


# --- Enrolling ---------------------------------------------------------------------------------------


def test_enrolling_first_come_until_full_then_waitlisted(world, clock):
    course = make_course(world, capacity=2)
    first, second, third = workers(3)

    answers = [enroll(user, course) for user in (first, second, third)]

    assert [a.status_code for a in answers] == [201, 201, 201]
    bodies = [a.json() for a in answers]
    assert all(set(b) == {"id", "course", "status"} for b in bodies)
    assert [b["status"] for b in bodies] == ["enrolled", "enrolled", "waitlisted"]
    assert {b["course"] for b in bodies} == {course.pk}
    assert [Booking.objects.get(pk=b["id"]).status for b in bodies] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]
    item = client().get(COURSES).json()["results"][0]
    assert (item["enrolled"], item["waitlisted"], item["available"]) == (2, 1, 0)


def test_enrolling_in_a_lottery_is_an_application(world, clock):
    course = make_course(world, capacity=1, selection="lottery")

    answers = [enroll(user, course) for user in workers(3)]

    assert [a.json()["status"] for a in answers] == ["applied"] * 3
    item = client().get(COURSES).json()["results"][0]
    assert (item["selection"], item["applied"], item["enrolled"], item["waitlisted"]) == ("lottery", 3, 0, 0)

    clock.set(at(6, 9))  # enrolment closed on Saturday evening
    lottery_draw(actor=world.staff_a, course=course, seed="seed", now=clock.now)
    statuses = Counter(
        client(Booking.objects.get(pk=a.json()["id"]).user)
        .get(f"{ENROLMENTS}{a.json()['id']}/")
        .json()["status"]
        for a in answers
    )
    assert statuses == {"enrolled": 1, "waitlisted": 2}


def _suspend(world, course):
    Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=10),
        reason="多次爽约",
    )
    return course


def _enrolled_already(world, course):
    enrolment_create(user=world.worker, course=course, now=NOW)
    return course


def _over_the_term_limit(world, course):
    other = make_course(world, course.term, title="国画")
    enrolment_create(user=world.worker, course=other, now=NOW)
    return course


REFUSALS = {
    "enrolment_closed": lambda world, clock: (clock.set(at(6, 9)), make_course(world))[1],
    "enrolment_not_open": lambda world, clock: make_course(
        world,
        make_term(world, enrolment_opens=NOW + timedelta(days=1), enrolment_closes=NOW + timedelta(days=3)),
    ),
    "already_enrolled": lambda world, clock: _enrolled_already(world, make_course(world)),
    "limit_reached": lambda world, clock: _over_the_term_limit(
        world, make_course(world, make_term(world, max_courses=1))
    ),
    "members_only": lambda world, clock: make_course(world, members_only=True),
    "suspended": lambda world, clock: _suspend(world, make_course(world)),
}


@pytest.mark.parametrize("code", sorted(REFUSALS))
def test_each_refusal_answers_409_with_its_code_and_changes_nothing(world, clock, code):
    course = REFUSALS[code](world, clock)
    before = Booking.objects.count()

    response = enroll(world.worker, course)

    assert response.status_code == 409, response.content
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == code
    assert body["detail"]
    assert Booking.objects.count() == before


def test_a_member_may_enrol_in_a_members_only_course(world, clock):
    course = make_course(world, members_only=True)

    assert enroll(member(), course).json()["status"] == "enrolled"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/courses/abc/"),
        ("get", "/api/v1/courses/1.5/"),
        ("get", "/api/v1/courses/0/"),
        ("get", "/api/v1/courses/-3/"),
        ("get", "/api/v1/courses/99999999999999999999999/"),
        ("get", "/api/v1/courses/999999/"),
        ("post", "/api/v1/courses/abc/enroll/"),
        ("post", "/api/v1/courses/999999/enroll/"),
        ("post", "/api/v1/courses/99999999999999999999999/enroll/"),
        ("get", "/api/v1/events/x/"),
        ("get", "/api/v1/events/999999/"),
        ("post", "/api/v1/events/2.0/register/"),
        ("post", "/api/v1/events/999999/register/"),
        ("get", "/api/v1/enrolments/abc/"),
        ("get", "/api/v1/enrolments/999999/"),
        ("post", "/api/v1/enrolments/99999999999999999999999/withdraw/"),
        ("post", "/api/v1/enrolments/1e3/accept/"),
    ],
)
def test_bad_or_unknown_ids_are_json_404s(world, clock, method, path):
    response = getattr(client(world.worker), method)(path)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/api/v1/courses/{course}/enroll/"),
        ("post", "/api/v1/events/{event}/register/"),
        ("get", "/api/v1/enrolments/"),
        ("get", "/api/v1/enrolments/{enrolment}/"),
        ("post", "/api/v1/enrolments/{enrolment}/withdraw/"),
        ("post", "/api/v1/enrolments/{enrolment}/accept/"),
    ],
)
def test_anonymous_callers_must_sign_in(world, clock, method, path):
    course = make_course(world)
    event = make_event(world)
    enrolment = enrolment_create(user=world.worker, course=course, now=NOW)
    before = Booking.objects.count()

    response = getattr(client(), method)(
        path.format(course=course.pk, event=event.pk, enrolment=enrolment.pk)
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Booking.objects.count() == before
    Booking.objects.get(pk=enrolment.pk, status=Status.CONFIRMED)


def test_the_catalogue_is_public(world, clock):
    course = make_course(world)
    event = make_event(world)

    for path in (COURSES, f"{COURSES}{course.pk}/", EVENTS, f"{EVENTS}{event.pk}/"):
        assert client().get(path).status_code == 200, path


def test_enrolling_with_a_token(world, clock):
    course = make_course(world)
    token = Token.objects.create(user=world.worker)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.post(f"{COURSES}{course.pk}/enroll/")

    assert response.status_code == 201
    assert Booking.objects.get(pk=response.json()["id"]).user == world.worker
    assert ids(api.get(ENROLMENTS)) == [response.json()["id"]]
    bad = APIClient(HTTP_AUTHORIZATION="Token not-a-token").post(f"{COURSES}{course.pk}/enroll/")
    assert bad.status_code == 401


# --- Enrolments: the caller's own, withdrawing, offers -----------------------------------------------


def test_withdrawing_offers_the_place_to_the_next_in_the_queue(world, clock):
    course = make_course(world, capacity=1)
    mine = enroll(world.worker, course).json()
    waiting = enroll(world.worker2, course).json()
    third = enroll(UserFactory(), course).json()
    assert (mine["status"], waiting["status"], third["status"]) == ("enrolled", "waitlisted", "waitlisted")
    detail = client(world.worker2).get(f"{ENROLMENTS}{waiting['id']}/").json()
    assert (detail["status"], detail["waitlist_position"]) == ("waitlisted", 1)

    response = client(world.worker).post(f"{ENROLMENTS}{mine['id']}/withdraw/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == ENROLMENT_FIELDS
    assert (body["id"], body["status"], body["course"]) == (mine["id"], "withdrawn", course.pk)
    assert body["cancelled_at"].endswith("+08:00")
    offered = client(world.worker2).get(f"{ENROLMENTS}{waiting['id']}/").json()
    assert offered["status"] == "offered"
    assert offered["waitlist_position"] is None
    assert offered["offer_expires_at"] == "2026-11-24T08:00:00+08:00"  # a day to accept
    third_owner = Booking.objects.get(pk=third["id"]).user
    assert client(third_owner).get(f"{ENROLMENTS}{third['id']}/").json()["waitlist_position"] == 1

    accepted = client(world.worker2).post(f"{ENROLMENTS}{waiting['id']}/accept/")

    assert accepted.status_code == 200
    assert accepted.json()["status"] == "enrolled"
    again = client(world.worker2).post(f"{ENROLMENTS}{waiting['id']}/accept/")
    assert (again.status_code, again.json()["code"]) == (409, "no_offer")
    twice = client(world.worker).post(f"{ENROLMENTS}{mine['id']}/withdraw/")
    assert (twice.status_code, twice.json()["code"]) == (409, "not_cancellable")


def test_an_offer_is_accepted_by_its_owner_only(world, clock):
    course = make_course(world, capacity=1)
    mine = enroll(world.worker, course).json()
    waiting = enroll(world.worker2, course).json()
    client(world.worker).post(f"{ENROLMENTS}{mine['id']}/withdraw/")

    for someone in (world.worker, world.staff_a, world.staff_b):
        response = client(someone).post(f"{ENROLMENTS}{waiting['id']}/accept/")
        assert response.status_code == 404, someone
    clock.set(NOW + timedelta(days=2))
    expired = client(world.worker2).post(f"{ENROLMENTS}{waiting['id']}/accept/")
    assert (expired.status_code, expired.json()["code"]) == (409, "offer_expired")


def test_staff_of_the_palace_may_withdraw_someone_and_staff_elsewhere_may_not(world, clock):
    course = make_course(world)
    enrolment = enroll(world.worker, course).json()
    url = f"{ENROLMENTS}{enrolment['id']}/"

    for outsider in (world.worker2, world.staff_b, world.manager_b):
        assert client(outsider).get(url).status_code == 404
        response = client(outsider).post(f"{url}withdraw/", {"reason": "不行"})
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    assert Booking.objects.get(pk=enrolment["id"]).status == Status.CONFIRMED

    assert client(world.staff_a).get(url).status_code == 200
    response = client(world.staff_a).post(f"{url}withdraw/", {"reason": "重复报名"})

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["reason"]) == ("withdrawn", "重复报名")
    assert client(world.worker).get(url).json()["reason"] == "重复报名"


def test_withdrawing_after_the_course_ended_is_refused_to_the_worker(world, clock):
    course = make_course(world)
    enrolment = enroll(world.worker, course).json()
    clock.set(course.offering.ends_at + timedelta(minutes=1))

    response = client(world.worker).post(f"{ENROLMENTS}{enrolment['id']}/withdraw/")

    assert (response.status_code, response.json()["code"]) == (409, "cancel_deadline_passed")


def test_withdraw_refuses_a_reason_that_is_too_long(world, clock):
    enrolment = enroll(world.worker, make_course(world)).json()

    response = client(world.staff_a).post(f"{ENROLMENTS}{enrolment['id']}/withdraw/", {"reason": "长" * 301})

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"reason"}


def test_my_enrolments_list_only_my_own_with_status_queue_and_attendance(world, clock):
    term = make_term(world, max_courses=3)
    calligraphy = make_course(world, term, capacity=1, title="书法")
    singing = make_course(world, term, title="合唱")
    full = make_course(world, term, capacity=1, title="舞蹈")
    event = make_event(world)
    enroll(world.worker2, calligraphy)
    enroll(world.worker2, full)
    enroll(UserFactory(), full)  # waits ahead of the worker
    waiting = enroll(world.worker, full).json()
    enrolled = enroll(world.worker, singing).json()
    registered = register(world.worker, event).json()
    not_mine = enroll(world.worker2, singing).json()

    clock.set(at(1, 19, 10))  # the first Tuesday's session is under way
    occurrence = Occurrence.objects.get(offering=singing.offering, start=at(1, 19))
    attendance_roll_call(actor=world.staff_a, occurrence=occurrence, present=[enrolled["id"]], now=clock.now)

    body = client(world.worker).get(ENROLMENTS).json()

    items = {item["id"]: item for item in body["results"]}
    assert set(items) == {waiting["id"], enrolled["id"], registered["id"]}
    assert not_mine["id"] not in items
    assert all(set(item) == ENROLMENT_FIELDS for item in items.values())
    course_item = items[enrolled["id"]]
    assert (course_item["kind"], course_item["course"], course_item["event"]) == ("course", singing.pk, None)
    assert (course_item["title"], course_item["status"]) == ("合唱", "enrolled")
    assert course_item["attendance"] == {
        "attended": 1,
        "sessions": 8,
        "held": 1,
        "rate": 100,
        "completed": False,
    }
    assert course_item["check_in_code"]
    assert items[waiting["id"]]["status"] == "waitlisted"
    assert items[waiting["id"]]["waitlist_position"] == 2
    event_item = items[registered["id"]]
    assert (event_item["kind"], event_item["event"], event_item["course"]) == ("event", event.pk, None)
    assert event_item["attendance"]["completed"] is None
    assert event_item["start"] == "2026-11-27T19:00:00+08:00"

    def listed(**params):
        return set(ids(client(world.worker).get(ENROLMENTS, params)))

    assert listed(status="waitlisted") == {waiting["id"]}
    assert listed(status="enrolled") == {enrolled["id"], registered["id"]}
    assert listed(kind="event") == {registered["id"]}
    assert listed(course=singing.pk) == {enrolled["id"]}
    assert listed(event=event.pk) == {registered["id"]}
    assert client(world.worker).get(ENROLMENTS, {"status": "confirmed"}).status_code == 400
    # Staff see only their own in the list (rosters are on the staff pages).
    assert ids(client(world.staff_a).get(ENROLMENTS)) == []


def test_an_event_registration_checked_in_at_the_door_is_attended(world, clock):
    event = make_event(world)
    registered = register(world.worker, event).json()
    code = Booking.objects.get(pk=registered["id"]).check_in_code
    clock.set(at(4, 19, 5))
    booking_check_in(actor=world.staff_a, code=code, now=clock.now)

    item = client(world.worker).get(f"{ENROLMENTS}{registered['id']}/").json()

    assert item["status"] == "attended"
    assert item["attendance"] == {"attended": 1, "sessions": 1, "held": 1, "rate": 100, "completed": None}


def test_my_enrolments_query_count_does_not_depend_on_their_number(world, clock, django_assert_num_queries):
    term = make_term(world, max_courses=20)
    make_course(world, term, capacity=1, title="满员")
    first = make_course(world, term, capacity=1, title="课程")
    enroll(UserFactory(), first)
    enroll(world.worker, first)
    api = client(world.worker)
    with django_assert_num_queries(3):  # count, page, waitlist positions
        assert len(ids(api.get(ENROLMENTS))) == 1

    for n in range(5):
        course = make_course(world, term, capacity=1, title=f"课程{n}")
        enroll(UserFactory(), course)
        enroll(world.worker, course)
        register(world.worker, make_event(world, title=f"讲座{n}"))
    with django_assert_num_queries(3):
        assert len(ids(api.get(ENROLMENTS))) == 11


# --- Events ------------------------------------------------------------------------------------------


def test_event_item_has_the_decided_keys_and_registering_answers_like_enrolling(world, clock):
    event = make_event(world, capacity=1, speaker="全国劳模 张师傅")

    item = client().get(EVENTS).json()["results"][0]

    assert set(item) == EVENT_FIELDS | PICTURE_EXTRA
    assert (item["id"], item["palace"], item["kind"], item["centre"]) == (
        event.pk,
        world.palace_a.pk,
        "lecture",
        "education",
    )
    assert (item["start"], item["end"], item["date"]) == (
        "2026-11-27T19:00:00+08:00",
        "2026-11-27T20:30:00+08:00",
        "2026-11-27",
    )
    assert (item["registration"], item["capacity"], item["open"]) == (True, 1, True)
    assert item["registration_closes"] == "2026-11-27T19:00:00+08:00"

    first, second = register(world.worker, event), register(world.worker2, event)

    assert (first.status_code, second.status_code) == (201, 201)
    assert set(first.json()) == {"id", "event", "status"}
    assert (first.json()["event"], first.json()["status"], second.json()["status"]) == (
        event.pk,
        "enrolled",
        "waitlisted",
    )
    again = register(world.worker, event)
    assert (again.status_code, again.json()["code"]) == (409, "already_enrolled")
    detail = client().get(f"{EVENTS}{event.pk}/").json()
    assert set(detail) == EVENT_FIELDS | PICTURE_EXTRA | EVENT_DETAIL_EXTRA
    assert (detail["enrolled"], detail["waitlisted"]) == (1, 1)


def test_an_event_without_registration_is_just_announced(world, clock):
    event = make_event(world, registration=False, online_url="https://live.example.cn/1")

    item = client().get(f"{EVENTS}{event.pk}/").json()
    response = register(world.worker, event)

    assert (item["registration"], item["capacity"], item["registration_closes"], item["open"]) == (
        False,
        None,
        None,
        False,
    )
    assert item["online_url"] == "https://live.example.cn/1"
    assert (response.status_code, response.json()["code"]) == (409, "no_registration")
    assert not Booking.objects.exists()


def test_registration_closes_at_the_start_and_unpublished_events_do_not_exist(world, clock):
    event = make_event(world)
    draft = make_event(world, publish=False)
    cancelled = make_event(world)
    event_cancel(actor=world.staff_a, event=cancelled, reason="场地维修")

    for hidden in (draft, cancelled):
        assert client().get(f"{EVENTS}{hidden.pk}/").status_code == 404
        assert register(world.worker, hidden).status_code == 404
    clock.set(at(4, 19, 1))
    late = register(world.worker, event)
    assert (late.status_code, late.json()["code"]) == (409, "enrolment_closed")


def test_event_list_is_upcoming_by_default_with_filters(world, clock):
    past = make_event(world, title="上周讲座", starts_at=at(-3, 19), ends_at=at(-3, 21), now=at(-10, 9))
    lecture = make_event(world)
    concert = make_event(
        world,
        title="新年音乐会",
        kind="performance",
        centre="culture",
        starts_at=at(30, 19),
        ends_at=at(30, 21),
    )
    elsewhere = make_event(
        world, world.palace_b, title="招聘会", kind="job_fair", centre="service", registration=False
    )

    def listed(**params):
        return ids(client().get(EVENTS, params))

    assert listed() == [lecture.pk, elsewhere.pk, concert.pk]  # soonest first, the past one hidden
    assert listed(palace=world.palace_b.pk) == [elsewhere.pk]
    assert listed(kind="performance") == [concert.pk]
    assert listed(centre="culture") == [concert.pk]
    assert listed(registration="true") == [lecture.pk, concert.pk]
    assert listed(registration="false") == [elsewhere.pk]
    assert listed(**{"from": "2026-11-01"}) == [past.pk, lecture.pk, elsewhere.pk, concert.pk]
    assert listed(**{"from": "2026-11-01", "to": "2026-11-27"}) == [past.pk, lecture.pk, elsewhere.pk]
    assert listed(to="2026-11-30") == [lecture.pk, elsewhere.pk]
    assert client().get(f"{EVENTS}{past.pk}/").status_code == 200  # the detail shows past events too


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"from": "2026-13-01"}, {"from"}),
        ({"to": "tomorrow"}, {"to"}),
        ({"from": "2026-12-02", "to": "2026-12-01"}, {"to"}),
        ({"kind": "party"}, {"kind"}),
        ({"palace": "a", "registration": "perhaps"}, {"palace", "registration"}),
    ],
)
def test_event_list_refuses_bad_filters(world, clock, params, fields):
    response = client().get(EVENTS, params)

    assert response.status_code == 400
    assert set(response.json()["fields"]) == fields


def test_event_list_query_count_does_not_depend_on_the_number_of_events(
    world, clock, django_assert_num_queries
):
    make_event(world)
    with django_assert_num_queries(3):  # count, the page's ids, the page with its counts
        assert client().get(EVENTS).status_code == 200
    for n in range(5):
        event = make_event(world, title=f"讲座{n}", registration=n % 2 == 0)
        if event.offering_id:
            register(world.worker, event)
    with django_assert_num_queries(3):
        assert len(ids(client().get(EVENTS))) == 6


# --- A real race on PostgreSQL -----------------------------------------------------------------------

RACERS = 60
CAPACITY = 30
LEFT = 5  # places left when the race starts


def _free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int")
        (limit,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
        (used,) = cursor.fetchone()
    return limit - used - 10


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_racers_over_the_api_for_the_last_places_of_a_course_get_exactly_those_places(world, clock):
    """60 signed-in clients, each on its own thread with its own database connection, released
    together, POST an enrolment into the last 5 of 30 places: exactly 5 are enrolled, the rest
    wait, and the offering's count matches the rows."""
    from tests.integration.conftest import unavailable

    if connection.vendor != "postgresql":
        unavailable("DATABASE_URL does not name a PostgreSQL database")
    course = make_course(world, capacity=CAPACITY)
    for user in workers(CAPACITY - LEFT):
        enrolment_create(user=user, course=course, now=NOW)
    racers = workers(RACERS)
    tokens = [Token.objects.create(user=user).key for user in racers]

    threads = min(RACERS, _free_connections())
    assert threads >= 20, f"only {threads} PostgreSQL connections to spare: no real race"
    answers: list = [None] * RACERS
    next_racer = iter(range(RACERS))
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work():
        try:
            connection.ensure_connection()
            barrier.wait(timeout=60)
            while True:
                with lock:
                    index = next(next_racer, None)
                if index is None:
                    return
                try:
                    api = APIClient(HTTP_AUTHORIZATION=f"Token {tokens[index]}")
                    response = api.post(f"{COURSES}{course.pk}/enroll/")
                    answers[index] = (response.status_code, response.json().get("status"))
                except Exception as error:  # what the test is there to catch
                    answers[index] = ("error", repr(error))
        finally:
            connection.close()

    pool = [threading.Thread(target=work) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=180)

    assert not any(thread.is_alive() for thread in pool), "a racer never finished"
    assert None not in answers
    assert Counter(answers) == {(201, "enrolled"): LEFT, (201, "waitlisted"): RACERS - LEFT}, answers
    offering = Offering.objects.get(pk=course.offering_id)
    held = Booking.objects.filter(offering=offering, status__in=(Status.CONFIRMED, Status.CHECKED_IN)).count()
    assert offering.taken == held == CAPACITY
    assert Booking.objects.filter(offering=offering, status=Status.WAITLISTED).count() == RACERS - LEFT


@pytest.mark.parametrize("params", [{"from": ""}, {"to": " "}, {"from": "2026-13-01"}])
def test_it_refuses_an_empty_or_bad_date_filter_on_events(world, clock, params):
    # The schema says `format: date`; `?from=` used to be read as "no filter" (issue 11).
    response = client().get(EVENTS, params)
    assert response.status_code == 400
    assert set(response.json()["fields"]) == set(params)
    assert client().get(EVENTS, {"from": "2026-01-01"}).status_code == 200
