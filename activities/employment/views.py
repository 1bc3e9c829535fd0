"""The workers' pages of employment: `/jobs/` (open postings, with filters), a posting with its
apply button (and why one cannot apply, said before the tap), "my job search" (applications and
residency applications, withdrawing), a job fair's and a livestream's postings, and a palace's
maker residency (residents with their period; applying)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access
from activities.events.models import Event
from activities.ledger.models import ActivityKind
from activities.offerings.pages import filter_context, listed_palaces, login_url
from palace_portal.errors import PortalError
from palace_portal.service_forms import add_refusal

from . import selectors, services
from .forms import ApplyForm, JobFilterForm, ResidencyApplyForm
from .models import JobApplication, JobPosting, Livestream, PostingState, ResidencyApplication

PAGE_SIZE = 20


@require_GET
def job_list(request):
    today = timezone.localdate()
    postings = selectors.postings_open(today=today)
    palaces = listed_palaces().filter(job_postings__in=postings).distinct()
    form = JobFilterForm(request.GET or None, palaces=palaces)
    if request.GET:
        postings = form.apply(postings)
    page = Paginator(postings, PAGE_SIZE).get_page(request.GET.get("page"))
    mine = set()
    if request.user.is_authenticated:
        mine = set(
            JobApplication.objects.filter(
                user=request.user, posting__in=[p.pk for p in page.object_list]
            ).values_list("posting_id", flat=True)
        )
    context = {**filter_context(request, form, form.fields), "page_obj": page, "mine": mine}
    return render(request, "activities/employment/job_list.html", context)


def _posting_or_404(request, pk: int) -> JobPosting:
    """A published or closed posting of a listed palace; a draft only to its palace's staff."""
    posting = get_object_or_404(
        JobPosting.objects.filter(palace__in=listed_palaces())
        .select_related("employer", "palace", "palace__region")
        .prefetch_related(
            Prefetch("events", queryset=Event.objects.filter(state=Event.State.PUBLISHED)), "livestreams"
        ),
        pk=pk,
    )
    if posting.state == PostingState.DRAFT and not (
        request.user.is_authenticated and access.may_manage(request.user, posting.palace)
    ):
        raise Http404
    return posting


@require_GET
def job_detail(request, pk: int):
    posting = _posting_or_404(request, pk)
    today = timezone.localdate()
    mine = None
    if request.user.is_authenticated:
        mine = JobApplication.objects.filter(posting=posting, user=request.user).first()
    refusal = services.apply_refusal(request.user, posting, today=today)
    context = {
        "posting": posting,
        "mine": mine,
        "refusal": refusal,
        "may_apply": not refusal and request.user.is_authenticated,
        "login_url": login_url(request.get_full_path()),
        "form": ApplyForm(),
        "expired": posting.valid_until < today,
    }
    return render(request, "activities/employment/job_detail.html", context)


@require_POST
def job_apply(request, pk: int):
    back = reverse("employment:job", args=[pk])
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    posting = _posting_or_404(request, pk)
    form = ApplyForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.job_apply(user=request.user, posting=posting, note=note)
    except PortalError as error:
        if error.status == 404:
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(
            request, _("You applied for %(job)s. The palace will contact you.") % {"job": posting.title}
        )
    return redirect(back)


@require_GET
def my_jobs(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    applications = selectors.applications_of_user(request.user)
    residencies = (
        ResidencyApplication.objects.filter(user=request.user)
        .select_related("palace")
        .prefetch_related("support")
    )
    context = {"applications": list(applications), "residencies": list(residencies)}
    return render(request, "activities/employment/my_jobs.html", context)


@require_POST
def application_withdraw(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("employment:mine"))
    application = get_object_or_404(JobApplication.objects.filter(user=request.user), pk=pk)
    try:
        services.application_withdraw(user=request.user, application=application)
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect("employment:mine")


@require_GET
def job_fair(request, event_id: int):
    event = get_object_or_404(
        Event.objects.filter(
            state=Event.State.PUBLISHED, kind=ActivityKind.JOB_FAIR, palace__in=listed_palaces()
        ).select_related("palace", "venue"),
        pk=event_id,
    )
    postings = event.job_postings.exclude(state=PostingState.DRAFT).select_related("employer", "palace")
    context = {"event": event, "postings": list(postings), "today": timezone.localdate()}
    return render(request, "activities/employment/job_fair.html", context)


@require_GET
def livestream(request, pk: int):
    stream = get_object_or_404(
        Livestream.objects.filter(palace__in=listed_palaces()).select_related("palace"), pk=pk
    )
    postings = stream.postings.exclude(state=PostingState.DRAFT).select_related("employer", "palace")
    context = {"stream": stream, "postings": list(postings), "today": timezone.localdate()}
    return render(request, "activities/employment/livestream.html", context)


@require_http_methods(["GET", "POST"])
def residency(request, palace_id: int):
    """A palace's maker residency: its residents with their period; applying for a place."""
    palace = get_object_or_404(listed_palaces(), pk=palace_id)
    form = ResidencyApplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            try:
                services.residency_apply(user=request.user, palace=palace, **form.cleaned_data)
            except PortalError as error:
                status = add_refusal(form, error)
            else:
                messages.success(request, _("Your application is in. The palace will decide and tell you."))
                return redirect("employment:mine")
        else:
            status = 400
    residents = selectors.residents_of(palace, today=timezone.localdate())
    waiting = (
        request.user.is_authenticated
        and ResidencyApplication.objects.filter(
            palace=palace, user=request.user, status=ResidencyApplication.Status.APPLIED
        ).exists()
    )
    context = {
        "palace": palace,
        "residents": list(residents),
        "form": form,
        "waiting": waiting,
        "login_url": login_url(request.get_full_path()),
    }
    return render(request, "activities/employment/residency.html", context, status=status)


@require_POST
def residency_withdraw(request, pk: int):
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("employment:mine"))
    row = get_object_or_404(ResidencyApplication.objects.filter(user=request.user), pk=pk)
    try:
        services.residency_withdraw(user=request.user, residency=row)
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your residency application is withdrawn."))
    return redirect("employment:mine")
