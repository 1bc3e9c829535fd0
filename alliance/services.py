"""State changes of the alliance: membership, rotations, campaigns and their tags, hosting calls,
applications, reviews, decisions and subsidies.

Provincial officers run the alliance (`venues.access.may_run_alliance`); palace staff apply for,
and tag the work of, their own palace only (`may_apply_for_palace`). Everyone else: `NotFound`.
Every function is one transaction and raises `palace_portal.errors` with a machine code.
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

from activities.models import Activity, ActivityKind, Course, Event
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues import access
from venues.models import Palace, Venue

from .models import (
    ApplicationReview,
    Campaign,
    CampaignTag,
    HostingApplication,
    HostingCall,
    Membership,
    RotationTerm,
    Subsidy,
)

AppStatus = HostingApplication.Status
MONEY = Decimal("0.01")


def _require_provincial(actor) -> None:
    if not access.may_run_alliance(actor):
        raise NotFound()


def _today() -> date:
    return timezone.localdate()


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(MONEY)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or amount < 0 or amount > Decimal("9999999999"):
        message = _("Give an amount in yuan, not negative.")
        raise InvalidInput(message, fields={field: [message]})
    return amount


def _required_text(value, field: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, fields={field: [message]})
    return text[:limit]


# --- Membership -------------------------------------------------------------------------------------


def _sync_flag(palace: Palace, *, today: date) -> None:
    member = Membership.objects.filter(palace=palace, joined_on__lte=today, left_on__isnull=True).exists()
    if palace.alliance_member != member:
        Palace.objects.filter(pk=palace.pk).update(alliance_member=member)
        palace.alliance_member = member


def membership_join(*, actor, palace: Palace, joined_on: date, founding: bool = False) -> Membership:
    """Record that `palace` joined on `joined_on` (not in the future; after any earlier leaving).

    Refusals: `already_member` (an open membership), `not_in_service` (planned or closed palaces).
    """
    _require_provincial(actor)
    today = _today()
    if not isinstance(joined_on, date) or joined_on > today:
        message = _("Give the date of joining; it cannot be in the future.")
        raise InvalidInput(message, fields={"joined_on": [message]})
    if palace.status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        raise RuleViolation(_("Only a palace that exists and is not closed can join."), code="not_in_service")
    with transaction.atomic():
        Palace.objects.select_for_update().filter(pk=palace.pk).values_list("pk", flat=True).first()
        if Membership.objects.filter(palace=palace, left_on__isnull=True).exists():
            raise RuleViolation(_("This palace is already a member."), code="already_member")
        last = Membership.objects.filter(palace=palace).order_by("-left_on").first()
        if last is not None and last.left_on and joined_on < last.left_on:
            message = _("The palace left on %(date)s; it can only rejoin after that.") % {
                "date": last.left_on
            }
            raise InvalidInput(message, fields={"joined_on": [message]})
        membership = Membership.objects.create(palace=palace, joined_on=joined_on, founding=bool(founding))
        _sync_flag(palace, today=today)
    return membership


def membership_leave(*, actor, palace: Palace, left_on: date, reason: str) -> Membership:
    """Record that `palace` left on `left_on` (after joining, not in the future), with a reason."""
    _require_provincial(actor)
    reason = _required_text(reason, "reason", _("Say why the palace leaves."), 300)
    today = _today()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(palace=palace, left_on__isnull=True).first()
        )
        if membership is None:
            raise RuleViolation(_("This palace is not a member."), code="not_member")
        if not isinstance(left_on, date) or left_on > today or left_on <= membership.joined_on:
            message = _("Give a date after joining (%(date)s) and not in the future.") % {
                "date": membership.joined_on
            }
            raise InvalidInput(message, fields={"left_on": [message]})
        membership.left_on, membership.leave_reason = left_on, reason
        membership.save(update_fields=["left_on", "leave_reason"])
        _sync_flag(palace, today=today)
    return membership


def is_member_on(palace: Palace, day: date) -> bool:
    return (
        Membership.objects.filter(palace=palace, joined_on__lte=day)
        .exclude(left_on__isnull=False, left_on__lte=day)
        .exists()
    )


# --- Council rotation ---------------------------------------------------------------------------------


def _rotation_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the rotation a name.")]
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, date) or not isinstance(ends, date):
        errors["starts_on"] = [_("Give the dates.")]
    elif starts > ends:
        errors["ends_on"] = [_("The end is before the start.")]
    leads = list(values.get("leads") or [])
    if not leads:
        errors["leads"] = [_("Choose at least one lead unit.")]
    elif isinstance(starts, date) and not errors:
        outsiders = [p.name for p in leads if not is_member_on(p, starts)]
        if outsiders:
            errors["leads"] = [
                _("Not alliance members at the start: %(names)s.") % {"names": "、".join(outsiders)}
            ]
    if errors:
        raise InvalidInput(_("Please correct the rotation."), fields=errors)
    return {
        "name": name[:100],
        "starts_on": starts,
        "ends_on": ends,
        "leads": leads,
        "duties": values.get("duties") or "",
    }


def rotation_save(*, actor, rotation: RotationTerm | None = None, **values: Any) -> RotationTerm:
    """Create or change a rotation term; terms may not overlap (`rotation_overlaps`); its lead
    units must be members when it starts."""
    _require_provincial(actor)
    clean = _rotation_values(values)
    with transaction.atomic():
        overlapping = RotationTerm.objects.select_for_update().filter(
            starts_on__lte=clean["ends_on"], ends_on__gte=clean["starts_on"]
        )
        if rotation is not None:
            overlapping = overlapping.exclude(pk=rotation.pk)
        clash = overlapping.first()
        if clash is not None:
            raise RuleViolation(
                _("It overlaps the rotation “%(name)s”.") % {"name": clash.name}, code="rotation_overlaps"
            )
        rotation = rotation or RotationTerm()
        for name in ("name", "starts_on", "ends_on", "duties"):
            setattr(rotation, name, clean[name])
        rotation.save()
        rotation.leads.set(clean["leads"])
    return rotation


# --- Campaigns ------------------------------------------------------------------------------------------


def campaign_save(*, actor, campaign: Campaign | None = None, **values: Any) -> Campaign:
    """Create or change a campaign: title, dates, organiser (a member palace), taking part (members)."""
    _require_provincial(actor)
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the campaign a title.")]
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, date) or not isinstance(ends, date):
        errors["starts_on"] = [_("Give the dates.")]
    elif starts > ends:
        errors["ends_on"] = [_("The end is before the start.")]
    organiser = values.get("organiser")
    participants = list(values.get("participants") or [])
    if not isinstance(organiser, Palace):
        errors["organiser"] = [_("Choose the organising council unit.")]
    elif isinstance(starts, date) and not is_member_on(organiser, starts):
        errors["organiser"] = [_("The organiser must be an alliance member when the campaign starts.")]
    if isinstance(ends, date) and participants:
        outsiders = [p.name for p in participants if not is_member_on(p, min(ends, _today()))]
        if outsiders:
            errors["participants"] = [
                _("Not alliance members: %(names)s.") % {"names": "、".join(outsiders[:10])}
            ]
    if errors:
        raise InvalidInput(_("Please correct the campaign."), fields=errors)
    rotation = values.get("rotation")
    with transaction.atomic():
        campaign = campaign or Campaign()
        campaign.title, campaign.starts_on, campaign.ends_on = title[:200], starts, ends
        campaign.description = (values.get("description") or "").strip()
        campaign.organiser = organiser
        campaign.rotation = rotation if isinstance(rotation, RotationTerm) else None
        campaign.save()
        if organiser not in participants:
            participants.append(organiser)
        campaign.participants.set(participants)
    return campaign


def _row_of(*, activity: Activity | None, course: Course | None, event: Event | None):
    given = [
        (k, v) for k, v in (("activity", activity), ("course", course), ("event", event)) if v is not None
    ]
    if len(given) != 1:
        raise InvalidInput(_("Tag one activity, course or event."), code="tag_one")
    return given[0]


def _row_dates(kind: str, row) -> tuple[date, date]:
    if kind == "activity":
        return row.date, row.end_date or row.date
    if kind == "course":
        return row.term.starts_on, row.term.ends_on
    return row.local_date, timezone.localtime(row.ends_at).date()


def campaign_tag(
    *,
    actor,
    campaign: Campaign,
    activity: Activity | None = None,
    course: Course | None = None,
    event: Event | None = None,
) -> CampaignTag:
    """Count a palace's activity, course or event towards a campaign.

    Staff of that palace only (`NotFound`). The palace must take part (`not_taking_part`) and the
    row's dates must meet the campaign's (`outside_campaign`). Tagging twice: `already_tagged`.
    """
    kind, row = _row_of(activity=activity, course=course, event=event)
    palace = row.palace
    if not access.may_apply_for_palace(actor, palace):
        raise NotFound()
    if not campaign.participants.filter(pk=palace.pk).exists():
        raise RuleViolation(_("Your palace does not take part in this campaign."), code="not_taking_part")
    first, last = _row_dates(kind, row)
    if last < campaign.starts_on or first > campaign.ends_on:
        raise RuleViolation(
            _("It does not fall within the campaign (%(start)s – %(end)s).")
            % {"start": campaign.starts_on, "end": campaign.ends_on},
            code="outside_campaign",
        )
    try:
        with transaction.atomic():
            return CampaignTag.objects.create(
                campaign=campaign, palace=palace, tagged_by=actor, **{kind: row}
            )
    except IntegrityError:
        raise RuleViolation(_("It is already counted in this campaign."), code="already_tagged") from None


def campaign_untag(*, actor, tag: CampaignTag) -> None:
    if not access.may_apply_for_palace(actor, tag.palace) and not access.may_run_alliance(actor):
        raise NotFound()
    tag.delete()


# --- Hosting calls ---------------------------------------------------------------------------------------

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


def call_save(*, actor, call: HostingCall | None = None, **values: Any) -> HostingCall:
    """Create or change a hosting call (provincial staff). Eligibility and criteria are data.

    Once applications exist, the eligibility and criteria no longer change (`call_locked`), and
    the budget cannot drop below what is granted (`over_budget`).
    """
    _require_provincial(actor)
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the call a title.")]
    if values.get("event_kind") not in ActivityKind.values:
        errors["event_kind"] = [_("Choose the kind of event.")]
    starts, ends, deadline = values.get("starts_on"), values.get("ends_on"), values.get("deadline")
    if not isinstance(starts, date) or not isinstance(ends, date):
        errors["starts_on"] = [_("Give the event window.")]
    elif starts > ends:
        errors["ends_on"] = [_("The end is before the start.")]
    if not isinstance(deadline, datetime) or timezone.is_naive(deadline):
        errors["deadline"] = [_("Give the closing time of applications.")]
    elif isinstance(starts, date) and timezone.localtime(deadline).date() > starts:
        errors["deadline"] = [_("Applications must close by the start of the event window.")]
    if errors:
        raise InvalidInput(_("Please correct the call."), fields=errors)
    budget = _money(values.get("budget"), "budget")
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
    _require_provincial(actor)
    now = now or timezone.now()
    if call.deadline <= now:
        raise RuleViolation(_("The deadline has passed; set a later one first."), code="deadline_passed")
    HostingCall.objects.filter(pk=call.pk).update(status=HostingCall.Status.OPEN)
    call.status = HostingCall.Status.OPEN
    return call


def call_close(*, actor, call: HostingCall) -> HostingCall:
    _require_provincial(actor)
    HostingCall.objects.filter(pk=call.pk).update(status=HostingCall.Status.CLOSED)
    call.status = HostingCall.Status.CLOSED
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
    today = today or _today()
    rules = _eligibility(call.eligibility)
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
    minimum = _eligibility(call.eligibility)["min_capacity"]
    if isinstance(capacity, int) and minimum and capacity < minimum:
        errors["capacity"] = [_("The call asks for at least %(n)d people.") % {"n": minimum}]
    event_date = values.get("event_date")
    if not isinstance(event_date, date) or not call.starts_on <= event_date <= call.ends_on:
        errors["event_date"] = [
            _("Choose a date from %(start)s to %(end)s.") % {"start": call.starts_on, "end": call.ends_on}
        ]
    if errors:
        raise InvalidInput(_("Please correct the application."), fields=errors)
    requested = _money(values.get("requested_subsidy"), "requested_subsidy")
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


def application_withdraw(
    *, actor, application: HostingApplication, now: datetime | None = None
) -> HostingApplication:
    """Withdraw before the deadline (staff of the palace); reviews already given are dropped."""
    now = now or timezone.now()
    if not access.may_apply_for_palace(actor, application.palace):
        raise NotFound()
    with transaction.atomic():
        application = (
            HostingApplication.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=application.pk)
        )
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
    _require_provincial(actor)
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
    _require_provincial(actor)
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not approve and not reason:
        message = _("Give the reason for declining; the palace will see it.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        application = (
            HostingApplication.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=application.pk)
        )
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


# --- Subsidies ---------------------------------------------------------------------------------------------


def subsidy_grant(*, actor, application: HostingApplication, amount) -> Subsidy:
    """Grant (or change the grant of) an approved host's subsidy. The call's grants together
    never exceed its budget (`over_budget`, checked under a lock on the call); a grant never
    drops below what is already paid (`below_paid`)."""
    _require_provincial(actor)
    amount = _money(amount, "amount")
    with transaction.atomic():
        call = HostingCall.objects.select_for_update().get(pk=application.call_id)
        application = HostingApplication.objects.get(pk=application.pk)
        if application.status != AppStatus.APPROVED:
            raise RuleViolation(_("Only approved hosts receive subsidies."), code="not_approved")
        subsidy = Subsidy.objects.filter(application=application).first()
        others = call.subsidies.exclude(application=application).aggregate(total=Sum("granted"))[
            "total"
        ] or Decimal(0)
        if others + amount > call.budget:
            raise RuleViolation(
                _("That would exceed the call's budget: %(left)s yuan of %(budget)s is left.")
                % {"left": call.budget - others, "budget": call.budget},
                code="over_budget",
            )
        if subsidy is not None and amount < subsidy.paid:
            raise RuleViolation(
                _("%(paid)s yuan is already paid; the grant cannot be lower.") % {"paid": subsidy.paid},
                code="below_paid",
            )
        subsidy = subsidy or Subsidy(
            application=application,
            call=call,
            palace_id=application.palace_id,
            year=application.event_date.year,
        )
        subsidy.granted = amount
        subsidy.save()
    return subsidy


def subsidy_pay(*, actor, subsidy: Subsidy, amount, paid_on: date) -> Subsidy:
    """Record a payment; payments together never exceed the grant (`over_granted`)."""
    _require_provincial(actor)
    amount = _money(amount, "amount")
    if amount <= 0:
        message = _("Give the amount paid.")
        raise InvalidInput(message, fields={"amount": [message]})
    if not isinstance(paid_on, date) or paid_on > _today():
        message = _("Give the date of payment; it cannot be in the future.")
        raise InvalidInput(message, fields={"paid_on": [message]})
    with transaction.atomic():
        subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
        if subsidy.paid + amount > subsidy.granted:
            raise RuleViolation(
                _("Only %(left)s yuan of the grant is left to pay.")
                % {"left": subsidy.granted - subsidy.paid},
                code="over_granted",
            )
        subsidy.paid += amount
        subsidy.paid_on = paid_on
        subsidy.save(update_fields=["paid", "paid_on", "updated_at"])
    return subsidy
