"""The scheme editor of provincial staff: list, create, copy, edit, publish; categories and
indicators of a draft. Other staff may read a published scheme."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from palace_portal.errors import InvalidInput, PortalError

from .. import access, services
from ..catalogue import metric_names
from ..forms import CategoryForm, CopyForm, IndicatorForm, SchemeForm
from ..models import Indicator, Scheme
from ..selectors import formula_text, schemes_visible_to, schemes_with_tree
from ._common import evaluation_page, province_page, refuse


def _scheme_or_404(request, pk: int) -> Scheme:
    return get_object_or_404(schemes_visible_to(request.user), pk=pk)


def _draft_or_404(request, pk: int) -> Scheme:
    return get_object_or_404(Scheme.objects.filter(status=Scheme.Status.DRAFT), pk=pk)


def _save(form, call):
    """Run a service for a valid form; refusals become the form's errors (returns None)."""
    if not form.is_valid():
        return None
    try:
        return call(form.cleaned_data)
    except InvalidInput as error:
        form.add_service_errors(error.fields or {None: [str(error.message)]})
    except PortalError as error:
        form.add_error(None, str(error.message))
    return None


@evaluation_page
@require_http_methods(["GET", "POST"])
def scheme_list(request):
    schemes = list(schemes_visible_to(request.user).order_by("-year"))
    may_define = access.may_define_schemes(request.user)
    form = SchemeForm(initial={"standard_mark": 85, "basic_mark": 70})
    copy_form = CopyForm(schemes=schemes)
    if request.method == "POST":
        if not may_define:
            # Only the province writes schemes; to anyone else the form is not there (404, as
            # every action out of reach), not a redirect that says it exists.
            raise Http404
        if request.POST.get("action") == "copy":
            copy_form = CopyForm(request.POST, schemes=schemes)
            scheme = _save(
                copy_form,
                lambda d: services.scheme_copy(
                    actor=request.user,
                    source=get_object_or_404(Scheme, pk=d["source"]),
                    year=d["year"],
                    name=d["name"],
                ),
            )
        else:
            form = SchemeForm(request.POST)
            scheme = _save(form, lambda d: services.scheme_create(actor=request.user, **d))
        if scheme is not None:
            messages.success(request, _("The draft scheme was created."))
            return redirect("performance:evaluation:scheme", pk=scheme.pk)
    return render(
        request,
        "performance/evaluation/schemes.html",
        {
            "schemes": schemes,
            "may_define": may_define,
            "form": form,
            "copy_form": copy_form,
            "tab": "schemes",
        },
    )


@evaluation_page
def scheme_detail(request, pk: int):
    scheme = _scheme_or_404(request, pk)
    scheme = schemes_with_tree(Scheme.objects.filter(pk=scheme.pk)).get()
    names = metric_names()
    categories = [
        (c, [(i, formula_text(i, names)) for i in c.indicators.all()]) for c in scheme.categories.all()
    ]
    editable = scheme.is_draft and access.may_define_schemes(request.user)
    return render(
        request,
        "performance/evaluation/scheme.html",
        {
            "scheme": scheme,
            "categories": categories,
            "indicator_count": sum(len(rows) for _c, rows in categories),
            "editable": editable,
            "problems": services.scheme_problems(scheme) if editable else [],
            "tab": "schemes",
        },
    )


@province_page
@require_http_methods(["GET", "POST"])
def scheme_edit(request, pk: int):
    scheme = _draft_or_404(request, pk)
    form = SchemeForm(
        request.POST or None,
        initial={
            k: getattr(scheme, k) for k in ("year", "name", "description", "standard_mark", "basic_mark")
        },
    )
    if request.method == "POST" and _save(
        form, lambda d: services.scheme_update(actor=request.user, scheme=scheme, **d)
    ):
        messages.success(request, _("The scheme was saved."))
        return redirect("performance:evaluation:scheme", pk=scheme.pk)
    return render(
        request, "performance/evaluation/scheme_form.html", {"scheme": scheme, "form": form, "tab": "schemes"}
    )


@province_page
@require_POST
def scheme_publish(request, pk: int):
    scheme = _draft_or_404(request, pk)
    try:
        services.scheme_publish(actor=request.user, scheme=scheme)
        messages.success(
            request, _("The scheme is published: palaces can now evaluate themselves against it.")
        )
    except PortalError as error:
        refuse(request, error)
    return redirect("performance:evaluation:scheme", pk=scheme.pk)


@province_page
@require_POST
def scheme_delete(request, pk: int):
    scheme = _draft_or_404(request, pk)
    try:
        services.scheme_delete(actor=request.user, scheme=scheme)
    except PortalError as error:
        refuse(request, error)
        return redirect("performance:evaluation:scheme", pk=scheme.pk)
    messages.success(request, _("The draft scheme was deleted."))
    return redirect("performance:evaluation:schemes")


@province_page
@require_http_methods(["GET", "POST"])
def category_form(request, pk: int, category_id: int | None = None):
    scheme = _draft_or_404(request, pk)
    category = get_object_or_404(scheme.categories, pk=category_id) if category_id else None
    initial = (
        {
            "order": category.order,
            "name": category.name,
            "max_score": category.max_score,
            "description": category.description,
        }
        if category
        else {}
    )
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and _save(
        form, lambda d: services.category_save(actor=request.user, scheme=scheme, category=category, **d)
    ):
        messages.success(request, _("The category was saved."))
        return redirect("performance:evaluation:scheme", pk=scheme.pk)
    return render(
        request,
        "performance/evaluation/category_form.html",
        {"scheme": scheme, "category": category, "form": form, "tab": "schemes"},
    )


@province_page
@require_POST
def category_delete(request, pk: int, category_id: int):
    scheme = _draft_or_404(request, pk)
    category = get_object_or_404(scheme.categories, pk=category_id)
    try:
        services.category_delete(actor=request.user, category=category)
        messages.success(request, _("The category and its indicators were deleted."))
    except PortalError as error:
        refuse(request, error)
    return redirect("performance:evaluation:scheme", pk=scheme.pk)


@province_page
@require_http_methods(["GET", "POST"])
def indicator_form(request, pk: int, category_id: int, indicator_id: int | None = None):
    scheme = _draft_or_404(request, pk)
    category = get_object_or_404(scheme.categories, pk=category_id)
    indicator = get_object_or_404(category.indicators, pk=indicator_id) if indicator_id else None
    initial = IndicatorForm.initial_from(indicator) if indicator else {"kind": Indicator.Kind.MANUAL}
    form = IndicatorForm(request.POST or None, initial=initial)

    def save(data):
        return services.indicator_save(
            actor=request.user,
            category=category,
            indicator=indicator,
            code=data["code"],
            text=data["text"],
            guide=data["guide"],
            max_score=data["max_score"],
            order=data["order"],
            kind=data["kind"],
            formula=form.formula(),
        )

    if request.method == "POST" and _save(form, save):
        messages.success(request, _("The indicator was saved."))
        return redirect("performance:evaluation:scheme", pk=scheme.pk)
    return render(
        request,
        "performance/evaluation/indicator_form.html",
        {"scheme": scheme, "category": category, "indicator": indicator, "form": form, "tab": "schemes"},
    )


@province_page
@require_POST
def indicator_delete(request, pk: int, category_id: int, indicator_id: int):
    scheme = _draft_or_404(request, pk)
    indicator = get_object_or_404(
        Indicator.objects.filter(scheme=scheme, category_id=category_id), pk=indicator_id
    )
    try:
        services.indicator_delete(actor=request.user, indicator=indicator)
        messages.success(request, _("The indicator was deleted."))
    except PortalError as error:
        refuse(request, error)
    return redirect("performance:evaluation:scheme", pk=scheme.pk)
