"""Legal help, the palace's pages (/staff/legal/<palace_id>/...): the cases for its legal-service
staff only (every showing recorded), and the read log for them and the palace's managers."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from palace_portal.errors import InvalidInput, PortalError
from venues import access as venues_access
from venues.pages import palace_or_404, staff_page

from . import selectors, services
from .access import may_audit_case_reads, palaces_auditable_by
from .forms import StepForm
from .models import CaseRead, Stage

PAGE_SIZE = 30


def _head(request, palace, tab: str) -> dict:
    return {
        "palace": palace,
        "tab": tab,
        "is_legal_staff": venues_access.is_legal_service_staff(request.user, palace),
        "may_audit": may_audit_case_reads(request.user, palace),
    }


def _private(response):
    patch_cache_control(response, private=True, no_store=True)
    return response


@staff_page
@require_GET
def cases(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope=venues_access.palaces_with_legal_duty)
    stage = request.GET.get("stage", "open")
    if stage not in ("open", "", *Stage.values):
        stage = "open"
    page = Paginator(selectors.cases_of_palace(palace, stage=stage), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    services.cases_read(reader=request.user, cases=page.object_list, via=CaseRead.Via.LIST)
    tabs = [("open", _("Open")), *[(v, label) for v, label in Stage.choices], ("", _("All"))]
    context = _head(request, palace, "cases") | {"page_obj": page, "stage": stage, "tabs": tabs}
    return _private(render(request, "activities/legal/staff/cases.html", context))


@staff_page
@require_http_methods(["GET", "POST"])
def case(request, palace_id: int, case_id: int):
    """One case with its steps and the form for the next step."""
    palace = palace_or_404(request, palace_id, scope=venues_access.palaces_with_legal_duty)
    found = selectors.cases_of_palace(palace).filter(pk=case_id).first()
    if found is None:
        raise Http404
    form = StepForm(request.POST or None, initial={"on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.case_advance(actor=request.user, case=found, **form.cleaned_data)
            except InvalidInput as error:
                form.add_service_errors(error.fields, str(error.message))
            except PortalError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("The step is recorded."))
                return redirect("legal_staff:case", palace.pk, found.pk)
    services.case_read(reader=request.user, case=found)
    context = _head(request, palace, "cases") | {
        "case": found,
        "steps": list(found.steps.all()),
        "form": form,
    }
    return _private(render(request, "activities/legal/staff/case.html", context, status=status))


@staff_page
@require_GET
def reads(request, palace_id: int):
    """Who was shown which case, when: case numbers and readers, never the worker's name."""
    palace = palace_or_404(request, palace_id, scope=palaces_auditable_by)
    page = Paginator(selectors.case_reads_of_palace(palace), 50).get_page(request.GET.get("page"))
    context = _head(request, palace, "reads") | {"page_obj": page}
    return _private(render(request, "activities/legal/staff/reads.html", context))
