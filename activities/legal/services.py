"""Writes of legal help: a worker opens a case, legal-service staff move it on, every read recorded.

Each service is one transaction; refusals are the project's domain errors. A case someone may not
read raises NotFound (pages and the API answer 404, so case numbers cannot be probed).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.models import Palace

from .access import may_handle_case, may_read_case
from .models import (
    OUTCOMES_FROM,
    STAGE_ORDER,
    CaseKind,
    CaseRead,
    CaseStep,
    ContactPreference,
    LegalCase,
    Outcome,
    Stage,
)

MAX_OPEN_CASES = 3  # per worker and palace: enough for real trouble, not a way to flood the staff
DESCRIPTION_MAX = 1000


def _invalid(field: str, message: str):
    return InvalidInput(message, fields={field: [message]})


def case_create(
    *,
    actor,
    palace: Palace,
    kind: str,
    description: str,
    employer: str = "",
    contact: str = ContactPreference.PHONE,
    now: datetime | None = None,
) -> LegalCase:
    """A worker asks the palace for legal help or mediation: a case at intake, dated today.

    Who may call: any signed-in, active person, for a palace the directory lists (NotFound
    otherwise). Refused (RuleViolation `too_many_open_cases`) beyond `MAX_OPEN_CASES` open cases of
    theirs at the palace. Invalid input: `kind`, `contact`, an empty or long `description`.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound()
    if not Palace.objects.listed().filter(pk=palace.pk).exists():
        raise NotFound()
    if kind not in CaseKind.values:
        raise _invalid("kind", _("Choose what the matter is about."))
    if contact not in ContactPreference.values:
        raise _invalid("contact", _("Choose how we should reach you."))
    description = (description or "").strip()
    if not description:
        raise _invalid("description", _("Describe briefly what happened."))
    if len(description) > DESCRIPTION_MAX:
        raise _invalid("description", _("Keep the description under 1,000 characters."))
    employer = (employer or "").strip()
    if len(employer) > 100:
        raise _invalid("employer", _("Keep the employer's name under 100 characters."))
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        # Serialise a worker's own requests (a double tap): lock their open cases at the palace.
        open_cases = list(
            LegalCase.objects.select_for_update().filter(palace=palace, user=actor).open().values_list("pk")
        )
        if len(open_cases) >= MAX_OPEN_CASES:
            raise RuleViolation(
                _("You already have %(n)d open cases at this palace: the staff will contact you.")
                % {"n": len(open_cases)},
                code="too_many_open_cases",
            )
        case = LegalCase.objects.create(
            palace=palace,
            user=actor,
            kind=kind,
            description=description,
            employer=employer,
            contact=contact,
            opened_on=today,
            created_at=now,
        )
        CaseStep.objects.create(case=case, stage=Stage.INTAKE, on=today, actor=actor, created_at=now)
    return case


def _check_step(case: LegalCase, stage: str, outcome: str, on: date, today: date, last: date | None) -> None:
    if not case.is_open:
        raise RuleViolation(_("This case is closed."), code="case_closed")
    if stage not in Stage.values:
        raise _invalid("stage", _("Choose a stage."))
    if stage == Stage.CLOSED:
        allowed = OUTCOMES_FROM[case.stage]
        if outcome not in allowed:
            labels = "、".join(str(Outcome(o).label) for o in allowed)
            raise _invalid("outcome", _("From this stage a case closes with: %(list)s.") % {"list": labels})
    else:
        if outcome:
            raise _invalid("outcome", _("Only closing a case records an outcome."))
        if STAGE_ORDER[stage] <= STAGE_ORDER[case.stage]:
            raise RuleViolation(
                _("A case moves forward only: from %(stage)s it goes on to a later stage or closes.")
                % {"stage": Stage(case.stage).label},
                code="illegal_transition",
            )
    if on > today:
        raise _invalid("on", _("A step cannot be dated in the future."))
    if last is not None and on < last:
        raise _invalid("on", _("A step cannot be dated before the case's previous step."))


def case_advance(
    *,
    actor,
    case: LegalCase,
    stage: str,
    outcome: str = "",
    on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> LegalCase:
    """Move a case to a later stage (mediation, arbitration, litigation) or close it with an
    outcome, dated `on` (default today) with a note.

    Who may call: the palace's legal-service staff (NotFound for anyone else). Refused: a closed
    case (`case_closed`), a stage not after the current one (`illegal_transition`), an outcome
    that does not fit the stage closed from, a date in the future or before the previous step.
    The case row is locked, so two staff moving it at once apply one after the other.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    on = on or today
    note = (note or "").strip()[:500]
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().select_related("palace").filter(pk=case.pk).first()
        if case is None or not may_handle_case(actor, case):
            raise NotFound()
        last = case.steps.order_by("-on").values_list("on", flat=True).first()
        _check_step(case, stage, outcome, on, today, last)
        case.stage = stage
        if stage == Stage.CLOSED:
            case.outcome, case.closed_on = outcome, on
        case.save(update_fields=["stage", "outcome", "closed_on"])
        CaseStep.objects.create(
            case=case, stage=stage, outcome=outcome, on=on, note=note, actor=actor, created_at=now
        )
    return case


def case_withdraw(*, actor, case: LegalCase, note: str = "", now: datetime | None = None) -> LegalCase:
    """The worker concerned withdraws their open case (closed, outcome withdrawn, dated today).

    Who may call: the worker who opened it (NotFound for anyone else); RuleViolation `case_closed`.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        case = LegalCase.objects.select_for_update().filter(pk=case.pk, user=actor).first()
        if case is None or actor is None or not actor.is_authenticated:
            raise NotFound()
        if not case.is_open:
            raise RuleViolation(_("This case is closed."), code="case_closed")
        case.stage, case.outcome, case.closed_on = Stage.CLOSED, Outcome.WITHDRAWN, today
        case.save(update_fields=["stage", "outcome", "closed_on"])
        CaseStep.objects.create(
            case=case,
            stage=Stage.CLOSED,
            outcome=Outcome.WITHDRAWN,
            on=today,
            note=(note or "").strip()[:500],
            actor=actor,
            created_at=now,
        )
    return case


def case_read(*, reader, case: LegalCase, via: str = CaseRead.Via.PAGE) -> LegalCase:
    """Show one case to `reader`: refused (NotFound) unless they may read it; the read recorded."""
    if not may_read_case(reader, case):
        raise NotFound()
    CaseRead.objects.create(case=case, palace_id=case.palace_id, reader=reader, via=via)
    return case


def cases_read(*, reader, cases: Iterable[LegalCase], via: str = CaseRead.Via.LIST) -> None:
    """Record that a list showed `cases` to `reader` (one insert); each must be readable by them."""
    cases = list(cases)
    if any(not may_read_case(reader, c) for c in cases):
        raise NotFound()
    CaseRead.objects.bulk_create(
        [CaseRead(case=c, palace_id=c.palace_id, reader=reader, via=via) for c in cases]
    )
