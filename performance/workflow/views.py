"""Pages of the monthly ledger workflow (/performance/...).

- a palace's months (`palace_ledgers`) and one month (`ledger`): palace staff read their palace's,
  city officers their city's, provincial officers every palace's (`venues.pages.palace_or_404`);
- the actions on one month (manual lines, submit, accept, return, reopen) are POSTs that call one
  service each; the service checks the actor's right again and refuses with a domain error, which
  these views turn into the form's errors (400), a message (409) or a 404;
- the review queue (`review`) for city and provincial officers.
Anyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from palace_portal.errors import InvalidInput, NotFound, PortalError
from palace_portal.months import format_month, next_month, previous_month
from venues import access as venue_access
from venues.models import Palace, StaffAssignment
from venues.pages import palace_or_404, staff_page

from ..ledgers.models import Ledger, LedgerStep, ManualLine
from . import access, selectors, services
from .forms import AcceptForm, ManualLineForm, ReopenForm, ReturnForm, ReviewFilterForm, SubmitForm, YearForm

Status = Ledger.Status
Action = LedgerStep.Action


def _ledger(request, palace_id: int, month: date) -> Ledger:
    palace = palace_or_404(request, palace_id, scope="view")
    return get_object_or_404(
        Ledger.objects.select_related("palace", "palace__region"), palace=palace, month=month
    )


def _allowed_or_404(allowed: bool) -> None:
    """The actions check the actor before reading the form: those who may not act get 404 (never a
    form's 400), as everywhere in the portal. The services check again (defence in depth)."""
    if not allowed:
        raise Http404


def _ledger_url(ledger: Ledger) -> str:
    return reverse("performance:ledger", args=[ledger.palace_id, ledger.month])


def _roles(user, ledger: Ledger) -> dict:
    province = access.may_review_as_province(user)
    return {
        "may_report": access.may_report_for(user, ledger.palace),
        "may_review_province": province,
        "may_review_city": not province and access.may_review_as_city(user, ledger.palace),
    }


def _render_ledger(request, ledger: Ledger, *, status: int = 200, **forms):
    page = selectors.ledger_page(ledger)
    roles = _roles(request.user, ledger)
    month_over = timezone.localdate() >= next_month(ledger.month)
    editable = ledger.status in services.EDITABLE
    steps = page.steps
    last_return = next((s for s in reversed(steps) if s.action in (Action.RETURNED, Action.REOPENED)), None)
    last_submit = next((s for s in reversed(steps) if s.action == Action.SUBMITTED), None)
    forms.setdefault("line_form", ManualLineForm())
    forms.setdefault("submit_form", SubmitForm())
    forms.setdefault("return_form", ReturnForm())
    forms.setdefault("accept_form", AcceptForm())
    forms.setdefault("reopen_form", ReopenForm())
    context = {
        "palace": ledger.palace,
        "ledger": ledger,
        "page": page,
        "editable": editable,
        "may_edit_lines": roles["may_report"] and editable,
        "may_submit": roles["may_report"] and editable and month_over and ledger.computed_at is not None,
        "month_over": month_over,
        "due_at": selectors.due_at(ledger.month),
        "last_return": last_return if ledger.status == Status.RETURNED else None,
        "last_submit": last_submit if ledger.status in (Status.SUBMITTED, Status.ACCEPTED) else None,
        "awaiting_city": ledger.status == Status.SUBMITTED and ledger.city_accepted_at is None,
        "may_return": ledger.status == Status.SUBMITTED
        and (roles["may_review_province"] or (roles["may_review_city"] and ledger.city_accepted_at is None)),
        "may_accept": ledger.status == Status.SUBMITTED
        and (roles["may_review_province"] or (roles["may_review_city"] and ledger.city_accepted_at is None)),
        "may_reopen": roles["may_review_province"] and ledger.status == Status.ACCEPTED,
        "review_url": reverse("performance:review") + f"?month={format_month(ledger.month)}",
        "may_open_queue": access.may_open_review_queue(request.user),
        **roles,
        **forms,
    }
    return render(request, "performance/workflow/ledger.html", context, status=status)


def _next_or(request, default: str) -> str:
    """Where to go after an action: the page that asked (the review queue), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _act(request, ledger: Ledger, form, form_name: str, call: Callable[[dict], object], done: str):
    """Validate `form`, call the service; bad input re-renders the page (400) with the errors on the
    form, a refusal of the rules is shown as a message on the ledger page, out of scope is 404."""
    if form.is_valid():
        try:
            call(form.values())
        except InvalidInput as error:
            form.add_service_errors(error.fields or {None: [str(error.message)]})
        except NotFound as exc:
            raise Http404 from exc
        except PortalError as error:
            messages.error(request, str(error.message))
            return redirect(_ledger_url(ledger))
        else:
            messages.success(request, done)
            return redirect(_next_or(request, _ledger_url(ledger)))
    return _render_ledger(request, ledger, status=400, **{form_name: form})


# --- Reading ----------------------------------------------------------------------------------------------


@staff_page
@require_GET
def my_ledgers(request):
    """The menu's entry: palace people go to their palace's months, officers to the review queue."""
    palaces = list(
        Palace.objects.filter(
            staff_assignments__user=request.user, staff_assignments__role__in=StaffAssignment.PALACE_ROLES
        )
        .distinct()
        .order_by("name")
    )
    if not palaces:
        if access.may_open_review_queue(request.user):
            return redirect("performance:review")
        raise Http404
    if len(palaces) == 1:
        return redirect("performance:palace_ledgers", palaces[0].pk)
    return render(request, "performance/workflow/my_ledgers.html", {"palaces": palaces})


@staff_page
@require_GET
def palace_ledgers(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view", related=("region", "region__parent"))
    form = YearForm(request.GET)
    asked = form.cleaned_data.get("year") if form.is_valid() else None
    years, year, rows = selectors.palace_ledger_book(palace, year=asked)
    may_report = access.may_report_for(request.user, palace)
    context = {
        "palace": palace,
        "year": year,
        "years": years if year in years else sorted({*years, year}, reverse=True),
        "rows": rows,
        "may_report": may_report,
        "may_open_queue": access.may_open_review_queue(request.user),
        "rate": selectors.reporting_rate(
            months=selectors.months_due(year),
            palaces=Palace.objects.filter(pk=palace.pk),
            palace_rows=[palace],
        ),
    }
    return render(request, "performance/workflow/palace_ledgers.html", context)


@staff_page
@require_GET
def ledger(request, palace_id: int, month: date):
    return _render_ledger(request, _ledger(request, palace_id, month))


# --- Manual lines -----------------------------------------------------------------------------------------


@staff_page
@require_POST
def line_add(request, palace_id: int, month: date):
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_report_for(request.user, ledger.palace))
    form = ManualLineForm(request.POST)
    return _act(
        request,
        ledger,
        form,
        "line_form",
        lambda v: services.manual_line_add(actor=request.user, ledger=ledger, **v),
        _("The line is added."),
    )


def _line(ledger: Ledger, line_id: int) -> ManualLine:
    return get_object_or_404(ManualLine.objects.filter(ledger=ledger), pk=line_id)


@staff_page
@require_http_methods(["GET", "POST"])
def line_edit(request, palace_id: int, month: date, line_id: int):
    """Correct a manual line: the form alone (htmx swaps it into the list) or as a page."""
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_report_for(request.user, ledger.palace))
    line = _line(ledger, line_id)
    if ledger.status not in services.EDITABLE:
        messages.error(request, _("This month has been submitted: manual lines can no longer change."))
        return redirect(_ledger_url(ledger))
    status = 200
    if request.method == "POST":
        form = ManualLineForm(request.POST)
        if form.is_valid():
            try:
                services.manual_line_update(actor=request.user, line=line, **form.values())
            except InvalidInput as error:
                form.add_service_errors(error.fields or {None: [str(error.message)]})
            except NotFound as exc:
                raise Http404 from exc
            except PortalError as error:
                messages.error(request, str(error.message))
                return redirect(_ledger_url(ledger))
            else:
                messages.success(request, _("The line is corrected."))
                return redirect(_ledger_url(ledger) + "#manual")
        status = 400
    else:
        form = ManualLineForm(initial={"metric": line.metric, "value": line.value, "note": line.note})
    context = {"palace": ledger.palace, "ledger": ledger, "line": line, "form": form}
    template = (
        "performance/workflow/_line_edit.html" if request.htmx else "performance/workflow/line_edit.html"
    )
    return render(request, template, context, status=status)


@staff_page
@require_POST
def line_delete(request, palace_id: int, month: date, line_id: int):
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_report_for(request.user, ledger.palace))
    line = _line(ledger, line_id)
    try:
        services.manual_line_delete(actor=request.user, line=line)
    except NotFound as exc:
        raise Http404 from exc
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The line is deleted."))
    return redirect(_ledger_url(ledger) + "#manual")


# --- Submission and review --------------------------------------------------------------------------------


@staff_page
@require_POST
def submit(request, palace_id: int, month: date):
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_report_for(request.user, ledger.palace))
    return _act(
        request,
        ledger,
        SubmitForm(request.POST),
        "submit_form",
        lambda v: services.ledger_submit(actor=request.user, ledger=ledger, **v),
        _("The month is submitted to the city for review."),
    )


@staff_page
@require_POST
def return_(request, palace_id: int, month: date):
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_review(request.user, ledger.palace))
    return _act(
        request,
        ledger,
        ReturnForm(request.POST),
        "return_form",
        lambda v: services.ledger_return(actor=request.user, ledger=ledger, **v),
        _("The month is returned to the palace."),
    )


@staff_page
@require_POST
def accept(request, palace_id: int, month: date):
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_review(request.user, ledger.palace))
    province = access.may_review_as_province(request.user)
    return _act(
        request,
        ledger,
        AcceptForm(request.POST),
        "accept_form",
        lambda v: services.ledger_accept(actor=request.user, ledger=ledger, **v),
        _("The month is accepted and locked.")
        if province
        else _("Accepted by the city: the province decides next."),
    )


@staff_page
@require_POST
def reopen(request, palace_id: int, month: date):
    ledger = _ledger(request, palace_id, month)
    _allowed_or_404(access.may_review_as_province(request.user))
    return _act(
        request,
        ledger,
        ReopenForm(request.POST),
        "reopen_form",
        lambda v: services.ledger_reopen(actor=request.user, ledger=ledger, **v),
        _("The month is reopened and back with the palace."),
    )


# --- The review queue ---------------------------------------------------------------------------------------


@staff_page
@require_GET
def review(request):
    """City officers: every palace of their city for a month; provincial officers: every city."""
    user = request.user
    if not access.may_open_review_queue(user):
        raise Http404
    province = access.may_review_as_province(user)
    palaces = venue_access.palaces_visible_to(user) if province else access.palaces_reviewed_by_city(user)
    cities = selectors.review_cities(palaces)
    data = request.GET.copy()
    data.setdefault("month", format_month(selectors.latest_due_month()))
    form = ReviewFilterForm(data, cities=cities)
    valid = form.is_valid()
    values = form.cleaned_data if valid else {}
    month = values.get("month") or selectors.latest_due_month()
    city = values.get("city")
    status = values.get("status") or ""
    rows = selectors.review_queue(palaces=palaces, month=month, city=city, status=status)
    scope = palaces if city is None else palaces.filter(Q(region=city) | Q(region__parent=city))
    rate = selectors.reporting_rate(months=[month], palaces=scope)
    context = {
        "form": form,
        "month": month,
        "previous_month": format_month(previous_month(month)),
        "next_month": format_month(next_month(month)),
        "city": city,
        "rows": rows,
        "rate": rate,
        "province": province,
        "flagged": sum(1 for row in rows if row.flags),
    }
    return render(request, "performance/workflow/review.html", context, status=200 if valid else 400)
