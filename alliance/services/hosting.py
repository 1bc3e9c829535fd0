"""Hosting provincial events: calls with their eligibility and criteria (data, not code), palaces'
applications, reviews against the criteria, and decisions.

Provincial staff run calls, review and decide (`alliance.access.may_run_alliance`); palace staff
apply for and withdraw their own palace's applications (`may_apply_for_palace`). Everyone else:
`NotFound`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ActivityKind
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.models import Palace, Venue

from .. import access
from ..models import ApplicationReview, Campaign, HostingApplication, HostingCall
from .common import Errors, money, require_provincial, span_values, text_value
from .common import today as local_today
from .membership import is_member_on

AppStatus = HostingApplication.Status
ELIGIBILITY_KEYS = {"levels", "in_service", "member", "min_capacity"}


def _criteria(value) -> list[dict]:
    criteria = []
    for item in value or []:
        name = str(item.get("name", "")).strip() if isinstance(item, dict) else ""
        try:
            top = int(item.get("max", 0)) if isinstance(item, dict) else 0
        except (TypeError, ValueError):
            top = 0
        if not name or not 1 <= top <= 100:
            raise InvalidInput(
                _("Each criterion needs a name and a maximum score from 1 to 100."),
                fields={"criteria": [_("Check the criteria.")]},
            )
        criteria.append({"name": name[:100], "max": top})
    if not criteria:
        raise InvalidInput(_("Give at least one review criterion."), fields={"criteria": [_("Required.")]})
    return criteria


def _eligibility(value) -> dict:
    value = dict(value or {})
    unknown = set(value) - ELIGIBILITY_KEYS
    if unknown:
        raise InvalidInput(
            _("Unknown eligibility rules: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
            fields={"eligibility": [_("Check the rules.")]},
        )
    levels = [lvl for lvl in value.get("levels") or Palace.Level.values if lvl in Palace.Level.values]
    try:
        min_capacity = int(value.get("min_capacity") or 0)
    except (TypeError, ValueError):
        min_capacity = -1
    if min_capacity < 0:
        raise InvalidInput(
            _("Minimum capacity must be a whole number."), fields={"eligibility": [_("Check the rules.")]}
        )
    return {
        "levels": levels,
        "in_service": bool(value.get("in_service", True)),
        "member": bool(value.get("member", True)),
        "min_capacity": min_capacity,
    }


def eligibility_of(call: HostingCall) -> dict:
    """The call's eligibility rules with their defaults filled in (every level, in service,
    members only, no minimum capacity): what `call_ineligibility` applies and pages describe."""
    return _eligibility(call.eligibility)


def call_save(*, actor, call: HostingCall | None = None, **values: Any) -> HostingCall:
    """Create or change a hosting call (provincial staff). Eligibility and criteria are data.

    Once applications exist, the eligibility and criteria no longer change (`call_locked`), and
    the budget cannot drop below what is granted (`over_budget`).
    """
    require_provincial(actor)
    errors: Errors = {}
    title = text_value(values, "title", errors, _("Give the call a title."))
    if values.get("event_kind") not in ActivityKind.values:
        errors["event_kind"] = [_("Choose the kind of event.")]
    starts, ends = span_values(values, errors, _("Give the event window."))
    deadline = values.get("deadline")
    if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
        errors["deadline"] = [_("Give the closing time of applications.")]
    elif isinstance(starts, date) and timezone.localtime(deadline).date() > starts:
        errors["deadline"] = [_("Applications must close by the start of the event window.")]
    if errors:
        raise InvalidInput(_("Please correct the call."), fields=errors)
    budget = money(values.get("budget"), "budget")
    eligibility = _eligibility(values.get("eligibility"))
    criteria = _criteria(values.get("criteria"))
    with transaction.atomic():
        if call is not None:
            call = HostingCall.objects.select_for_update().get(pk=call.pk)
            if call.applications.exists() and (call.eligibility != eligibility or call.criteria != criteria):
                raise RuleViolation(
                    _("Palaces have applied: the eligibility and criteria can no longer change."),
                    code="call_locked",
                )
            granted = call.subsidies.aggregate(total=Sum("granted"))["total"] or Decimal(0)
            if budget < granted:
                raise RuleViolation(
                    _("%(granted)s yuan is already granted; the budget cannot be lower.")
                    % {"granted": granted},
                    code="over_budget",
                )
        call = call or HostingCall(created_by=actor)
        call.title, call.event_kind = title[:200], values["event_kind"]
        call.description = (values.get("description") or "").strip()
        call.starts_on, call.ends_on, call.deadline = starts, ends, deadline
        call.budget, call.eligibility, call.criteria = budget, eligibility, criteria
        campaign = values.get("campaign")
        call.campaign = campaign if isinstance(campaign, Campaign) else None
        call.save()
    return call


def call_open(*, actor, call: HostingCall, now: datetime | None = None) -> HostingCall:
    """Open a draft call for applications (provincial staff; others `NotFound`).

    A call only moves forward: draft → open → closed. A closed call is not reopened: palaces
    were told it closed, and its applications may already be decided and subsidised; a new
    round is a new call (`call_closed`). Opening an open call: `call_already_open`. The row is
    locked, so two officers pressing at once cannot both pass the check.
    """
    require_provincial(actor)
    now = now or timezone.now()
    with transaction.atomic():
        call = HostingCall.objects.select_for_update().get(pk=call.pk)
        if call.status == HostingCall.Status.CLOSED:
            raise RuleViolation(
                _("A closed call cannot be reopened; publish a new call instead."), code="call_closed"
            )
        if call.status == HostingCall.Status.OPEN:
            raise RuleViolation(_("The call is already open."), code="call_already_open")
        if call.deadline <= now:
            raise RuleViolation(_("The deadline has passed; set a later one first."), code="deadline_passed")
        call.status = HostingCall.Status.OPEN
        call.save(update_fields=["status"])
    return call


def call_close(*, actor, call: HostingCall) -> HostingCall:
    """Close an open call: no more applications (provincial staff; others `NotFound`).

    Only an open call closes (`call_not_open`): a draft was never announced, so it is edited or
    left as a draft, not closed. Under a row lock, like `call_open`.
    """
    require_provincial(actor)
    with transaction.atomic():
        call = HostingCall.objects.select_for_update().get(pk=call.pk)
        if call.status != HostingCall.Status.OPEN:
            raise RuleViolation(_("Only an open call can be closed."), code="call_not_open")
        call.status = HostingCall.Status.CLOSED
        call.save(update_fields=["status"])
    return call


def call_ineligibility(
    call: HostingCall, palace: Palace, *, today: date | None = None, member: bool | None = None
) -> list[str]:
    """Why `palace` may not apply to `call` (empty: it may). Read from the call's rules.

    The minimum capacity is the event's, stated in the application and checked there: a venue's
    bookable capacity (a court's players) says nothing of the audience an event can take.
    `member`: `is_member_on(palace, today)` when the caller already knows it (a page listing
    many calls reads it once).
    """
    today = today or local_today()
    rules = eligibility_of(call)
    reasons = []
    if palace.level not in rules["levels"]:
        levels = "、".join(str(Palace.Level(level).label) for level in rules["levels"])
        reasons.append(_("Open to %(levels)s palaces only.") % {"levels": levels})
    if rules["in_service"] and palace.status != Palace.Status.IN_SERVICE:
        reasons.append(_("The palace must be in service."))
    if rules["member"] and not (is_member_on(palace, today) if member is None else member):
        reasons.append(_("The palace must be an alliance member."))
    return reasons


def _application_values(*, call: HostingCall, palace: Palace, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    plan = (values.get("plan") or "").strip()
    if not plan:
        errors["plan"] = [_("Describe your plan.")]
    support = (values.get("support") or "").strip()
    if not support:
        errors["support"] = [_("Describe your support capability: staff, volunteers, equipment.")]
    venue = values.get("venue")
    if not isinstance(venue, Venue) or venue.palace_id != palace.pk or not venue.is_active:
        errors["venue"] = [_("Choose a venue of your palace.")]
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or capacity < 1:
        errors["capacity"] = [_("Give the number of people the event can take.")]
    minimum = eligibility_of(call)["min_capacity"]
    if isinstance(capacity, int) and minimum and capacity < minimum:
        errors["capacity"] = [_("The call asks for at least %(n)d people.") % {"n": minimum}]
    event_date = values.get("event_date")
    if not isinstance(event_date, date) or not call.starts_on <= event_date <= call.ends_on:
        errors["event_date"] = [
            _("Choose a date from %(start)s to %(end)s.") % {"start": call.starts_on, "end": call.ends_on}
        ]
    if errors:
        raise InvalidInput(_("Please correct the application."), fields=errors)
    requested = money(values.get("requested_subsidy"), "requested_subsidy")
    if requested > call.budget:
        message = _("The whole budget is %(budget)s yuan.") % {"budget": call.budget}
        raise InvalidInput(message, fields={"requested_subsidy": [message]})
    return {
        "plan": plan,
        "support": support,
        "venue": venue,
        "capacity": capacity,
        "event_date": event_date,
        "requested_subsidy": requested,
    }


def application_submit(
    *, actor, call: HostingCall, palace: Palace, now: datetime | None = None, **values: Any
) -> HostingApplication:
    """Apply to host. Staff of `palace` only (`NotFound`); one application per palace and call
    (`already_applied`; a withdrawn one may be submitted again before the deadline).

    Refusals (409): `call_not_open`, `deadline_passed`, `not_eligible` (with the reasons).
    """
    now = now or timezone.now()
    if not access.may_apply_for_palace(actor, palace):
        raise NotFound()
    if call.status == HostingCall.Status.DRAFT:
        raise NotFound()
    clean = _application_values(call=call, palace=palace, values=values)
    with transaction.atomic():
        call = HostingCall.objects.select_for_update().get(pk=call.pk)
        if call.status != HostingCall.Status.OPEN:
            raise RuleViolation(_("This call is not open for applications."), code="call_not_open")
        if now >= call.deadline:
            raise RuleViolation(_("The deadline for applications has passed."), code="deadline_passed")
        reasons = call_ineligibility(call, palace, today=timezone.localtime(now).date())
        if reasons:
            raise RuleViolation(" ".join(str(r) for r in reasons), code="not_eligible")
        existing = HostingApplication.objects.select_for_update().filter(call=call, palace=palace).first()
        if existing is not None and existing.status != AppStatus.WITHDRAWN:
            raise RuleViolation(_("Your palace has already applied to this call."), code="already_applied")
        application = existing or HostingApplication(call=call, palace=palace)
        for name, value in clean.items():
            setattr(application, name, value)
        application.status = AppStatus.SUBMITTED
        application.submitted_by, application.submitted_at = actor, now
        try:
            with transaction.atomic():
                application.save()
        except IntegrityError:
            raise RuleViolation(
                _("Your palace has already applied to this call."), code="already_applied"
            ) from None
    return application


def _locked(application: HostingApplication) -> HostingApplication:
    """The application afresh, its row locked for the transaction (its call read with it)."""
    return (
        HostingApplication.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=application.pk)
    )


def application_withdraw(
    *, actor, application: HostingApplication, now: datetime | None = None
) -> HostingApplication:
    """Withdraw before the deadline (staff of the palace); reviews already given are dropped."""
    now = now or timezone.now()
    if not access.may_apply_for_palace(actor, application.palace):
        raise NotFound()
    with transaction.atomic():
        application = _locked(application)
        if application.status != AppStatus.SUBMITTED:
            raise RuleViolation(_("Only a submitted application can be withdrawn."), code="not_withdrawable")
        if now >= application.call.deadline:
            raise RuleViolation(
                _("The deadline has passed; it can no longer be withdrawn."), code="deadline_passed"
            )
        application.status = AppStatus.WITHDRAWN
        application.save(update_fields=["status"])
        application.reviews.all().delete()
    return application


def application_review(
    *,
    actor,
    application: HostingApplication,
    scores: Sequence,
    comment: str = "",
    now: datetime | None = None,
) -> ApplicationReview:
    """A reviewer's scores against the call's criteria (provincial staff; after the deadline;
    a second review by the same reviewer replaces the first)."""
    require_provincial(actor)
    now = now or timezone.now()
    call = application.call
    if application.status != AppStatus.SUBMITTED:
        raise RuleViolation(_("Only submitted applications are reviewed."), code="not_under_review")
    if now < call.deadline:
        raise RuleViolation(_("Applications are reviewed after the deadline."), code="deadline_not_passed")
    criteria = call.criteria
    try:
        numbers = [Decimal(str(s)) for s in scores]
    except (InvalidOperation, TypeError, ValueError):
        numbers = []
    if len(numbers) != len(criteria) or any(
        not 0 <= n <= c["max"] for n, c in zip(numbers, criteria, strict=False)
    ):
        message = _("Give one score per criterion, from 0 to its maximum.")
        raise InvalidInput(message, fields={"scores": [message]})
    with transaction.atomic():
        review, _created = ApplicationReview.objects.update_or_create(
            application=application,
            reviewer=actor,
            defaults={
                "scores": [float(n) for n in numbers],
                "total": sum(numbers, Decimal(0)),
                "comment": (comment or "").strip()[:2000],
                "reviewed_at": now,
            },
        )
    return review


def application_decide(
    *,
    actor,
    application: HostingApplication,
    approve: bool,
    reason: str = "",
    event_title: str = "",
    now: datetime | None = None,
) -> HostingApplication:
    """Approve (it joins the public provincial event calendar) or decline with a reason.

    Provincial staff only; reviewed first (`not_reviewed`); decided once (`already_decided`).
    """
    require_provincial(actor)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not approve and not reason:
        message = _("Give the reason for declining; the palace will see it.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        application = _locked(application)
        if application.status != AppStatus.SUBMITTED:
            raise RuleViolation(_("This application has already been decided."), code="already_decided")
        if not application.reviews.exists():
            raise RuleViolation(_("Review the application before deciding."), code="not_reviewed")
        application.status = AppStatus.APPROVED if approve else AppStatus.DECLINED
        application.decision_reason = reason[:500]
        application.decided_by, application.decided_at = actor, now
        if approve:
            application.event_title = (event_title or "").strip()[:200] or application.call.title
        application.save()
    return application
