"""The evaluation endpoints: schemes with their tree, evaluations per palace and year with totals
and band; scopes per role, filters, bad input answered 400 (never 500), a bounded query count."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from performance.evaluation.models import Evaluation
from tests.factories import PalaceFactory
from tests.performance.evaluation_support import make_scheme, put_figures, walk

D = Decimal
Status = Evaluation.Status
SCHEMES = "/api/v1/evaluations/schemes/"
EVALUATIONS = "/api/v1/evaluations/"


def client(user=None) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def concluded(world):
    scheme = make_scheme(2024)
    put_figures(world.palace_a, 2024, activities=50, person_times=200)
    a = walk(world, scheme, to=Status.CONCLUDED, manual={"A1": 30, "A2": 20, "B1": 25})
    b = walk(world, scheme, world.palace_b, to=Status.SUBMITTED)
    return scheme, a, b


@pytest.mark.django_db
def test_schemes_list_categories_with_their_indicators(world, concluded):
    make_scheme(2025, publish=False)
    response = client(world.manager_a).get(SCHEMES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1  # the 2025 draft is for provincial staff only
    scheme = body["results"][0]
    assert (scheme["year"], scheme["status"], scheme["max_total"], scheme["indicator_count"]) == (
        2024,
        "published",
        100,
        5,
    )
    assert scheme["standard_mark"] == 85.0
    first = scheme["categories"][0]
    assert (first["name"], first["max_score"], first["weight"]) == ("阵地建设", 60.0, 60.0)
    a3 = first["indicators"][2]
    assert a3["kind"] == "formula"
    assert a3["formula"] == {"kind": "ratio_to_target", "metric": "activities", "target": 100}
    assert first["indicators"][0]["formula"] is None
    assert client(world.province_officer).get(SCHEMES).json()["count"] == 2
    assert client(world.province_officer).get(SCHEMES, {"status": "draft"}).json()["count"] == 1


@pytest.mark.django_db
def test_schemes_need_a_staff_role(world, concluded):
    assert client().get(SCHEMES).status_code == 401
    response = client(world.worker).get(SCHEMES)
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.django_db
def test_evaluations_carry_totals_per_category_total_and_band(world, concluded):
    _scheme, _a, _b = concluded
    body = client(world.province_officer).get(EVALUATIONS, {"year": 2024, "palace": world.palace_a.pk}).json()
    assert body["count"] == 1
    item = body["results"][0]
    # A: 30 + 20 + A3 (50 of 100 activities → 5); B: 25 + B2 (200 person-times ≥ 100 → 5).
    assert item["status"] == "concluded"
    assert [(c["name"], c["max_score"], c["self_score"], c["score"]) for c in item["categories"]] == [
        ("阵地建设", 60.0, 55.0, 55.0),
        ("活动开展", 40.0, 30.0, 30.0),
    ]
    assert (item["total"], item["self_total"], item["band"], item["year"]) == (
        85.0,
        85.0,
        "standardised",
        2024,
    )
    assert item["palace"] == world.palace_a.pk
    assert item["concluded_at"] is not None


@pytest.mark.django_db
def test_unconcluded_evaluations_have_no_final_figures(world, concluded):
    body = client(world.province_officer).get(EVALUATIONS, {"palace": world.palace_b.pk}).json()
    item = body["results"][0]
    assert (item["status"], item["total"], item["band"]) == ("submitted", None, None)
    assert all(c["score"] is None for c in item["categories"])
    assert item["self_total"] == 60.0  # 25 + 15 + 20 manual, formulas 0 (no ledger figures)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "palaces"),
    [
        ("province_officer", {"a", "b"}),
        ("city_officer", {"a"}),
        ("manager_a", {"a"}),
        ("staff_a", {"a"}),
        ("manager_b", {"b"}),
        ("worker", set()),
    ],
)
def test_evaluations_are_scoped_by_role(world, concluded, who, palaces):
    ids = {world.palace_a.pk: "a", world.palace_b.pk: "b"}
    body = client(getattr(world, who)).get(EVALUATIONS).json()
    assert {ids[item["palace"]] for item in body["results"]} == palaces
    # Naming a palace out of scope filters to nothing (no leak of its existence either way).
    if "b" not in palaces:
        assert (
            client(getattr(world, who)).get(EVALUATIONS, {"palace": world.palace_b.pk}).json()["count"] == 0
        )


@pytest.mark.django_db
def test_evaluations_need_sign_in(world, concluded):
    response = client().get(EVALUATIONS)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_filters_by_city_status_and_band(world, concluded):
    api = client(world.province_officer)
    assert api.get(EVALUATIONS, {"city": world.city1.code}).json()["count"] == 1
    assert api.get(EVALUATIONS, {"city": world.city2.pk}).json()["count"] == 1
    assert api.get(EVALUATIONS, {"status": "submitted"}).json()["results"][0]["palace"] == world.palace_b.pk
    assert api.get(EVALUATIONS, {"band": "standardised"}).json()["count"] == 1
    assert api.get(EVALUATIONS, {"year": 2023}).json()["count"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"year": "1999"},
        {"year": "2101"},
        {"year": "abc"},
        {"year": "2024.5"},
        {"palace": "x"},
        {"palace": "0"},
        {"palace": "99999999999999999999999"},
        {"city": "south"},
        {"status": "lost"},
        {"band": "gold"},
        {"page": "0"},
        {"page_size": "-1"},
    ],
)
def test_bad_filters_answer_400(world, concluded, params):
    response = client(world.province_officer).get(EVALUATIONS, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) <= set(params) | {"non_field_errors"}


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{"year": "20x4"}, {"status": "archived"}])
def test_bad_scheme_filters_answer_400(world, concluded, params):
    assert client(world.province_officer).get(SCHEMES, params).status_code == 400


@pytest.mark.django_db
def test_the_evaluation_list_reads_a_bounded_number_of_queries(
    world, concluded, django_assert_max_num_queries
):
    scheme = concluded[0]
    from performance.evaluation import services

    for n in range(12):
        palace = PalaceFactory(name=f"批量文化宫{n}", region=world.county1)
        evaluation = Evaluation.objects.create(scheme=scheme, palace=palace)
        services.refresh_formula_scores(evaluation)
    with django_assert_max_num_queries(8):
        response = client(world.province_officer).get(EVALUATIONS, {"page_size": 100})
    assert response.json()["count"] == 14


@pytest.mark.django_db
def test_schema_names_the_endpoints_and_their_shapes(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    assert set(schema["paths"]["/api/v1/evaluations/"]) == {"get"}
    assert set(schema["paths"]["/api/v1/evaluations/schemes/"]) == {"get"}
    components = schema["components"]["schemas"]
    evaluation = components["Evaluation"]["properties"]
    assert {"palace", "year", "status", "categories", "total", "band", "self_total"} <= set(evaluation)
    assert evaluation["total"]["type"] == "number"
    indicator = components["Indicator"]["properties"]
    assert {b["properties"]["kind"]["enum"][0] for b in indicator["formula"]["oneOf"]} == {
        "threshold",
        "ratio_to_target",
        "count",
        "share",
    }
    names = {p["name"] for p in schema["paths"]["/api/v1/evaluations/"]["get"]["parameters"]}
    assert {"year", "palace", "city", "status", "band", "page", "page_size"} <= names
