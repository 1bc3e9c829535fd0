"""Rows for the worker-voice tests, written directly (no rules checked) unless a test means a service."""

from __future__ import annotations

from django.utils import timezone

from activities.voice.models import (
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    Wish,
    WishVote,
)

# (kind, text, choices): the survey every test can ask for.
QUESTIONS = [
    ("single", "您最想参加哪类夜校课程？", ["书法", "瑜伽", "摄影"]),
    ("multiple", "哪些时间方便？", ["工作日晚上", "周六", "周日"]),
    ("text", "还有什么建议？", []),
]


def member(user, number="36010000001"):
    user.membership_number = number
    user.save(update_fields=["membership_number"])
    return user


def wish(palace, author=None, *, title="周末亲子书法班", votes=1, status=Wish.Status.OPEN, **fields):
    """A wish with `votes` counted; its author's vote is one of them (as the service does)."""
    if status != Wish.Status.OPEN:
        fields.setdefault("answered_at", timezone.now())
        fields.setdefault("answer", "已安排")
    row = Wish.objects.create(
        palace=palace, author=author, title=title, status=status, vote_count=0, **fields
    )
    if author is not None and votes:
        WishVote.objects.create(wish=row, user=author)
        Wish.objects.filter(pk=row.pk).update(vote_count=1)
        row.vote_count = 1
    return row


def survey(palace, *, status=Survey.Status.PUBLISHED, questions=QUESTIONS, **fields):
    """A survey with questions and choices; published unless told (published_at set)."""
    if status != Survey.Status.DRAFT:
        fields.setdefault("published_at", timezone.now())
    row = Survey.objects.create(
        palace=palace, title=fields.pop("title", "2026年秋季课程需求调查"), status=status, **fields
    )
    for position, (kind, text, choices) in enumerate(questions):
        question = SurveyQuestion.objects.create(survey=row, position=position, kind=kind, text=text)
        SurveyChoice.objects.bulk_create(
            SurveyChoice(question=question, position=i, text=choice) for i, choice in enumerate(choices)
        )
    return row


def questions(row: Survey) -> list[SurveyQuestion]:
    return list(row.questions.order_by("position").prefetch_related("choices"))


def choice(question: SurveyQuestion, text: str) -> SurveyChoice:
    return question.choices.get(text=text)


def answer_directly(row: Survey, user, picks: dict) -> SurveyResponse:
    """A response written without the service: {question: [choices] or text}."""
    response = SurveyResponse.objects.create(survey=row, user=user)
    for question, value in picks.items():
        if isinstance(value, str):
            SurveyAnswer.objects.create(response=response, question=question, text=value)
        else:
            for c in value:
                SurveyAnswer.objects.create(response=response, question=question, choice=c)
    Survey.objects.filter(pk=row.pk).update(response_count=row.responses.count())
    row.refresh_from_db()
    return response
