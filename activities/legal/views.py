"""Legal help, the workers' pages (/legal/...): a palace's duty lawyers and demonstration hearings,
asking for help, one's own cases. Every showing of a case is recorded (`services.case_read`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import InvalidInput, PortalError
from venues.models import Palace

from . import selectors, services
from .access import cases_readable_by
from .forms import CaseForm
from .models import CaseRead, LegalCase


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


def _listed_palace(palace_id: int) -> Palace:
    return get_object_or_404(Palace.objects.listed().select_related("region"), pk=palace_id)


@require_GET
def legal_help(request, palace_id: int):
    """The palace's legal help: who is on duty when, the coming demonstration hearings, and the
    way to ask for help."""
    palace = _listed_palace(palace_id)
    today = timezone.localdate()
    return render(
        request,
        "activities/legal/help.html",
        {
            "palace": palace,
            "lawyers": selectors.duty_lawyers(palace, today=today),
            "hearings": selectors.demonstration_hearings(palace, today=today),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request, palace_id: int):
    palace = _listed_palace(palace_id)
    form = CaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_create(actor=request.user, palace=palace, **form.cleaned_data)
        except InvalidInput as error:
            form.add_service_errors(error.fields, str(error.message))
        except PortalError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(
                request, _("Your request is received. The palace's legal-service staff will contact you.")
            )
            return redirect("legal:case", case.pk)
    status = 400 if request.method == "POST" else 200
    return _private(
        render(request, "activities/legal/case_form.html", {"palace": palace, "form": form}, status=status)
    )


@login_required
@require_GET
def my_cases(request):
    cases = list(selectors.cases_of_worker(request.user)[:100])
    services.cases_read(reader=request.user, cases=cases, via=CaseRead.Via.LIST)
    return _private(render(request, "activities/legal/my_cases.html", {"cases": cases}))


def _case(request, pk: int) -> LegalCase:
    case = cases_readable_by(request.user).select_related("palace").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


@login_required
@require_GET
def case_detail(request, pk: int):
    """One case with its dated steps, for the worker concerned (staff have their own page)."""
    case = _case(request, pk)
    if case.user_id != request.user.pk:
        return redirect("legal_staff:case", case.palace_id, case.pk)
    services.case_read(reader=request.user, case=case)
    steps = list(case.steps.all())
    return _private(render(request, "activities/legal/case_detail.html", {"case": case, "steps": steps}))


@login_required
@require_POST
def case_withdraw(request, pk: int):
    case = LegalCase.objects.filter(pk=pk, user=request.user).first()
    if case is None:
        raise Http404
    try:
        services.case_withdraw(actor=request.user, case=case, note=request.POST.get("note", ""))
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("Your case is withdrawn."))
    return redirect("legal:case", case.pk)
