"""Reads of teams: a palace's teams with their counts, one team's members, a person's state."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from venues.models import Palace

from .models import JoinRequest, Team, TeamMember, VolunteerHours

Status = JoinRequest.Status


def teams_with_counts(queryset: QuerySet[Team]) -> QuerySet[Team]:
    return queryset.select_related("palace").annotate(
        member_count=Count("members", distinct=True),
        open_requests=Count("requests", filter=Q(requests__status=Status.OPEN), distinct=True),
    )


def public_teams(*, palace: Palace | None = None, kind: str = "") -> QuerySet[Team]:
    teams = Team.objects.public()
    if palace is not None:
        teams = teams.filter(palace=palace)
    if kind:
        teams = teams.filter(kind=kind)
    return teams_with_counts(teams).order_by("kind", "name", "pk")


def team_members(team: Team) -> list[TeamMember]:
    """Leaders first, then by the day they joined."""
    members = team.members.select_related("user").order_by("joined_on", "pk")
    return sorted(members, key=lambda m: m.role != TeamMember.Role.LEADER)


def member_state(team: Team, user) -> dict:
    """What the join button says to `user` before they tap it."""
    if not user.is_authenticated:
        return {"state": "sign_in"}
    if TeamMember.objects.filter(team=team, user=user).exists():
        return {"state": "member"}
    last = JoinRequest.objects.filter(team=team, user=user).order_by("-created_at", "-pk").first()
    if last is not None and last.status == Status.OPEN:
        return {"state": "waiting", "request": last}
    if not team.accepts_requests:
        return {"state": "closed"}
    if last is not None and last.status == Status.REFUSED:
        return {"state": "refused", "request": last}
    return {"state": "can_join"}


def hours_total(team: Team):
    return VolunteerHours.objects.filter(team=team).aggregate(total=Sum("hours"))["total"] or 0


def teams_of_user(user) -> tuple[list[TeamMember], list[JoinRequest]]:
    members = list(
        TeamMember.objects.filter(user=user).select_related("team", "team__palace").order_by("-joined_on")
    )
    requests = list(
        JoinRequest.objects.filter(user=user)
        .select_related("team", "team__palace")
        .order_by("-created_at")[:20]
    )
    return members, requests
