"""Builders the evaluation's tests share: a small published scheme, ledger figures, and an
evaluation walked to a given step through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from performance.evaluation import services
from performance.evaluation.models import Category, Evaluation, Indicator, Scheme
from performance.ledgers.models import Ledger, LedgerFigure

D = Decimal


def make_scheme(year: int = 2024, *, publish: bool = True) -> Scheme:
    """100 points: 'Facilities' 60 (A1 manual 30, A2 manual 20, A3 formula activities/100 → 10) and
    'Activities' 40 (B1 manual 25, B2 threshold over person_times: 100 → 5, 1,000 → 15)."""
    scheme = Scheme.objects.create(year=year, name=f"{year}年度标准化评估")
    a = Category.objects.create(scheme=scheme, order=1, name="阵地建设", max_score=D(60))
    b = Category.objects.create(scheme=scheme, order=2, name="活动开展", max_score=D(40))
    rows = [
        (a, 1, "A1", D(30), None),
        (a, 2, "A2", D(20), None),
        (a, 3, "A3", D(10), {"kind": "ratio_to_target", "metric": "activities", "target": 100}),
        (b, 1, "B1", D(25), None),
        (
            b,
            2,
            "B2",
            D(15),
            {
                "kind": "threshold",
                "metric": "person_times",
                "tiers": [{"at_least": 100, "points": 5}, {"at_least": 1000, "points": 15}],
            },
        ),
    ]
    for category, order, code, maximum, formula in rows:
        Indicator.objects.create(
            scheme=scheme,
            category=category,
            order=order,
            code=code,
            text=f"指标{code}",
            max_score=maximum,
            kind=Indicator.Kind.FORMULA if formula else Indicator.Kind.MANUAL,
            formula=formula,
        )
    if publish:
        scheme.status = Scheme.Status.PUBLISHED
        scheme.save()
    return scheme


def indicator(scheme: Scheme, code: str) -> Indicator:
    return scheme.indicators.get(code=code)


def put_figures(palace, year: int, **values) -> None:
    """Ledger figures of `palace`, split over March and April of `year` (the year sums them)."""
    for month in (date(year, 3, 1), date(year, 4, 1)):
        ledger, _ = Ledger.objects.get_or_create(palace=palace, month=month)
        for code, value in values.items():
            LedgerFigure.objects.update_or_create(
                ledger=ledger, metric=code, defaults={"palace": palace, "month": month, "value": D(value) / 2}
            )


def self_scores(scheme: Scheme, **scores) -> dict[int, dict[str, str]]:
    return {indicator(scheme, code).pk: {"score": str(value), "note": ""} for code, value in scores.items()}


def walk(world, scheme: Scheme, palace=None, *, to: str, manual=None, final=None) -> Evaluation:
    """An evaluation of `palace` (default A) taken to status `to` by the right people."""
    palace = palace or world.palace_a
    manager = world.manager_a if palace == world.palace_a else world.manager_b
    manual = manual or {"A1": 25, "A2": 15, "B1": 20}
    evaluation = services.evaluation_start(actor=manager, scheme=scheme, palace=palace)
    services.evaluation_self_save(actor=manager, evaluation=evaluation, entries=self_scores(scheme, **manual))
    if to == Evaluation.Status.DRAFT:
        return evaluation
    services.evaluation_submit(actor=manager, evaluation=evaluation)
    if to == Evaluation.Status.SUBMITTED:
        return evaluation
    reviewer = world.city_officer if palace == world.palace_a else world.province_officer
    if to == Evaluation.Status.RETURNED:
        return services.evaluation_review(
            actor=reviewer, evaluation=evaluation, forward=False, opinion="材料不全"
        )
    services.evaluation_review(actor=reviewer, evaluation=evaluation, forward=True, opinion="同意报送")
    if to == Evaluation.Status.REVIEWED:
        return evaluation
    return services.evaluation_conclude(
        actor=world.province_officer, evaluation=evaluation, entries=self_scores(scheme, **(final or manual))
    )
