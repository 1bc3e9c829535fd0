"""The courses' list over the API kept in the shared cache (`CourseViewSet.list`): the same body as
DRF's own, the sign-up figures live on every request, the `open` filter and field right as time
passes, and only the lists people browse kept."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache

from activities.classes.api import views
from activities.classes.selectors import courses_live, courses_with_counts
from activities.classes.services import enrolment_create
from activities.models import Course
from bookings.models import Occurrence
from tests.activities.support import NOW, make_course, make_term, workers
from tests.activities.test_api_classes import COURSES, client, clock  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _get(params=None, language="en"):
    response = client().get(COURSES, params or {}, HTTP_ACCEPT_LANGUAGE=language)
    return response


def _fresh(params=None, language="en"):
    """DRF's own answer, nothing kept or overlaid."""
    with mock.patch.object(views, "list_name", return_value=None):
        return _get(params, language)


@pytest.fixture
def kept():
    """The keys of the lists kept while the test runs (whatever the cache's backend)."""
    keys: list[str] = []
    real = cache.set

    def spy(key, *args, **kwargs):
        if "api-courses" in key:
            keys.append(key)
        return real(key, *args, **kwargs)

    with mock.patch.object(cache, "set", side_effect=spy):
        yield keys


def _cancel_first_session(course) -> None:
    """Cancel a session the way closures do, by `update()`, which no signal announces."""
    first = Occurrence.objects.filter(offering=course.offering).order_by("start").values("pk")[:1]
    assert Occurrence.objects.filter(pk__in=first).update(cancelled=True) == 1


@pytest.fixture
def courses(world, clock):  # noqa: F811 - the fixture imported above
    # Sign-up closes two minutes from now: within the time a list is kept at most.
    term = make_term(world, enrolment_closes=NOW + timedelta(minutes=2))
    made = [make_course(world, term, title=f"课程{n}", capacity=2) for n in range(3)]
    for user in workers(3):
        enrolment_create(user=user, course=made[0], now=NOW)  # two places, then the waitlist
    return made


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "params", [{}, {"open": "true"}, {"palace": "1"}, {"centre": "education", "page": "1"}]
)
def test_the_kept_list_is_drf_s_own(courses, world, language, params):
    if "palace" in params:
        params = {"palace": str(world.palace_a.pk)}
    first, again = _get(params, language), _get(params, language)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == _fresh(params, language).json()
    assert list(first.json()["results"][0]) == list(_fresh(params, language).json()["results"][0])


def test_a_warm_list_reads_only_the_live_figures(courses, django_assert_num_queries):
    _get()
    with django_assert_num_queries(1):
        assert _get().status_code == 200


def test_sign_ups_and_cancelled_sessions_show_at_once(courses, world):
    before = {item["id"]: item for item in _get().json()["results"]}
    course = courses[1]
    assert (before[course.pk]["enrolled"], before[course.pk]["available"]) == (0, 2)
    enrolment_create(user=workers(1)[0], course=course, now=NOW)
    # A session cancelled the way closures cancel them, with no signal.
    _cancel_first_session(course)
    after = {item["id"]: item for item in _get().json()["results"]}
    assert (after[course.pk]["enrolled"], after[course.pk]["available"]) == (1, 1)
    assert after[course.pk]["sessions"] == before[course.pk]["sessions"] - 1
    assert after == {item["id"]: item for item in _fresh().json()["results"]}


def test_the_open_field_and_filter_follow_the_clock_with_no_write(courses, clock):  # noqa: F811
    assert {item["open"] for item in _get().json()["results"]} == {True}
    assert len(_get({"open": "true"}).json()["results"]) == 3
    closes = courses[0].offering.closes_at  # every course of the term closes then
    clock.set(closes)
    assert {item["open"] for item in _get().json()["results"]} == {False}
    assert _get({"open": "true"}).json()["results"] == []
    assert len(_get({"open": "false"}).json()["results"]) == 3
    assert _get({"open": "false"}).json() == _fresh({"open": "false"}).json()


@pytest.mark.parametrize(
    "query",
    [
        "palace=abc",  # bad input: 400
        "palace=01",  # a number written otherwise
        "page_size=5",  # not the default page size
        "palace=1&palace=2",  # twice
        "palace=1&term=1&centre=education",  # three filters
        "q=书法",  # unknown
    ],
)
def test_odd_queries_are_answered_and_never_kept(courses, query, kept):
    first, again = client().get(f"{COURSES}?{query}"), client().get(f"{COURSES}?{query}")
    assert first.status_code == again.status_code
    assert first.status_code in (200, 400)
    assert kept == []


def test_a_browsed_list_is_kept_and_an_empty_one_is_not(courses, kept):
    assert _get({"palace": "999999"}).json()["results"] == []
    assert kept == []
    assert len(_get().json()["results"]) == 3
    assert len(kept) == 1


def test_the_live_read_counts_as_the_orm_does(courses, world):
    _cancel_first_session(courses[2])
    orm = {c.offering_id: c for c in courses_with_counts(Course.objects.all())}
    live = courses_live(list(orm))
    assert set(live) == set(orm)
    for offering_id, course in orm.items():
        row = live[offering_id]
        assert (row.enrolled, row.applied, row.waitlisted, row.sessions) == (
            course.enrolled,
            course.applied,
            course.waitlisted,
            course.session_count,
        )
        assert (row.capacity, row.taken, row.opens_at, row.closes_at) == (
            course.offering.capacity,
            course.offering.taken,
            course.offering.opens_at,
            course.offering.closes_at,
        )
    assert courses_live([]) == {}
