"""The workers' night-school and event pages: catalogue and filters, a course and its actions, the
lottery's audit, events, My classes, a sign-up's QR code and .ics, the certificate.

"Now" is frozen at Monday 2026-11-23 08:00 Asia/Shanghai (tests/activities/support.py): the
default term's enrolment is open until Saturday 28 November 20:00; courses meet on Tuesdays
19:00–21:00 from 24 November for eight weeks.
"""

import hashlib
import re
from datetime import time, timedelta
from unittest import mock

import icalendar
import pytest
from django.urls import reverse

from activities.classes.services import lottery_draw, section_open
from activities.events.services import event_register
from bookings.models import Attendance, Booking, Occurrence
from bookings.services.booking import booking_cancel
from bookings.services.offering import attendance_roll_call
from tests.factories import PalaceFactory, RegionFactory, UserFactory, VenueFactory
from venues.models import Region

from .support import NOW, at, classroom, make_course, make_event, make_term, workers

S = Booking.Status
BACKEND = "django.contrib.auth.backends.ModelBackend"
AFTER_CLOSE = NOW + timedelta(days=6)  # Sunday 29 November, enrolment closed


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def course_url(course, action=""):
    return reverse("classes:course", args=[course.pk]) + (f"{action}/" if action else "")


def enrol(client, course):
    return client.post(reverse("classes:enrol", args=[course.pk]), follow=True)


def signup_of(user, course) -> Booking:
    return Booking.objects.get(user=user, offering=course.offering)


# --- The catalogue -------------------------------------------------------------------------------


def test_catalogue_lists_published_courses_with_their_cards(world, client):
    course = make_course(world, title="书法入门", teacher="陈老师")
    make_course(world, course.term, title="草稿课程", publish=False)
    response = client.get(reverse("classes:catalogue"))
    assert response.status_code == 200
    page = html(response)
    assert "书法入门" in page
    assert "草稿课程" not in page
    assert "陈老师" in page
    assert "Tuesday 19:00–21:00" in page
    assert "20 places left" in page
    assert "Free" in page
    assert world.palace_a.name in page
    assert "Sign-up until" in page


def test_catalogue_card_shows_lottery_applicants_full_courses_fee_and_members_only(world, client):
    term = make_term(world)
    lottery = make_course(world, term, title="瑜伽", selection="lottery", capacity=5)
    full = make_course(world, term, title="摄影", capacity=1, fee="30.00", members_only=True)
    for person in workers(2):
        enrol(sign_in(client, person), lottery)
    enrol(sign_in(client, UserFactory(membership_number="36010012345")), full)
    client.logout()
    page = html(client.get(reverse("classes:catalogue")))
    assert "Lottery: 2 applied for 5 places" in page
    assert "Apply until" in page
    assert "the draw follows" in page
    assert "Full" in page
    assert "¥30" in page
    assert "Union members only" in page


def _filter_world(world):
    term_a = make_term(world)
    term_b = make_term(world, world.palace_b)
    evening = make_course(world, term_a, title="晚间书法", weekdays=[1], starts_at=time(19), ends_at=time(21))
    daytime = make_course(
        world, term_a, title="白天插花", centre="culture", weekdays=[2], starts_at=time(14), ends_at=time(16)
    )
    weekend = make_course(
        world, term_b, title="周末篮球", centre="health", weekdays=[5], starts_at=time(9), ends_at=time(11)
    )
    return evening, daytime, weekend


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"晚间书法", "白天插花", "周末篮球"}),
        ({"city": "360100"}, {"晚间书法", "白天插花"}),
        ({"city": "360400"}, {"周末篮球"}),
        ({"centre": "health"}, {"周末篮球"}),
        ({"weekday": "2"}, {"白天插花"}),
        ({"weekday": "5"}, {"周末篮球"}),
        ({"when": "evening"}, {"晚间书法"}),
        ({"when": "weekend"}, {"周末篮球"}),
        ({"when": "after_work"}, {"晚间书法", "周末篮球"}),
        ({"open": "on"}, {"晚间书法", "白天插花", "周末篮球"}),
    ],
)
def test_catalogue_filters(world, client, query, expected):
    _filter_world(world)
    response = client.get(reverse("classes:catalogue"), query)
    assert response.status_code == 200
    assert {card["title"] for card in response.context["cards"]} == expected


def test_catalogue_filters_by_palace(world, client):
    _filter_world(world)
    response = client.get(reverse("classes:catalogue"), {"palace": world.palace_b.pk})
    assert {card["title"] for card in response.context["cards"]} == {"周末篮球"}


def test_catalogue_offers_the_palaces_of_the_chosen_city_only(world, client):
    # A thousand palaces in one list were most of the page's weight and time at ten times the
    # province: until a city is chosen only a palace asked for is offered.
    _filter_world(world)
    url = reverse("classes:catalogue")
    choices = client.get(url).context["filter_form"].fields["palace"].queryset
    assert list(choices) == []
    choices = client.get(url, {"city": "360400"}).context["filter_form"].fields["palace"].queryset
    assert list(choices) == [world.palace_b]
    choices = client.get(url, {"palace": world.palace_b.pk}).context["filter_form"].fields["palace"].queryset
    assert list(choices) == [world.palace_b]


def test_catalogue_open_filter_leaves_out_courses_not_open_yet(world, client):
    later = make_term(world, name="2027年春季", enrolment_opens=NOW + timedelta(days=2))
    make_course(world, later, title="春季合唱")
    make_course(world, title="冬季书法")
    response = client.get(reverse("classes:catalogue"), {"open": "on"})
    assert {card["title"] for card in response.context["cards"]} == {"冬季书法"}
    assert "Sign-up opens" in html(client.get(reverse("classes:catalogue")))


def test_catalogue_refuses_invalid_filters_and_lists_nothing(world, client):
    make_course(world)
    response = client.get(reverse("classes:catalogue"), {"weekday": "9", "city": "999999"})
    assert response.status_code == 200
    assert response.context["cards"] == []
    assert "Some filter values are not valid" in html(response)


def test_catalogue_query_count_does_not_grow_with_courses(world, client, django_assert_max_num_queries):
    term = make_term(world, max_courses=20)
    venue = classroom(world.palace_a)
    courses = [make_course(world, term, title=f"课程{i}", venue=venue) for i in range(12)]
    person = UserFactory()
    for course in courses[:6]:
        enrol(sign_in(client, person), course)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("classes:catalogue"), {"city": "360100", "when": "evening"})
    assert len(response.context["cards"]) == 12
    assert sum(1 for card in response.context["cards"] if card["mine"]) == 6


def test_catalogue_opens_on_what_can_be_signed_up_for_and_keeps_closed_terms_behind_a_filter(world, client):
    closed = make_term(
        world,
        name="2026年秋季",
        enrolment_opens=NOW - timedelta(days=30),
        enrolment_closes=NOW - timedelta(days=1),
    )
    make_course(world, closed, title="秋季书法", now=NOW - timedelta(days=20))
    later = make_term(world, name="2027年春季", enrolment_opens=NOW + timedelta(days=2))
    make_course(world, later, title="春季合唱")
    make_course(world, title="冬季摄影")
    default = client.get(reverse("classes:catalogue"))
    assert [card["title"] for card in default.context["cards"]] == ["冬季摄影", "春季合唱"]
    with_closed = client.get(reverse("classes:catalogue"), {"closed": "on"})
    assert [card["title"] for card in with_closed.context["cards"]] == [
        "冬季摄影",
        "春季合唱",
        "秋季书法",
    ]


def test_catalogue_counts_each_figure_in_its_own_subquery(world, client, django_assert_max_num_queries):
    """Counting sign-ups and sessions through one join multiplied the rows (seconds for a few
    hundred courses); each count is a subquery, and the figures stay right."""
    term = make_term(world, max_courses=10)
    venue = classroom(world.palace_a)
    courses = [make_course(world, term, title=f"课程{i:02d}", venue=venue) for i in range(25)]
    people = workers(3)
    for person in people:
        for course in courses[:2]:
            enrol(sign_in(client, person), course)
    client.logout()
    with django_assert_max_num_queries(8) as queries:
        response = client.get(reverse("classes:catalogue"))
    assert len(response.context["cards"]) == 20
    assert not [q["sql"] for q in queries.captured_queries if "COUNT(DISTINCT" in q["sql"].upper()]
    first = next(card for card in response.context["cards"] if card["offering"] == courses[0].offering_id)
    assert first["title"] == "课程00"
    page = html(response)
    assert page.count("17 places left") == 2  # the two courses with three sign-ups each
    assert page.count("8 sessions") == 20


def test_catalogue_filters_fold_away_until_used(world, client):
    make_course(world)
    page = html(client.get(reverse("classes:catalogue")))
    assert '<details class="filter-toggle">' in page
    filtered = html(client.get(reverse("classes:catalogue"), {"centre": "education"}))
    assert '<details class="filter-toggle" open>' in filtered
    assert '<details class="filter-toggle">' in html(client.get(reverse("classes:events")))


def test_catalogue_is_paginated(world, client):
    term = make_term(world)
    venue = classroom(world.palace_a)
    for i in range(23):
        make_course(world, term, title=f"课程{i:02d}", venue=venue)
    first = client.get(reverse("classes:catalogue"))
    assert len(first.context["cards"]) == 20
    second = client.get(reverse("classes:catalogue"), {"page": 2})
    assert len(second.context["cards"]) == 3


# --- One course ---------------------------------------------------------------------------------


def test_anonymous_visitor_sees_the_course_and_a_sign_in_link(world, client):
    course = make_course(world, description="零基础，欢迎参加")
    page = html(client.get(course_url(course)))
    assert "零基础，欢迎参加" in page
    assert f"/accounts/login/?next=%2Fclasses%2F{course.pk}%2F" in page
    assert "Sign in to enrol" in page
    assert page.count('class="session-when"') == course.offering.occurrences.count()


def test_worker_enrols_through_the_page(world, client):
    course = make_course(world)
    response = enrol(sign_in(client, world.worker), course)
    assert response.redirect_chain[-1][0] == course_url(course)
    assert messages_of(response) == ["You are enrolled in 书法入门. Your sessions are in My classes."]
    booking = signup_of(world.worker, course)
    assert booking.status == S.CONFIRMED
    page = html(response)
    assert "Enrolled" in page
    assert booking.check_in_code in page
    assert reverse("classes:withdraw", args=[booking.pk]) in page
    assert reverse("classes:ics", args=[booking.pk]) in page
    assert "19 places left" in page


def test_anonymous_post_goes_to_sign_in_and_changes_nothing(world, client):
    course = make_course(world)
    response = client.post(reverse("classes:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Booking.objects.filter(offering=course.offering).exists()


def test_worker_applies_for_a_lottery(world, client):
    course = make_course(world, selection="lottery", capacity=5)
    response = enrol(sign_in(client, world.worker), course)
    assert messages_of(response)[0].startswith("You have applied for 书法入门. Places are drawn by lot")
    assert signup_of(world.worker, course).status == S.PENDING
    page = html(response)
    assert "Applied (lottery)" in page
    assert "Withdraw the application" in page


def test_a_full_course_puts_the_worker_on_the_waitlist(world, client):
    course = make_course(world, capacity=1)
    enrol(sign_in(client, world.worker2), course)
    page = html(client.get(course_url(course)))  # worker2's view: enrolled
    sign_in(client, world.worker)
    assert "Join the waitlist" in html(client.get(course_url(course)))
    response = enrol(client, course)
    assert messages_of(response) == [
        "书法入门 is full: you are number 1 on the waitlist. If a place frees up, it is offered to you."
    ]
    assert signup_of(world.worker, course).status == S.WAITLISTED
    assert "You are number 1 on the waitlist." in html(response)
    assert "Enrolled" in page


def test_refusals_show_the_services_message_and_change_nothing(world, client):
    members = make_course(world, title="会员课", members_only=True)
    sign_in(client, world.worker)
    page = html(client.get(course_url(members)))
    assert "This is for trade-union members only." in page
    assert "Enrol</button>" not in page
    response = enrol(client, members)
    assert messages_of(response) == ["This is for trade-union members only."]
    assert not Booking.objects.filter(offering=members.offering).exists()


def test_the_term_limit_is_explained(world, client):
    term = make_term(world, max_courses=1)
    first = make_course(world, term, title="书法")
    second = make_course(world, term, title="国画")
    sign_in(client, world.worker)
    enrol(client, first)
    response = enrol(client, second)
    assert messages_of(response) == ["You may hold at most 1 courses in one term."]
    assert not Booking.objects.filter(offering=second.offering).exists()


def test_the_term_limit_is_said_before_the_button_even_when_the_course_is_full(world, client):
    term = make_term(world, max_courses=1)
    first = make_course(world, term, title="书法")
    full = make_course(world, term, title="国画", capacity=1)
    enrol(sign_in(client, UserFactory()), full)
    sign_in(client, world.worker)
    enrol(client, first)
    page = html(client.get(course_url(full)))
    assert "You may hold at most 1 courses in one term." in page
    assert "Join the waitlist</button>" not in page
    assert "signup-form" not in page
    assert reverse("classes:mine") in page


def test_a_suspended_worker_is_told_before_the_button(world, client):
    from bookings.models import Suspension

    Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW + timedelta(days=12),
        reason="3次爽约",
    )
    course = make_course(world)
    page = html(sign_in(client, world.worker).get(course_url(course)))
    assert "Your sign-ups are suspended until" in page
    assert "3次爽约" in page
    assert "Enrol</button>" not in page


def test_enrolling_after_the_window_is_refused(world, client):
    course = make_course(world)
    sign_in(client, world.worker)
    with mock.patch("django.utils.timezone.now", return_value=AFTER_CLOSE):
        page = html(client.get(course_url(course)))
        assert "Sign-up closed" in page
        response = enrol(client, course)
    assert messages_of(response) == ["Sign-up has closed."]
    assert not Booking.objects.filter(offering=course.offering).exists()


def test_enrolling_twice_is_refused(world, client):
    course = make_course(world)
    sign_in(client, world.worker)
    enrol(client, course)
    response = enrol(client, course)
    assert messages_of(response) == ["You have already signed up for this."]
    assert Booking.objects.filter(offering=course.offering).count() == 1


def test_withdrawing_asks_first_then_frees_the_place_for_the_waitlist(world, client):
    course = make_course(world, capacity=1)
    enrol(sign_in(client, world.worker2), course)
    enrol(sign_in(client, world.worker), course)
    holder = signup_of(world.worker2, course)
    sign_in(client, world.worker2)
    url = reverse("classes:withdraw", args=[holder.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Are you sure?" in html(confirm)
    holder.refresh_from_db()
    assert holder.status == S.CONFIRMED  # the GET changed nothing
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("classes:mine")
    assert messages_of(response) == ["You have withdrawn from 书法入门."]
    holder.refresh_from_db()
    assert holder.status == S.CANCELLED
    assert signup_of(world.worker, course).status == S.OFFERED


def test_worker_accepts_an_offered_place(world, client):
    course = make_course(world, capacity=1)
    enrol(sign_in(client, world.worker2), course)
    enrol(sign_in(client, world.worker), course)
    booking_cancel(actor=world.worker2, booking=signup_of(world.worker2, course), now=NOW)
    offered = signup_of(world.worker, course)
    assert offered.status == S.OFFERED
    sign_in(client, world.worker)
    page = html(client.get(course_url(course)))
    assert "A place is free for you." in page
    assert "Decline the offer" in page
    response = client.post(reverse("classes:accept", args=[offered.pk]), follow=True)
    assert messages_of(response) == ["You are enrolled in 书法入门. Your sessions are in My classes."]
    offered.refresh_from_db()
    assert offered.status == S.CONFIRMED
    # Accepting again: the service's refusal, shown, nothing changed.
    again = client.post(reverse("classes:accept", args=[offered.pk]), follow=True)
    assert messages_of(again) == ["There is no offer to accept on this booking."]


def test_worker_declines_an_offered_place(world, client):
    course = make_course(world, capacity=1)
    enrol(sign_in(client, world.worker2), course)
    enrol(sign_in(client, world.worker), course)
    booking_cancel(actor=world.worker2, booking=signup_of(world.worker2, course), now=NOW)
    offered = signup_of(world.worker, course)
    sign_in(client, world.worker)
    url = reverse("classes:withdraw", args=[offered.pk])
    assert "Decline the offer" in html(client.get(url))
    response = client.post(url, follow=True)
    assert messages_of(response) == ["You declined the place in 书法入门; it passes to the next in line."]
    offered.refresh_from_db()
    assert offered.status == S.CANCELLED


@pytest.mark.parametrize("name", ["withdraw", "accept", "qr", "ics", "certificate"])
def test_another_persons_sign_up_answers_404(world, client, name):
    course = make_course(world)
    enrol(sign_in(client, world.worker2), course)
    booking = signup_of(world.worker2, course)
    sign_in(client, world.worker)
    url = reverse(f"classes:{name}", args=[booking.pk])
    response = client.post(url) if name == "accept" else client.get(url)
    assert response.status_code == 404
    if name == "withdraw":
        assert client.post(url).status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_draft_courses_are_hidden_from_workers_but_previewed_by_staff(world, client):
    draft = make_course(world, publish=False)
    assert client.get(course_url(draft)).status_code == 404
    assert sign_in(client, world.worker).get(course_url(draft)).status_code == 404
    response = sign_in(client, world.staff_a).get(course_url(draft))
    assert response.status_code == 200
    assert "A draft" in html(response)
    assert not response.context["may_sign_up"]
    assert sign_in(client, world.staff_b).get(course_url(draft)).status_code == 404


def test_cancelled_sessions_show_the_closure_note(world, client):
    course = make_course(world)
    session = course.offering.occurrences.order_by("start")[1]
    Occurrence.objects.filter(pk=session.pk).update(cancelled=True, note="场馆维修")
    page = html(client.get(course_url(course)))
    assert "Cancelled: 场馆维修" in page
    assert 'class="is-cancelled"' in page


def test_other_sections_are_linked(world, client):
    course = make_course(world, capacity=1)
    section = section_open(
        actor=world.staff_a,
        course=course,
        weekdays=[3],
        starts_at=time(19),
        ends_at=time(21),
        venue=course.venue,
        capacity=10,
        section_label="二班",
        now=NOW,
    )
    page = html(client.get(course_url(course)))
    assert course_url(section) in page
    assert "二班" in page
    assert course_url(course) in html(client.get(course_url(section)))


# --- The lottery's audit --------------------------------------------------------------------------


def test_a_drawn_course_shows_its_audit_without_names(world, client):
    course = make_course(world, selection="lottery", capacity=2)
    people = [world.worker, *workers(4, real_name="张三丰")]
    for person in people:
        enrol(sign_in(client, person), course)
    draw = lottery_draw(actor=world.staff_a, course=course, seed="seed-42", now=AFTER_CLOSE)
    mine = signup_of(world.worker, course)
    sign_in(client, world.worker)
    with mock.patch("django.utils.timezone.now", return_value=AFTER_CLOSE):
        response = client.get(course_url(course))
    page = html(response)
    assert "How the places were drawn" in page
    assert "seed-42" in page
    assert "5 applications for 2 places" in page
    assert "SHA-256" in page
    assert "张三丰" not in page
    assert world.worker.real_name not in page
    rows = response.context["draw_rows"]
    assert [row.application for row in rows] == [row["booking"] for row in draw.ordering]
    # Anyone can recompute the keys from the seed and the application numbers.
    for row in rows:
        assert hashlib.sha256(f"seed-42:{row.application}".encode()).hexdigest().startswith(row.key_prefix)
        assert row.key_prefix in page
    assert [row.won for row in rows] == [True, True, False, False, False]
    assert [row.mine for row in rows].count(True) == 1
    assert next(row for row in rows if row.mine).application == mine.pk
    assert "(you)" in page
    assert re.search(rf"Your application \(number {mine.pk}\) came out at position \d", page)


# --- Events -------------------------------------------------------------------------------------


def test_event_list_shows_upcoming_published_events_with_filters(world, client):
    make_event(world, title="劳模讲堂")
    make_event(
        world, title="线上招聘会", kind="job_fair", online_url="https://live.example.cn/1", registration=False
    )
    make_event(world, world.palace_b, title="职工篮球赛", kind="competition", centre="health")
    make_event(world, title="草稿活动", publish=False)
    titles = lambda response: {card["event"].title for card in response.context["cards"]}  # noqa: E731
    response = client.get(reverse("classes:events"))
    assert titles(response) == {"劳模讲堂", "线上招聘会", "职工篮球赛"}
    assert "No registration: just come" in html(response)
    assert titles(client.get(reverse("classes:events"), {"place": "online"})) == {"线上招聘会"}
    assert titles(client.get(reverse("classes:events"), {"kind": "competition"})) == {"职工篮球赛"}
    assert titles(client.get(reverse("classes:events"), {"palace": world.palace_b.pk})) == {"职工篮球赛"}
    assert titles(client.get(reverse("classes:events"), {"city": "360100"})) == {"劳模讲堂", "线上招聘会"}
    assert titles(client.get(reverse("classes:events"), {"centre": "health"})) == {"职工篮球赛"}


def test_event_list_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    venue = classroom(world.palace_a, name="多功能厅")
    for i in range(10):
        make_event(world, title=f"讲座{i}", venue=venue)
    sign_in(client, world.worker)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("classes:events"))
    assert len(response.context["cards"]) == 10


def test_an_event_without_registration_says_just_come(world, client):
    event = make_event(world, registration=False, online_url="https://live.example.cn/2")
    page = html(sign_in(client, world.worker).get(reverse("classes:event", args=[event.pk])))
    assert "No registration: just come" in page
    assert "Register</button>" not in page
    assert "https://live.example.cn/2" in page
    response = client.post(reverse("classes:register", args=[event.pk]), follow=True)
    assert messages_of(response) == ["This event needs no registration: just come."]


def test_worker_registers_for_an_event_and_then_sees_the_online_link(world, client):
    event = make_event(world, online_url="https://live.example.cn/3")
    url = reverse("classes:event", args=[event.pk])
    sign_in(client, world.worker)
    page = html(client.get(url))
    assert "https://live.example.cn/3" not in page
    assert "Register</button>" in page
    response = client.post(reverse("classes:register", args=[event.pk]), follow=True)
    assert messages_of(response) == [
        "You are registered for 劳模讲堂：工匠精神. Show your check-in code at the door."
    ]
    page = html(response)
    assert "https://live.example.cn/3" in page
    booking = Booking.objects.get(user=world.worker, offering=event.offering)
    assert reverse("classes:event_withdraw", args=[booking.pk]) in page
    withdrawn = client.post(reverse("classes:event_withdraw", args=[booking.pk]), follow=True)
    assert messages_of(withdrawn) == ["You have withdrawn from 劳模讲堂：工匠精神."]


def test_a_full_event_offers_the_waitlist(world, client):
    event = make_event(world, capacity=1)
    event_register(user=world.worker2, event=event, now=NOW)
    sign_in(client, world.worker)
    assert "Join the waitlist" in html(client.get(reverse("classes:event", args=[event.pk])))
    response = client.post(reverse("classes:register", args=[event.pk]), follow=True)
    assert "you are number 1 on the waitlist" in messages_of(response)[0]


# --- My classes ------------------------------------------------------------------------------------


def test_my_classes_needs_sign_in(world, client):
    response = client.get(reverse("classes:mine"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_my_classes_shows_the_timetable_codes_events_and_the_past(world, client):
    term = make_term(world)
    monday = make_course(world, term, title="周一书法", weekdays=[0])
    waiting = make_course(world, term, title="满员国画", capacity=1)
    event = make_event(world)
    withdrawn_course = make_course(world, make_term(world, name="另一学期"), title="退出的课")
    enrol(sign_in(client, world.worker2), waiting)
    sign_in(client, world.worker)
    enrol(client, monday)
    enrol(client, waiting)
    enrol(client, withdrawn_course)
    client.post(reverse("classes:register", args=[event.pk]))
    client.post(reverse("classes:withdraw", args=[signup_of(world.worker, withdrawn_course).pk]))
    response = client.get(reverse("classes:mine"))
    page = html(response)
    enrolled = signup_of(world.worker, monday)
    # The timetable: this week first, with today's session highlighted.
    weeks = response.context["weeks"]
    assert weeks[0]["is_current"]
    today = weeks[0]["days"][0]
    assert today["is_today"]
    assert [s.offering.title for s in today["sessions"]] == ["周一书法"]
    assert 'aria-current="date"' in page
    # Enrolments with their state, code and QR.
    assert [item.booking.offering.title for item in response.context["courses"]] == ["周一书法", "满员国画"]
    assert enrolled.check_in_code in page
    assert reverse("classes:qr", args=[enrolled.pk]) in page
    assert "You are number 1 on the waitlist." in page
    assert "Attended 0 of 0 sessions so far" in page
    # Registered events, then the past and withdrawn.
    assert [item.booking.offering.title for item in response.context["events"]] == [event.title]
    assert [item.booking.offering.title for item in response.context["past"]] == ["退出的课"]
    assert "Withdrawn" in page
    # The personal feed lives under My bookings.
    assert reverse("bookings:my_bookings") + "#calendar" in page


MY_CLASSES_QUERIES = 9


def test_my_classes_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    term = make_term(world, max_courses=10)
    venue = classroom(world.palace_a)
    courses = [make_course(world, term, title=f"课程{i}", venue=venue) for i in range(6)]
    sign_in(client, world.worker)
    enrol(client, courses[0])
    with django_assert_max_num_queries(MY_CLASSES_QUERIES):
        client.get(reverse("classes:mine"))
    for course in courses[1:]:
        enrol(client, course)
    client.post(reverse("classes:withdraw", args=[signup_of(world.worker, courses[5]).pk]))
    with django_assert_max_num_queries(MY_CLASSES_QUERIES):
        response = client.get(reverse("classes:mine"))
    assert len(response.context["courses"]) == 5
    assert len(response.context["past"]) == 1


def _complete(world, course, booking):
    """Roll calls of the course's first session with the worker present (10 % needed)."""
    session = course.offering.occurrences.filter(cancelled=False).order_by("start").first()
    attendance_roll_call(
        actor=world.staff_a, occurrence=session, present=[booking.pk], now=session.start + timedelta(hours=1)
    )
    return session


def test_a_completed_course_links_its_certificate(world, client):
    course = make_course(world, completion_percent=10)
    sign_in(client, world.worker)
    enrol(client, course)
    booking = signup_of(world.worker, course)
    assert reverse("classes:certificate", args=[booking.pk]) not in html(client.get(reverse("classes:mine")))
    _complete(world, course, booking)
    page = html(client.get(reverse("classes:mine")))
    assert "Completed" in page
    assert reverse("classes:certificate", args=[booking.pk]) in page
    assert Attendance.objects.filter(booking=booking).count() == 1


# --- The certificate ------------------------------------------------------------------------------


def test_the_certificate_shows_the_full_name_to_its_owner_and_the_palace_staff(world, client):
    course = make_course(world, completion_percent=10, teacher="陈老师")
    enrol(sign_in(client, world.worker), course)
    booking = signup_of(world.worker, course)
    url = reverse("classes:certificate", args=[booking.pk])
    assert client.get(url).status_code == 404  # not completed yet
    _complete(world, course, booking)
    for viewer in (world.worker, world.staff_a, world.province_officer):
        response = sign_in(client, viewer).get(url)
        assert response.status_code == 200
        page = html(response)
        assert world.worker.real_name in page
        assert "Certificate of completion" in page
        assert "书法入门" in page
        assert course.term.name in page
        assert "陈老师" in page
        assert "attending 1 of its" in page
        assert response.context["number"] in page
        assert str(booking.pk) in response.context["number"]
    for outsider in (world.worker2, world.staff_b, world.city_officer):
        assert sign_in(client, outsider).get(url).status_code == 404


def test_a_withdrawn_enrolment_has_no_certificate(world, client):
    course = make_course(world, completion_percent=10)
    enrol(sign_in(client, world.worker), course)
    booking = signup_of(world.worker, course)
    _complete(world, course, booking)
    booking_cancel(actor=world.worker, booking=booking, now=NOW)
    assert client.get(reverse("classes:certificate", args=[booking.pk])).status_code == 404


# --- A sign-up's .ics file and QR code -----------------------------------------------------------------


def test_the_ics_file_holds_every_session_of_the_course(world, client):
    course = make_course(world, teacher="陈老师")
    enrol(sign_in(client, world.worker), course)
    booking = signup_of(world.worker, course)
    response = client.get(reverse("classes:ics", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == course.offering.occurrences.count()
    assert all(str(e["summary"]) == "书法入门" for e in events)
    assert booking.check_in_code in str(events[0]["description"])
    assert "陈老师" in str(events[0]["description"])


def test_the_qr_code_is_an_svg_for_the_owner(world, client):
    course = make_course(world)
    enrol(sign_in(client, world.worker), course)
    booking = signup_of(world.worker, course)
    response = client.get(reverse("classes:qr", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"


# --- The palace page and the navigation ---------------------------------------------------------------


def test_the_palace_page_lists_its_courses_and_events(world, client):
    course = make_course(world, title="书法入门")
    event = make_event(world, title="劳模讲堂")
    make_course(world, make_term(world, world.palace_b), title="别的宫的课")
    page = html(client.get(reverse("venues:palace_detail", args=[world.palace_a.pk])))
    assert course_url(course) in page
    assert reverse("classes:event", args=[event.pk]) in page
    assert "别的宫的课" not in page
    assert f"/classes/?palace={world.palace_a.pk}" in page


def test_the_navigation_links_the_night_school_and_events(world, client):
    page = html(client.get(reverse("home")))
    assert 'href="/classes/"' in page
    assert 'href="/events/"' in page


def test_a_palace_link_keeps_working_when_the_palace_has_no_courses(world, client):
    make_course(world)
    response = client.get(reverse("classes:catalogue"), {"palace": world.palace_b.pk})
    assert response.status_code == 200
    assert response.context["cards"] == []
    assert not response.context["filter_form"].errors


def test_courses_of_unlisted_palaces_are_hidden(world, client):
    region = RegionFactory(code="360500", name="新余市", level=Region.Level.CITY, parent=world.province)
    planned = PalaceFactory(name="规划中的文化宫", level="city", region=region, status="planned")
    VenueFactory(palace=planned)
    course = make_course(world)
    course.palace.status = "planned"
    course.palace.save(update_fields=["status"])
    assert client.get(course_url(course)).status_code == 404
    assert client.get(reverse("classes:catalogue")).context["cards"] == []


def test_event_times_are_shown(world, client):
    event = make_event(world, starts_at=at(4, 19), ends_at=at(4, 20, 30))
    page = html(client.get(reverse("classes:event", args=[event.pk])))
    assert "19:00–20:30" in page


def test_the_course_page_query_count_does_not_grow(world, client, django_assert_max_num_queries):
    small = make_course(world, title="小班", selection="lottery", capacity=1)
    big = make_course(world, make_term(world, name="另一学期"), title="大班", selection="lottery", capacity=3)
    for person in workers(2):
        enrol(sign_in(client, person), small)
    for person in [world.worker, *workers(12)]:
        enrol(sign_in(client, person), big)
    for course in (small, big):
        lottery_draw(actor=world.staff_a, course=course, now=AFTER_CLOSE)
    sign_in(client, world.worker)
    with mock.patch("django.utils.timezone.now", return_value=AFTER_CLOSE):
        client.get(course_url(small))
        with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
            client.get(course_url(small))
        with django_assert_max_num_queries(COURSE_PAGE_QUERIES):
            response = client.get(course_url(big))
    assert len(response.context["draw_rows"]) == 13
    row = response.context["draw_mine"]
    if row.won:
        assert response.context["mine"].status == S.CONFIRMED
    else:
        assert response.context["position"] == row.position - 3


COURSE_PAGE_QUERIES = 11


def test_an_event_offer_is_accepted_through_the_event_routes(world, client):
    event = make_event(world, capacity=1)
    holder = event_register(user=world.worker2, event=event, now=NOW)
    waiting = event_register(user=world.worker, event=event, now=NOW)
    booking_cancel(actor=world.worker2, booking=holder, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    sign_in(client, world.worker)
    page = html(client.get(reverse("classes:event", args=[event.pk])))
    assert reverse("classes:event_accept", args=[waiting.pk]) in page
    response = client.post(reverse("classes:event_accept", args=[waiting.pk]), follow=True)
    assert messages_of(response) == [
        "You are registered for 劳模讲堂：工匠精神. Show your check-in code at the door."
    ]
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_catalogue_reads_as_many_queries_for_many_courses_terms_and_sign_ups(world, client):
    """Issue 13: the course catalogue, anonymous and signed in, at most ten queries, as many with
    thirty courses of three terms and two palaces, with sign-ups, as with one course."""
    from tests.queries import queries_of

    term = make_term(world, max_courses=20)
    venue = classroom(world.palace_a)
    person = UserFactory()
    first = make_course(world, term, title="课程首", venue=venue)
    enrol(sign_in(client, person), first)

    def pages():
        client.logout()
        counts = [queries_of(lambda: client.get(reverse("classes:catalogue")))]
        counts.append(
            queries_of(lambda: client.get(reverse("classes:catalogue"), {"palace": world.palace_a.pk}))
        )
        sign_in(client, person)
        counts.append(queries_of(lambda: client.get(reverse("classes:catalogue"))))
        return counts

    small = pages()
    other = classroom(world.palace_b)
    for t in range(2):
        more = make_term(world, name=f"2027年第{t}期", max_courses=20)
        for i in range(6):
            make_course(world, more, title=f"课程{t}{i}", venue=venue)
    courses = [make_course(world, term, title=f"课程{i:02d}", venue=venue) for i in range(12)]
    make_course(world, make_term(world, world.palace_b, max_courses=20), title="武宁课程", venue=other)
    for course in courses[:6]:
        enrol(sign_in(client, person), course)
    for someone in workers(3):
        enrol(sign_in(client, someone), courses[7])
    assert pages() == small
