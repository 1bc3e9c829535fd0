"""Writes of teams: staff keep a palace's teams, workers ask to join, staff accept or refuse and
record the volunteer hours members give. One transaction each; refusals are domain errors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues.models import Palace

from .models import JoinRequest, Team, TeamKind, TeamMember, VolunteerHours

Status = JoinRequest.Status
HOURS_BACK_DAYS = 366  # volunteer hours are recorded within a year of the day given


def _invalid(field: str, message: str):
    return InvalidInput(message, fields={field: [message]})


def team_save(
    *,
    actor,
    palace: Palace,
    team: Team | None = None,
    name: str,
    kind: str,
    field: str = "",
    description: str = "",
    meets: str = "",
    accepts_requests: bool = True,
    is_active: bool = True,
) -> Team:
    """Create a team of `palace`, or change `team` (of the same palace). Staff who manage the palace."""
    require_manager(actor, palace)
    if team is not None and team.palace_id != palace.pk:
        raise NotFound()
    name = (name or "").strip()
    if not name:
        raise _invalid("name", _("Give the team a name."))
    if kind not in TeamKind.values:
        raise _invalid("kind", _("Choose the kind of team."))
    team = team or Team(palace=palace)
    team.name, team.kind, team.field = name, kind, (field or "").strip()
    team.description, team.meets = (description or "").strip(), (meets or "").strip()
    team.accepts_requests, team.is_active = accepts_requests, is_active
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise _invalid("name", _("This palace already has a team of this name.")) from exc
    return team


def join_request_create(*, actor, team: Team, message: str = "", now: datetime | None = None) -> JoinRequest:
    """A worker asks to join a team that takes requests. One open request per person and team
    (the database's constraint decides a race); members need not ask."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound()
    if not Team.objects.public().filter(pk=team.pk).exists():
        raise NotFound()
    if not team.accepts_requests:
        raise RuleViolation(_("This team is not taking new members now."), code="team_closed")
    now = now or timezone.now()
    with transaction.atomic():
        if TeamMember.objects.filter(team=team, user=actor).exists():
            raise RuleViolation(_("You are a member of this team already."), code="already_member")
        if JoinRequest.objects.filter(team=team, user=actor, status=Status.OPEN).exists():
            raise RuleViolation(_("Your request is waiting for the team's answer."), code="request_open")
        try:
            with transaction.atomic():
                return JoinRequest.objects.create(
                    team=team,
                    palace_id=team.palace_id,
                    user=actor,
                    message=(message or "").strip()[:200],
                    created_at=now,
                )
        except IntegrityError as exc:
            raise RuleViolation(
                _("Your request is waiting for the team's answer."), code="request_open"
            ) from exc


def join_request_withdraw(*, actor, team: Team, now: datetime | None = None) -> JoinRequest:
    """The worker takes back their open request (RuleViolation `no_open_request` when there is none)."""
    if actor is None or not actor.is_authenticated:
        raise NotFound()
    with transaction.atomic():
        request = (
            JoinRequest.objects.select_for_update().filter(team=team, user=actor, status=Status.OPEN).first()
        )
        if request is None:
            raise RuleViolation(_("You have no request waiting for this team."), code="no_open_request")
        request.status, request.decided_at = Status.WITHDRAWN, now or timezone.now()
        request.save(update_fields=["status", "decided_at"])
    return request


def join_request_decide(
    *, actor, join_request: JoinRequest, accept: bool, answer: str = "", now: datetime | None = None
) -> JoinRequest:
    """Staff of the team's palace accept (the person becomes a member from today) or refuse an
    open request. Decided once: a second decision is refused (`already_decided`)."""
    now = now or timezone.now()
    with transaction.atomic():
        request = (
            JoinRequest.objects.select_for_update()
            .select_related("team", "palace")
            .filter(pk=join_request.pk)
            .first()
        )
        if request is None:
            raise NotFound()
        require_manager(actor, request.palace)
        if request.status != Status.OPEN:
            raise RuleViolation(_("This request has been answered already."), code="already_decided")
        request.status = Status.ACCEPTED if accept else Status.REFUSED
        request.answer, request.decided_at, request.decided_by = (answer or "").strip()[:200], now, actor
        request.save(update_fields=["status", "answer", "decided_at", "decided_by"])
        if accept:
            TeamMember.objects.get_or_create(
                team=request.team,
                user_id=request.user_id,
                defaults={"palace_id": request.palace_id, "joined_on": timezone.localdate(now)},
            )
    return request


def member_remove(*, actor, member: TeamMember) -> None:
    """Staff take a person off a team; the hours they gave stay counted."""
    require_manager(actor, member.palace)
    TeamMember.objects.filter(pk=member.pk).delete()


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError, TypeError):
        raise _invalid("hours", _("Give the hours as a number, e.g. 2.5.")) from None
    if not Decimal(0) < hours <= Decimal(24):
        raise _invalid("hours", _("Between 0.1 and 24 hours in one day."))
    return hours


def hours_record(
    *, actor, team: Team, member: TeamMember, on: date, hours, activity: str, now: datetime | None = None
) -> VolunteerHours:
    """Staff record the hours a member of `team` gave on `on` for `activity` (once per member,
    day and activity). Not in the future, not more than a year back."""
    require_manager(actor, team.palace)
    if member.team_id != team.pk:
        raise NotFound()
    now = now or timezone.now()
    today = timezone.localdate(now)
    if on > today:
        raise _invalid("on", _("Hours cannot be recorded for a day still to come."))
    if on < today - timedelta(days=HOURS_BACK_DAYS):
        raise _invalid("on", _("Hours are recorded within a year of the day."))
    activity = (activity or "").strip()
    if not activity:
        raise _invalid("activity", _("Say what the volunteering was."))
    value = _hours(hours)
    try:
        with transaction.atomic():
            return VolunteerHours.objects.create(
                team=team,
                palace_id=team.palace_id,
                user_id=member.user_id,
                date=on,
                hours=value,
                activity=activity[:100],
                recorded_by=actor,
                created_at=now,
            )
    except IntegrityError as exc:
        raise RuleViolation(
            _("These hours are recorded already for this member, day and activity."), code="hours_recorded"
        ) from exc
