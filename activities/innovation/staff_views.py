"""Innovation for a palace's staff (`/staff/innovation/<palace_id>/`): the clinic's problems by
status, the mentors (appoint, edit, link an account) and the studios of the alliance (add, edit,
join, leave). Reading: the palace's `view` scope (city officers and the province read); writing:
`manage`. Problems are taken, recorded and closed on the problem's own page (`innovation:problem`).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import PortalError
from palace_portal.service_forms import add_refusal
from venues.pages import palace_or_404, staff_page

from . import access, selectors, services
from .forms import MembershipForm, MentorForm, StudioForm
from .models import Mentor, ProblemStatus, Studio


@staff_page
@require_GET
def home(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    # Open problems first, as a desk's inbox does; "all" lists every status.
    status = request.GET.get("status", ProblemStatus.OPEN)
    if status not in ProblemStatus.values:
        status = ""
    overview = selectors.clinic_overview(palace, status=status or None)
    tabs = [
        {"value": value, "label": label, "count": overview["counts"][value]}
        for value, label in ProblemStatus.choices
    ]
    return render(
        request,
        "activities/innovation/staff/home.html",
        {
            "palace": palace,
            "o": overview,
            "tabs": tabs,
            "status": status,
            "may_manage": access.may_manage_clinic(request.user, palace),
        },
    )


def _save(request, palace, *, form, call, template: str, context: dict, done: str):
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            call(form.values())
        except PortalError as error:
            status = add_refusal(form, error)
        else:
            messages.success(request, done)
            return redirect("innovation_staff:home", palace_id=palace.pk)
    elif request.method == "POST":
        status = 400
    return render(request, template, {"palace": palace, "form": form, **context}, status=status)


@staff_page
@require_http_methods(["GET", "POST"])
def studio_edit(request, palace_id: int, studio_id: int | None = None):
    palace = palace_or_404(request, palace_id, scope="manage")
    studio = get_object_or_404(Studio, palace=palace, pk=studio_id) if studio_id else None
    initial = StudioForm.initial_of(studio) if studio else {}
    form = StudioForm(request.POST or None, initial=initial)
    memberships = list(studio.memberships.order_by("-joined_on")) if studio else []
    return _save(
        request,
        palace,
        form=form,
        call=lambda values: services.studio_save(actor=request.user, palace=palace, studio=studio, **values),
        template="activities/innovation/staff/studio_form.html",
        context={
            "studio": studio,
            "memberships": memberships,
            "is_member": any(m.left_on is None for m in memberships),
            "membership_form": MembershipForm(),
        },
        done=_("The studio is saved."),
    )


@staff_page
@require_POST
def studio_membership(request, palace_id: int, studio_id: int, move: str):
    palace = palace_or_404(request, palace_id, scope="manage")
    studio = get_object_or_404(Studio, palace=palace, pk=studio_id)
    if move not in ("join", "leave"):
        return HttpResponseNotAllowed(["POST"])
    form = MembershipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid date."))
        return redirect("innovation_staff:studio", palace_id=palace.pk, studio_id=studio.pk)
    day = form.cleaned_data["day"]
    try:
        if move == "join":
            services.studio_join(actor=request.user, studio=studio, joined_on=day)
        else:
            services.studio_leave(actor=request.user, studio=studio, left_on=day)
    except PortalError as error:
        details = [str(m) for v in error.fields.values() for m in v]
        messages.error(request, " ".join([str(error.message), *details]))
    else:
        messages.success(
            request,
            _("The studio joined the alliance.") if move == "join" else _("The studio left the alliance."),
        )
    return redirect("innovation_staff:studio", palace_id=palace.pk, studio_id=studio.pk)


@staff_page
@require_http_methods(["GET", "POST"])
def mentor_edit(request, palace_id: int, mentor_id: int | None = None):
    palace = palace_or_404(request, palace_id, scope="manage")
    mentor = (
        get_object_or_404(Mentor.objects.select_related("user"), palace=palace, pk=mentor_id)
        if mentor_id
        else None
    )
    initial = MentorForm.initial_of(mentor) if mentor else {}
    form = MentorForm(request.POST or None, palace=palace, initial=initial)
    return _save(
        request,
        palace,
        form=form,
        call=lambda values: services.mentor_save(actor=request.user, palace=palace, mentor=mentor, **values),
        template="activities/innovation/staff/mentor_form.html",
        context={"mentor": mentor},
        done=_("The mentor is saved."),
    )
