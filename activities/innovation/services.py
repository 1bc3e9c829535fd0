"""Every write of innovation: studios and the alliance, mentors, and the problem clinic.

Keyword-only functions, one transaction each; they check the actor themselves and raise the
project's domain errors. A problem moves open → taken → solved | unsolved; every move is a
conditional UPDATE on the status it starts from, so of two mentors taking the same problem at once
exactly one wins and the other is told it was taken.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.users.models import User, normalize_phone
from venues.models import Palace

from . import access
from .models import (
    DESCRIPTION_MAX,
    FIRST_YEAR,
    NAME_MAX,
    NOTE_MAX,
    TITLE_MAX,
    GuidanceForm,
    GuidanceSession,
    InnovationField,
    Mentor,
    PosterKind,
    Problem,
    ProblemStatus,
    Studio,
    StudioKind,
    StudioMembership,
)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _too_long(limit: int) -> str:
    return _("At most %(limit)d characters.") % {"limit": limit}


def _must_manage(actor, palace: Palace) -> None:
    if not access.may_manage_clinic(actor, palace):
        raise NotFound()


def _required(errors: dict, name: str, value: str, limit: int) -> None:
    if not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > limit:
        errors[name] = [_too_long(limit)]


# --- Studios and the alliance -----------------------------------------------------------------------


@transaction.atomic
def studio_save(
    *,
    actor,
    palace: Palace,
    name: str,
    kind: str,
    leader_name: str,
    field: str,
    founded_year: int,
    leader_title: str = "",
    enterprise: str = "",
    studio: Studio | None = None,
) -> Studio:
    """Create (or, with `studio`, edit) a studio of `palace`. Staff acting for the palace only."""
    _must_manage(actor, palace)
    if studio is not None and studio.palace_id != palace.pk:
        raise NotFound()
    name, leader_name, leader_title, enterprise = (
        _text(name),
        _text(leader_name),
        _text(leader_title),
        _text(enterprise),
    )
    errors: dict[str, list] = {}
    _required(errors, "name", name, NAME_MAX)
    _required(errors, "leader_name", leader_name, 40)
    if len(leader_title) > 60:
        errors["leader_title"] = [_too_long(60)]
    if len(enterprise) > NAME_MAX:
        errors["enterprise"] = [_too_long(NAME_MAX)]
    if kind not in StudioKind.values:
        errors["kind"] = [_("Choose a valid kind.")]
    if field not in InnovationField.values:
        errors["field"] = [_("Choose a valid field.")]
    if not isinstance(founded_year, int) or not FIRST_YEAR <= founded_year <= timezone.localdate().year:
        errors["founded_year"] = [_("A year from %(first)d to this year.") % {"first": FIRST_YEAR}]
    clash = Studio.objects.filter(palace=palace, name=name)
    if studio is not None:
        clash = clash.exclude(pk=studio.pk)
    if name and clash.exists():
        errors["name"] = [_("This palace already lists a studio of that name.")]
    if errors:
        raise InvalidInput(fields=errors)
    studio = studio or Studio(palace=palace)
    for attr, value in {
        "name": name,
        "kind": kind,
        "leader_name": leader_name,
        "leader_title": leader_title,
        "enterprise": enterprise,
        "field": field,
        "founded_year": founded_year,
    }.items():
        setattr(studio, attr, value)
    studio.save()
    return studio


@transaction.atomic
def studio_join(*, actor, studio: Studio, joined_on: date) -> StudioMembership:
    """`studio` joins its palace's alliance on `joined_on`. Refused while it is a member."""
    _must_manage(actor, studio.palace)
    Studio.objects.select_for_update().filter(pk=studio.pk).first()
    if joined_on > timezone.localdate():
        raise InvalidInput(fields={"joined_on": [_("Not in the future.")]})
    if studio.memberships.filter(left_on__isnull=True).exists():
        raise RuleViolation(_("This studio is already in the alliance."), code="already_member")
    if studio.memberships.filter(left_on__gt=joined_on).exists():
        raise InvalidInput(fields={"joined_on": [_("The studio was a member until after that day.")]})
    try:
        with transaction.atomic():
            return StudioMembership.objects.create(
                palace_id=studio.palace_id, studio=studio, joined_on=joined_on
            )
    except IntegrityError:
        raise RuleViolation(_("This studio is already in the alliance."), code="already_member") from None


@transaction.atomic
def studio_leave(*, actor, studio: Studio, left_on: date) -> StudioMembership:
    """`studio` leaves the alliance on `left_on` (not before it joined, not in the future)."""
    _must_manage(actor, studio.palace)
    membership = studio.memberships.select_for_update().filter(left_on__isnull=True).first()
    if membership is None:
        raise RuleViolation(_("This studio is not in the alliance."), code="not_member")
    if left_on < membership.joined_on or left_on > timezone.localdate():
        raise InvalidInput(fields={"left_on": [_("From the day it joined to today.")]})
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    return membership


# --- Mentors --------------------------------------------------------------------------------------


@transaction.atomic
def mentor_save(
    *,
    actor,
    palace: Palace,
    name: str,
    field: str,
    title: str = "",
    specialty: str = "",
    studio: Studio | None = None,
    available: bool = True,
    availability: str = "",
    account_phone: str = "",
    appointed_on: date | None = None,
    active: bool = True,
    mentor: Mentor | None = None,
) -> Mentor:
    """Appoint (or, with `mentor`, edit) a mentor of `palace`. `account_phone` links the mentor to
    an existing account so that they sign in and take problems themselves; empty: no account,
    staff act for them. Staff acting for the palace only."""
    _must_manage(actor, palace)
    if mentor is not None and mentor.palace_id != palace.pk:
        raise NotFound()
    name, title, specialty, availability = _text(name), _text(title), _text(specialty), _text(availability)
    errors: dict[str, list] = {}
    _required(errors, "name", name, 40)
    for attr, value, limit in (
        ("title", title, 60),
        ("specialty", specialty, 200),
        ("availability", availability, 100),
    ):
        if len(value) > limit:
            errors[attr] = [_too_long(limit)]
    if field not in InnovationField.values:
        errors["field"] = [_("Choose a valid field.")]
    if studio is not None and studio.palace_id != palace.pk:
        errors["studio"] = [_("A studio of this palace.")]
    user = None
    phone = _text(account_phone)
    if phone:
        user = User.objects.filter(phone=normalize_phone(phone)).first()
        if user is None:
            errors["account_phone"] = [_("No account has this mobile number.")]
        else:
            linked = Mentor.objects.filter(user=user)
            if mentor is not None:
                linked = linked.exclude(pk=mentor.pk)
            if linked.exists():
                errors["account_phone"] = [_("This account is already linked to another mentor.")]
    if errors:
        raise InvalidInput(fields=errors)
    mentor = mentor or Mentor(palace=palace)
    for attr, value in {
        "name": name,
        "title": title,
        "field": field,
        "specialty": specialty,
        "studio": studio,
        "available": bool(available),
        "availability": availability,
        "user": user,
        "appointed_on": appointed_on,
        "active": bool(active),
    }.items():
        setattr(mentor, attr, value)
    mentor.save()
    return mentor


# --- The problem clinic ---------------------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    actor,
    palace: Palace,
    title: str,
    field: str,
    description: str,
    poster_kind: str = PosterKind.WORKER,
    enterprise: str = "",
    public: bool = False,
) -> Problem:
    """A signed-in worker or enterprise contact posts a technical problem to a listed palace."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound()
    if not Palace.objects.listed().filter(pk=palace.pk).exists():
        raise NotFound()
    title, description, enterprise = _text(title), _text(description), _text(enterprise)
    errors: dict[str, list] = {}
    _required(errors, "title", title, TITLE_MAX)
    _required(errors, "description", description, DESCRIPTION_MAX)
    if field not in InnovationField.values:
        errors["field"] = [_("Choose a valid field.")]
    if poster_kind not in PosterKind.values:
        errors["poster_kind"] = [_("Choose a valid value.")]
    elif poster_kind == PosterKind.ENTERPRISE and not enterprise:
        errors["enterprise"] = [_("Name the enterprise you post for.")]
    if len(enterprise) > NAME_MAX:
        errors["enterprise"] = [_too_long(NAME_MAX)]
    if errors:
        raise InvalidInput(fields=errors)
    now = timezone.now()
    return Problem.objects.create(
        palace=palace,
        poster=actor,
        poster_kind=poster_kind,
        enterprise=enterprise,
        title=title,
        field=field,
        description=description,
        public=bool(public),
        created_at=now,
        posted_on=timezone.localdate(now),
    )


def _refused_move(problem: Problem) -> RuleViolation:
    current = Problem.objects.filter(pk=problem.pk).values_list("status", flat=True).first()
    if current == ProblemStatus.TAKEN:
        return RuleViolation(_("Another mentor has already taken this problem."), code="problem_taken")
    if current in Problem.CLOSED:
        return RuleViolation(_("This problem is closed."), code="problem_closed")
    return RuleViolation(_("This problem has not been taken yet."), code="problem_not_taken")


@transaction.atomic
def problem_take(*, actor, problem: Problem, mentor: Mentor | None = None) -> Problem:
    """A mentor takes an open problem of their palace; staff acting for the palace may take it for
    any active mentor of it (`mentor`). The mentor must be taking problems. Exactly one of two
    simultaneous takes wins: the other gets `problem_taken` (409)."""
    if not access.may_take(actor, problem):
        raise NotFound()
    if mentor is None:
        mentor = access.mentor_of(actor)
        if mentor is None:
            raise InvalidInput(fields={"mentor": [_("Choose the mentor who takes it.")]})
    elif not access.may_manage_clinic(actor, problem.palace) and mentor.user_id != actor.pk:
        # A mentor takes for themselves only.
        raise NotFound()
    if mentor.palace_id != problem.palace_id or not mentor.active:
        raise InvalidInput(fields={"mentor": [_("A mentor of this palace.")]})
    if not mentor.available:
        raise RuleViolation(_("This mentor is not taking problems at the moment."), code="mentor_unavailable")
    now = timezone.now()
    won = Problem.objects.filter(pk=problem.pk, status=ProblemStatus.OPEN).update(
        status=ProblemStatus.TAKEN, mentor=mentor, taken_at=now, taken_by=actor
    )
    if not won:
        raise _refused_move(problem)
    problem.refresh_from_db()
    return problem


@transaction.atomic
def guidance_record(*, actor, problem: Problem, day: date, form: str, note: str = "") -> GuidanceSession:
    """Record a guidance session the problem's mentor gave (by the mentor, or staff for them).
    Only while the problem is taken; the day lies between its posting and today."""
    if not access.may_act_on(actor, problem):
        raise NotFound()
    locked = Problem.objects.select_for_update().get(pk=problem.pk)
    if locked.status != ProblemStatus.TAKEN:
        raise _refused_move(locked)
    note = _text(note)
    errors: dict[str, list] = {}
    if form not in GuidanceForm.values:
        errors["form"] = [_("Choose on site or online.")]
    if not isinstance(day, date) or day < locked.posted_on or day > timezone.localdate():
        errors["date"] = [_("From the day the problem was posted to today.")]
    if len(note) > NOTE_MAX:
        errors["note"] = [_too_long(NOTE_MAX)]
    if errors:
        raise InvalidInput(fields=errors)
    return GuidanceSession.objects.create(
        palace_id=locked.palace_id,
        problem=locked,
        mentor_id=locked.mentor_id,
        date=day,
        form=form,
        note=note,
        recorded_by=actor,
    )


@transaction.atomic
def problem_close(*, actor, problem: Problem, solved: bool, outcome: str) -> Problem:
    """End a taken problem as solved or not solved, with a short note (by its mentor or staff)."""
    if not access.may_act_on(actor, problem):
        raise NotFound()
    outcome = _text(outcome)
    errors: dict[str, list] = {}
    _required(errors, "outcome", outcome, NOTE_MAX)
    if errors:
        raise InvalidInput(fields=errors)
    status = ProblemStatus.SOLVED if solved else ProblemStatus.UNSOLVED
    done = Problem.objects.filter(pk=problem.pk, status=ProblemStatus.TAKEN).update(
        status=status, outcome=outcome, closed_on=timezone.localdate()
    )
    if not done:
        raise _refused_move(problem)
    problem.refresh_from_db()
    return problem
