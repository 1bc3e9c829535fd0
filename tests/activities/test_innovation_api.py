"""`/api/v1/mentors/` and `/api/v1/problems/`: who sees what, posting, the clinic's actions, errors."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from activities.innovation import services
from activities.innovation.models import Problem, ProblemStatus
from tests.factories import UserFactory
from venues.models import Palace

from .innovation_support import mentor, problem, studio

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


# --- Mentors --------------------------------------------------------------------------------------


def test_mentors_are_public_filtered_by_palace_and_field_without_accounts(world):
    s = studio(world)
    m = mentor(world, user=world.worker2, studio=s)
    other = mentor(world, palace=world.palace_b, name="乙", field="mining")
    mentor(world, name="退休", active=False)

    assert _ids(_client().get("/api/v1/mentors/")) == {m.pk, other.pk}
    assert _ids(_client().get("/api/v1/mentors/", {"palace": world.palace_a.pk})) == {m.pk}
    assert _ids(_client().get("/api/v1/mentors/", {"field": "mining"})) == {other.pk}
    body = _client().get(f"/api/v1/mentors/{m.pk}/").json()
    assert body["studio"] == s.name
    assert body["name"] == "李工"
    assert "user" not in body
    assert "phone" not in str(body)
    assert world.worker2.phone not in str(body)


@pytest.mark.parametrize("query", [{"palace": "0"}, {"palace": "x"}, {"field": "cooking"}])
def test_mentor_filters_are_bounded(world, query):
    assert _client().get("/api/v1/mentors/", query).status_code == 400


def test_mentors_of_an_unlisted_palace_are_not_found(world):
    m = mentor(world, palace=world.palace_b)
    Palace.objects.filter(pk=world.palace_b.pk).update(status=Palace.Status.PLANNED)
    assert _client().get(f"/api/v1/mentors/{m.pk}/").status_code == 404
    assert _client().get("/api/v1/mentors/abc/").status_code == 404


# --- Problems -------------------------------------------------------------------------------------


def test_posting_needs_a_sign_in_and_a_listed_palace(world):
    data = {"palace": world.palace_a.pk, "title": "矿井通风", "field": "mining", "description": "风量不足"}
    assert _client().post("/api/v1/problems/", data, format="json").status_code == 401
    response = _client(world.worker).post("/api/v1/problems/", data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["mine"], body["full"]) == ("open", True, True)
    missing = _client(world.worker).post("/api/v1/problems/", {**data, "palace": 999999}, format="json")
    assert missing.status_code == 404
    bad = _client(world.worker).post("/api/v1/problems/", {**data, "field": "x"}, format="json")
    assert bad.status_code == 400
    assert "field" in bad.json()["fields"]


def test_the_list_is_scoped_and_the_public_sees_only_allowed_solved_titles(world):
    m = mentor(world)
    own = problem(world)
    shown = problem(world, poster=world.worker2, title="焊缝气孔", public=True)
    hidden = problem(world, poster=world.worker2, title="保密工艺")
    for p in (shown, hidden):
        services.problem_take(actor=world.staff_a, problem=p, mentor=m)
        services.problem_close(actor=world.staff_a, problem=p, solved=True, outcome="已解决")

    public = _client().get("/api/v1/problems/").json()["results"]
    assert [(row["id"], row["full"], row["description"], row["outcome"]) for row in public] == [
        (shown.pk, False, None, None)
    ]
    assert public[0]["title"] == "焊缝气孔"
    assert public[0]["field"] == "machinery"
    assert _ids(_client(world.worker).get("/api/v1/problems/")) == {own.pk, shown.pk}
    assert _ids(_client(world.worker).get("/api/v1/problems/", {"mine": "true"})) == {own.pk}
    assert _ids(_client(world.staff_a).get("/api/v1/problems/")) == {own.pk, shown.pk, hidden.pk}
    assert _ids(_client(world.staff_b).get("/api/v1/problems/")) == {shown.pk}
    assert _client().get(f"/api/v1/problems/{hidden.pk}/").status_code == 401
    assert _client(world.staff_b).get(f"/api/v1/problems/{shown.pk}/").json()["full"] is False
    assert _client(world.worker).get(f"/api/v1/problems/{hidden.pk}/").status_code == 404
    detail = _client(world.worker2).get(f"/api/v1/problems/{hidden.pk}/").json()
    assert detail["outcome"] == "已解决"
    assert detail["full"] is True


def test_a_mentor_takes_records_and_solves_over_the_api(world):
    user = UserFactory()
    m = mentor(world, user=user)
    p = problem(world)
    client = _client(user)
    assert _ids(client.get("/api/v1/problems/")) == {p.pk}

    taken = client.post(f"/api/v1/problems/{p.pk}/take/", {}, format="json")
    assert taken.status_code == 200, taken.content
    assert (taken.json()["status"], taken.json()["mentor"]) == ("taken", m.pk)
    day = timezone.localdate().isoformat()
    session = client.post(
        f"/api/v1/problems/{p.pk}/sessions/", {"date": day, "form": "on_site"}, format="json"
    )
    assert session.status_code == 201, session.content
    solved = client.post(f"/api/v1/problems/{p.pk}/solve/", {"outcome": "调整参数后解决"}, format="json")
    assert solved.json()["status"] == "solved"
    assert len(solved.json()["sessions"]) == 1
    again = client.post(f"/api/v1/problems/{p.pk}/close/", {"outcome": "x"}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "problem_closed")


def test_staff_take_for_a_named_mentor_and_close_unsolved(world):
    m = mentor(world)
    p = problem(world)
    client = _client(world.staff_a)
    assert client.post(f"/api/v1/problems/{p.pk}/take/", {}, format="json").status_code == 400
    other_palace = mentor(world, palace=world.palace_b, name="乙")
    bad = client.post(f"/api/v1/problems/{p.pk}/take/", {"mentor": other_palace.pk}, format="json")
    assert bad.status_code == 400
    assert client.post(f"/api/v1/problems/{p.pk}/take/", {"mentor": m.pk}, format="json").status_code == 200
    second = client.post(f"/api/v1/problems/{p.pk}/take/", {"mentor": m.pk}, format="json")
    assert (second.status_code, second.json()["code"]) == (409, "problem_taken")
    closed = client.post(f"/api/v1/problems/{p.pk}/close/", {"outcome": "企业暂缓改造"}, format="json")
    assert closed.json()["status"] == ProblemStatus.UNSOLVED


@pytest.mark.parametrize("who", ["worker", "staff_b", "city_officer"])
def test_others_get_404_before_the_body_is_read(world, who):
    mentor(world)
    p = problem(world)
    client = _client(getattr(world, who))
    for verb in ("take", "sessions", "solve", "close"):
        response = client.post(
            f"/api/v1/problems/{p.pk}/{verb}/", {"mentor": "bad", "date": "x"}, format="json"
        )
        assert response.status_code == 404, (verb, response.content)
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.OPEN


def test_the_list_takes_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    m = mentor(world)
    for i in range(15):
        p = problem(world, title=f"问题{i}", public=True)
        services.problem_take(actor=world.staff_a, problem=p, mentor=m)
    with django_assert_max_num_queries(8):
        assert len(_ids(_client(world.staff_a).get("/api/v1/problems/"))) == 15
