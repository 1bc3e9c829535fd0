"""Applying for a job and what follows: withdrawing, interviews, the decision (placed or not).

One application per person and posting: the database's unique constraint decides between two
applies that race; the loser is told it applied already (`already_applied`, 409).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.employment.models import (
    ApplicationStatus,
    Interview,
    InterviewOutcome,
    JobApplication,
    JobPosting,
    PostingState,
)
from palace_portal.errors import NotFound, RuleViolation

from ._common import is_date, refuse_if, require_manager


def apply_refusal(user, posting: JobPosting, *, today: date) -> str:
    """Why `user` cannot apply to `posting` now (empty: they can), said before the tap."""
    if posting.state == PostingState.CLOSED:
        return _("This posting is closed.")
    if posting.state != PostingState.PUBLISHED:
        return _("This posting is not published.")
    if posting.valid_until < today:
        return _("This posting has expired.")
    if user.is_authenticated and JobApplication.objects.filter(posting=posting, user=user).exists():
        return _("You have applied already.")
    return ""


def job_apply(*, user, posting: JobPosting, note: str = "", now: datetime | None = None) -> JobApplication:
    """The signed-in `user` applies to a published posting still valid today.

    Raises `NotFound` for a draft, `RuleViolation` with `posting_closed`, `posting_expired` or
    `already_applied` (also when another request of the same person won the race).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if posting.state == PostingState.DRAFT:
        raise NotFound()
    if posting.state == PostingState.CLOSED:
        raise RuleViolation(_("This posting is closed."), code="posting_closed")
    if posting.valid_until < today:
        raise RuleViolation(_("This posting has expired."), code="posting_expired")
    already = RuleViolation(_("You have applied already."), code="already_applied")
    if JobApplication.objects.filter(posting=posting, user=user).exists():
        raise already
    try:
        with transaction.atomic():
            return JobApplication.objects.create(
                palace_id=posting.palace_id,
                posting=posting,
                user=user,
                note=str(note or "").strip()[:300],
                created_at=now,
                local_date=today,
            )
    except IntegrityError:
        raise already from None


def _locked(application: JobApplication) -> JobApplication:
    return (
        JobApplication.objects.select_for_update(of=("self",))
        .select_related("posting", "palace")
        .get(pk=application.pk)
    )


def application_withdraw(*, user, application: JobApplication, now: datetime | None = None) -> JobApplication:
    """The applicant withdraws before a decision (placed or not taken)."""
    now = now or timezone.now()
    if application.user_id != user.pk:
        raise NotFound()
    with transaction.atomic():
        application = _locked(application)
        if not application.undecided:
            raise RuleViolation(
                _("The application has been decided or withdrawn already."), code="already_decided"
            )
        application.status = ApplicationStatus.WITHDRAWN
        application.decided_at = now
        application.save(update_fields=["status", "decided_at"])
    return application


def interview_record(
    *, actor, application: JobApplication, held_on: date, outcome: str, note: str = ""
) -> Interview:
    """Staff of the posting's palace record an interview (its date and outcome)."""
    require_manager(actor, application.palace)
    errors: dict[str, list[str]] = {}
    if not is_date(held_on):
        errors["held_on"] = [_("Give the interview's date.")]
    if outcome not in InterviewOutcome.values:
        errors["outcome"] = [_("Choose an outcome.")]
    refuse_if(errors)
    with transaction.atomic():
        application = _locked(application)
        if not application.undecided:
            raise RuleViolation(
                _("The application has been decided or withdrawn already."), code="already_decided"
            )
        interview = Interview.objects.create(
            palace_id=application.palace_id,
            application=application,
            held_on=held_on,
            outcome=outcome,
            note=str(note or "").strip()[:300],
            recorded_by=actor,
        )
        if application.status == ApplicationStatus.APPLIED:
            application.status = ApplicationStatus.INTERVIEW
            application.save(update_fields=["status"])
    return interview


def application_decide(
    *,
    actor,
    application: JobApplication,
    placed: bool,
    placed_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> JobApplication:
    """Staff record the outcome: placed (with the day the person started) or not taken."""
    now = now or timezone.now()
    require_manager(actor, application.palace)
    if placed and not is_date(placed_on):
        refuse_if({"placed_on": [_("Give the day the person was placed.")]})
    if placed and placed_on > timezone.localdate(now):
        refuse_if({"placed_on": [_("A placement cannot be dated in the future.")]})
    with transaction.atomic():
        application = _locked(application)
        if not application.undecided:
            raise RuleViolation(
                _("The application has been decided or withdrawn already."), code="already_decided"
            )
        application.status = ApplicationStatus.PLACED if placed else ApplicationStatus.REJECTED
        application.placed_on = placed_on if placed else None
        application.decided_at = now
        application.decision_note = str(note or "").strip()[:300]
        application.save(update_fields=["status", "placed_on", "decided_at", "decision_note"])
    return application
