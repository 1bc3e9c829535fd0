"""Hosting calls: the list, the form (eligibility and criteria as fields), opening and closing, and
a call's page with its rules, budget and the applications ranked by their reviews."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import PortalError
from palace_portal.service_forms import save_with
from venues.models import Palace

from .. import access, selectors, services
from ..manage_forms import CallForm, criteria_formset
from ..models import HostingApplication, HostingCall, Subsidy
from ._common import head, refuse, workspace_action, workspace_page
from .charts import percent

AppStatus = HostingApplication.Status
STATUS_BADGES = {
    HostingCall.Status.DRAFT: "badge-muted",
    HostingCall.Status.OPEN: "badge-ok",
    HostingCall.Status.CLOSED: "badge",
}
APPLICATION_BADGES = {
    AppStatus.SUBMITTED: "badge-warn",
    AppStatus.WITHDRAWN: "badge-muted",
    AppStatus.APPROVED: "badge-ok",
    AppStatus.DECLINED: "badge-red",
}


def _subsidy_sum(field: str):
    total = (
        Subsidy.objects.filter(call=OuterRef("pk")).values("call").annotate(total=Sum(field)).values("total")
    )
    return Coalesce(Subquery(total, output_field=DecimalField()), Decimal(0), output_field=DecimalField())


def calls_with_money():
    """Calls with their application count (withdrawn ones aside), granted and paid (one query)."""
    return HostingCall.objects.select_related("campaign").annotate(
        application_count=Count("applications", filter=~Q(applications__status=AppStatus.WITHDRAWN)),
        granted=_subsidy_sum("granted"),
        paid=_subsidy_sum("paid"),
    )


@workspace_page
@require_GET
def calls(request):
    rows = [
        {"call": c, "badge": STATUS_BADGES.get(c.status, "badge"), "used": percent(c.granted, c.budget)}
        for c in calls_with_money().order_by("-deadline", "pk")
    ]
    return render(
        request,
        "alliance/manage/calls.html",
        head(request, "calls") | {"rows": rows, "now": timezone.now()},
    )


def _form_page(request, form, formset, call=None):
    return render(
        request,
        "alliance/manage/call_form.html",
        head(request, "calls")
        | {
            "form": form,
            "formset": formset,
            "call": call,
            "locked": call is not None and call.applications.exists(),
        },
        status=400 if form.errors or formset.errors or formset.non_form_errors() else 200,
    )


def _save(request, form, formset, call=None):
    valid = formset.is_valid()  # both are validated, so that both show their errors
    if not form.is_valid() or not valid:
        return None
    return save_with(
        form,
        lambda v: services.call_save(actor=request.user, call=call, criteria=formset.criteria(), **v),
    )


@workspace_action
@require_http_methods(["GET", "POST"])
def call_new(request):
    form = CallForm(request.POST or None)
    formset = criteria_formset(request.POST or None)
    if request.method == "POST":
        call = _save(request, form, formset)
        if call is not None:
            messages.success(request, _("The call is saved as a draft. Open it when it is ready."))
            return redirect("alliance_manage:call", call.pk)
    return _form_page(request, form, formset)


@workspace_action
@require_http_methods(["GET", "POST"])
def call_edit(request, pk: int):
    call = get_object_or_404(HostingCall, pk=pk)
    form = CallForm(request.POST or None, call=call)
    formset = criteria_formset(request.POST or None, call=call)
    if request.method == "POST":
        saved = _save(request, form, formset, call)
        if saved is not None:
            messages.success(request, _("The call is saved."))
            return redirect("alliance_manage:call", call.pk)
    return _form_page(request, form, formset, call)


def _act(request, pk: int, act, done: str):
    """Open or close a call: the service decides; its refusal shows on the call's page."""
    call = get_object_or_404(HostingCall, pk=pk)
    try:
        act(actor=request.user, call=call)
    except PortalError as error:
        refuse(request, error)
    else:
        messages.success(request, done)
    return redirect("alliance_manage:call", call.pk)


@workspace_action
@require_POST
def call_open(request, pk: int):
    return _act(request, pk, services.call_open, _("The call is open for applications."))


@workspace_action
@require_POST
def call_close(request, pk: int):
    return _act(request, pk, services.call_close, _("The call is closed."))


def eligibility_lines(call: HostingCall) -> list[str]:
    """The call's rules in words, as the workspace shows them (the service's reading of them)."""
    rules = services.eligibility_of(call)
    levels = "、".join(str(Palace.Level(v).label) for v in rules["levels"])
    lines = [_("Levels: %(levels)s") % {"levels": levels}]
    if rules["in_service"]:
        lines.append(_("The palace is in service."))
    if rules["member"]:
        lines.append(_("The palace is an alliance member."))
    if rules["min_capacity"]:
        lines.append(_("An event for at least %(n)d people.") % {"n": rules["min_capacity"]})
    return lines


def ranked_applications(call: HostingCall, user) -> tuple[list[dict], list[HostingApplication]]:
    """The applications `user` reads (a city officer: their city's palaces'; `alliance.access`),
    ranked among themselves by their average review total (unreviewed last); withdrawn ones apart."""
    applications = (
        selectors.applications_of(call)
        .filter(palace__in=access.palaces_read_by(user))
        .select_related("subsidy", "palace__region__parent")
        .order_by(F("average").desc(nulls_last=True), "submitted_at", "pk")
    )
    ranked, withdrawn = [], []
    for application in applications:
        if application.status == AppStatus.WITHDRAWN:
            withdrawn.append(application)
            continue
        ranked.append(
            {
                "rank": len(ranked) + 1,
                "application": application,
                "badge": APPLICATION_BADGES.get(application.status, "badge"),
                "subsidy": getattr(application, "subsidy", None),
            }
        )
    return ranked, withdrawn


@workspace_page
@require_GET
def call(request, pk: int):
    call = get_object_or_404(HostingCall.objects.select_related("campaign"), pk=pk)
    budget = selectors.call_budget(call)
    ranked, withdrawn = ranked_applications(call, request.user)
    now = timezone.now()
    return render(
        request,
        "alliance/manage/call.html",
        head(request, "calls")
        | {
            "call": call,
            "badge": STATUS_BADGES.get(call.status, "badge"),
            "eligibility": eligibility_lines(call),
            "criteria_total": sum(c["max"] for c in call.criteria),
            "budget": budget,
            "granted_percent": percent(budget.granted, budget.budget),
            "paid_percent": percent(budget.paid, budget.budget),
            "ranked": ranked,
            "withdrawn": withdrawn,
            "deadline_passed": now >= call.deadline,
            "may_open": call.status == HostingCall.Status.DRAFT and call.deadline > now,
            "may_close": call.status == HostingCall.Status.OPEN,
        },
    )
