"""The evaluation's demo step: a 2024 scheme of 7 categories and 59 indicators adding up to 100,
every palace in service concluded for 2024 (self → city → province) with totals that are the sum
of its scores and bands that follow from them; formula indicators read the ledgers; the anchor
year under way. The network and accounts are seeded once for the module (other steps left out)."""

from collections import Counter
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.db.models import Count, Sum

import venues.demo
from performance.evaluation.demo import EVALUATION_STEP
from performance.evaluation.formulas import clean_formula
from performance.evaluation.models import Category, Evaluation, EvaluationStep, Indicator, Scheme, Score
from performance.evaluation.services import scheme_problems
from performance.ledgers.metrics import METRICS
from performance.ledgers.models import Ledger, LedgerFigure
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, collect_steps, wipe
from venues.models import Palace

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ctx = DemoContext(seed=2026, today=ANCHOR)
        with transaction.atomic():
            for step in venues.demo.DEMO_STEPS:
                step.build(ctx)
            # One palace with ledger figures for 2024, so the formulas have something to read.
            palace = ctx.palace(DEMO_PALACE_NAME)
            ledger = Ledger.objects.create(palace=palace, month=date(2024, 5, 1))
            LedgerFigure.objects.create(
                ledger=ledger, palace=palace, month=ledger.month, metric="activities", value=Decimal(350)
            )
            EVALUATION_STEP.build(ctx)
        yield SimpleNamespace(ctx=ctx, palace=palace)
        with transaction.atomic():
            Ledger.objects.all().delete()
            wipe(collect_steps())


@pytest.mark.django_db
def test_the_2024_scheme_has_7_categories_and_59_indicators_adding_up_to_100(demo):
    scheme = Scheme.objects.get(year=2024)
    assert scheme.status == Scheme.Status.PUBLISHED
    assert Category.objects.filter(scheme=scheme).count() == 7
    assert Indicator.objects.filter(scheme=scheme).count() == 59
    assert scheme_problems(scheme) == []
    names = list(scheme.categories.values_list("name", flat=True))
    assert names == ["阵地建设", "服务功能", "活动开展", "职工满意度", "管理制度", "数字化建设", "联盟参与"]
    kinds = Counter(scheme.indicators.values_list("kind", flat=True))
    assert kinds["formula"] >= 10
    assert kinds["manual"] >= 25
    codes = {m.code for m in METRICS}
    for i in scheme.indicators.filter(kind="formula"):
        assert clean_formula(i.formula, max_score=i.max_score, metric_codes=codes)


@pytest.mark.django_db
def test_every_palace_in_service_is_concluded_for_2024(demo):
    in_service = Palace.objects.in_service().count()
    evaluations = Evaluation.objects.filter(scheme__year=2024)
    assert evaluations.count() == in_service
    assert set(evaluations.values_list("status", flat=True)) == {"concluded"}
    steps = Counter(
        EvaluationStep.objects.filter(evaluation__scheme__year=2024).values_list("action", flat=True)
    )
    assert steps == dict.fromkeys(("started", "submitted", "forwarded", "concluded"), in_service)


@pytest.mark.django_db
def test_totals_are_the_sum_of_the_scores_and_bands_follow(demo):
    scheme = Scheme.objects.get(year=2024)
    sums = dict(
        Score.objects.filter(evaluation__scheme=scheme)
        .values("evaluation_id")
        .annotate(total=Sum("final_score"), n=Count("pk"))
        .values_list("evaluation_id", "total")
    )
    for evaluation in Evaluation.objects.filter(scheme=scheme):
        assert evaluation.total == sums[evaluation.pk]
        assert evaluation.band == scheme.band_for(evaluation.total)
    assert not Score.objects.filter(evaluation__scheme=scheme, final_score__isnull=True).exists()
    assert not Score.objects.filter(
        evaluation__scheme=scheme, indicator__kind="manual", self_score__isnull=True
    ).exists()


@pytest.mark.django_db
def test_formula_indicators_read_the_ledgers(demo):
    score = Score.objects.get(
        evaluation__scheme__year=2024, evaluation__palace=demo.palace, indicator__formula__metric="activities"
    )
    assert score.auto_figures == {"activities": "350"}
    assert score.final_score == Decimal("1.50")  # 350 of a 700 target, of 3 points


@pytest.mark.django_db
def test_the_anchor_year_is_under_way(demo):
    scheme = Scheme.objects.get(year=ANCHOR.year)
    assert scheme.indicators.count() == 59
    assert scheme.indicators.filter(kind="formula", formula__metric="rating_avg").exists()
    statuses = Counter(Evaluation.objects.filter(scheme=scheme).values_list("status", flat=True))
    assert statuses == {"draft": 1, "submitted": 2, "reviewed": 1}
    draft = Evaluation.objects.get(scheme=scheme, status="draft")
    assert draft.palace.name == DEMO_PALACE_NAME
    assert draft.scores.filter(indicator__kind="manual", self_score__isnull=True).exists()
