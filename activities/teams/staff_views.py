"""Teams, the palace's pages (/staff/teams/<palace_id>/...): its teams, one team's members,
requests and volunteer hours. The palace's staff act; the city's officers read."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access
from palace_portal.errors import InvalidInput, PortalError
from venues.pages import palace_or_404, staff_page

from . import selectors, services
from .forms import DecideForm, HoursForm, TeamForm
from .models import JoinRequest, Team, TeamMember, VolunteerHours


def _head(request, palace, tab: str) -> dict:
    return {"palace": palace, "tab": tab, "may_manage": access.may_manage(request.user, palace)}


@staff_page
@require_GET
def teams(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    rows = list(selectors.teams_with_counts(Team.objects.for_palace(palace)).order_by("kind", "name", "pk"))
    return render(
        request, "activities/teams/staff/teams.html", _head(request, palace, "teams") | {"teams": rows}
    )


def _team_form(request, palace, team: Team | None):
    initial = {}
    if team is not None:
        initial = {f: getattr(team, f) for f in TeamForm.base_fields}
    form = TeamForm(request.POST or None, initial=initial or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.team_save(actor=request.user, palace=palace, team=team, **form.cleaned_data)
        except InvalidInput as error:
            form.add_service_errors(error.fields, str(error.message))
        except PortalError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The team is saved."))
            return redirect("teams_staff:team", palace.pk, saved.pk)
    context = _head(request, palace, "teams") | {"form": form, "team": team}
    return render(
        request,
        "activities/teams/staff/team_form.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def team_new(request, palace_id: int):
    return _team_form(request, palace_or_404(request, palace_id, scope="manage"), None)


@staff_page
@require_http_methods(["GET", "POST"])
def team_edit(request, palace_id: int, team_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    return _team_form(request, palace, get_object_or_404(Team.objects.for_palace(palace), pk=team_id))


def _members(team: Team):
    return TeamMember.objects.filter(team=team).select_related("user").order_by("joined_on", "pk")


@staff_page
@require_GET
def team(request, palace_id: int, team_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    found = get_object_or_404(Team.objects.for_palace(palace), pk=team_id)
    requests = list(
        JoinRequest.objects.filter(team=found, status=JoinRequest.Status.OPEN)
        .select_related("user")
        .order_by("created_at")
    )
    hours = list(
        VolunteerHours.objects.filter(team=found).select_related("user").order_by("-date", "-pk")[:30]
    )
    context = _head(request, palace, "teams") | {
        "team": found,
        "members": list(_members(found)),
        "requests": requests,
        "hours": hours,
        "hours_total": selectors.hours_total(found),
        "hours_form": HoursForm(members=_members(found), initial={"on": timezone.localdate()}),
    }
    return render(request, "activities/teams/staff/team.html", context)


@staff_page
@require_POST
def decide(request, palace_id: int, request_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    join_request = get_object_or_404(JoinRequest.objects.filter(palace=palace), pk=request_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to accept or to refuse."))
    else:
        try:
            services.join_request_decide(
                actor=request.user,
                join_request=join_request,
                accept=form.cleaned_data["decision"] == "accept",
                answer=form.cleaned_data["answer"],
            )
        except PortalError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The answer is recorded."))
    return redirect("teams_staff:team", palace.pk, join_request.team_id)


@staff_page
@require_POST
def member_remove(request, palace_id: int, member_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    member = get_object_or_404(TeamMember.objects.filter(palace=palace), pk=member_id)
    services.member_remove(actor=request.user, member=member)
    messages.success(request, _("The member is taken off the team."))
    return redirect("teams_staff:team", palace.pk, member.team_id)


@staff_page
@require_POST
def hours(request, palace_id: int, team_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    found = get_object_or_404(Team.objects.for_palace(palace), pk=team_id)
    form = HoursForm(request.POST, members=_members(found))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.hours_record(
                actor=request.user,
                team=found,
                member=data["member"],
                on=data["on"],
                hours=data["hours"],
                activity=data["activity"],
            )
        except PortalError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The hours are recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("teams_staff:team", palace.pk, found.pk)
