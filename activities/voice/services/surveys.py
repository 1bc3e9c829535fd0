"""Demand surveys, the staff's side: building (questions, choices, their order), publishing,
closing, deleting. Staff who may manage the survey's palace only; anyone else gets `NotFound`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.voice.models import (
    CHOICE_TEXT_MAX,
    QUESTION_TEXT_MAX,
    SURVEY_INTRO_MAX,
    SURVEY_TITLE_MAX,
    QuestionKind,
    Survey,
    SurveyChoice,
    SurveyQuestion,
    SurveyStatus,
)
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.models import Palace

from ._common import MAX_CHOICES, MAX_QUESTIONS, _clean_text, _too_long

# --- Surveys: building ----------------------------------------------------------------------------


def _validate_survey(
    *, title: Any, intro: Any, opens_on: date | None, closes_on: date | None
) -> dict[str, Any]:
    title, intro = _clean_text(title), _clean_text(intro)
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_("Enter a title.")]
    elif len(title) > SURVEY_TITLE_MAX:
        errors["title"] = [_too_long(SURVEY_TITLE_MAX)]
    if len(intro) > SURVEY_INTRO_MAX:
        errors["intro"] = [_too_long(SURVEY_INTRO_MAX)]
    for name, value in (("opens_on", opens_on), ("closes_on", closes_on)):
        if value is not None and not isinstance(value, date):
            errors[name] = [_("Enter a date.")]
    if "opens_on" not in errors and "closes_on" not in errors and closes_on is not None:
        if opens_on is not None and closes_on < opens_on:
            errors["closes_on"] = [_("The closing day cannot be before the opening day.")]
        elif closes_on < timezone.localdate():
            errors["closes_on"] = [_("The closing day has passed.")]
    if errors:
        raise InvalidInput(fields=errors)
    return {"title": title, "intro": intro, "opens_on": opens_on, "closes_on": closes_on}


@transaction.atomic
def survey_create(
    *,
    actor,
    palace: Palace,
    title: str,
    intro: str = "",
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Survey:
    """Start a survey of `palace` as a draft. Staff of the palace only."""
    _require_manager(actor, palace)
    values = _validate_survey(title=title, intro=intro, opens_on=opens_on, closes_on=closes_on)
    return Survey.objects.create(palace=palace, created_by=actor, **values)


def _lock_survey(actor, survey: Survey) -> Survey:
    _require_manager(actor, survey.palace)
    locked = (
        Survey.objects.select_for_update(of=("self",)).select_related("palace").filter(pk=survey.pk).first()
    )
    if locked is None:
        raise NotFound()
    return locked


def _refuse_closed(survey: Survey) -> None:
    if survey.status == SurveyStatus.CLOSED:
        raise RuleViolation(_("This survey is closed: it can no longer change."), code="survey_closed")


def _lock_questions(actor, survey: Survey) -> Survey:
    """The survey, locked, if its questions may still change; otherwise say why not."""
    locked = _lock_survey(actor, survey)
    _refuse_closed(locked)
    if locked.response_count:
        raise RuleViolation(
            _(
                "Questions and answers cannot change after the first response: the results would mix "
                "answers to different questions. Close this survey and start a new one instead."
            ),
            code="survey_has_responses",
        )
    return locked


@transaction.atomic
def survey_update(
    *,
    actor,
    survey: Survey,
    title: str,
    intro: str = "",
    opens_on: date | None = None,
    closes_on: date | None = None,
) -> Survey:
    """Change the title, introduction and dates (also after responses; not once closed)."""
    locked = _lock_survey(actor, survey)
    _refuse_closed(locked)
    values = _validate_survey(title=title, intro=intro, opens_on=opens_on, closes_on=closes_on)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.save(update_fields=sorted(values))
    return locked


def _clean_choices(texts: Iterable[Any]) -> tuple[list[str], list[str]]:
    """Stripped, non-empty, distinct choice texts, and the problems found."""
    cleaned, problems = [], []
    for text in texts:
        text = _clean_text(text)
        if not text:
            continue
        if len(text) > CHOICE_TEXT_MAX:
            problems.append(_too_long(CHOICE_TEXT_MAX))
        elif text in cleaned:
            problems.append(_("“%(text)s” is offered twice.") % {"text": text})
        else:
            cleaned.append(text)
    if len(cleaned) > MAX_CHOICES:
        problems.append(_("At most %(count)d answers to choose from.") % {"count": MAX_CHOICES})
    return cleaned, problems


def _renumber(rows: list) -> None:
    for position, row in enumerate(rows):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position"])


@transaction.atomic
def question_add(
    *, actor, survey: Survey, text: str, kind: str, required: bool = True, choices: Iterable[str] = ()
) -> SurveyQuestion:
    """Add a question at the end, with its choices (single or multiple choice; none for text).

    Staff of the palace; `survey_has_responses` once anyone answered, `survey_closed` when closed.
    """
    locked = _lock_questions(actor, survey)
    text = _clean_text(text)
    errors: dict[str, list] = {}
    if not text:
        errors["text"] = [_("Enter the question.")]
    elif len(text) > QUESTION_TEXT_MAX:
        errors["text"] = [_too_long(QUESTION_TEXT_MAX)]
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose single choice, multiple choice or free text.")]
    if not isinstance(required, bool):
        errors["required"] = [_("Say yes or no.")]
    choice_texts, problems = _clean_choices(choices)
    if problems:
        errors["choices"] = problems
    elif kind == QuestionKind.TEXT and choice_texts:
        errors["choices"] = [_("A free-text question has no answers to choose from.")]
    count = locked.questions.count()
    if count >= MAX_QUESTIONS:
        errors["non_field_errors"] = [
            _("A survey has at most %(count)d questions.") % {"count": MAX_QUESTIONS}
        ]
    if errors:
        raise InvalidInput(fields=errors)

    question = SurveyQuestion.objects.create(
        survey=locked, position=count, kind=kind, text=text, required=required
    )
    SurveyChoice.objects.bulk_create(
        SurveyChoice(question=question, position=i, text=t) for i, t in enumerate(choice_texts)
    )
    return question


@transaction.atomic
def question_update(*, actor, question: SurveyQuestion, text: str, required: bool) -> SurveyQuestion:
    """Reword a question or change whether it must be answered (its kind stays)."""
    locked = _lock_questions(actor, question.survey)
    text = _clean_text(text)
    if not text:
        raise InvalidInput(fields={"text": [_("Enter the question.")]})
    if len(text) > QUESTION_TEXT_MAX:
        raise InvalidInput(fields={"text": [_too_long(QUESTION_TEXT_MAX)]})
    row = SurveyQuestion.objects.filter(survey=locked, pk=question.pk).first()
    if row is None:
        raise NotFound()
    row.text, row.required = text, bool(required)
    row.save(update_fields=["text", "required"])
    return row


@transaction.atomic
def question_remove(*, actor, question: SurveyQuestion) -> None:
    """Remove a question with its choices; the others close up."""
    locked = _lock_questions(actor, question.survey)
    SurveyQuestion.objects.filter(survey=locked, pk=question.pk).delete()
    _renumber(list(locked.questions.order_by("position", "pk")))


def _move(rows: list, pk: int, direction: str) -> None:
    if direction not in ("up", "down"):
        raise InvalidInput(fields={"direction": [_("Move up or down.")]})
    index = next((i for i, row in enumerate(rows) if row.pk == pk), None)
    if index is None:
        raise NotFound()
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    _renumber(rows)


@transaction.atomic
def question_move(*, actor, question: SurveyQuestion, direction: str) -> None:
    """Move a question one place `up` or `down` (at the top or bottom already: nothing happens)."""
    locked = _lock_questions(actor, question.survey)
    _move(list(locked.questions.order_by("position", "pk")), question.pk, direction)


@transaction.atomic
def choice_add(*, actor, question: SurveyQuestion, text: str) -> SurveyChoice:
    """Add an answer to choose from at the end of a choice question."""
    locked = _lock_questions(actor, question.survey)
    row = SurveyQuestion.objects.filter(survey=locked, pk=question.pk).first()
    if row is None:
        raise NotFound()
    if not row.has_choices:
        raise InvalidInput(fields={"text": [_("A free-text question has no answers to choose from.")]})
    existing = list(row.choices.values_list("text", flat=True))
    cleaned, problems = _clean_choices([*existing, text])
    if not _clean_text(text):
        problems = [_("Enter the answer to offer.")]
    if problems:
        raise InvalidInput(fields={"text": problems})
    return SurveyChoice.objects.create(question=row, position=len(existing), text=cleaned[-1])


@transaction.atomic
def choice_remove(*, actor, choice: SurveyChoice) -> None:
    locked = _lock_questions(actor, choice.question.survey)
    SurveyChoice.objects.filter(question__survey=locked, pk=choice.pk).delete()
    _renumber(list(SurveyChoice.objects.filter(question_id=choice.question_id).order_by("position", "pk")))


@transaction.atomic
def choice_move(*, actor, choice: SurveyChoice, direction: str) -> None:
    _lock_questions(actor, choice.question.survey)
    rows = list(SurveyChoice.objects.filter(question_id=choice.question_id).order_by("position", "pk"))
    _move(rows, choice.pk, direction)


# --- Surveys: publishing --------------------------------------------------------------------------


@transaction.atomic
def survey_publish(*, actor, survey: Survey) -> Survey:
    """Put a draft before the palace's members. It needs a question, and every choice question
    at least two answers; the closing day, if any, must not have passed (`survey_incomplete`)."""
    locked = _lock_survey(actor, survey)
    if locked.status != SurveyStatus.DRAFT:
        raise RuleViolation(_("Only a draft can be published."), code="survey_not_draft")
    questions = list(locked.questions.prefetch_related("choices"))
    problems = []
    if not questions:
        problems.append(_("Add at least one question."))
    for number, question in enumerate(questions, start=1):
        if question.has_choices and len(question.choices.all()) < 2:
            problems.append(
                _("Question %(number)d needs at least two answers to choose from.") % {"number": number}
            )
    if locked.closes_on is not None and locked.closes_on < timezone.localdate():
        problems.append(_("The closing day has passed: choose a later one."))
    if problems:
        raise RuleViolation(
            " ".join(problems), code="survey_incomplete", fields={"non_field_errors": problems}
        )
    locked.status = SurveyStatus.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    return locked


@transaction.atomic
def survey_close(*, actor, survey: Survey) -> Survey:
    """Stop taking answers. The results stay; nothing about the survey changes any more."""
    locked = _lock_survey(actor, survey)
    if locked.status != SurveyStatus.PUBLISHED:
        raise RuleViolation(_("Only a published survey can be closed."), code="survey_not_published")
    locked.status = SurveyStatus.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    return locked


@transaction.atomic
def survey_delete(*, actor, survey: Survey) -> None:
    """Throw away a draft (a published survey is closed instead: its answers are kept)."""
    locked = _lock_survey(actor, survey)
    if locked.status != SurveyStatus.DRAFT:
        raise RuleViolation(
            _("Only a draft can be deleted; close a published survey instead."), code="survey_not_draft"
        )
    locked.delete()
