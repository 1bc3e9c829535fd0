"""The innovation pages: the alliance page, mentors, posting and following a problem, the mentor's
queue and actions, the staff pages."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.innovation import services
from activities.innovation.models import Mentor, Problem, ProblemStatus, Studio, StudioMembership
from tests.factories import UserFactory

from .innovation_support import mentor, problem, studio

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def _login(client, user):
    client.force_login(user)
    return client


def test_alliance_page_shows_members_mentors_and_only_allowed_solved_titles(client, world):
    s = studio(world)
    services.studio_join(actor=world.staff_a, studio=s, joined_on=timezone.localdate())
    m = mentor(world, user=world.worker2)
    for title, public in (("焊缝气孔问题", True), ("保密工艺难题", False)):
        p = problem(world, title=title, public=public)
        services.problem_take(actor=world.staff_a, problem=p, mentor=m)
        services.problem_close(actor=world.staff_a, problem=p, solved=True, outcome="已解决")

    page = client.get(reverse("innovation:alliance", args=[world.palace_a.pk])).content.decode()

    assert s.name in page
    assert "全国劳动模范 张建国" in page
    assert m.name in page
    assert "焊缝气孔问题" in page
    assert "保密工艺难题" not in page
    assert world.worker2.phone not in page


def test_mentor_list_filters_by_field(client, world):
    mentor(world, name="机械导师", field="machinery")
    mentor(world, name="矿山导师", field="mining")
    page = client.get(reverse("innovation:mentors"), {"field": "mining"}).content.decode()
    assert "矿山导师" in page
    assert "机械导师" not in page


def test_a_worker_posts_a_problem_and_finds_it_in_my_problems(client, world):
    _login(client, world.worker)
    response = client.post(
        reverse("innovation:problem_new"),
        {
            "palace": world.palace_a.pk,
            "title": "皮带机跑偏",
            "field": "mining",
            "description": "主运输皮带频繁跑偏",
            "poster_kind": "worker",
        },
    )
    p = Problem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("innovation:problem", args=[p.pk])
    assert "皮带机跑偏" in client.get(reverse("innovation:mine")).content.decode()


def test_posting_for_an_enterprise_needs_its_name(client, world):
    _login(client, world.worker)
    response = client.post(
        reverse("innovation:problem_new"),
        {
            "palace": world.palace_a.pk,
            "title": "t",
            "field": "mining",
            "description": "d",
            "poster_kind": "enterprise",
        },
    )
    assert response.status_code == 400
    assert not Problem.objects.exists()


def test_the_poster_sees_no_actions_and_a_mentor_takes_from_the_page(client, world):
    user = UserFactory()
    mentor(world, user=user)
    p = problem(world)
    poster_page = (
        _login(client, world.worker).get(reverse("innovation:problem", args=[p.pk])).content.decode()
    )
    assert reverse("innovation:take", args=[p.pk]) not in poster_page
    assert client.post(reverse("innovation:take", args=[p.pk])).status_code == 404

    _login(client, user)
    queue = client.get(reverse("innovation:queue")).content.decode()
    assert p.title in queue
    assert (
        reverse("innovation:take", args=[p.pk])
        in client.get(reverse("innovation:problem", args=[p.pk])).content.decode()
    )
    client.post(reverse("innovation:take", args=[p.pk]))
    client.post(
        reverse("innovation:session_new", args=[p.pk]),
        {"day": timezone.localdate().isoformat(), "form": "online", "note": "视频指导"},
    )
    client.post(reverse("innovation:close", args=[p.pk]), {"solved": "1", "outcome": "调整托辊后解决"})
    p.refresh_from_db()
    assert p.status == ProblemStatus.SOLVED
    assert p.sessions.count() == 1


def test_a_refused_take_says_why_and_changes_nothing(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    m = mentor(world)
    p = problem(world)
    services.problem_take(actor=world.staff_a, problem=p, mentor=m)
    response = _login(client, world.staff_a).post(
        reverse("innovation:take", args=[p.pk]), {"mentor": m.pk}, follow=True
    )
    assert "Another mentor has already taken this problem." in response.content.decode()
    p.refresh_from_db()
    assert (p.status, p.mentor) == (ProblemStatus.TAKEN, m)


def test_a_stranger_gets_404_for_someone_elses_problem(client, world):
    p = problem(world)
    assert _login(client, UserFactory()).get(reverse("innovation:problem", args=[p.pk])).status_code == 404


def test_queue_explains_to_a_user_who_is_not_a_mentor(client, world, settings):
    settings.LANGUAGE_CODE = "en"
    page = _login(client, world.worker).get(reverse("innovation:queue")).content.decode()
    assert "not linked to an innovation mentor" in page


def test_staff_add_a_studio_join_it_and_appoint_a_mentor_with_an_account(client, world):
    _login(client, world.staff_a)
    response = client.post(
        reverse("innovation_staff:studio_new", args=[world.palace_a.pk]),
        {
            "name": "工匠创新工作室",
            "kind": "craftsman",
            "leader_name": "陈",
            "field": "electrical",
            "founded_year": 2019,
        },
    )
    assert response.status_code == 302
    s = Studio.objects.get()
    client.post(
        reverse("innovation_staff:studio_join", args=[world.palace_a.pk, s.pk]),
        {"day": timezone.localdate().isoformat()},
    )
    assert StudioMembership.objects.filter(studio=s, left_on__isnull=True).exists()
    response = client.post(
        reverse("innovation_staff:mentor_new", args=[world.palace_a.pk]),
        {
            "name": "周工",
            "field": "electrical",
            "studio": s.pk,
            "available": "on",
            "active": "on",
            "account_phone": world.worker2.phone,
        },
    )
    assert response.status_code == 302
    assert Mentor.objects.get().user == world.worker2
    home = client.get(reverse("innovation_staff:home", args=[world.palace_a.pk])).content.decode()
    assert "周工" in home
    assert "工匠创新工作室" in home


def test_staff_form_errors_come_back_on_the_fields(client, world):
    response = _login(client, world.staff_a).post(
        reverse("innovation_staff:mentor_new", args=[world.palace_a.pk]),
        {"name": "周工", "field": "electrical", "account_phone": "13012345678"},
    )
    assert response.status_code == 400
    assert not Mentor.objects.exists()


def test_staff_home_takes_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    m = mentor(world)
    for i in range(12):
        p = problem(world, title=f"问题{i}")
        if i % 2:
            services.problem_take(actor=world.staff_a, problem=p, mentor=m)
    _login(client, world.staff_a)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("innovation_staff:home", args=[world.palace_a.pk])).status_code == 200
