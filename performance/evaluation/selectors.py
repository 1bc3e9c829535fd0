"""Reads of the standardisation evaluation. The number of queries never depends on the number of
palaces, indicators or files: categories, scores and totals are fetched in grouped queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from venues import access as venue_access
from venues.models import Palace, Region

from . import access
from .catalogue import metric_names, year_figures
from .formulas import describe, metrics_of
from .formulas import score as formula_score
from .models import Category, Evaluation, Evidence, Indicator, Scheme, Score

Status = Evaluation.Status


def schemes_visible_to(user) -> QuerySet[Scheme]:
    """Provincial officers see every scheme (drafts too); other staff the published ones."""
    if access.may_define_schemes(user):
        return Scheme.objects.all()
    if access.may_read_schemes(user):
        return Scheme.objects.filter(status=Scheme.Status.PUBLISHED)
    return Scheme.objects.none()


def schemes_with_tree(queryset: QuerySet[Scheme]) -> QuerySet[Scheme]:
    """Schemes with their categories and each category's indicators: three queries for any page."""
    return queryset.prefetch_related(
        Prefetch(
            "categories",
            queryset=Category.objects.order_by("order", "pk").prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk"))
            ),
        )
    )


def formula_text(indicator: Indicator, names: dict[str, str]) -> str:
    return describe(indicator.formula, names) if indicator.is_formula else ""


@dataclass
class Row:
    indicator: Indicator
    score: Score
    evidence: list[Evidence] = field(default_factory=list)
    rule: str = ""
    figures: list[tuple[str, str]] = field(default_factory=list)  # (metric name, value) used


@dataclass
class Section:
    category: Category
    rows: list[Row] = field(default_factory=list)

    def _sum(self, attribute: str) -> Decimal | None:
        values = [getattr(r.score, attribute) for r in self.rows]
        known = [v for v in values if v is not None]
        return sum(known, Decimal(0)) if known else None

    @property
    def self_total(self) -> Decimal:
        return sum(
            (
                (r.score.auto_score if r.indicator.is_formula else r.score.self_score) or Decimal(0)
                for r in self.rows
            ),
            Decimal(0),
        )

    @property
    def final_total(self) -> Decimal | None:
        return self._sum("final_score")

    @property
    def open_count(self) -> int:
        """Manual indicators still without a self-score."""
        return sum(1 for r in self.rows if not r.indicator.is_formula and r.score.self_score is None)


def evaluation_sheet(evaluation: Evaluation, *, live: bool = False) -> list[Section]:
    """The evaluation grouped by category, each indicator with its score, evidence and (formula
    indicators) the rule in words and the figures used. `live`: score the formula indicators from
    the ledgers as they stand (a self-evaluation in progress) without writing anything."""
    names = metric_names()
    scores = list(
        evaluation.scores.select_related("indicator__category").order_by(
            "indicator__category__order", "indicator__order", "indicator__pk"
        )
    )
    files: dict[int, list[Evidence]] = defaultdict(list)
    for item in Evidence.objects.filter(evaluation=evaluation).order_by("uploaded_at", "pk"):
        files[item.indicator_id].append(item)
    if live:
        codes = {c for s in scores if s.indicator.is_formula for c in metrics_of(s.indicator.formula)}
        figures = year_figures([evaluation.palace_id], evaluation.scheme.year, codes).get(
            evaluation.palace_id, {}
        )
        for s in scores:
            if s.indicator.is_formula:
                s.auto_score, s.auto_figures = formula_score(
                    s.indicator.formula, max_score=s.indicator.max_score, figures=figures
                )
    sections: dict[int, Section] = {}
    for s in scores:
        category = s.indicator.category
        section = sections.setdefault(category.pk, Section(category=category))
        used = [(names.get(code, code), value) for code, value in (s.auto_figures or {}).items()]
        section.rows.append(
            Row(
                indicator=s.indicator,
                score=s,
                evidence=files.get(s.indicator_id, []),
                rule=formula_text(s.indicator, names),
                figures=used,
            )
        )
    return list(sections.values())


def category_totals(evaluation_ids: list[int]) -> dict[int, dict[int, dict[str, Decimal | None]]]:
    """{evaluation id: {category id: {"self": ..., "final": ...}}} in one grouped query. A
    formula indicator's self-score is its formula result."""
    rows = (
        Score.objects.filter(evaluation_id__in=evaluation_ids)
        .values("evaluation_id", "indicator__category_id")
        .annotate(
            self_total=Sum(Coalesce("self_score", "auto_score")),
            final_total=Sum("final_score"),
            final_missing=Count("pk", filter=Q(final_score__isnull=True)),
        )
    )
    totals: dict[int, dict[int, dict[str, Decimal | None]]] = defaultdict(dict)
    for row in rows:
        totals[row["evaluation_id"]][row["indicator__category_id"]] = {
            "self": row["self_total"],
            "final": row["final_total"] if not row["final_missing"] else None,
        }
    return totals


def evaluations_visible_to(user) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(palace__in=access.palaces_with_visible_evaluations(user))


def evaluation_or_none(user, pk: int) -> Evaluation | None:
    return (
        evaluations_visible_to(user).select_related("scheme", "palace__region__parent").filter(pk=pk).first()
    )


@dataclass
class OverviewLine:
    palace: Palace
    evaluation: Evaluation | None

    @property
    def status(self) -> str:
        return self.evaluation.status if self.evaluation else ""


@dataclass
class Overview:
    scheme: Scheme | None
    counts: dict[str, int]
    not_started: int
    expected: int
    lines: list[OverviewLine]

    @property
    def done_share(self) -> int:
        return round(100 * self.counts.get(Status.CONCLUDED, 0) / self.expected) if self.expected else 0


def year_overview(year: int, *, palaces: QuerySet[Palace] | None = None) -> Overview:
    """Progress of a year's evaluation over the in-service palaces (of `palaces`, default all):
    how many self-evaluate, wait for the city, the province, are concluded. Three queries."""
    scheme = Scheme.objects.filter(year=year, status=Scheme.Status.PUBLISHED).first()
    base = (palaces if palaces is not None else Palace.objects.all()).in_service()
    in_service = list(base.select_related("region__parent").order_by("region__code", "name"))
    evaluations = {}
    if scheme is not None:
        evaluations = {
            e.palace_id: e
            for e in Evaluation.objects.filter(scheme=scheme, palace__in=[p.pk for p in in_service])
        }
    counts = Counter(e.status for e in evaluations.values())
    lines = [OverviewLine(palace=p, evaluation=evaluations.get(p.pk)) for p in in_service]
    return Overview(
        scheme=scheme,
        counts={s: counts.get(s, 0) for s in Status.values},
        not_started=sum(1 for line in lines if line.evaluation is None),
        expected=len(in_service),
        lines=lines,
    )


@dataclass
class LeagueLine:
    rank: int
    evaluation: Evaluation
    categories: list[Decimal | None]


def league_table(
    year: int, *, city: Region | None = None, level: str = ""
) -> tuple[Scheme | None, list[LeagueLine]]:
    """Concluded evaluations of `year`, best total first; equal totals share a rank (1, 1, 3).
    Within the province, or a city (its city- and county-level palaces), or one level. Three
    queries whatever the number of palaces."""
    scheme = schemes_with_tree(Scheme.objects.filter(year=year, status=Scheme.Status.PUBLISHED)).first()
    if scheme is None:
        return None, []
    evaluations = Evaluation.objects.filter(scheme=scheme, status=Status.CONCLUDED)
    if city is not None:
        evaluations = evaluations.filter(Q(palace__region=city) | Q(palace__region__parent=city))
    if level:
        evaluations = evaluations.filter(palace__level=level)
    rows = list(
        evaluations.select_related("palace__region__parent").order_by(F("total").desc(), "palace__name", "pk")
    )
    totals = category_totals([e.pk for e in rows])
    categories = list(scheme.categories.all())
    lines, rank, previous = [], 0, None
    for position, evaluation in enumerate(rows, start=1):
        if evaluation.total != previous:
            rank, previous = position, evaluation.total
        per = totals.get(evaluation.pk, {})
        lines.append(
            LeagueLine(
                rank=rank,
                evaluation=evaluation,
                categories=[(per.get(c.pk) or {}).get("final") for c in categories],
            )
        )
    return scheme, lines


def review_queue(user) -> QuerySet[Evaluation]:
    """Submitted self-evaluations the user may review, oldest submission first."""
    return (
        Evaluation.objects.filter(status=Status.SUBMITTED, palace__in=access.palaces_reviewable_by(user))
        .select_related("scheme", "palace__region__parent")
        .order_by("submitted_at", "pk")
    )


def scoring_queue() -> QuerySet[Evaluation]:
    """Reviewed evaluations waiting for the province, oldest review first."""
    return (
        Evaluation.objects.filter(status=Status.REVIEWED)
        .select_related("scheme", "palace__region__parent")
        .order_by("reviewed_at", "pk")
    )


def palace_evaluations(user, palace: Palace) -> list[tuple[Scheme, Evaluation | None]]:
    """The published schemes, newest first, each with the palace's evaluation if it has one."""
    schemes = list(Scheme.objects.filter(status=Scheme.Status.PUBLISHED).order_by("-year"))
    mine = {e.scheme_id: e for e in Evaluation.objects.filter(palace=palace)}
    return [(s, mine.get(s.pk)) for s in schemes]


def cities() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.CITY).order_by("code")


def visible_city_palaces(user) -> QuerySet[Palace]:
    return venue_access.palaces_visible_to(user)
