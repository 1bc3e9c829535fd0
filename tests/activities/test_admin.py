"""The back office shows classes, events and draws read-only, scoped to the palaces one may see."""

import pytest
from django.urls import reverse

from activities.classes.services import enrolment_create, lottery_draw
from tests.activities.support import NOW, make_course, make_event, make_term, workers

pytestmark = pytest.mark.django_db

MODELS = ["activity", "term", "course", "event", "lotterydraw", "wish", "survey", "rating"]


@pytest.fixture
def rows(world):
    from datetime import timedelta

    course = make_course(world, selection="lottery", capacity=1)
    for worker in workers(2):
        enrolment_create(user=worker, course=course, now=NOW)
    lottery_draw(actor=world.staff_a, course=course, now=NOW + timedelta(days=6))
    make_event(world)
    other = make_course(world, make_term(world, world.palace_b), title="B宫的课")
    return course, other


@pytest.mark.parametrize("model", MODELS)
def test_province_officer_browses_and_opens_rows_read_only(client, world, rows, model):
    client.force_login(world.province_officer)
    response = client.get(reverse(f"admin:activities_{model}_changelist"))
    assert response.status_code == 200
    assert client.get(reverse(f"admin:activities_{model}_add")).status_code == 403


def test_palace_staff_see_only_their_palaces_courses(client, world, rows):
    course, other = rows
    client.force_login(world.staff_a)
    page = client.get(reverse("admin:activities_course_changelist")).content.decode()
    assert course.title in page
    assert other.title not in page
    assert client.get(reverse("admin:activities_course_change", args=[other.pk])).status_code in (302, 404)


def test_workers_cannot_enter(client, world, rows):
    client.force_login(world.worker)
    assert client.get(reverse("admin:activities_course_changelist")).status_code == 302
