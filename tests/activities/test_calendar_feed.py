"""The personal calendar feed carries the sessions of the worker's courses and their events
(activities.calendars.feed_class_events, registered in bookings.calendars.FEED_PROVIDERS)."""

from datetime import timedelta
from unittest import mock

import icalendar
import pytest
from django.urls import reverse

from activities.calendars import feed_class_events
from activities.classes.services import enrolment_create
from activities.events.services import event_register
from bookings.calendars import FEED_PROVIDERS, calendar_feed_for, feed_ics
from bookings.models import Booking, Occurrence
from bookings.services.booking import booking_cancel

from .support import NOW, make_course, make_event, make_term, workers


@pytest.fixture(autouse=True)
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


def uids(events) -> set[str]:
    return {str(e["uid"]) for e in events}


def test_the_provider_is_registered():
    assert feed_class_events in FEED_PROVIDERS


def test_the_feed_holds_each_session_of_enrolled_courses_and_registered_events(world):
    course = make_course(world)
    event = make_event(world, online_url="https://live.example.cn/9")
    enrolment = enrolment_create(user=world.worker, course=course, now=NOW)
    registration = event_register(user=world.worker, event=event, now=NOW)
    # Someone else's sign-ups of the same course and event stay out of this feed.
    enrolment_create(user=world.worker2, course=course, now=NOW)
    event_register(user=world.worker2, event=event, now=NOW)

    events = feed_class_events(world.worker, NOW - timedelta(days=30))
    sessions = list(Occurrence.objects.filter(offering=course.offering).order_by("start"))
    event_session = Occurrence.objects.get(offering=event.offering)
    assert uids(events) == {
        *(f"session-{s.pk}-{enrolment.pk}@palace-portal" for s in sessions),
        f"session-{event_session.pk}-{registration.pk}@palace-portal",
    }
    first = next(e for e in events if str(e["uid"]).startswith(f"session-{sessions[0].pk}-"))
    assert str(first["summary"]) == course.offering.title
    assert first["dtstart"].dt == sessions[0].start
    assert str(first["status"]) == "CONFIRMED"
    assert enrolment.check_in_code in str(first["description"])
    assert world.palace_a.name in str(first["location"])
    online = next(e for e in events if str(e["uid"]).startswith(f"session-{event_session.pk}-"))
    assert "https://live.example.cn/9" in str(online["description"])


def test_the_provider_makes_one_query_whatever_the_count(world, django_assert_num_queries):
    term = make_term(world, max_courses=5)
    courses = [make_course(world, term, title=f"课程{i}") for i in range(3)]
    for course in courses:
        enrolment_create(user=world.worker, course=course, now=NOW)
    for i in range(3):
        event_register(user=world.worker, event=make_event(world, title=f"讲座{i}"), now=NOW)
    with django_assert_num_queries(1):
        events = feed_class_events(world.worker, NOW - timedelta(days=30))
    assert len(events) == sum(c.offering.occurrences.count() for c in courses) + 3


def test_cancelled_sessions_stay_in_the_feed_as_cancelled(world):
    course = make_course(world)
    enrolment_create(user=world.worker, course=course, now=NOW)
    session = course.offering.occurrences.order_by("start").first()
    Occurrence.objects.filter(pk=session.pk).update(cancelled=True, note="场馆维修")
    event = next(
        e for e in feed_class_events(world.worker, NOW) if str(e["uid"]).startswith(f"session-{session.pk}-")
    )
    assert str(event["status"]) == "CANCELLED"
    assert "场馆维修" in str(event["description"])


def test_waiting_applied_and_withdrawn_sign_ups_are_not_in_the_feed(world):
    lottery = make_course(world, title="瑜伽", selection="lottery", capacity=3)
    full = make_course(world, make_term(world, name="另一学期"), title="摄影", capacity=1)
    gone = make_course(world, make_term(world, name="第三学期"), title="书法")
    enrolment_create(user=world.worker, course=lottery, now=NOW)  # applied
    enrolment_create(user=workers(1)[0], course=full, now=NOW)
    assert enrolment_create(user=world.worker, course=full, now=NOW).status == Booking.Status.WAITLISTED
    withdrawn = enrolment_create(user=world.worker, course=gone, now=NOW)
    booking_cancel(actor=world.worker, booking=withdrawn, now=NOW)
    assert feed_class_events(world.worker, NOW) == []


def test_sessions_ended_before_since_are_left_out(world):
    course = make_course(world)
    enrolment_create(user=world.worker, course=course, now=NOW)
    sessions = list(course.offering.occurrences.order_by("start"))
    since = sessions[2].end + timedelta(minutes=1)
    assert len(feed_class_events(world.worker, since)) == len(sessions) - 3


def test_the_personal_feed_served_at_its_secret_address_has_the_sessions(world, client):
    course = make_course(world)
    enrolment = enrolment_create(user=world.worker, course=course, now=NOW)
    response = client.get(
        reverse("bookings_calendar:feed", kwargs={"token": calendar_feed_for(world.worker).token})
    )
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert {str(e["uid"]) for e in calendar.walk("VEVENT")} == {
        f"session-{s.pk}-{enrolment.pk}@palace-portal" for s in course.offering.occurrences.all()
    }
    assert feed_ics(world.worker) == response.content
