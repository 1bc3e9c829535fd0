"""Helpers for the tests of classes and events: a term, a classroom, courses and events through the
services (so every row is one the portal itself could have written).

Times follow `tests.bookings.support`: "now" is Monday 2026-11-23 08:00 in Asia/Shanghai. The
default term runs from that week for eight weeks; enrolment is open from a week before now until
Saturday 28 November 20:00.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from activities.classes.services import course_create, course_publish, term_create
from activities.events.services import event_create, event_publish
from activities.models import Course, Event, Term
from tests.bookings.support import NOW, SHANGHAI, TODAY, at
from tests.factories import UserFactory, VenueFactory

__all__ = ["NOW", "SHANGHAI", "TODAY", "at", "classroom", "make_course", "make_event", "make_term", "workers"]


def classroom(palace, **kwargs):
    """The palace's classroom of that name (made on first use)."""
    from venues.models import Venue

    kwargs.setdefault("name", "职工课堂")
    kwargs.setdefault("kind", "classroom")
    existing = Venue.objects.filter(palace=palace, name=kwargs["name"]).first()
    return existing or VenueFactory(palace=palace, **kwargs)


def make_term(world, palace=None, *, actor=None, **values) -> Term:
    palace = palace or world.palace_a
    actor = actor or (world.staff_a if palace == world.palace_a else world.staff_b)
    values.setdefault("name", "2026年冬季职工夜校")
    values.setdefault("starts_on", TODAY)
    values.setdefault("ends_on", TODAY + timedelta(weeks=8))
    values.setdefault("enrolment_opens", NOW - timedelta(days=7))
    values.setdefault("enrolment_closes", datetime(2026, 11, 28, 20, 0, tzinfo=SHANGHAI))
    values.setdefault("max_courses", 2)
    return term_create(actor=actor, palace=palace, **values)


def make_course(world, term=None, *, actor=None, publish=True, now=None, **values) -> Course:
    """A published course of `term` (default: a new term of palace A): Tuesdays 19:00–21:00, 20 places."""
    term = term or make_term(world)
    palace = term.palace
    actor = actor or (world.staff_a if palace == world.palace_a else world.staff_b)
    values.setdefault("title", "书法入门")
    values.setdefault("centre", "education")
    if "venue" not in values:
        values["venue"] = classroom(palace)
    values.setdefault("teacher", "陈老师")
    values.setdefault("weekdays", [1])
    values.setdefault("starts_at", time(19))
    values.setdefault("ends_at", time(21))
    values.setdefault("capacity", 20)
    values.setdefault("selection", "first_come")
    course = course_create(actor=actor, term=term, now=now or NOW - timedelta(days=8), **values)
    if publish:
        course = course_publish(actor=actor, course=course)
    return course


def make_event(world, palace=None, *, actor=None, publish=True, now=None, **values) -> Event:
    """A published lecture of palace A on Friday 19:00–20:30 with registration for 50."""
    palace = palace or world.palace_a
    actor = actor or (world.staff_a if palace == world.palace_a else world.staff_b)
    values.setdefault("title", "劳模讲堂：工匠精神")
    values.setdefault("kind", "lecture")
    values.setdefault("centre", "education")
    if "venue" not in values and not values.get("online_url"):
        values["venue"] = classroom(palace, name="多功能厅")
    values.setdefault("starts_at", at(4, 19))
    values.setdefault("ends_at", at(4, 20, 30))
    values.setdefault("registration", True)
    values.setdefault("capacity", 50)
    event = event_create(actor=actor, palace=palace, now=now or NOW, **values)
    if publish:
        event = event_publish(actor=actor, event=event)
    return event


def workers(n: int, **kwargs) -> list:
    return [UserFactory(**kwargs) for _ in range(n)]
