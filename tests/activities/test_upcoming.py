"""The home page's "coming up" block: events and open courses near the visitor, a fixed number of
queries, Chinese dates, and an empty state that points somewhere."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.classes.services import course_cancel, term_update
from activities.events.services import event_cancel, event_update
from activities.models import Event
from tests.activities.support import NOW, TODAY, at, classroom, make_course, make_event, make_term
from venues import home_cache

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


# --- The cached block (venues/home_cache.py): every write shows on the next request ------------------


def _block(client, **headers) -> str:
    """The "coming up" block of the home page (the rest of the page is not cached with it)."""
    html = client.get(reverse("home"), **headers).content.decode()
    start = html.index('id="upcoming-title"')
    return html[start : html.index('id="cities-title"', start)]


def test_the_block_is_served_from_the_cache_until_something_changes(
    world, client, django_assert_max_num_queries
):
    make_event(world, title="劳模讲堂")
    make_course(world, title="书法入门")
    first = _block(client)
    with django_assert_max_num_queries(0):  # every block of the page from the cache
        again = _block(client)
    assert again == first
    assert "劳模讲堂" in again
    assert "书法入门" in again


def test_a_new_event_or_course_shows_on_the_next_request(world, client):
    # Their rooms and term first: a new venue or term would move the key by itself.
    classroom(world.palace_a)
    classroom(world.palace_a, name="多功能厅")
    term = make_term(world)
    assert "新讲座" not in _block(client)
    make_event(world, title="新讲座")
    assert "新讲座" in _block(client)
    make_course(world, term, title="新课程")
    assert "新课程" in _block(client)


def test_an_event_changed_or_cancelled_shows_on_the_next_request(world, client):
    event = make_event(world, title="劳模讲堂")
    assert "劳模讲堂" in _block(client)
    values = {
        name: getattr(event, name)
        for name in ("kind", "centre", "venue", "starts_at", "ends_at", "capacity", "description")
        if hasattr(event, name)
    }
    values.update(title="工匠讲堂", registration=True)
    event_update(actor=world.staff_a, event=event, now=NOW, **values)
    block = _block(client)
    assert "工匠讲堂" in block
    assert "劳模讲堂" not in block
    event_cancel(actor=world.staff_a, event=Event.objects.get(pk=event.pk), reason="场地维修", now=NOW)
    assert "工匠讲堂" not in _block(client)


def test_a_course_cancelled_shows_on_the_next_request(world, client):
    course = make_course(world, title="书法入门")
    assert "书法入门" in _block(client)
    course_cancel(actor=world.staff_a, course=course, reason="老师生病", now=NOW)
    assert "书法入门" not in _block(client)


def test_a_term_s_sign_up_window_moved_shows_on_the_next_request(world, client):
    # term_update moves its courses' windows with update(), which sends no signal.
    term = make_term(world)
    make_course(world, term, title="书法入门")
    assert "书法入门" in _block(client)
    term_update(
        actor=world.staff_a,
        term=term,
        name=term.name,
        starts_on=term.starts_on,
        ends_on=term.ends_on,
        enrolment_opens=NOW + timedelta(days=1),
        enrolment_closes=NOW + timedelta(days=3),
        max_courses=term.max_courses,
    )
    assert "书法入门" not in _block(client)


def test_a_palace_renamed_shows_on_the_next_request(world, client):
    make_event(world, title="劳模讲堂")
    assert world.palace_a.name in _block(client)
    world.palace_a.name = "南昌市职工文化中心"
    world.palace_a.save()
    assert "南昌市职工文化中心" in _block(client)


def test_a_venue_renamed_shows_on_the_next_request(world, client):
    event = make_event(world, title="劳模讲堂")
    assert event.venue.name in _block(client)
    event.venue.name = "第二报告厅"
    event.venue.save()
    assert "第二报告厅" in _block(client)


def test_an_event_that_ends_drops_out_without_any_write(world, client):
    make_event(world, title="早场讲座", starts_at=at(1, 9), ends_at=at(1, 10))
    make_event(world, title="晚场讲座", starts_at=at(1, 19), ends_at=at(1, 20))
    assert "早场讲座" in _block(client)
    with mock.patch("django.utils.timezone.now", return_value=at(1, 9, 30)):  # started, still on
        assert "早场讲座" in _block(client)
    with mock.patch("django.utils.timezone.now", return_value=at(1, 10)):  # over
        block = _block(client)
    assert "早场讲座" not in block
    assert "晚场讲座" in block


def test_a_sign_up_that_closes_or_opens_changes_the_block_without_any_write(world, client):
    make_course(world, title="书法入门")  # sign-up closes on Saturday 28 November 20:00
    later = make_term(
        world,
        name="2027年春季职工夜校",
        starts_on=TODAY + timedelta(days=14),
        ends_on=TODAY + timedelta(weeks=10),
        enrolment_opens=NOW + timedelta(days=2),
        enrolment_closes=NOW + timedelta(days=9),
    )
    make_course(world, later, title="太极拳")
    block = _block(client)
    assert "书法入门" in block
    assert "太极拳" not in block
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(days=2)):  # opens
        block = _block(client)
    assert "书法入门" in block
    assert "太极拳" in block
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(days=6)):  # the 29th
        block = _block(client)
    assert "书法入门" not in block  # closed on the 28th
    assert "太极拳" in block


def test_the_block_is_cached_per_language(world, client):
    make_event(world, title="劳模讲堂")
    assert "活动" in _block(client)
    english = _block(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "Events" in english
    assert "活动" in _block(client)


def test_a_signed_in_worker_s_block_is_theirs_and_leaves_nothing_personal(world, client, make_booking):
    make_event(world, world.palace_b, title="武宁讲座", starts_at=at(9, 19), ends_at=at(9, 20))
    make_event(world, title="南昌讲座", starts_at=at(2, 19), ends_at=at(2, 20))
    make_booking(user=world.worker, venue=world.venue_b)
    client.force_login(world.worker)
    own = _block(client)
    assert own.index("武宁讲座") < own.index("南昌讲座")
    client.logout()
    anonymous = _block(client)
    assert anonymous.index("南昌讲座") < anonymous.index("武宁讲座")
    # What the cache holds for the worker's palace and for everyone (read through the keys, so on
    # any cache backend): public rows only.
    version = home_cache.home_page_version()
    for name in (f"upcoming:{world.palace_b.pk}", "upcoming:0"):
        _until, html = home_cache.cache.get(f"home-page:{name}:{version}:zh-hans")
        assert "武宁讲座" in html
        assert world.worker.real_name not in html
        assert world.worker.phone not in html
        assert "csrf" not in html


def test_without_a_cache_the_block_comes_from_the_database(world, client):
    from django.core.cache import cache

    make_event(world, title="劳模讲堂")
    with (
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "add", return_value=False),
        mock.patch.object(cache, "set"),
    ):
        assert "劳模讲堂" in _block(client)
        make_event(world, title="工匠讲堂")
        assert "工匠讲堂" in _block(client)


def test_the_kept_page_changes_when_a_block_in_it_does_within_minutes(world, client):
    # Anonymous visitors' home page is kept whole (venues.views.home); it must not outlive the
    # "coming up" block inside it, which changes when this event ends, two minutes from now.
    soon = NOW + timedelta(minutes=1)
    make_event(world, title="午间快闪", starts_at=soon, ends_at=soon + timedelta(minutes=1))
    assert "午间快闪" in _block(client)
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(seconds=90)):
        assert "午间快闪" in _block(client)
    with mock.patch("django.utils.timezone.now", return_value=NOW + timedelta(minutes=2)):
        assert "午间快闪" not in _block(client)
