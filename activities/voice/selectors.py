"""Reads of worker voice: wish lists, the surveys a member may answer, a survey's results.

Every read starts from a scope: the listed palaces for the public, `access.palaces_visible_to` /
`palaces_managed_by` for staff (the callers pass the palace they fetched through it). The number
of queries never depends on the number of wishes, surveys, questions or answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from activities.voice.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    Wish,
    WishVote,
)
from venues.models import Palace

WISH_ORDERS = {
    "votes": ("-vote_count", "-created_at", "-pk"),
    "new": ("-created_at", "-pk"),
}
# Free-text answers a results page lists per question (the exports carry all of them).
TEXT_ANSWERS_SHOWN = 200


def with_voted(queryset: QuerySet[Wish], user) -> QuerySet[Wish]:
    if user is not None and user.is_authenticated:
        mine = WishVote.objects.filter(wish=OuterRef("pk"), user=user)
        return queryset.annotate(voted=Exists(mine))
    return queryset.annotate(voted=Value(False, output_field=BooleanField()))


def wish_list(
    *,
    palaces: QuerySet[Palace],
    user=None,
    status: str = "",
    centre: str = "",
    order: str = "votes",
    mine: bool = False,
) -> QuerySet[Wish]:
    """Wishes of `palaces` (a scope the caller chose), each with `voted` for `user`, sorted by
    votes (ties: newest first) or newest. `mine`: only what `user` proposed."""
    queryset = Wish.objects.filter(palace__in=palaces).select_related("palace", "author")
    if status:
        queryset = queryset.filter(status=status)
    if centre:
        queryset = queryset.filter(centre=centre)
    if mine and user is not None and user.is_authenticated:
        queryset = queryset.filter(author=user)
    return with_voted(queryset, user).order_by(*WISH_ORDERS.get(order, WISH_ORDERS["votes"]))


def public_palaces() -> QuerySet[Palace]:
    """Palaces whose wishes and surveys the public sees: those the directory lists."""
    return Palace.objects.listed()


def wish_for_public(pk: int, user=None) -> Wish:
    """One wish of a listed palace with `voted` for `user`; Wish.DoesNotExist otherwise."""
    queryset = Wish.objects.filter(palace__in=public_palaces()).select_related(
        "palace", "author", "answered_by", "course"
    )
    return with_voted(queryset, user).get(pk=pk)


def wish_status_counts(palace: Palace) -> dict[str, int]:
    """How many wishes of `palace` are in each status (for the inbox's tabs)."""
    rows = Wish.objects.filter(palace=palace).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


# --- Surveys --------------------------------------------------------------------------------------


def with_responded(queryset: QuerySet[Survey], user) -> QuerySet[Survey]:
    if user is not None and user.is_authenticated:
        mine = SurveyResponse.objects.filter(survey=OuterRef("pk"), user=user)
        return queryset.annotate(responded=Exists(mine))
    return queryset.annotate(responded=Value(False, output_field=BooleanField()))


def surveys_open(*, palaces: QuerySet[Palace], user=None) -> QuerySet[Survey]:
    """Surveys of `palaces` taking answers today, each with `responded` for `user`; those
    closing soonest first."""
    today = timezone.localdate()
    queryset = Survey.objects.filter(palace__in=palaces).open_on(today).select_related("palace")
    return with_responded(queryset, user).order_by("closes_on", "-published_at", "-pk")


def survey_for_public(pk: int, user=None) -> Survey:
    """A published or closed survey of a listed palace, questions and choices prefetched."""
    queryset = (
        Survey.objects.published()
        .filter(palace__in=public_palaces())
        .select_related("palace")
        .prefetch_related(questions_prefetch())
    )
    return with_responded(queryset, user).get(pk=pk)


def questions_prefetch() -> Prefetch:
    return Prefetch(
        "questions",
        queryset=SurveyQuestion.objects.order_by("position", "pk").prefetch_related(
            Prefetch("choices", queryset=SurveyChoice.objects.order_by("position", "pk"))
        ),
    )


def survey_with_questions(queryset: QuerySet[Survey], pk: int) -> Survey:
    """`queryset.get(pk=pk)` with questions and their choices in order (two more queries)."""
    return queryset.select_related("palace").prefetch_related(questions_prefetch()).get(pk=pk)


def surveys_of_palace(palace: Palace) -> QuerySet[Survey]:
    """Every survey of `palace` for its staff, drafts first, then open, then closed; with the
    number of questions."""
    order = {SurveyStatus.DRAFT: 0, SurveyStatus.PUBLISHED: 1, SurveyStatus.CLOSED: 2}
    rank = Case(*(When(status=s, then=Value(n)) for s, n in order.items()), output_field=IntegerField())
    return (
        Survey.objects.filter(palace=palace)
        .annotate(question_count=Count("questions"), rank=rank)
        .order_by("rank", "-created_at", "-pk")
    )


# --- Results --------------------------------------------------------------------------------------


@dataclass
class ChoiceResult:
    choice: SurveyChoice
    count: int
    percent: float  # of the respondents who answered the question (0 when nobody did)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    number: int
    answered: int  # respondents who answered this question
    choices: list[ChoiceResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    text_count: int = 0

    @property
    def is_text(self) -> bool:
        return self.question.kind == QuestionKind.TEXT

    @property
    def most(self) -> int:
        return max((c.count for c in self.choices), default=0)


@dataclass
class SurveyResults:
    survey: Survey
    responses: int
    questions: list[QuestionResult]


def survey_results(survey: Survey, *, text_limit: int | None = TEXT_ANSWERS_SHOWN) -> SurveyResults:
    """Counts and percentages per choice and the free-text answers (without who gave them), for
    the staff who may see `survey`'s palace. Percentages are of the respondents who answered that
    question, so a multiple-choice question's add up to more than 100. Five queries in all."""
    questions = list(
        SurveyQuestion.objects.filter(survey=survey)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("choices", queryset=SurveyChoice.objects.order_by("position", "pk")))
    )
    answers = SurveyAnswer.objects.filter(question__survey=survey)
    per_choice = dict(
        answers.filter(choice__isnull=False)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .values_list("choice", "n")
    )
    per_question = dict(
        answers.values_list("question")
        .annotate(n=Count("response", distinct=True))
        .values_list("question", "n")
    )
    text_ids = [q.pk for q in questions if q.kind == QuestionKind.TEXT]
    texts: dict[int, list[str]] = {pk: [] for pk in text_ids}
    if text_ids:
        rows = answers.filter(question_id__in=text_ids, choice__isnull=True).order_by(
            "-response__created_at", "-pk"
        )
        for question_id, text in rows.values_list("question_id", "text"):
            bucket = texts[question_id]
            if text_limit is None or len(bucket) < text_limit:
                bucket.append(text)

    results = []
    for number, question in enumerate(questions, start=1):
        answered = per_question.get(question.pk, 0)
        result = QuestionResult(question=question, number=number, answered=answered)
        if question.kind == QuestionKind.TEXT:
            result.texts = texts.get(question.pk, [])
            result.text_count = answered
        else:
            for choice in question.choices.all():
                count = per_choice.get(choice.pk, 0)
                percent = round(100 * count / answered, 1) if answered else 0.0
                result.choices.append(ChoiceResult(choice=choice, count=count, percent=percent))
        results.append(result)
    return SurveyResults(survey=survey, responses=survey.response_count, questions=results)
