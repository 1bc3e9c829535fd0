"""The home page's "coming up" block: events and open courses near the visitor, a fixed number of
queries, Chinese dates, and an empty state that points somewhere."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.activities.support import NOW, at, classroom, make_course, make_event, make_term

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def _home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def test_the_block_lists_events_and_open_courses_with_chinese_dates(world, client):
    make_event(world, title="劳模讲堂", starts_at=at(10, 19), ends_at=at(10, 21))
    make_course(world, title="书法入门")

    html = _home(client).content.decode()

    assert "劳模讲堂" in html
    assert "12月3日" in html  # Thursday 3 December, no leading zero
    assert "书法入门" in html
    assert "11月28日" in html  # enrolment closes on Saturday 28 November
    assert reverse("classes:events") in html


def test_a_signed_in_worker_sees_their_own_palace_first(world, client, make_booking):
    make_event(world, world.palace_b, title="武宁讲座", starts_at=at(2, 19), ends_at=at(2, 20))
    make_event(world, title="南昌讲座", starts_at=at(9, 19), ends_at=at(9, 20))
    make_booking(user=world.worker, venue=world.venue_b)
    client.force_login(world.worker)

    events = _home(client).context["events"]

    assert [e.title for e in events] == ["武宁讲座", "南昌讲座"]
    # Staff of palace A: their own palace comes first although its event is later.
    client.force_login(world.staff_a)
    assert [e.title for e in _home(client).context["events"]] == ["南昌讲座", "武宁讲座"]


def test_past_drafts_and_closed_courses_are_not_listed(world, client):
    make_event(world, title="草稿讲座", publish=False)
    make_event(
        world, title="已结束", starts_at=NOW - timedelta(days=2), ends_at=NOW - timedelta(days=2, hours=-1)
    )
    closed = make_term(world, name="秋季", enrolment_closes=NOW - timedelta(hours=1))
    make_course(world, closed, title="已截止的课")

    response = _home(client)

    assert response.context["events"] == []
    assert response.context["courses"] == []
    html = response.content.decode()
    assert reverse("classes:catalogue") in html
    assert reverse("venues:palace_list") in html


def test_the_home_page_query_count_does_not_grow_with_events_and_courses(
    world, client, django_assert_num_queries
):
    make_event(world, title="讲座 1")
    make_course(world, title="课程 1")
    client.force_login(world.worker)
    with CaptureQueriesContext(connection) as few:
        _home(client)
    baseline = len(few.captured_queries)
    assert baseline <= 12

    term = make_term(world, name="冬季二期")
    room = classroom(world.palace_b)
    for i in range(6):
        make_event(world, title=f"更多讲座 {i}", starts_at=at(5 + i, 19), ends_at=at(5 + i, 20))
        make_event(world, world.palace_b, title=f"武宁活动 {i}", venue=room)
        make_course(world, term, title=f"更多课程 {i}")

    with django_assert_num_queries(baseline):
        response = _home(client)
    assert len(response.context["events"]) == 4
    assert len(response.context["courses"]) == 4
