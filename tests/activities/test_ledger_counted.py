"""Sessions of classes and events with check-ins count themselves on the activity ledger."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities.classes.services import enrolment_create
from activities.ledger.selectors import counted_from_offerings
from bookings.services.offering import attendance_roll_call
from tests.activities.support import NOW, make_course, workers

pytestmark = pytest.mark.django_db


def attended_course(world, people=3):
    course = make_course(world)
    enrolments = [enrolment_create(user=w, course=course, now=NOW) for w in workers(people)]
    sessions = list(course.offering.occurrences.filter(cancelled=False)[:2])
    for session in sessions:
        attendance_roll_call(
            actor=world.staff_a, occurrence=session, present=[e.pk for e in enrolments], now=session.start
        )
    return course, sessions


def test_sessions_with_check_ins_are_ledger_rows(world):
    course, sessions = attended_course(world)
    rows = counted_from_offerings(world.palace_a, first=sessions[0].local_date, last=sessions[-1].local_date)
    assert [(r["title"], r["participants"]) for r in rows] == [(course.title, 3), (course.title, 3)]
    assert (
        counted_from_offerings(world.palace_b, first=sessions[0].local_date, last=sessions[-1].local_date)
        == []
    )


def test_the_ledger_page_shows_them_beside_the_logged_activities(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    _course, sessions = attended_course(world)
    client.force_login(world.staff_a)
    month = sessions[0].local_date.strftime("%Y-%m")
    response = client.get(reverse("activities:ledger", args=[world.palace_a.pk]), {"month": month})
    assert response.status_code == 200
    counted = response.context["counted_totals"]
    in_month = [s for s in sessions if s.local_date.strftime("%Y-%m") == month]
    assert counted == {"sessions": len(in_month), "participants": 3 * len(in_month)}
    assert "Counted from classes and events" in response.content.decode()


def test_the_totals_count_every_session_when_the_page_lists_only_the_latest(client, world, monkeypatch):
    import activities.ledger.views

    _course, sessions = attended_course(world)
    monkeypatch.setattr(activities.ledger.views, "COUNTED_SHOWN", 1)
    client.force_login(world.staff_a)
    response = client.get(reverse("activities:ledger", args=[world.palace_a.pk]))
    assert len(response.context["counted"]) == 1
    assert response.context["counted_totals"] == {
        "sessions": len(sessions),
        "participants": 3 * len(sessions),
    }
