"""Demo data of the standardisation evaluation, loaded by `manage.py seed_demo` (one step, after
the ledgers' step, whose figures the formula indicators read).

- The 2024 scheme (`demo_scheme.SCHEME_2024`: 7 categories, 59 indicators, 100 points), published
  by the provincial demo account in March 2024;
- the 2024 evaluation concluded for every palace in service: self-evaluation submitted in January
  2025, reviewed by the city, scored and concluded by the province in March. Manual indicators are
  drawn from a per-palace strength (city-level palaces and the demo palace strongest), the
  province's score sometimes half a point below the palace's own, with the city's comment saying
  why; formula indicators are scored from the ledgers' 2024 figures by the same code the service
  uses. Bands follow from the totals;
- the anchor year's scheme under way (2024's, with the indicators on bookings, classes, ratings
  and wishes now scored from the ledgers, which count those rows since the portal went live;
  published a month before the anchor day): the demo palace self-evaluating (some indicators still
  open), two palaces of the demo city waiting for the city's review, one waiting for the province.

Written with bulk inserts (a few queries per table), every row one the services could have
written. Deterministic for a seed and anchor day.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.demo.accounts import DEMO_CITY_CODE, DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, Step
from venues.models import Palace

from .catalogue import year_figures
from .demo_scheme import SCHEME_2024
from .formulas import metrics_of
from .formulas import score as formula_score
from .models import Category, Evaluation, EvaluationStep, Evidence, Indicator, Scheme, Score

HALF = Decimal("0.5")
Status, Action = Evaluation.Status, EvaluationStep.Action
CITY_AGREES = "佐证材料齐全，情况属实，同意自评分。"
CITY_DOUBTS = [
    "佐证材料不够完整，建议核减。",
    "活动记录与台账数据有出入，请省级评估时核实。",
    "制度已建立但落实记录偏少，建议适当扣分。",
    "现场照片未能体现全部点位，建议核减0.5分。",
]
OPINIONS = {
    "high": "该宫阵地建设规范，服务功能完善，活动品牌突出，同意报送省总工会评定。",
    "mid": "该宫各项工作有序推进，部分指标佐证材料需补充，同意报送。",
    "low": "该宫基础条件较弱，活动开展和数字化建设有差距，建议加强整改后报送。",
}
CONCLUSIONS = {
    "standardised": "经综合评定，达到全省标准化工人文化宫建设标准。",
    "basic": "经综合评定，基本达到标准化建设要求，请对照扣分项抓好整改。",
    "not_yet": "经综合评定，暂未达到标准化建设要求，请制定整改方案，明年复评。",
}


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())


def _half(value: Decimal) -> Decimal:
    return (value / HALF).quantize(Decimal(1), rounding=ROUND_HALF_UP) * HALF


def _write_scheme(
    year: int, name: str, *, published_at: datetime, publisher
) -> tuple[Scheme, list[Indicator]]:
    scheme = Scheme.objects.create(
        year=year,
        name=name,
        description=(
            "依据全省工人文化宫标准化建设要求，从阵地建设、服务功能、活动开展、职工满意度、管理制度、"
            "数字化建设和联盟参与七个方面评估，满分100分：85分以上为标准化，70分以上为基本达标。"
        ),
        status=Scheme.Status.PUBLISHED,
        published_at=published_at,
        published_by=publisher,
    )
    categories = Category.objects.bulk_create(
        Category(scheme=scheme, order=n, name=name_, description=desc, max_score=Decimal(str(maximum)))
        for n, (name_, maximum, desc, _rows) in enumerate(SCHEME_2024, start=1)
    )
    indicators = []
    for n, (category, (_name, _max, _desc, rows)) in enumerate(
        zip(categories, SCHEME_2024, strict=True), start=1
    ):
        for m, (text, maximum, guide, formula, *later) in enumerate(rows, start=1):
            if later and year > 2024:
                guide, formula = later[0]
            indicators.append(
                Indicator(
                    scheme=scheme,
                    category=category,
                    order=m,
                    code=f"{n}.{m}",
                    text=text,
                    guide=guide,
                    max_score=Decimal(str(maximum)),
                    kind=Indicator.Kind.FORMULA if formula else Indicator.Kind.MANUAL,
                    formula=formula,
                )
            )
    Indicator.objects.bulk_create(indicators)
    return scheme, indicators


def _strength(rng, palace: Palace) -> float:
    if palace.name == DEMO_PALACE_NAME:
        return 0.97
    if palace.level == Palace.Level.CITY:
        return rng.uniform(0.84, 0.97)
    return rng.uniform(0.64, 0.96)


def _in_city(palace: Palace, city) -> bool:
    return city is not None and city.pk in (palace.region_id, palace.region.parent_id)


def _formula_codes(indicators: list[Indicator]) -> set[str]:
    return {code for i in indicators if i.formula for code in metrics_of(i.formula)}


def build_evaluation(ctx: DemoContext) -> None:
    rng = ctx.rng("evaluation")
    province, city_officer, manager = (
        ctx.users.get(k) for k in ("province_officer", "city_officer", "palace_manager")
    )
    scheme, indicators = _write_scheme(
        2024, "2024年度全省工人文化宫标准化建设评估", published_at=_at(2024, 3, 1), publisher=province
    )
    in_service = sorted((p for p in ctx.palaces if p.status == Palace.Status.IN_SERVICE), key=lambda p: p.pk)
    figures = year_figures([p.pk for p in in_service], 2024, _formula_codes(indicators))
    demo_city = ctx.regions.get(DEMO_CITY_CODE)
    evaluations, scores_by_palace, steps_by_palace = [], {}, {}
    for palace in in_service:
        strength = _strength(rng, palace)
        submitted = _at(2025, 1, rng.randint(6, 24), rng.randint(9, 17))
        reviewed = submitted + timedelta(days=rng.randint(3, 12), hours=rng.randint(0, 6))
        concluded = _at(2025, 3, rng.randint(10, 28), rng.randint(9, 17))
        rows, lowered = [], 0
        for indicator in indicators:
            if indicator.formula:
                value, used = formula_score(
                    indicator.formula, max_score=indicator.max_score, figures=figures.get(palace.pk, {})
                )
                rows.append(
                    Score(indicator=indicator, auto_score=value, auto_figures=used, final_score=value)
                )
                continue
            share = min(max(strength + rng.uniform(-0.15, 0.1), 0.0), 1.0)
            final = min(_half(indicator.max_score * Decimal(str(round(share, 3)))), indicator.max_score)
            own = final
            comment = ""
            if final < indicator.max_score and rng.random() < 0.18:
                own = final + HALF  # the palace rated itself higher; the province did not follow
                comment = rng.choice(CITY_DOUBTS)
                lowered += 1
            elif rng.random() < 0.05:
                comment = CITY_AGREES
            rows.append(
                Score(
                    indicator=indicator,
                    self_score=own,
                    self_note="详见佐证材料。" if rng.random() < 0.4 else "",
                    city_comment=comment,
                    final_score=final,
                    final_note="佐证不足，核减0.5分。" if own != final else "",
                )
            )
        total = sum((r.final_score for r in rows), Decimal(0))
        band = scheme.band_for(total)
        level = "high" if total >= scheme.standard_mark else "mid" if total >= scheme.basic_mark else "low"
        evaluations.append(
            Evaluation(
                scheme=scheme,
                palace=palace,
                status=Status.CONCLUDED,
                city_opinion=OPINIONS[level],
                conclusion=CONCLUSIONS[band],
                total=total,
                band=band,
                submitted_at=submitted,
                reviewed_at=reviewed,
                concluded_at=concluded,
            )
        )
        palace_manager = manager if palace.name == DEMO_PALACE_NAME else None
        reviewer = city_officer if _in_city(palace, demo_city) else None
        scores_by_palace[palace.pk] = rows
        steps_by_palace[palace.pk] = [
            (Action.STARTED, palace_manager, "", submitted - timedelta(days=rng.randint(5, 20))),
            (Action.SUBMITTED, palace_manager, "", submitted),
            (Action.FORWARDED, reviewer, OPINIONS[level], reviewed),
            (Action.CONCLUDED, province, CONCLUSIONS[band], concluded),
        ]
    Evaluation.objects.bulk_create(evaluations)
    _write_rows(evaluations, scores_by_palace, steps_by_palace)
    ctx.count(_("evaluation schemes"), 1)
    ctx.count(_("evaluations concluded"), len(evaluations))

    _under_way(ctx, rng, in_service, province=province, city_officer=city_officer, manager=manager)


def _write_rows(evaluations, scores_by_palace, steps_by_palace) -> None:
    scores, steps = [], []
    for evaluation in evaluations:
        for row in scores_by_palace[evaluation.palace_id]:
            row.evaluation = evaluation
            scores.append(row)
        steps.extend(
            EvaluationStep(evaluation=evaluation, action=a, actor=actor, note=note, at=at)
            for a, actor, note, at in steps_by_palace[evaluation.palace_id]
        )
    Score.objects.bulk_create(scores, batch_size=2000)
    EvaluationStep.objects.bulk_create(steps, batch_size=2000)


def _under_way(ctx: DemoContext, rng, in_service, *, province, city_officer, manager) -> None:
    """The anchor year's evaluation around the anchor day: the 2024 scheme with the portal-era
    formulas, published a month ago; the demo palace self-evaluating; two of its city's palaces
    waiting for the city; one for the province."""
    year = max(2025, ctx.today.year)
    now = timezone.make_aware(datetime.combine(ctx.today, datetime.min.time())) + timedelta(hours=10)
    scheme, indicators = _write_scheme(
        year,
        f"{year}年度全省工人文化宫标准化建设评估",
        published_at=now - timedelta(days=30),
        publisher=province,
    )
    demo_city = ctx.regions.get(DEMO_CITY_CODE)
    demo = next((p for p in in_service if p.name == DEMO_PALACE_NAME), None)
    others = [p for p in in_service if p is not demo and _in_city(p, demo_city)][:3]
    plan = ([(demo, Status.DRAFT)] if demo else []) + list(
        zip(others, [Status.SUBMITTED, Status.SUBMITTED, Status.REVIEWED], strict=False)
    )
    if not plan:
        return
    figures = year_figures([p.pk for p, _s in plan], year, _formula_codes(indicators))
    evaluations, scores_by_palace, steps_by_palace = [], {}, {}
    for palace, status in plan:
        strength = _strength(rng, palace)
        started = now - timedelta(days=rng.randint(15, 25))
        submitted = now - timedelta(days=rng.randint(4, 9)) if status != Status.DRAFT else None
        reviewed = now - timedelta(days=rng.randint(1, 3)) if status == Status.REVIEWED else None
        rows = []
        for position, indicator in enumerate(indicators):
            if indicator.formula:
                value, used = formula_score(
                    indicator.formula, max_score=indicator.max_score, figures=figures.get(palace.pk, {})
                )
                rows.append(Score(indicator=indicator, auto_score=value, auto_figures=used))
                continue
            # The demo palace has scored the first categories and not yet the last ones.
            if status == Status.DRAFT and position > 40:
                rows.append(Score(indicator=indicator))
                continue
            share = min(max(strength + rng.uniform(-0.12, 0.08), 0.0), 1.0)
            rows.append(
                Score(
                    indicator=indicator,
                    self_score=min(
                        _half(indicator.max_score * Decimal(str(round(share, 3)))), indicator.max_score
                    ),
                    self_note="详见佐证材料。" if rng.random() < 0.3 else "",
                    city_comment=CITY_AGREES if reviewed and rng.random() < 0.1 else "",
                )
            )
        evaluations.append(
            Evaluation(
                scheme=scheme,
                palace=palace,
                status=status,
                city_opinion=OPINIONS["mid"] if reviewed else "",
                submitted_at=submitted,
                reviewed_at=reviewed,
            )
        )
        scores_by_palace[palace.pk] = rows
        who = manager if palace is demo else None
        steps = [(Action.STARTED, who, "", started)]
        if submitted:
            steps.append((Action.SUBMITTED, who, "", submitted))
        if reviewed:
            steps.append((Action.FORWARDED, city_officer, OPINIONS["mid"], reviewed))
        steps_by_palace[palace.pk] = steps
    Evaluation.objects.bulk_create(evaluations)
    _write_rows(evaluations, scores_by_palace, steps_by_palace)
    ctx.count(_("evaluation schemes"), 1)
    ctx.count(_("evaluations under way"), len(evaluations))


def wipe_evaluation() -> None:
    Evidence.objects.all().delete()
    EvaluationStep.objects.all().delete()
    Score.objects.all().delete()
    Evaluation.objects.all().delete()
    Indicator.objects.all().delete()
    Category.objects.all().delete()
    Scheme.objects.all().delete()


def evaluation_exists() -> bool:
    return Scheme.objects.exists()


EVALUATION_STEP = Step("evaluation", build_evaluation, wipe=wipe_evaluation, has_data=evaluation_exists)
DEMO_STEPS = [EVALUATION_STEP]
