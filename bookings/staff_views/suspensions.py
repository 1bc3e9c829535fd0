"""The palace desk: suspensions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from palace_portal.errors import PortalError
from venues.pages import staff_page

from ..access import suspensions_decidable_by
from ..models import Appeal, Suspension
from ..services import appeal_decide as appeal_decide_service
from ..services import suspension_lift as suspension_lift_service
from ..staff_forms import (
    AppealDecideForm,
    ReasonForm,
)
from ._common import (
    PAGE_SIZE,
    _form_errors,
    _managed,
)

# --- Suspensions ----------------------------------------------------------------------------------


def _suspensions_context(request, *, errors: dict | None = None) -> dict:
    now = timezone.now()
    in_force = Q(lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
    open_appeal = Appeal.objects.filter(suspension=OuterRef("pk"), status=Appeal.Status.OPEN)
    suspensions = (
        suspensions_decidable_by(request.user)
        .select_related("user", "appeal")
        .annotate(
            in_force_rank=Case(When(in_force, then=Value(0)), default=Value(1), output_field=IntegerField()),
            has_open_appeal=Exists(open_appeal),
        )
        .order_by("in_force_rank", "-has_open_appeal", "-starts_at", "-pk")
    )
    page = Paginator(suspensions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for s in page.object_list:
        try:
            appeal = s.appeal
        except ObjectDoesNotExist:
            appeal = None
        rows.append(
            {
                "suspension": s,
                "in_force": s.in_force_rank == 0,
                "appeal": appeal,
                "error": (errors or {}).get(s.pk),
            }
        )
    return {"page_obj": page, "rows": rows}


def _decidable(request, suspension_id: int) -> Suspension:
    return get_object_or_404(suspensions_decidable_by(request.user), pk=suspension_id)


def _require_desk(request) -> None:
    if not _managed(request).exists():
        raise Http404


@staff_page
def suspensions(request):
    _require_desk(request)
    return render(request, "bookings/staff/suspensions.html", _suspensions_context(request))


@staff_page
@require_POST
def suspension_lift(request, suspension_id: int):
    _require_desk(request)
    suspension = _decidable(request, suspension_id)
    form = ReasonForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            suspension_lift_service(
                actor=request.user, suspension=suspension, reason=form.cleaned_data["reason"]
            )
        except PortalError as exc:
            error, status = str(exc.message), exc.status
        else:
            messages.success(request, _("Suspension lifted: the worker may book again and is told."))
            return redirect("bookings_staff:suspensions")
    else:
        error = _form_errors(form)
    context = _suspensions_context(request, errors={suspension.pk: error})
    return render(request, "bookings/staff/suspensions.html", context, status=status)


@staff_page
@require_POST
def appeal_decide(request, suspension_id: int):
    _require_desk(request)
    suspension = _decidable(request, suspension_id)
    appeal = get_object_or_404(Appeal, suspension=suspension)
    form = AppealDecideForm(request.POST)
    status = 400
    if form.is_valid():
        uphold = form.cleaned_data["decision"] == "uphold"
        try:
            appeal_decide_service(
                actor=request.user, appeal=appeal, uphold=uphold, reason=form.cleaned_data["reason"]
            )
        except PortalError as exc:
            error, status = str(exc.message), exc.status
        else:
            if uphold:
                messages.success(
                    request, _("Appeal upheld: the suspension is lifted and the worker is told.")
                )
            else:
                messages.success(request, _("Appeal rejected: the worker is told, with your reason."))
            return redirect("bookings_staff:suspensions")
    else:
        error = _form_errors(form)
    context = _suspensions_context(request, errors={suspension.pk: error})
    return render(request, "bookings/staff/suspensions.html", context, status=status)
