"""`/api/v1/wishes/` and `/api/v1/surveys/`: shapes, errors (API.md), who sees what, query counts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from activities.voice.models import SurveyResponse, Wish, WishVote
from tests.factories import UserFactory
from venues.models import Palace

from .support import make_course, make_term
from .voice_support import answer_directly, choice, member, questions, survey, wish

WISH_FIELDS = {
    "id",
    "palace",
    "title",
    "description",
    "centre",
    "status",
    "vote_count",
    "voted",
    "author",
    "created_at",
    "answer",
    "answered_at",
    "course",
}
SURVEY_FIELDS = {
    "id",
    "palace",
    "title",
    "intro",
    "status",
    "opens_on",
    "closes_on",
    "is_open",
    "response_count",
    "responded",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    return body


# --- Wishes ---------------------------------------------------------------------------------------


def test_anyone_lists_wishes_paginated_with_masked_authors(world):
    wish(world.palace_a, world.worker, title="瑜伽")

    body = _client().get("/api/v1/wishes/").json()

    assert set(body) == {"count", "next", "previous", "results"}
    [item] = body["results"]
    assert set(item) == WISH_FIELDS
    assert (item["palace"], item["author"], item["vote_count"], item["voted"]) == (
        world.palace_a.pk,
        "吴*",
        1,
        False,
    )


def test_wish_filters_and_ordering(world):
    a = wish(world.palace_a, world.worker, title="A")
    b = wish(world.palace_b, world.worker2, title="B", status="planned")
    Wish.objects.filter(pk=b.pk).update(vote_count=5)
    client = _client(world.worker)

    assert [w["id"] for w in client.get("/api/v1/wishes/").json()["results"]] == [b.pk, a.pk]
    assert [w["id"] for w in client.get("/api/v1/wishes/", {"ordering": "new"}).json()["results"]] == [
        b.pk,
        a.pk,
    ]
    assert [
        w["id"] for w in client.get("/api/v1/wishes/", {"palace": world.palace_a.pk}).json()["results"]
    ] == [a.pk]
    assert [w["id"] for w in client.get("/api/v1/wishes/", {"status": "planned"}).json()["results"]] == [b.pk]
    assert [w["id"] for w in client.get("/api/v1/wishes/", {"mine": "true"}).json()["results"]] == [a.pk]
    body = _error(client.get("/api/v1/wishes/", {"status": "maybe", "palace": "x"}), 400, "invalid")
    assert set(body["fields"]) == {"status", "palace"}


def test_wishes_of_unlisted_palaces_are_hidden(world):
    row = wish(world.palace_a, world.worker)
    Palace.objects.filter(pk=world.palace_a.pk).update(status=Palace.Status.CLOSED)
    assert _client().get("/api/v1/wishes/").json()["count"] == 0
    _error(_client().get(f"/api/v1/wishes/{row.pk}/"), 404, "not_found")
    _error(_client().get("/api/v1/wishes/abc/"), 404, "not_found")


def test_propose_a_wish(world):
    response = _client(world.worker).post(
        "/api/v1/wishes/",
        {"palace": world.palace_a.pk, "title": "工作日晚上的瑜伽课", "centre": "health"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["vote_count"], body["voted"], body["status"], body["centre"]) == (1, True, "open", "health")


def test_proposing_needs_a_sign_in_good_input_and_a_listed_palace(world, settings):
    _error(
        _client().post("/api/v1/wishes/", {"palace": world.palace_a.pk, "title": "x"}),
        401,
        "not_authenticated",
    )
    client = _client(world.worker)
    body = _error(
        client.post("/api/v1/wishes/", {"palace": world.palace_a.pk, "title": " "}, format="json"),
        400,
        "invalid",
    )
    assert "title" in body["fields"]
    _error(client.post("/api/v1/wishes/", {"palace": 999999, "title": "x"}, format="json"), 404, "not_found")
    settings.VOICE_WISH_RATE = (1, 3600)
    client.post("/api/v1/wishes/", {"palace": world.palace_a.pk, "title": "一"}, format="json")
    _error(
        client.post("/api/v1/wishes/", {"palace": world.palace_a.pk, "title": "二"}, format="json"),
        429,
        "rate_limited",
    )
    assert Wish.objects.count() == 1


def test_vote_and_unvote(world):
    row = wish(world.palace_a, world.worker)
    client = _client(world.worker2)
    url = f"/api/v1/wishes/{row.pk}/vote/"

    assert client.post(url).json()["vote_count"] == 2
    again = client.post(url).json()
    assert (again["vote_count"], again["voted"]) == (2, True)
    gone = client.delete(url).json()
    assert (gone["vote_count"], gone["voted"]) == (1, False)
    assert client.delete(url).json()["vote_count"] == 1
    _error(_client().post(url), 401, "not_authenticated")


def test_voting_for_an_answered_wish_is_a_409(world):
    row = wish(world.palace_a, world.worker, status="declined")
    _error(_client(world.worker2).post(f"/api/v1/wishes/{row.pk}/vote/"), 409, "wish_closed")
    assert WishVote.objects.count() == 1


def test_staff_answer_a_wish(world):
    row = wish(world.palace_a, world.worker)
    response = _client(world.staff_a).post(
        f"/api/v1/wishes/{row.pk}/answer/", {"status": "planned", "answer": "九月开班"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["answer"]) == ("planned", "九月开班")


@pytest.mark.parametrize("who", ["staff_b", "manager_b", "city_officer", "worker"])
def test_others_answering_get_404(world, who):
    row = wish(world.palace_a, world.worker)
    response = _client(getattr(world, who)).post(
        f"/api/v1/wishes/{row.pk}/answer/", {"status": "declined", "answer": "不办"}, format="json"
    )
    _error(response, 404, "not_found")
    row.refresh_from_db()
    assert row.status == "open"


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_others_answering_with_bad_input_get_404_not_the_forms_fields(world, who):
    row = wish(world.palace_a, world.worker)
    response = _client(getattr(world, who)).post(f"/api/v1/wishes/{row.pk}/answer/", {}, format="json")
    _error(response, 404, "not_found")
    assert "fields" not in response.json()


def test_a_decline_needs_its_reason(world):
    row = wish(world.palace_a, world.worker)
    client = _client(world.staff_a)
    body = _error(
        client.post(f"/api/v1/wishes/{row.pk}/answer/", {"status": "declined"}, format="json"), 400, "invalid"
    )
    assert set(body["fields"]) == {"answer"}
    body = _error(
        client.post(f"/api/v1/wishes/{row.pk}/answer/", {"status": "open"}, format="json"), 400, "invalid"
    )
    assert set(body["fields"]) == {"status"}


def test_wish_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    for n in range(30):
        row = wish(world.palace_a, UserFactory(), title=f"愿望{n}")
        WishVote.objects.create(wish=row, user=world.worker)
    client = _client(world.worker)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/wishes/", {"page_size": 30}).json()
    assert len(body["results"]) == 30
    assert all(item["voted"] for item in body["results"])


# --- Surveys --------------------------------------------------------------------------------------


def test_surveys_list_and_detail(world):
    open_ = survey(world.palace_a)
    survey(world.palace_a, status="draft")
    client = _client(member(world.worker))

    body = client.get("/api/v1/surveys/").json()
    [item] = body["results"]
    assert set(item) == SURVEY_FIELDS
    assert (item["id"], item["is_open"], item["responded"]) == (open_.pk, True, False)

    detail = client.get(f"/api/v1/surveys/{open_.pk}/").json()
    assert [q["kind"] for q in detail["questions"]] == ["single", "multiple", "text"]
    assert [c["text"] for c in detail["questions"][0]["choices"]] == ["书法", "瑜伽", "摄影"]


def test_a_draft_survey_is_not_found(world):
    row = survey(world.palace_a, status="draft")
    _error(_client(world.staff_a).get(f"/api/v1/surveys/{row.pk}/"), 404, "not_found")
    _error(
        _client(member(world.worker)).post(
            f"/api/v1/surveys/{row.pk}/responses/", {"answers": []}, format="json"
        ),
        404,
        "not_found",
    )


def _body(row):
    q1, q2, q3 = questions(row)
    return {
        "answers": [
            {"question": q1.pk, "choices": [choice(q1, "书法").pk]},
            {"question": q2.pk, "choices": [choice(q2, "周六").pk, choice(q2, "周日").pk]},
            {"question": q3.pk, "text": "希望周末开课"},
        ]
    }


def test_a_member_answers_a_survey(world):
    row = survey(world.palace_a)
    client = _client(member(world.worker))

    response = client.post(f"/api/v1/surveys/{row.pk}/responses/", _body(row), format="json")

    assert response.status_code == 201
    assert set(response.json()) == {"id", "survey", "created_at"}
    assert SurveyResponse.objects.get().answers.count() == 4
    _error(
        client.post(f"/api/v1/surveys/{row.pk}/responses/", _body(row), format="json"),
        409,
        "already_responded",
    )
    assert client.get(f"/api/v1/surveys/{row.pk}/").json()["responded"] is True


def test_bad_answers_are_400_keyed_by_question(world):
    row = survey(world.palace_a)
    q1, _q2, _q3 = questions(row)
    client = _client(member(world.worker))
    url = f"/api/v1/surveys/{row.pk}/responses/"

    missing_first = {"answers": _body(row)["answers"][1:]}
    body = _error(client.post(url, missing_first, format="json"), 400, "invalid")
    assert set(body["fields"]) == {f"q{q1.pk}"}
    two = {"question": q1.pk, "choices": [choice(q1, "书法").pk, choice(q1, "瑜伽").pk]}
    body = _error(
        client.post(url, {"answers": [two, *_body(row)["answers"][1:]]}, format="json"), 400, "invalid"
    )
    assert set(body["fields"]) == {f"q{q1.pk}"}
    twice = _body(row)["answers"] + [_body(row)["answers"][0]]
    _error(client.post(url, {"answers": twice}, format="json"), 400, "invalid")
    _error(client.post(url, {"answers": "nope"}, format="json"), 400, "invalid")
    _error(client.post(url, {}, format="json"), 400, "invalid")
    assert not SurveyResponse.objects.exists()


def test_a_non_member_and_a_closed_survey_are_409(world):
    row = survey(world.palace_a)
    _error(
        _client(world.worker2).post(f"/api/v1/surveys/{row.pk}/responses/", _body(row), format="json"),
        409,
        "members_only",
    )
    closed = survey(world.palace_a, status="closed")
    _error(
        _client(member(world.worker)).post(
            f"/api/v1/surveys/{closed.pk}/responses/", _body(closed), format="json"
        ),
        409,
        "survey_not_open",
    )
    _error(
        _client().post(f"/api/v1/surveys/{row.pk}/responses/", _body(row), format="json"),
        401,
        "not_authenticated",
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [("staff_a", 200), ("city_officer", 200), ("province_officer", 200), ("staff_b", 404), ("worker", 404)],
)
def test_results_are_for_who_may_see_the_palace(world, who, status):
    row = survey(world.palace_a)
    q1, _q2, q3 = questions(row)
    answer_directly(row, member(UserFactory()), {q1: [choice(q1, "瑜伽")], q3: "好"})

    response = _client(getattr(world, who)).get(f"/api/v1/surveys/{row.pk}/results/")

    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["responses"] == 1
        first = body["questions"][0]
        assert [(c["text"], c["count"], c["percent"]) for c in first["choices"]] == [
            ("书法", 0, 0.0),
            ("瑜伽", 1, 100.0),
            ("摄影", 0, 0.0),
        ]
        assert body["questions"][2]["texts"] == ["好"]


def test_survey_list_query_count_does_not_grow(world, django_assert_max_num_queries):
    for n in range(25):
        survey(world.palace_a if n % 2 else world.palace_b, title=f"调查{n}")
    client = _client(member(world.worker))
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/surveys/", {"page_size": 25}).json()
    assert body["count"] == 25


def test_the_schema_lists_the_voice_endpoints(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert set(paths["/api/v1/wishes/"]) == {"get", "post"}
    assert set(paths["/api/v1/wishes/{id}/vote/"]) == {"post", "delete"}
    assert set(paths["/api/v1/wishes/{id}/answer/"]) == {"post"}
    assert set(paths["/api/v1/surveys/"]) == {"get"}
    assert set(paths["/api/v1/surveys/{id}/"]) == {"get"}
    assert set(paths["/api/v1/surveys/{id}/responses/"]) == {"post"}
    assert set(paths["/api/v1/surveys/{id}/results/"]) == {"get"}
    assert (
        "`members_only`"
        in paths["/api/v1/surveys/{id}/responses/"]["post"]["responses"]["409"]["description"]
    )


def test_staff_link_the_course_a_wish_became(world):
    own = make_course(world)
    other = make_course(world, make_term(world, world.palace_b))
    row = wish(world.palace_a, world.worker)
    client = _client(world.staff_a)
    url = f"/api/v1/wishes/{row.pk}/answer/"

    body = _error(client.post(url, {"status": "done", "course": other.pk}, format="json"), 400, "invalid")
    assert set(body["fields"]) == {"course"}
    response = client.post(url, {"status": "done", "course": own.pk}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["course"]) == ("done", own.pk)


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0's `nullable` as JSON Schema (null allowed), recursively."""
    if isinstance(node, list):
        return [_openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _openapi_to_jsonschema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def test_a_wish_without_a_centre_matches_the_schema_it_is_answered_with(world):
    import jsonschema

    schema = _openapi_to_jsonschema(APIClient().get("/api/schema/", {"format": "json"}).json())
    response = _client(world.worker).post(
        "/api/v1/wishes/", {"palace": world.palace_a.pk, "title": "周末书法"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["centre"] == ""
    jsonschema.validate(
        response.json(), {"$ref": "#/components/schemas/Wish", "components": schema["components"]}
    )
