"""Innovation, the public's and workers' pages (mounted at /innovation/): the palaces' studio
alliances, the mentors, and the problem clinic (post a problem, my problems, one problem with the
mentor's and staff's actions, a mentor's queue).

Every write is a POST through `services`; a refusal comes back as a `PortalError` whose message the
page shows, with nothing changed. A problem the user may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import InvalidInput, PortalError
from palace_portal.service_forms import add_refusal

from . import access, selectors, services
from .forms import CloseForm, GuidanceRecordForm, MentorFilterForm, ProblemForm, TakeForm
from .models import Problem, ProblemStatus

PAGE_SIZE = 20


@require_GET
def index(request):
    """The palaces with a studio alliance or mentors, and the ways into the clinic."""
    return render(
        request,
        "activities/innovation/index.html",
        {"palaces": selectors.palaces_with_innovation(), "mentor": access.mentor_of(request.user)},
    )


@require_GET
def alliance(request, palace_id: int):
    palace = get_object_or_404(selectors.public_palaces(), pk=palace_id)
    return render(request, "activities/innovation/alliance.html", {"a": selectors.alliance_of(palace)})


@require_GET
def mentor_list(request):
    palaces = selectors.palaces_with_innovation()
    form = MentorFilterForm(request.GET, palaces=palaces)
    palace_id = field = None
    if form.is_valid():
        palace_id = form.cleaned_data["palace"].pk if form.cleaned_data["palace"] else None
        field = form.cleaned_data["field"] or None
    page_obj = Paginator(selectors.mentors_public(palace_id=palace_id, field=field), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "activities/innovation/mentor_list.html", {"form": form, "page_obj": page_obj})


@login_required
@require_GET
def my_problems(request):
    problems = selectors.problems_for(request.user, mine=True)
    page_obj = Paginator(problems, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "activities/innovation/my_problems.html", {"page_obj": page_obj})


@login_required
@require_http_methods(["GET", "POST"])
def problem_new(request):
    palaces = selectors.public_palaces().order_by("name")
    initial = {}
    if (wanted := request.GET.get("palace", "")).isdigit() and len(wanted) < 12:
        initial["palace"] = palaces.filter(pk=int(wanted)).first()
    form = ProblemForm(request.POST or None, palaces=palaces, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            problem = services.problem_create(actor=request.user, **form.values())
        except PortalError as error:
            status = add_refusal(form, error)
        else:
            messages.success(request, _("Your problem is posted. A mentor of the palace will take it."))
            return redirect("innovation:problem", pk=problem.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "activities/innovation/problem_form.html", {"form": form}, status=status)


def _visible_problem(request, pk: int) -> Problem:
    try:
        return selectors.problem_detail(request.user, pk)
    except Problem.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def problem_detail(request, pk: int):
    problem = _visible_problem(request, pk)
    user = request.user
    may_take = problem.status == ProblemStatus.OPEN and access.may_take(user, problem)
    may_act = problem.status == ProblemStatus.TAKEN and access.may_act_on(user, problem)
    staff = access.may_manage_clinic(user, problem.palace)
    return render(
        request,
        "activities/innovation/problem_detail.html",
        {
            "problem": problem,
            "may_take": may_take,
            "take_form": TakeForm(palace=problem.palace) if may_take and staff else None,
            "may_act": may_act,
            "session_form": GuidanceRecordForm() if may_act else None,
            "close_form": CloseForm() if may_act else None,
            "is_poster": problem.poster_id == user.pk,
        },
    )


@login_required
@require_POST
def problem_take(request, pk: int):
    problem = _visible_problem(request, pk)
    if not access.may_take(request.user, problem):
        raise Http404
    form = TakeForm(request.POST, palace=problem.palace)
    try:
        if not form.is_valid():
            raise InvalidInput(fields=form.errors)
        services.problem_take(actor=request.user, problem=problem, mentor=form.cleaned_data["mentor"])
    except PortalError as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("The problem is taken."))
    return redirect("innovation:problem", pk=problem.pk)


@login_required
@require_POST
def guidance_new(request, pk: int):
    problem = _visible_problem(request, pk)
    if not access.may_act_on(request.user, problem):
        raise Http404
    form = GuidanceRecordForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(fields=form.errors)
        data = form.cleaned_data
        services.guidance_record(
            actor=request.user, problem=problem, day=data["day"], form=data["form"], note=data["note"]
        )
    except PortalError as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("The guidance session is recorded."))
    return redirect("innovation:problem", pk=problem.pk)


@login_required
@require_POST
def problem_close(request, pk: int):
    problem = _visible_problem(request, pk)
    if not access.may_act_on(request.user, problem):
        raise Http404
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput(fields=form.errors)
        services.problem_close(
            actor=request.user,
            problem=problem,
            solved=form.cleaned_data["solved"],
            outcome=form.cleaned_data["outcome"],
        )
    except PortalError as error:
        messages.error(request, _refusal_text(error))
    else:
        messages.success(request, _("The problem is closed."))
    return redirect("innovation:problem", pk=problem.pk)


def _refusal_text(error: PortalError) -> str:
    details = [str(m) for messages_ in error.fields.values() for m in messages_]
    return " ".join([str(error.message), *details])


@login_required
@require_GET
def queue(request):
    """A mentor's queue: open problems of their palace (their field first) and those they hold."""
    mentor = access.mentor_of(request.user)
    context = {"mentor": mentor}
    if mentor is not None:
        context.update(selectors.mentor_queue(mentor))
    return render(request, "activities/innovation/queue.html", context)
