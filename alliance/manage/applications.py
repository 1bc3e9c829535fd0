"""One application: its plan and the palace, the reviews, a reviewer's score form, the decision,
and the subsidy (grant and payments) once approved."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from palace_portal.service_forms import save_with

from .. import access, selectors, services
from ..manage_forms import ApproveForm, DeclineForm, GrantForm, PayForm, ReviewForm
from ..models import ApplicationReview, HostingApplication, Subsidy
from ._common import head, workspace_action, workspace_page
from .calls import APPLICATION_BADGES, eligibility_lines
from .roster import city_of

AppStatus = HostingApplication.Status


def _application(request, pk: int) -> HostingApplication:
    """An application the user reads (`alliance.access.applications_visible_to`: a city officer
    their city's palaces' only, as in the API); 404 for any other."""
    return get_object_or_404(
        access.applications_visible_to(request.user).select_related(
            "call", "palace", "palace__region", "palace__region__parent", "venue"
        ),
        pk=pk,
    )


def _subsidy(application: HostingApplication) -> Subsidy | None:
    return Subsidy.objects.filter(application=application).first()


def _page(request, application: HostingApplication, *, status: int = 200, **forms):
    call = application.call
    criteria = call.criteria
    may_run = head(request, "calls")["may_run"]
    reviews = list(
        ApplicationReview.objects.filter(application=application)
        .select_related("reviewer")
        .order_by("reviewed_at", "pk")
    )
    mine = next((r for r in reviews if r.reviewer_id == request.user.pk), None)
    review_rows = [
        {
            "review": r,
            # Fellow reviewers see who scored; city officers read the scores without the names.
            "reviewer": r.reviewer.real_name if may_run else r.reviewer.masked_name,
            "scores": [
                {"name": c["name"], "max": c["max"], "score": s}
                for c, s in zip(criteria, r.scores, strict=False)
            ],
        }
        for r in reviews
    ]
    average = sum((r.total for r in reviews), Decimal(0)) / len(reviews) if reviews else None
    subsidy = _subsidy(application)
    budget = selectors.call_budget(call)
    now = timezone.now()
    if "review_form" not in forms:
        initial = {"comment": mine.comment} if mine else None
        if mine:
            initial |= {f"score_{i}": s for i, s in enumerate(mine.scores)}
        forms["review_form"] = ReviewForm(criteria=criteria, initial=initial)
    forms.setdefault("approve_form", ApproveForm(initial={"event_title": call.title}))
    forms.setdefault("decline_form", DeclineForm())
    forms.setdefault(
        "grant_form",
        GrantForm(initial={"amount": subsidy.granted if subsidy else application.requested_subsidy}),
    )
    forms.setdefault(
        "pay_form", PayForm(initial={"amount": subsidy.granted - subsidy.paid} if subsidy else None)
    )
    context = head(request, "calls") | {
        "application": application,
        "call": call,
        "palace": application.palace,
        "city": city_of(application.palace),
        "badge": APPLICATION_BADGES.get(application.status, "badge"),
        "eligibility": eligibility_lines(call),
        "criteria_total": sum(c["max"] for c in criteria),
        "reviews": review_rows,
        "average": average,
        "mine": mine,
        "reviewable": application.status == AppStatus.SUBMITTED and now >= call.deadline,
        "before_deadline": now < call.deadline,
        "decidable": application.status == AppStatus.SUBMITTED and bool(reviews),
        "subsidy": subsidy,
        "budget": budget,
        # What this grant may be at most: what is left plus what it already holds.
        "grant_room": budget.left + (subsidy.granted if subsidy else Decimal(0)),
        "pay_room": subsidy.granted - subsidy.paid if subsidy else Decimal(0),
        **forms,
    }
    return render(request, "alliance/manage/application.html", context, status=status)


@workspace_page
@require_GET
def application(request, pk: int):
    """The review page: city officers read it; provincial officers score, decide and grant."""
    return _page(request, _application(request, pk))


def _act(request, application: HostingApplication, form, *, name: str, save, done: str):
    """A provincial officer's action on the review page: `form`'s values go to one service
    (`save`); its refusal shows the page again with that form's errors (400)."""
    if save_with(form, save) is None:
        return _page(request, application, status=400, **{name: form})
    messages.success(request, done)
    return redirect("alliance_manage:application", application.pk)


@workspace_action
@require_POST
def application_review(request, pk: int):
    """A provincial officer's scores against the call's criteria (a second review replaces the first)."""
    application = _application(request, pk)
    return _act(
        request,
        application,
        ReviewForm(request.POST, criteria=application.call.criteria),
        name="review_form",
        save=lambda v: services.application_review(actor=request.user, application=application, **v),
        done=_("Your review is saved."),
    )


@workspace_action
@require_POST
def application_decide(request, pk: int):
    application = _application(request, pk)
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        application,
        ApproveForm(request.POST) if approve else DeclineForm(request.POST),
        name="approve_form" if approve else "decline_form",
        save=lambda v: services.application_decide(
            actor=request.user, application=application, approve=approve, **v
        ),
        done=_("Approved: the event is on the provincial calendar.")
        if approve
        else _("Declined; the palace will see the reason."),
    )


@workspace_action
@require_POST
def subsidy_grant(request, pk: int):
    application = _application(request, pk)
    return _act(
        request,
        application,
        GrantForm(request.POST),
        name="grant_form",
        save=lambda v: services.subsidy_grant(
            actor=request.user, application=application, amount=v["amount"]
        ),
        done=_("The subsidy is granted."),
    )


@workspace_action
@require_POST
def subsidy_pay(request, pk: int):
    application = _application(request, pk)
    subsidy = get_object_or_404(Subsidy, application=application)
    return _act(
        request,
        application,
        PayForm(request.POST),
        name="pay_form",
        save=lambda v: services.subsidy_pay(actor=request.user, subsidy=subsidy, **v),
        done=_("The payment is recorded."),
    )
