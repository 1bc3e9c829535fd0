"""Answering a published survey: trade-union members, once each, every required question."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.voice.models import (
    TEXT_ANSWER_MAX,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.models import Palace

from ._common import _clean_text, _signed_in, _too_long

# --- Surveys: answering ---------------------------------------------------------------------------


def _ids(value: Any) -> list | None:
    """Choice ids as given: one id or a list of them. None when the shape is wrong."""
    if value is None or value == "":
        return []
    values = value if isinstance(value, list | tuple) else [value]
    ids = []
    for item in values:
        if isinstance(item, bool):
            return None
        if isinstance(item, str) and item.strip().isdigit():
            item = int(item.strip())
        if not isinstance(item, int):
            return None
        ids.append(item)
    return ids


def _answer_rows(questions: list[SurveyQuestion], answers: Mapping[Any, Any]) -> list[SurveyAnswer]:
    """The answer rows for `answers` ({question id: choice id(s) or text}); InvalidInput otherwise.

    Error keys are `q<question id>`, as the answer form names its fields.
    """
    by_id = {q.pk: q for q in questions}
    errors: dict[str, list] = {}
    given: dict[int, Any] = {}
    for key, value in answers.items():
        try:
            question_id = int(key)
        except (TypeError, ValueError):
            question_id = None
        if question_id not in by_id:
            errors.setdefault("non_field_errors", []).append(
                _("An answer is for a question not in this survey.")
            )
            continue
        given[question_id] = value

    rows: list[SurveyAnswer] = []
    for question in questions:
        key = f"q{question.pk}"
        value = given.get(question.pk)
        if question.kind == QuestionKind.TEXT:
            text = _clean_text(value) if value is not None else ""
            if value is not None and not isinstance(value, str):
                errors[key] = [_("Answer in words.")]
            elif len(text) > TEXT_ANSWER_MAX:
                errors[key] = [_too_long(TEXT_ANSWER_MAX)]
            elif not text and question.required:
                errors[key] = [_("Please answer this question.")]
            elif text:
                rows.append(SurveyAnswer(question=question, text=text))
            continue
        ids = _ids(value)
        offered = {c.pk: c for c in question.choices.all()}
        if ids is None or any(i not in offered for i in ids):
            errors[key] = [_("Choose from the answers offered.")]
        elif len(set(ids)) != len(ids):
            errors[key] = [_("Choose each answer once.")]
        elif not ids and question.required:
            errors[key] = [_("Please answer this question.")]
        elif question.kind == QuestionKind.SINGLE and len(ids) > 1:
            errors[key] = [_("Choose one answer.")]
        else:
            rows.extend(SurveyAnswer(question=question, choice=offered[i]) for i in ids)
    if errors:
        raise InvalidInput(_("Some answers need another look."), fields=errors)
    return rows


@transaction.atomic
def survey_respond(*, actor, survey: Survey, answers: Mapping[Any, Any]) -> SurveyResponse:
    """Record a member's answers: `answers` maps question ids to a choice id, a list of choice ids
    (multiple choice) or a text. Once per person (`already_responded`), while the survey is open
    (`survey_not_open`), members only (`members_only`). Side effects: one response, its answers,
    the survey's response count (which from now on fixes its questions).
    """
    _signed_in(actor)
    locked = Survey.objects.select_for_update().filter(pk=survey.pk).first()
    if locked is None or locked.status == SurveyStatus.DRAFT:
        raise NotFound()
    if not Palace.objects.listed().filter(pk=locked.palace_id).exists():
        raise NotFound()
    if not locked.is_open_on(timezone.localdate()):
        raise RuleViolation(_("This survey is not taking answers now."), code="survey_not_open")
    if not actor.is_member:
        raise RuleViolation(
            _("Surveys are for trade-union members: add your membership number in your account first."),
            code="members_only",
        )
    if SurveyResponse.objects.filter(survey=locked, user=actor).exists():
        raise RuleViolation(_("You have already answered this survey. Thank you!"), code="already_responded")
    if not isinstance(answers, Mapping):
        raise InvalidInput(fields={"answers": [_("Give the answers per question.")]})
    rows = _answer_rows(list(locked.questions.prefetch_related("choices")), answers)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=locked, user=actor)
    except IntegrityError:
        raise RuleViolation(
            _("You have already answered this survey. Thank you!"), code="already_responded"
        ) from None
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    Survey.objects.filter(pk=locked.pk).update(response_count=F("response_count") + 1)
    return response
