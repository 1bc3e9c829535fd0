"""Defining schemes: only provincial staff, sane maxima, valid formulas, frozen once published,
copied to start a new year."""

from decimal import Decimal

import pytest

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from performance.evaluation import services
from performance.evaluation.models import Category, Indicator, Scheme
from tests.performance.evaluation_support import make_scheme

D = Decimal
pytestmark = pytest.mark.django_db


def test_only_provincial_staff_define_schemes(world):
    for outsider in (world.manager_a, world.city_officer, world.staff_a, world.worker):
        with pytest.raises(NotFound):
            services.scheme_create(actor=outsider, year=2025, name="方案")
    assert not Scheme.objects.exists()


def test_one_scheme_a_year_and_marks_in_order(world):
    services.scheme_create(actor=world.province_officer, year=2025, name="2025方案")
    with pytest.raises(InvalidInput) as caught:
        services.scheme_create(actor=world.province_officer, year=2025, name="又一个")
    assert "year" in caught.value.fields
    with pytest.raises(InvalidInput) as caught:
        services.scheme_create(
            actor=world.province_officer, year=2026, name="x", standard_mark=70, basic_mark=80
        )
    assert "basic_mark" in caught.value.fields
    with pytest.raises(InvalidInput):
        services.scheme_create(actor=world.province_officer, year=1999, name="x")
    assert Scheme.objects.count() == 1


def test_categories_may_not_exceed_100_points_nor_fall_below_their_indicators(world):
    scheme = services.scheme_create(actor=world.province_officer, year=2025, name="方案")
    first = services.category_save(
        actor=world.province_officer, scheme=scheme, name="阵地建设", max_score="70"
    )
    with pytest.raises(InvalidInput) as caught:
        services.category_save(actor=world.province_officer, scheme=scheme, name="活动", max_score="31")
    assert "max_score" in caught.value.fields
    services.indicator_save(
        actor=world.province_officer, category=first, code="1.1", text="面积", max_score="50"
    )
    with pytest.raises(InvalidInput):
        services.category_save(
            actor=world.province_officer, scheme=scheme, category=first, name="阵地建设", max_score="40"
        )
    with pytest.raises(InvalidInput):
        services.category_save(actor=world.province_officer, scheme=scheme, name="零分", max_score="0")
    assert list(scheme.categories.values_list("max_score", flat=True)) == [D(70)]


def test_indicators_fit_their_category_have_unique_codes_and_valid_formulas(world):
    scheme = services.scheme_create(actor=world.province_officer, year=2025, name="方案")
    category = services.category_save(
        actor=world.province_officer, scheme=scheme, name="活动", max_score="10"
    )
    services.indicator_save(
        actor=world.province_officer, category=category, code="3.1", text="活动场次", max_score="6"
    )
    refusals = [
        {"code": "3.2", "text": "太多", "max_score": "5"},  # 6 + 5 > 10
        {"code": "3.1", "text": "重复编号", "max_score": "1"},
        {"code": "3.3", "text": "负分", "max_score": "-1"},
        {"code": "3.4", "text": "公式", "max_score": "2", "kind": "formula", "formula": {"kind": "eval"}},
        {
            "code": "3.5",
            "text": "未知指标",
            "max_score": "2",
            "kind": "formula",
            "formula": {"kind": "ratio_to_target", "metric": "nope", "target": 5},
        },
        {"code": "", "text": "无编号", "max_score": "1"},
    ]
    for values in refusals:
        with pytest.raises(InvalidInput):
            services.indicator_save(actor=world.province_officer, category=category, **values)
    formula = services.indicator_save(
        actor=world.province_officer,
        category=category,
        code="3.2",
        text="服务人次",
        max_score="4",
        kind="formula",
        formula={"kind": "ratio_to_target", "metric": "person_times", "target": 60000},
    )
    manual = services.indicator_save(
        actor=world.province_officer,
        category=category,
        indicator=formula,
        code="3.2",
        text="服务人次",
        max_score="4",
        kind="manual",
        formula={"kind": "ratio_to_target", "metric": "person_times", "target": 60000},
    )
    assert manual.formula is None  # a manual indicator keeps no formula
    assert category.indicators.count() == 2


def test_publishing_needs_a_complete_scheme_and_freezes_it(world):
    scheme = services.scheme_create(actor=world.province_officer, year=2025, name="方案")
    category = services.category_save(
        actor=world.province_officer, scheme=scheme, name="全部", max_score="100"
    )
    services.indicator_save(
        actor=world.province_officer, category=category, code="1", text="一", max_score="60"
    )
    with pytest.raises(RuleViolation) as caught:
        services.scheme_publish(actor=world.province_officer, scheme=scheme)
    assert caught.value.code == "scheme_incomplete"
    assert "60" in str(caught.value.message)
    services.indicator_save(
        actor=world.province_officer, category=category, code="2", text="二", max_score="40"
    )
    services.scheme_publish(actor=world.province_officer, scheme=scheme)
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED
    assert scheme.published_by == world.province_officer

    with pytest.raises(RuleViolation) as caught:
        services.indicator_save(
            actor=world.province_officer, category=category, code="3", text="三", max_score="1"
        )
    assert caught.value.code == "scheme_published"
    with pytest.raises(RuleViolation):
        services.category_delete(actor=world.province_officer, category=category)
    with pytest.raises(RuleViolation):
        services.scheme_update(actor=world.province_officer, scheme=scheme, name="改名")
    assert category.indicators.count() == 2


def test_copying_last_years_scheme_starts_a_draft_with_the_same_tree(world):
    source = make_scheme(2024)
    copy = services.scheme_copy(actor=world.province_officer, source=source, year=2025)
    assert copy.is_draft
    assert copy.year == 2025
    assert list(copy.categories.values_list("name", "max_score")) == list(
        source.categories.values_list("name", "max_score")
    )
    assert sorted(copy.indicators.values_list("code", "kind")) == sorted(
        source.indicators.values_list("code", "kind")
    )
    assert copy.indicators.get(code="A3").formula == source.indicators.get(code="A3").formula
    assert services.scheme_problems(copy) == []
    assert Category.objects.filter(scheme=source).count() == 2  # the source is untouched
    assert Indicator.objects.count() == 10


def test_a_published_scheme_whose_formula_names_a_vanished_metric_is_reported(world):
    scheme = make_scheme(2024, publish=False)
    Indicator.objects.filter(scheme=scheme, code="A3").update(
        formula={"kind": "ratio_to_target", "metric": "retired_metric", "target": 5}
    )
    problems = services.scheme_problems(scheme)
    assert any("A3" in p and "retired_metric" in p for p in problems)
