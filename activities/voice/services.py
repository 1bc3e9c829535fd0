"""State changes of worker voice: wishes, votes and the palace's answer; surveys and responses.

Who may do what (asked of `venues.access`, never checked by hand):
- Any signed-in user may propose a wish to a listed palace, vote for a wish and withdraw the vote.
- Staff who may manage the wish's or survey's palace (`access.may_manage_palace`) answer wishes
  and build, publish and close surveys. Anyone else gets `NotFound`, so nothing can be probed.
- Trade-union members (`user.is_member`) answer published surveys, once each.

Every function is one transaction and raises `palace_portal.errors`: bad input is `InvalidInput`
with `fields`, a rule saying no is `RuleViolation` with one of these codes:
`wish_closed`, `survey_closed`, `survey_has_responses`, `survey_not_draft`, `survey_not_published`,
`survey_not_open`, `survey_incomplete`, `members_only`, `already_responded`; too many wishes is
`RateLimited`. A refused call changes nothing.

Counters (`Wish.vote_count`, `Survey.response_count`) change with the rows they count, under the
parent's row lock, so they stay exact under concurrent votes and responses. The unique
constraints (one vote per user per wish, one response per user per survey) stay the guarantee.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.classes.models import Course
from activities.voice.models import (
    CHOICE_TEXT_MAX,
    QUESTION_TEXT_MAX,
    SURVEY_INTRO_MAX,
    SURVEY_TITLE_MAX,
    TEXT_ANSWER_MAX,
    WISH_ANSWER_MAX,
    WISH_DESCRIPTION_MAX,
    WISH_TITLE_MAX,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyChoice,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
    Wish,
    WishStatus,
    WishVote,
)
from bookings import notifications
from palace_portal import ratelimit
from palace_portal.errors import InvalidInput, NotFound, RateLimited, RuleViolation
from venues.kinds import Centre
from venues.models import Palace

# Wishes one person may propose per period (seconds), across every palace; settings may override.
DEFAULT_WISH_RATE = (5, 24 * 3600)
MAX_QUESTIONS = 40
MAX_CHOICES = 20
ANSWER_STATUSES = (WishStatus.PLANNED, WishStatus.DONE, WishStatus.DECLINED)


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound()


def _clean_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _too_long(limit: int) -> str:
    return _("At most %(limit)d characters.") % {"limit": limit}


# --- Wishes ---------------------------------------------------------------------------------------


def wish_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "VOICE_WISH_RATE", DEFAULT_WISH_RATE))


@transaction.atomic
def wish_create(*, actor, palace: Palace, title: str, description: str = "", centre: str = "") -> Wish:
    """Propose a class or activity to `palace` (a listed one); the author's vote is counted at once.

    Anyone signed in. Limited to `VOICE_WISH_RATE` wishes per person (default 5 a day) in the
    shared cache: `RateLimited` beyond. Side effects: one Wish and one WishVote row.
    """
    _signed_in(actor)
    if not Palace.objects.listed().filter(pk=palace.pk).exists():
        raise NotFound()
    title, description, centre = _clean_text(title), _clean_text(description), _clean_text(centre)
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_("Say what you would like, in a few words.")]
    elif len(title) > WISH_TITLE_MAX:
        errors["title"] = [_too_long(WISH_TITLE_MAX)]
    if len(description) > WISH_DESCRIPTION_MAX:
        errors["description"] = [_too_long(WISH_DESCRIPTION_MAX)]
    if centre and centre not in Centre.values:
        errors["centre"] = [_("Choose a valid centre.")]
    if errors:
        raise InvalidInput(fields=errors)

    # Counted after validation: a typo does not use up the allowance.
    limit, period = wish_rate()
    if ratelimit.is_limited(f"voice:wish:{actor.pk}", limit, period):
        raise RateLimited(
            _("You have proposed %(limit)d wishes recently, the most allowed. Please try again later.")
            % {"limit": limit}
        )
    wish = Wish.objects.create(
        palace=palace, author=actor, title=title, description=description, centre=centre, vote_count=1
    )
    WishVote.objects.create(wish=wish, user=actor)
    return wish


def _lock_wish(wish: Wish) -> Wish:
    locked = Wish.objects.select_for_update(of=("self",)).select_related("palace").filter(pk=wish.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _lock_public_wish(actor, wish: Wish) -> Wish:
    _signed_in(actor)
    locked = _lock_wish(wish)
    if not Palace.objects.listed().filter(pk=locked.palace_id).exists():
        raise NotFound()
    if not locked.is_votable:
        raise RuleViolation(
            _("This wish has been answered: votes are closed."),
            code="wish_closed",
        )
    return locked


@transaction.atomic
def wish_vote(*, actor, wish: Wish) -> Wish:
    """Add the actor's vote to an open or planned wish. Voting twice counts once (no error).

    Anyone signed in. `wish_closed` for a done or declined wish. Returns the wish with its count.
    """
    locked = _lock_public_wish(actor, wish)
    if not WishVote.objects.filter(wish=locked, user=actor).exists():
        try:
            with transaction.atomic():
                WishVote.objects.create(wish=locked, user=actor)
        except IntegrityError:
            # Another request of the same person won (possible where the row lock is advisory).
            pass
        else:
            Wish.objects.filter(pk=locked.pk).update(vote_count=F("vote_count") + 1)
    locked.refresh_from_db(fields=["vote_count"])
    return locked


@transaction.atomic
def wish_unvote(*, actor, wish: Wish) -> Wish:
    """Withdraw the actor's vote (the author's too). Without a vote, nothing happens.

    Anyone signed in; `wish_closed` once the wish is done or declined (its count is then history).
    """
    locked = _lock_public_wish(actor, wish)
    deleted, _rows = WishVote.objects.filter(wish=locked, user=actor).delete()
    if deleted:
        Wish.objects.filter(pk=locked.pk, vote_count__gte=deleted).update(
            vote_count=F("vote_count") - deleted
        )
    locked.refresh_from_db(fields=["vote_count"])
    return locked


@transaction.atomic
def wish_answer(*, actor, wish: Wish, status: str, answer: str = "", course: Course | None = None) -> Wish:
    """The palace answers a wish: `planned` (say what and when), `done` (link the course it became,
    or say where it is), or `declined` (the reason is required). May be given again (planned, then
    done). Staff of the wish's palace only; anyone else `NotFound`.
    """
    _require_manager(actor, wish.palace)
    answer = _clean_text(answer)
    errors: dict[str, list] = {}
    if status not in ANSWER_STATUSES:
        errors["status"] = [_("Choose planned, done or declined.")]
    if len(answer) > WISH_ANSWER_MAX:
        errors["answer"] = [_too_long(WISH_ANSWER_MAX)]
    elif status == WishStatus.PLANNED and not answer:
        errors["answer"] = [_("Say what is planned, and when.")]
    elif status == WishStatus.DECLINED and not answer:
        errors["answer"] = [_("Give the reason: the worker who asked will read it.")]
    elif status == WishStatus.DONE and not answer and course is None:
        errors["answer"] = [_("Link the course it became, or say where workers find it.")]
    if course is not None and status == WishStatus.DONE and course.palace_id != wish.palace_id:
        errors["course"] = [_("This course belongs to another palace.")]
    if errors:
        raise InvalidInput(fields=errors)

    locked = _lock_wish(wish)
    locked.status = status
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.course = course if status == WishStatus.DONE else None
    fields = ["status", "answer", "answered_by", "answered_at", "course"]
    locked.save(update_fields=fields)
    # The worker who asked hears the answer (the outbox, in this transaction).
    notifications.notify(user=locked.author, kind="wish_answered", extra={"wish": locked})
    return locked


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
