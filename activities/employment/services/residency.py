"""The maker residency of the entrepreneurship centre (创业孵化): people apply for a free place,
the palace's staff accept (with a period) or refuse (with a reason); the support a resident got
(a loan-interest subsidy, a grant …) is recorded per resident."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.employment.models import ResidencyApplication, ResidencyStatus, ResidencySupport, SupportKind
from palace_portal.errors import NotFound, RuleViolation
from venues.models import Palace

from ._common import bounded_int, is_date, money, refuse_if, require_manager

MAX_SUPPORT = Decimal("10000000")
MAX_PERIOD_DAYS = 3 * 366


def residency_apply(
    *,
    user,
    palace: Palace,
    project: str,
    description: str = "",
    team_size: int = 1,
    now: datetime | None = None,
) -> ResidencyApplication:
    """A signed-in person applies for a place; one open application per person and palace."""
    now = now or timezone.now()
    if not Palace.objects.listed().filter(pk=palace.pk).exists():
        raise NotFound()
    errors: dict[str, list[str]] = {}
    project = str(project or "").strip()[:200]
    if not project:
        errors["project"] = [_("Name your project.")]
    size = bounded_int(team_size, 1, 100)
    if size is None:
        errors["team_size"] = [_("A team of 1 to 100 people.")]
    refuse_if(errors)
    already = RuleViolation(
        _("You have an application waiting for a decision at this palace."), code="already_applied"
    )
    if ResidencyApplication.objects.filter(palace=palace, user=user, status=ResidencyStatus.APPLIED).exists():
        raise already
    try:
        with transaction.atomic():
            return ResidencyApplication.objects.create(
                palace=palace,
                user=user,
                project=project,
                description=str(description or "").strip(),
                team_size=size,
                created_at=now,
            )
    except IntegrityError:
        raise already from None


def _locked(residency: ResidencyApplication) -> ResidencyApplication:
    return (
        ResidencyApplication.objects.select_for_update(of=("self",))
        .select_related("palace")
        .get(pk=residency.pk)
    )


def residency_withdraw(*, user, residency: ResidencyApplication, now: datetime | None = None):
    """The applicant withdraws an application still waiting for a decision."""
    if residency.user_id != user.pk:
        raise NotFound()
    with transaction.atomic():
        residency = _locked(residency)
        if residency.status != ResidencyStatus.APPLIED:
            raise RuleViolation(_("The application has been decided already."), code="already_decided")
        residency.status = ResidencyStatus.WITHDRAWN
        residency.decided_at = now or timezone.now()
        residency.save(update_fields=["status", "decided_at"])
    return residency


def residency_decide(
    *,
    actor,
    residency: ResidencyApplication,
    accept: bool,
    starts_on: date | None = None,
    ends_on: date | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> ResidencyApplication:
    """Staff of the palace accept (a period from `starts_on` to `ends_on`, at most three years)
    or refuse (a reason the applicant reads)."""
    now = now or timezone.now()
    require_manager(actor, residency.palace)
    errors: dict[str, list[str]] = {}
    reason = str(reason or "").strip()[:300]
    if accept:
        if not is_date(starts_on):
            errors["starts_on"] = [_("Give the first day of the residency.")]
        if not is_date(ends_on):
            errors["ends_on"] = [_("Give the last day of the residency.")]
        elif is_date(starts_on) and ends_on < starts_on:
            errors["ends_on"] = [_("The last day cannot be before the first.")]
        elif is_date(starts_on) and (ends_on - starts_on).days > MAX_PERIOD_DAYS:
            errors["ends_on"] = [_("A residency lasts at most three years.")]
    elif not reason:
        errors["reason"] = [_("Say why the application is refused; the applicant will read it.")]
    refuse_if(errors)
    with transaction.atomic():
        residency = _locked(residency)
        if residency.status != ResidencyStatus.APPLIED:
            raise RuleViolation(
                _("The application has been decided or withdrawn already."), code="already_decided"
            )
        residency.status = ResidencyStatus.ACCEPTED if accept else ResidencyStatus.REFUSED
        residency.starts_on, residency.ends_on = (starts_on, ends_on) if accept else (None, None)
        residency.reason = reason
        residency.decided_at, residency.decided_by = now, actor
        residency.save()
    return residency


def support_record(
    *,
    actor,
    residency: ResidencyApplication,
    kind: str,
    amount,
    granted_on: date,
    note: str = "",
    now: datetime | None = None,
) -> ResidencySupport:
    """Staff record support a resident got (amount in yuan, the day, a note)."""
    now = now or timezone.now()
    require_manager(actor, residency.palace)
    errors: dict[str, list[str]] = {}
    if kind not in SupportKind.values:
        errors["kind"] = [_("Choose the kind of support.")]
    value = money(amount, MAX_SUPPORT)
    if value is None:
        errors["amount"] = [_("An amount in yuan from 0 to 10,000,000, at most two decimals.")]
    if not is_date(granted_on):
        errors["granted_on"] = [_("Give the day the support was granted.")]
    elif granted_on > timezone.localdate(now):
        errors["granted_on"] = [_("Support cannot be dated in the future.")]
    refuse_if(errors)
    if residency.status != ResidencyStatus.ACCEPTED:
        raise RuleViolation(_("Support is recorded for residents only."), code="not_resident")
    with transaction.atomic():
        return ResidencySupport.objects.create(
            palace_id=residency.palace_id,
            residency=residency,
            kind=kind,
            amount=value,
            granted_on=granted_on,
            note=str(note or "").strip()[:300],
            recorded_by=actor,
        )
