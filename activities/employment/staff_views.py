"""Staff pages of employment: `/staff/jobs/<palace_id>/...` (namespace `employment_staff`).

Lists (postings, a posting's applicants, employers, job fairs, livestreams, residency) are for the
palaces the user may read (`scope="view"`: its staff, its city's officers, the province);
everything that writes is for the palaces they may act on (`scope="manage"`). Any other palace or
row answers 404. Applicants' names and phones are in full only for staff who hold a post at the
posting's palace; officers reading it see them masked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access
from activities.events.models import Event
from activities.ledger.models import ActivityKind
from palace_portal.errors import PortalError
from palace_portal.service_forms import save_with
from venues.models import Palace
from venues.pages import palace_or_404, palaces_in_scope, staff_page

from . import selectors, services
from .forms import (
    DecisionForm,
    EmployerForm,
    InterviewForm,
    JobFairForm,
    LivestreamForm,
    PostingForm,
    ResidencyDecisionForm,
    SupportForm,
)
from .models import (
    Employer,
    JobApplication,
    JobPosting,
    Livestream,
    ResidencyApplication,
    ResidencyStatus,
)

PAGE_SIZE = 30
STATE_BADGES = {"draft": "badge-muted", "published": "badge-ok", "closed": "badge-red"}
STATUS_BADGES = {
    "applied": "badge-warn",
    "interview": "badge-warn",
    "placed": "badge-ok",
    "rejected": "badge-muted",
    "withdrawn": "badge-muted",
    "accepted": "badge-ok",
    "refused": "badge-muted",
}


def head(request, palace: Palace, tab: str) -> dict:
    return {"palace": palace, "tab": tab, "may_manage": access.may_manage(request.user, palace)}


def _form_page(
    request,
    *,
    palace: Palace,
    tab: str,
    form,
    save: Callable[[dict[str, Any]], Any],
    done: str,
    back: str,
    title: str,
    extra: dict | None = None,
):
    """A staff form: on a valid POST the service saves (its refusal lands on the form)."""
    if request.method == "POST" and save_with(form, save) is not None:
        messages.success(request, done)
        return redirect(back)
    context = head(request, palace, tab) | {"form": form, "title": title, "back": back} | (extra or {})
    return render(
        request, "activities/employment/staff/form.html", context, status=400 if form.errors else 200
    )


@staff_page
@require_GET
def home(request):
    """The employment desk: straight to the user's palace, or a choice of palaces."""
    palaces = palaces_in_scope(request.user, "view").select_related("region").order_by("region__code", "name")
    if not palaces.exists():
        raise Http404
    own = list(palaces_in_scope(request.user, "manage").values_list("pk", flat=True)[:2])
    if len(own) == 1:
        return redirect("employment_staff:postings", own[0])
    if palaces.count() == 1:
        return redirect("employment_staff:postings", palaces.get().pk)
    page = Paginator(palaces, 50).get_page(request.GET.get("page"))
    return render(request, "activities/employment/staff/home.html", {"page_obj": page})


# --- Postings and applicants ----------------------------------------------------------------------


@staff_page
@require_GET
def postings(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    state = request.GET.get("state", "")
    rows = selectors.postings_with_counts(JobPosting.objects.filter(palace=palace))
    if state in JobPosting.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    context = head(request, palace, "postings") | {
        "page_obj": page,
        "state": state,
        "states": JobPosting.State.choices,
        "badges": STATE_BADGES,
        "today": timezone.localdate(),
    }
    return render(request, "activities/employment/staff/postings.html", context)


def _posting(palace: Palace, posting_id: int) -> JobPosting:
    return get_object_or_404(
        JobPosting.objects.filter(palace=palace).select_related("employer", "palace"), pk=posting_id
    )


@staff_page
@require_http_methods(["GET", "POST"])
def posting_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = PostingForm(request.POST or None, palace=palace)
    if request.method == "POST":
        posting = save_with(
            form, lambda values: services.posting_create(actor=request.user, palace=palace, **values)
        )
        if posting is not None:
            messages.success(request, _("Saved as a draft. Publish it when it is ready."))
            return redirect("employment_staff:posting", palace.pk, posting.pk)
    context = head(request, palace, "postings") | {
        "form": form,
        "title": _("New job posting"),
        "back": _url("employment_staff:postings", palace.pk),
        "no_employers": not form.fields["employer"].queryset.exists(),
    }
    return render(
        request, "activities/employment/staff/form.html", context, status=400 if form.errors else 200
    )


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


@staff_page
@require_http_methods(["GET", "POST"])
def posting_edit(request, palace_id: int, posting_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    posting = _posting(palace, posting_id)
    form = PostingForm(request.POST or None, palace=palace, initial=PostingForm.initial_of(posting))
    return _form_page(
        request,
        palace=palace,
        tab="postings",
        form=form,
        save=lambda values: services.posting_update(actor=request.user, posting=posting, **values),
        done=_("Posting saved."),
        back=_url("employment_staff:posting", palace.pk, posting.pk),
        title=_("Edit job posting"),
    )


@staff_page
@require_GET
def posting_detail(request, palace_id: int, posting_id: int):
    """The posting and everyone who applied, with interviews and decisions."""
    palace = palace_or_404(request, palace_id, scope="view")
    posting = _posting(palace, posting_id)
    applicants = selectors.applicants_of(posting)
    context = head(request, palace, "postings") | {
        "posting": posting,
        "badge": STATE_BADGES[posting.state],
        "applicants": applicants,
        "badges": STATUS_BADGES,
        "unmasked": selectors.may_see_phones(request.user, palace),
        "placed": sum(1 for a in applicants if a.status == "placed"),
        "today": timezone.localdate(),
    }
    return render(request, "activities/employment/staff/posting_detail.html", context)


def _step(request, palace_id: int, posting_id: int, step, done: str):
    palace = palace_or_404(request, palace_id, scope="manage")
    posting = _posting(palace, posting_id)
    try:
        step(actor=request.user, posting=posting)
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("employment_staff:posting", palace.pk, posting.pk)


@staff_page
@require_POST
def posting_publish(request, palace_id: int, posting_id: int):
    return _step(request, palace_id, posting_id, services.posting_publish, _("Published: workers can apply."))


@staff_page
@require_POST
def posting_close(request, palace_id: int, posting_id: int):
    return _step(request, palace_id, posting_id, services.posting_close, _("Closed: no more applications."))


def _application(palace: Palace, application_id: int) -> JobApplication:
    return get_object_or_404(
        JobApplication.objects.filter(palace=palace).select_related("posting", "user", "palace"),
        pk=application_id,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def interview(request, palace_id: int, application_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    application = _application(palace, application_id)
    form = InterviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    return _form_page(
        request,
        palace=palace,
        tab="postings",
        form=form,
        save=lambda values: services.interview_record(actor=request.user, application=application, **values),
        done=_("Interview recorded."),
        back=_url("employment_staff:posting", palace.pk, application.posting_id),
        title=_("Record an interview"),
        extra={"application": application},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def decide(request, palace_id: int, application_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    application = _application(palace, application_id)
    form = DecisionForm(request.POST or None, initial={"placed_on": timezone.localdate()})
    return _form_page(
        request,
        palace=palace,
        tab="postings",
        form=form,
        save=lambda values: services.application_decide(
            actor=request.user, application=application, **values
        ),
        done=_("Decision recorded."),
        back=_url("employment_staff:posting", palace.pk, application.posting_id),
        title=_("Placement or not"),
        extra={"application": application},
    )


# --- Employers ------------------------------------------------------------------------------------


@staff_page
@require_GET
def employers(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    rows = Employer.objects.filter(palace=palace).order_by("-active", "name")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "activities/employment/staff/employers.html",
        head(request, palace, "employers") | {"page_obj": page},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def employer_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    return _form_page(
        request,
        palace=palace,
        tab="employers",
        form=EmployerForm(request.POST or None),
        save=lambda values: services.employer_create(actor=request.user, palace=palace, **values),
        done=_("Employer saved."),
        back=_url("employment_staff:employers", palace.pk),
        title=_("New employer"),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def employer_edit(request, palace_id: int, employer_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    employer = get_object_or_404(Employer.objects.filter(palace=palace), pk=employer_id)
    return _form_page(
        request,
        palace=palace,
        tab="employers",
        form=EmployerForm(request.POST or None, initial=EmployerForm.initial_of(employer)),
        save=lambda values: services.employer_update(actor=request.user, employer=employer, **values),
        done=_("Employer saved."),
        back=_url("employment_staff:employers", palace.pk),
        title=_("Edit employer"),
    )


# --- Job fairs and livestreams --------------------------------------------------------------------


@staff_page
@require_GET
def fairs(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    events = (
        Event.objects.filter(palace=palace, kind=ActivityKind.JOB_FAIR)
        .prefetch_related("job_postings")
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    streams = Livestream.objects.filter(palace=palace).prefetch_related("postings").order_by("-starts_at")
    stream_page = Paginator(streams, PAGE_SIZE).get_page(request.GET.get("live_page"))
    context = head(request, palace, "fairs") | {"page_obj": page, "streams": stream_page}
    return render(request, "activities/employment/staff/fairs.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def fair_postings(request, palace_id: int, event_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    event = get_object_or_404(Event.objects.filter(palace=palace, kind=ActivityKind.JOB_FAIR), pk=event_id)
    form = JobFairForm(
        request.POST or None, palace=palace, initial={"postings": list(event.job_postings.all())}
    )
    return _form_page(
        request,
        palace=palace,
        tab="fairs",
        form=form,
        save=lambda values: services.job_fair_postings_set(actor=request.user, event=event, **values),
        done=_("The fair's postings are saved."),
        back=_url("employment_staff:fairs", palace.pk),
        title=_("Postings at %(fair)s") % {"fair": event.title},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def livestream_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    return _form_page(
        request,
        palace=palace,
        tab="fairs",
        form=LivestreamForm(request.POST or None, palace=palace),
        save=lambda values: services.livestream_save(actor=request.user, palace=palace, **values),
        done=_("Livestream saved."),
        back=_url("employment_staff:fairs", palace.pk),
        title=_("New recruiting livestream"),
    )


@staff_page
@require_http_methods(["GET", "POST"])
def livestream_edit(request, palace_id: int, livestream_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    stream = get_object_or_404(Livestream.objects.filter(palace=palace), pk=livestream_id)
    initial = {
        "title": stream.title,
        "stream_url": stream.stream_url,
        "starts_at": timezone.localtime(stream.starts_at),
        "viewers": stream.viewers,
        "postings": list(stream.postings.all()),
    }
    return _form_page(
        request,
        palace=palace,
        tab="fairs",
        form=LivestreamForm(request.POST or None, palace=palace, initial=initial),
        save=lambda values: services.livestream_save(
            actor=request.user, palace=palace, livestream=stream, **values
        ),
        done=_("Livestream saved."),
        back=_url("employment_staff:fairs", palace.pk),
        title=_("Edit recruiting livestream"),
    )


# --- The maker residency --------------------------------------------------------------------------


@staff_page
@require_GET
def residency(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    today = timezone.localdate()
    waiting = (
        ResidencyApplication.objects.filter(palace=palace, status=ResidencyStatus.APPLIED)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    residents = (
        ResidencyApplication.objects.filter(palace=palace, status=ResidencyStatus.ACCEPTED)
        .select_related("user")
        .prefetch_related("support")
        .order_by("-ends_on", "pk")
    )
    page = Paginator(residents, PAGE_SIZE).get_page(request.GET.get("page"))
    context = head(request, palace, "residency") | {
        "waiting": list(waiting),
        "page_obj": page,
        "today": today,
        "unmasked": selectors.may_see_phones(request.user, palace),
    }
    return render(request, "activities/employment/staff/residency.html", context)


def _residency(palace: Palace, pk: int) -> ResidencyApplication:
    return get_object_or_404(
        ResidencyApplication.objects.filter(palace=palace).select_related("user", "palace"), pk=pk
    )


@staff_page
@require_http_methods(["GET", "POST"])
def residency_decide(request, palace_id: int, residency_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    row = _residency(palace, residency_id)
    return _form_page(
        request,
        palace=palace,
        tab="residency",
        form=ResidencyDecisionForm(request.POST or None),
        save=lambda values: services.residency_decide(actor=request.user, residency=row, **values),
        done=_("Decision recorded; the applicant sees it on their page."),
        back=_url("employment_staff:residency", palace.pk),
        title=_("Decide: %(project)s") % {"project": row.project},
        extra={"residency": row},
    )


@staff_page
@require_http_methods(["GET", "POST"])
def support_new(request, palace_id: int, residency_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    row = _residency(palace, residency_id)
    return _form_page(
        request,
        palace=palace,
        tab="residency",
        form=SupportForm(request.POST or None, initial={"granted_on": timezone.localdate()}),
        save=lambda values: services.support_record(actor=request.user, residency=row, **values),
        done=_("Support recorded."),
        back=_url("employment_staff:residency", palace.pk),
        title=_("Support for %(project)s") % {"project": row.project},
        extra={"residency": row},
    )
