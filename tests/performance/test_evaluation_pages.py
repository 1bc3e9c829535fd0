"""The evaluation's pages per role: who lands where, who may open what (404 otherwise), the forms
of the self-evaluation, the review and the scoring, the scheme editor, the league table's ties
and bounded query counts with many palaces."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from performance.evaluation.models import Evaluation, Indicator, Scheme
from performance.evaluation.selectors import league_table
from tests.factories import PalaceFactory
from tests.performance.evaluation_support import indicator, make_scheme, walk

D = Decimal
Status = Evaluation.Status


def url(name, *args):
    return reverse(f"performance:evaluation:{name}", args=args)


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def scheme(db):
    return make_scheme(2024)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("province_officer", "overview"),
        ("city_officer", "overview"),
        ("manager_a", "palace"),
        ("staff_a", "palace"),
    ],
)
def test_the_menu_entry_lands_each_role_on_its_page(world, scheme, who, target):
    response = browser(getattr(world, who)).get(url("home"))
    assert response.status_code == 302
    assert response.url.startswith(
        reverse(f"performance:evaluation:{target}", args=[world.palace_a.pk] if target == "palace" else [])
    )


@pytest.mark.django_db
def test_strangers_are_sent_to_sign_in_and_workers_get_404(world, scheme):
    for name in ("home", "overview", "league", "schemes"):
        assert browser().get(url(name)).status_code == 302
        assert browser(world.worker).get(url(name)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "overview", "schemes", "palace_a", "palace_b"),
    [
        ("province_officer", 200, 200, 200, 200),
        ("city_officer", 200, 200, 200, 404),
        ("manager_a", 404, 200, 200, 404),
        ("staff_b", 404, 200, 404, 200),
    ],
)
def test_pages_by_role(world, scheme, who, overview, schemes, palace_a, palace_b):
    client = browser(getattr(world, who))
    assert client.get(url("overview"), {"year": 2024}).status_code == overview
    assert client.get(url("league"), {"year": 2024}).status_code == overview
    assert client.get(url("schemes")).status_code == schemes
    assert client.get(url("scheme", scheme.pk)).status_code == schemes
    assert client.get(url("palace", world.palace_a.pk)).status_code == palace_a
    assert client.get(url("palace", world.palace_b.pk)).status_code == palace_b


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager_a", 200),
        ("staff_a", 200),
        ("city_officer", 200),
        ("province_officer", 200),
        ("manager_b", 404),
        ("worker", 404),
    ],
)
def test_an_evaluation_page_is_seen_by_its_palace_its_city_and_the_province(world, scheme, who, status):
    evaluation = walk(world, scheme, to=Status.SUBMITTED)
    assert browser(getattr(world, who)).get(url("evaluation", evaluation.pk)).status_code == status


@pytest.mark.django_db
def test_the_manager_starts_fills_in_and_submits_on_the_page(world, scheme):
    client = browser(world.manager_a)
    page = client.get(url("palace", world.palace_a.pk))
    assert "开始自评" in page.content.decode() or "Start the self-evaluation" in page.content.decode()
    response = client.post(url("start", world.palace_a.pk, scheme.pk))
    evaluation = Evaluation.objects.get()
    assert response.url == url("evaluation", evaluation.pk)
    page = client.get(url("evaluation", evaluation.pk)).content.decode()
    assert f'name="score_{indicator(scheme, "A1").pk}"' in page
    assert f'name="score_{indicator(scheme, "A3").pk}"' not in page  # formula: no input

    fields = {f"score_{indicator(scheme, c).pk}": v for c, v in (("A1", "25"), ("A2", "15"), ("B1", "99"))}
    response = client.post(url("self_save", evaluation.pk), {**fields, "action": "submit"}, follow=True)
    evaluation.refresh_from_db()
    assert evaluation.status == Status.DRAFT  # 99 > 25: nothing saved, nothing submitted
    assert evaluation.scores.filter(self_score__isnull=False).count() == 0
    assert response.status_code == 200
    assert "B1" in response.content.decode()  # the refusal names the indicator

    fields[f"score_{indicator(scheme, 'B1').pk}"] = "20"
    client.post(url("self_save", evaluation.pk), {**fields, "action": "submit"})
    evaluation.refresh_from_db()
    assert evaluation.status == Status.SUBMITTED


@pytest.mark.django_db
def test_the_city_reviews_and_the_province_concludes_on_the_page(world, scheme):
    evaluation = walk(world, scheme, to=Status.SUBMITTED)
    a1 = indicator(scheme, "A1").pk
    page = browser(world.city_officer).get(url("evaluation", evaluation.pk)).content.decode()
    assert f'name="comment_{a1}"' in page
    browser(world.city_officer).post(
        url("review", evaluation.pk), {f"comment_{a1}": "材料齐全", "opinion": "同意", "decision": "forward"}
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.REVIEWED
    assert evaluation.scores.get(indicator_id=a1).city_comment == "材料齐全"

    # The city cannot score; the province can.
    assert (
        browser(world.city_officer).post(url("score", evaluation.pk), {"action": "conclude"}).status_code
        == 404
    )
    finals = {f"final_{indicator(scheme, c).pk}": v for c, v in (("A1", "30"), ("A2", "20"), ("B1", "25"))}
    browser(world.province_officer).post(
        url("score", evaluation.pk), {**finals, "conclusion": "达到标准", "action": "conclude"}
    )
    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.total, evaluation.conclusion) == (
        Status.CONCLUDED,
        D(75),
        "达到标准",
    )
    page = browser(world.manager_a).get(url("evaluation", evaluation.pk)).content.decode()
    assert "75" in page
    assert "<svg" in page


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["manager_a", "city_officer"])
def test_it_answers_404_to_anyone_but_the_province_posting_a_new_scheme(world, who):
    response = browser(getattr(world, who)).post(
        url("schemes"),
        {"action": "create", "year": 2026, "name": "2026年度评估", "standard_mark": "85", "basic_mark": "70"},
    )

    assert response.status_code == 404
    assert not Scheme.objects.filter(year=2026).exists()


@pytest.mark.django_db
def test_the_scheme_editor_builds_and_publishes_a_scheme(world):
    client = browser(world.province_officer)
    client.post(
        url("schemes"),
        {"action": "create", "year": 2026, "name": "2026年度评估", "standard_mark": "85", "basic_mark": "70"},
    )
    scheme = Scheme.objects.get(year=2026)
    client.post(url("category_new", scheme.pk), {"name": "活动开展", "max_score": "100"})
    category = scheme.categories.get()
    client.post(
        url("indicator_new", scheme.pk, category.pk),
        {"code": "1", "text": "人工评分", "max_score": "60", "kind": "manual"},
    )
    response = client.post(
        url("indicator_new", scheme.pk, category.pk),
        {
            "code": "2",
            "text": "活动场次",
            "max_score": "40",
            "kind": "formula",
            "formula_kind": "threshold",
            "metric": "activities",
            "tiers": "300 20\n600 40",
        },
    )
    assert response.status_code == 302
    formula = category.indicators.get(code="2")
    assert formula.formula == {
        "kind": "threshold",
        "metric": "activities",
        "tiers": [{"at_least": 300, "points": 20}, {"at_least": 600, "points": 40}],
    }
    # A malformed formula is refused with the reason on the form; nothing is saved.
    response = client.post(
        url("indicator_edit", scheme.pk, category.pk, formula.pk),
        {
            "code": "2",
            "text": "活动场次",
            "max_score": "40",
            "kind": "formula",
            "formula_kind": "threshold",
            "metric": "activities",
            "tiers": "300 20\n600 30",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    client.post(url("scheme_publish", scheme.pk))
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED
    # Frozen: the editor's pages of a published scheme do not exist.
    assert client.get(url("category_new", scheme.pk)).status_code == 404
    assert Indicator.objects.filter(scheme=scheme).count() == 2


@pytest.mark.django_db
def test_the_scheme_editor_is_for_the_province_only(world, scheme):
    draft = make_scheme(2025, publish=False)
    for who in ("city_officer", "manager_a"):
        client = browser(getattr(world, who))
        assert client.get(url("scheme", draft.pk)).status_code == 404
        assert client.post(url("scheme_publish", draft.pk)).status_code == 404
        assert client.post(url("category_new", draft.pk), {"name": "x", "max_score": "1"}).status_code == 404
    assert draft.categories.count() == 2
    assert Scheme.objects.get(pk=draft.pk).is_draft


def _concluded(scheme, palace, total: str):
    return Evaluation.objects.create(
        scheme=scheme, palace=palace, status=Status.CONCLUDED, total=D(total), band=scheme.band_for(D(total))
    )


@pytest.mark.django_db
def test_the_league_table_gives_equal_totals_the_same_rank(world, scheme):
    palaces = [PalaceFactory(name=f"文化宫{n}", region=world.county1) for n in range(4)]
    for palace, total in zip(palaces, ["90", "85.5", "85.5", "70"], strict=True):
        _concluded(scheme, palace, total)
    _scheme, lines = league_table(2024)
    assert [(line.rank, line.evaluation.total) for line in lines] == [
        (1, D(90)),
        (2, D("85.5")),
        (2, D("85.5")),
        (4, D(70)),
    ]
    _scheme, county = league_table(2024, level="county", city=world.city1)
    assert len(county) == 4
    assert league_table(2024, level="city")[1] == []
    page = browser(world.province_officer).get(url("league"), {"year": 2024}).content.decode()
    assert page.count('<td class="num">2</td>') == 2


@pytest.mark.django_db
def test_overview_and_league_read_a_bounded_number_of_queries(world, scheme, django_assert_max_num_queries):
    for n in range(40):
        palace = PalaceFactory(name=f"批量{n}", region=world.county1 if n % 2 else world.county2)
        _concluded(scheme, palace, str(60 + n % 30))
    client = browser(world.province_officer)
    client.get(url("overview"), {"year": 2024})  # warm the session and caches
    with django_assert_max_num_queries(14):
        response = client.get(url("overview"), {"year": 2024})
    assert response.content.decode().count("批量") == 40
    with django_assert_max_num_queries(16):
        response = client.get(url("league"), {"year": 2024})
    assert response.content.decode().count("批量") >= 40


@pytest.mark.django_db
def test_a_bad_year_falls_back_with_a_message(world, scheme):
    response = browser(world.province_officer).get(url("overview"), {"year": "99999"}, follow=True)
    assert response.status_code == 200
    assert response.context["year"] == 2024


@pytest.mark.django_db
def test_league_opens_on_the_newest_year_with_concluded_results(world, scheme):
    # A newer published scheme whose year is still under way has nothing concluded yet.
    make_scheme(2025)
    _concluded(scheme, world.palace_a, "88")
    response = browser(world.province_officer).get(url("league"))
    assert response.context["year"] == 2024
    assert len(response.context["lines"]) == 1
