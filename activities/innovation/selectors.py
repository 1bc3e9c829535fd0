"""Reads of innovation: the public mentor list, a palace's studio alliance, the clinic's lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from venues.models import Palace

from . import access
from .models import GuidanceSession, InnovationField, Mentor, Problem, ProblemStatus, Studio, StudioMembership


def public_palaces() -> QuerySet[Palace]:
    """Palaces whose mentors, studios and solved problems the public sees: the listed ones."""
    return Palace.objects.listed()


def mentors_public(*, palace_id: int | None = None, field: str | None = None) -> QuerySet[Mentor]:
    """Active mentors of listed palaces, by name; no account or phone is read."""
    queryset = Mentor.objects.active().filter(palace__in=public_palaces())
    if palace_id:
        queryset = queryset.filter(palace_id=palace_id)
    if field:
        queryset = queryset.filter(field=field)
    return queryset.select_related("palace", "studio").order_by("palace__name", "name", "pk")


def palaces_with_innovation() -> QuerySet[Palace]:
    """Listed palaces with a mentor or a studio, with their counts (one query)."""
    return (
        public_palaces()
        .annotate(
            mentor_count=Count("mentors", filter=Q(mentors__active=True), distinct=True),
            studio_count=Count(
                "studio_memberships", filter=Q(studio_memberships__left_on__isnull=True), distinct=True
            ),
        )
        .filter(Q(mentor_count__gt=0) | Q(studio_count__gt=0))
        .order_by("name")
    )


@dataclass
class Alliance:
    palace: Palace
    members: list[StudioMembership]
    former: list[StudioMembership]
    mentors: list[Mentor]
    solved: list[dict]
    figures: dict[str, int]


def alliance_of(palace: Palace, *, solved_limit: int = 20) -> Alliance:
    """A palace's studio alliance: current members (by name), former ones, its mentors, the solved
    problems its posters let show (title and field only) and the clinic's totals. Queries: a few."""
    memberships = list(
        StudioMembership.objects.filter(palace=palace).select_related("studio").order_by("studio__name", "pk")
    )
    members = [m for m in memberships if m.left_on is None]
    former = [m for m in memberships if m.left_on is not None]
    mentors = list(Mentor.objects.active().filter(palace=palace).select_related("studio").order_by("name"))
    solved = list(
        Problem.objects.for_palace(palace)
        .shown_publicly()
        .order_by("-closed_on", "-pk")
        .values("title", "field", "closed_on")[:solved_limit]
    )
    for row in solved:
        row["field"] = InnovationField(row["field"]).label
    figures = Problem.objects.for_palace(palace).aggregate(
        posted=Count("pk"),
        worked=Count("pk", filter=~Q(status=ProblemStatus.OPEN)),
        solved=Count("pk", filter=Q(status=ProblemStatus.SOLVED)),
    )
    figures["sessions"] = GuidanceSession.objects.filter(palace=palace).count()
    return Alliance(palace, members, former, mentors, solved, figures)


def problems_for(user, *, palace_id: int | None = None, status: str | None = None, mine: bool = False):
    """The problems `user` may see (see `access`), newest first, filtered."""
    queryset = access.problems_visible_to(user)
    if mine:
        queryset = queryset.filter(poster=user)
    if palace_id:
        queryset = queryset.filter(palace_id=palace_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related("palace", "mentor").order_by("-created_at", "-pk")


def mentor_queue(mentor: Mentor) -> dict[str, list[Problem]]:
    """A mentor's queue: open problems of their palace (their own field first), and those they hold."""
    open_ = (
        Problem.objects.filter(palace_id=mentor.palace_id, status=ProblemStatus.OPEN)
        .annotate(
            same_field=Case(
                When(field=mentor.field, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("same_field", "created_at", "pk")
    )
    held = Problem.objects.filter(mentor=mentor, status=ProblemStatus.TAKEN).order_by("taken_at", "pk")
    return {"open": list(open_[:100]), "held": list(held)}


def problem_detail(user, pk: int) -> Problem:
    """One problem `user` may see, with its sessions; Problem.DoesNotExist otherwise."""
    return (
        access.problems_visible_to(user)
        .select_related("palace", "mentor", "poster")
        .prefetch_related(Prefetch("sessions", queryset=GuidanceSession.objects.select_related("mentor")))
        .get(pk=pk)
    )


def clinic_overview(palace: Palace, *, status: str | None = None) -> dict:
    """The staff side of a palace's clinic: problems (filtered), mentors, studios, counts."""
    problems = Problem.objects.for_palace(palace).select_related("mentor")
    counts = dict(Problem.objects.for_palace(palace).values_list("status").annotate(n=Count("pk")).order_by())
    if status:
        problems = problems.filter(status=status)
    return {
        "problems": list(problems.order_by("-created_at", "-pk")[:60]),
        "counts": {s: counts.get(s, 0) for s in ProblemStatus.values},
        "mentors": list(
            Mentor.objects.filter(palace=palace)
            .select_related("studio", "user")
            .annotate(held=Count("problems", filter=Q(problems__status=ProblemStatus.TAKEN)))
            .order_by("-active", "name")
        ),
        "studios": list(
            Studio.objects.filter(palace=palace)
            .annotate(member=Count("memberships", filter=Q(memberships__left_on__isnull=True)))
            .order_by("name")
        ),
    }
