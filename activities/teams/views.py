"""Teams, the workers' pages (/teams/...): a palace's teams, one team with its join button (the
person's state shown before they tap), joining and taking a request back, one's own teams.
Members' names are masked here; the palace's staff see them on their own pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from palace_portal.errors import PortalError
from venues.models import Palace

from . import selectors, services
from .forms import JoinForm
from .models import Team, TeamKind


@require_GET
def palace_teams(request, palace_id: int):
    palace = get_object_or_404(Palace.objects.listed(), pk=palace_id)
    teams = list(selectors.public_teams(palace=palace))
    groups = [(kind, [t for t in teams if t.kind == kind.value]) for kind in TeamKind]
    return render(request, "activities/teams/palace_teams.html", {"palace": palace, "groups": groups})


def _public_team(pk: int) -> Team:
    return get_object_or_404(selectors.public_teams(), pk=pk)


@require_GET
def team_detail(request, pk: int):
    team = _public_team(pk)
    context = {
        "team": team,
        "members": selectors.team_members(team),
        "hours_total": selectors.hours_total(team),
        "form": JoinForm(),
        **selectors.member_state(team, request.user),
    }
    return render(request, "activities/teams/team.html", context)


@login_required
@require_POST
def join(request, pk: int):
    team = _public_team(pk)
    form = JoinForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    try:
        services.join_request_create(actor=request.user, team=team, message=message)
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request is sent. The palace will answer it."))
    return redirect("teams:team", team.pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    team = _public_team(pk)
    try:
        services.join_request_withdraw(actor=request.user, team=team)
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("teams:team", team.pk)


@login_required
@require_GET
def my_teams(request):
    members, requests = selectors.teams_of_user(request.user)
    return render(request, "activities/teams/mine.html", {"members": members, "requests": requests})
