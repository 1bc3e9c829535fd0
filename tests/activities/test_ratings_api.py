"""`/api/v1/ratings/`: own ratings, rating, changing, what is left to rate, a palace's month summary."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from rest_framework.test import APIClient

from activities.models import Rating
from activities.ratings import services
from tests.activities.test_ratings import attended_course, attended_event, checked_in_booking
from tests.bookings.support import at

URL = "/api/v1/ratings/"
SUMMARY = "/api/v1/ratings/summary/"
LATER = at(4, 21)  # Friday 21:00, after the lecture
RATING_FIELDS = {
    "id",
    "subject",
    "palace",
    "booking",
    "occurrence",
    "venue",
    "course",
    "event",
    "teacher",
    "date",
    "stars",
    "comment",
    "hidden",
    "hidden_reason",
    "created_at",
    "updated_at",
    "editable_until",
}


@pytest.fixture(autouse=True)
def clock():
    with mock.patch("django.utils.timezone.now", return_value=LATER) as patched:
        yield patched


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_rating_needs_sign_in(world):
    assert _client().get(URL).status_code == 401
    assert _client().post(URL, {"booking": 1, "stars": 5}, format="json").status_code == 401


def test_a_worker_rates_a_booking_and_lists_their_own(world):
    booking = checked_in_booking(world)

    response = _client(world.worker).post(
        URL, {"booking": booking.pk, "stars": 4, "comment": "灯光好"}, format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert set(body) == RATING_FIELDS
    assert (body["subject"], body["stars"], body["date"], body["venue"]) == (
        "venue",
        4,
        booking.local_date.isoformat(),
        world.venue_a.pk,
    )
    assert body["editable_until"].endswith("+08:00")
    listed = _client(world.worker).get(URL).json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == body["id"]
    assert _client(world.worker2).get(URL).json()["count"] == 0


def test_a_class_session_is_rated_with_its_occurrence(world):
    course, session, enrolments = attended_course(world, [world.worker])

    response = _client(world.worker).post(
        URL, {"booking": enrolments[world.worker].pk, "occurrence": session.pk, "stars": 5}, format="json"
    )

    assert response.status_code == 201
    assert (response.json()["course"], response.json()["teacher"]) == (course.pk, "陈老师")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stars": 0}, "stars"),
        ({"stars": 6}, "stars"),
        ({"stars": "many"}, "stars"),
        ({"stars": 5, "comment": "好" * 501}, "comment"),
        ({}, "stars"),
    ],
)
def test_bad_input_is_400_with_fields(world, body, field):
    booking = checked_in_booking(world)

    response = _client(world.worker).post(URL, {"booking": booking.pk, **body}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"]
    assert Rating.objects.count() == 0


def test_refusals_are_409_with_their_codes(world):
    booking = checked_in_booking(world)
    future = checked_in_booking(world, days=5, hour=15)
    client = _client(world.worker)

    assert client.post(URL, {"booking": booking.pk, "stars": 5}, format="json").status_code == 201
    again = client.post(URL, {"booking": booking.pk, "stars": 5}, format="json")
    early = client.post(URL, {"booking": future.pk, "stars": 5}, format="json")

    assert (again.status_code, again.json()["code"]) == (409, "already_rated")
    assert (early.status_code, early.json()["code"]) == (409, "too_early")


def test_someone_elses_booking_is_404(world):
    booking = checked_in_booking(world)

    response = _client(world.worker2).post(URL, {"booking": booking.pk, "stars": 5}, format="json")

    assert (response.status_code, response.json()["code"]) == (404, "not_found")


def test_a_session_of_something_else_is_400(world):
    _course, session, _enrolments = attended_course(world, [world.worker])
    booking = checked_in_booking(world)

    response = _client(world.worker).post(
        URL, {"booking": booking.pk, "occurrence": session.pk, "stars": 5}, format="json"
    )

    assert response.status_code == 400
    assert "occurrence" in response.json()["fields"]


def test_the_author_patches_a_rating_and_no_one_else_sees_it(world, clock):
    rating = services.rating_create(user=world.worker, booking=checked_in_booking(world), stars=2, now=LATER)
    url = f"{URL}{rating.pk}/"

    response = _client(world.worker).patch(url, {"comment": "后来觉得不错"}, format="json")
    assert response.status_code == 200
    assert (response.json()["stars"], response.json()["comment"]) == (2, "后来觉得不错")
    assert _client(world.worker2).get(url).status_code == 404
    assert _client(world.worker2).patch(url, {"stars": 1}, format="json").status_code == 404

    clock.return_value = LATER + timedelta(days=15)
    late = _client(world.worker).patch(url, {"stars": 5}, format="json")
    assert (late.status_code, late.json()["code"]) == (409, "too_late")
    assert _client(world.worker).put(url, {"stars": 5}, format="json").status_code == 405


def test_pending_lists_what_is_left_to_rate(world):
    checked_in_booking(world)
    attended_course(world, [world.worker])
    attended_event(world, [world.worker])

    body = _client(world.worker).get(f"{URL}pending/").json()

    assert body["count"] == 3
    assert [item["subject"] for item in body["results"]] == ["event", "course", "venue"]
    assert _client(world.worker2).get(f"{URL}pending/").json()["count"] == 0


# --- Summary ------------------------------------------------------------------------------------------


def _rated(world):
    course, session, enrolments = attended_course(world, [world.worker, world.worker2])
    services.rating_create(
        user=world.worker, booking=enrolments[world.worker], occurrence=session, stars=5, now=LATER
    )
    services.rating_create(
        user=world.worker2, booking=enrolments[world.worker2], occurrence=session, stars=2, now=LATER
    )
    services.rating_create(user=world.worker, booking=checked_in_booking(world), stars=4, now=LATER)
    return course


def test_the_summary_gives_the_months_figures_per_course_teacher_and_venue(world):
    course = _rated(world)

    response = _client(world.staff_a).get(SUMMARY, {"palace": world.palace_a.pk, "month": "2026-11"})

    assert response.status_code == 200
    body = response.json()
    assert (body["month"], body["count"], body["average"]) == ("2026-11", 3, 3.67)
    assert body["distribution"] == [
        {"stars": 1, "count": 0},
        {"stars": 2, "count": 1},
        {"stars": 3, "count": 0},
        {"stars": 4, "count": 1},
        {"stars": 5, "count": 1},
    ]
    assert body["by_course"] == [
        {
            "course": course.pk,
            "title": "书法入门",
            "term": course.term.name,
            "section": "",
            "teacher": "陈老师",
            "count": 2,
            "average": 3.5,
        }
    ]
    assert body["by_teacher"] == [{"teacher": "陈老师", "count": 2, "average": 3.5}]
    venues = {row["name"]: row for row in body["by_venue"]}
    assert venues["羽毛球馆1号场"]["average"] == 4.0
    assert body["by_event"] == []
    october = _client(world.staff_a).get(SUMMARY, {"palace": world.palace_a.pk, "month": "2026-10"}).json()
    assert (october["count"], october["average"]) == (0, None)


def test_the_summary_defaults_to_this_month(world):
    _rated(world)

    body = _client(world.staff_a).get(SUMMARY, {"palace": world.palace_a.pk}).json()

    assert (body["month"], body["count"]) == ("2026-11", 3)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff_a", 200),
        ("city_officer", 200),
        ("province_officer", 200),
        ("staff_b", 404),
        ("worker", 404),
    ],
)
def test_the_summary_is_for_those_who_may_read_the_palace(world, who, status):
    response = _client(getattr(world, who)).get(SUMMARY, {"palace": world.palace_a.pk, "month": "2026-11"})

    assert response.status_code == status


@pytest.mark.parametrize("query", [{}, {"palace": "x"}, {"palace": 1, "month": "2026-13"}, {"palace": 0}])
def test_a_bad_summary_query_is_400(world, query):
    response = _client(world.staff_a).get(SUMMARY, query)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_the_own_list_does_not_grow_in_queries(world, django_assert_max_num_queries):
    for days in range(1, 12):
        services.rating_create(
            user=world.worker, booking=checked_in_booking(world, days=-days), stars=3, now=LATER
        )

    with django_assert_max_num_queries(3):
        response = _client(world.worker).get(URL)
    assert response.json()["count"] == 11
