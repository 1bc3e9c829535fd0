"""The wish inbox and one wish with the answer form (`/staff/voice/<palace_id>/`)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from activities.classes.models import Course
from activities.voice import selectors, services
from activities.voice.forms import (
    WishAnswerForm,
    WishFilterForm,
)
from activities.voice.models import Wish
from palace_portal.errors import InvalidInput, PortalError
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from ._common import PAGE_SIZE, _head


def _courses(palace: Palace):
    """The palace's courses for the "done" link, latest term first."""
    return (
        Course.objects.filter(palace=palace)
        .select_related("term")
        .order_by("-term__starts_on", "title", "pk")
    )


# --- Wishes ---------------------------------------------------------------------------------------


def _status_tabs(palace: Palace) -> list[dict]:
    counts = selectors.wish_status_counts(palace)
    tabs = [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Wish.Status.choices
    ]
    return [*tabs, {"value": "", "label": _("All"), "count": sum(counts.values())}]


@staff_page
@require_GET
def inbox(request, palace_id: int):
    """The palace's wishes, open ones first by default, most votes first."""
    palace = palace_or_404(request, palace_id, scope="view")
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = Wish.Status.OPEN
    form = WishFilterForm(data)
    values = form.values()
    queryset = selectors.wish_list(
        palaces=Palace.objects.filter(pk=palace.pk),
        status=values["status"],
        centre=values["centre"],
        order=values["order"],
    )
    page_obj = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = form.params()
    params.setdefault("status", "")
    return render(
        request,
        "activities/voice/staff/inbox.html",
        {
            **_head(request, palace, "wishes"),
            "form": form,
            "page_obj": page_obj,
            "query": urlencode(params),
            "tabs": _status_tabs(palace),
            "status": values["status"],
            "order_new": values["order"] == "new",
        },
    )


@staff_page
@require_http_methods(["GET", "POST"])
def wish_detail(request, palace_id: int, wish_id: int):
    if request.method == "POST":
        palace = palace_or_404(request, palace_id, scope="manage")
    else:
        palace = palace_or_404(request, palace_id, scope="view")
    wish = get_object_or_404(
        Wish.objects.for_palace(palace).select_related("author", "answered_by", "course"),
        pk=wish_id,
    )
    initial = {
        "status": wish.status if wish.status != Wish.Status.OPEN else "",
        "answer": wish.answer,
        "course": wish.course_id,
    }
    form = WishAnswerForm(request.POST or None, initial=initial, courses=_courses(palace))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.wish_answer(
                    actor=request.user,
                    wish=wish,
                    status=form.cleaned_data["status"],
                    answer=form.cleaned_data["answer"],
                    course=form.cleaned_data.get("course"),
                )
            except InvalidInput as error:
                form.add_service_errors(error.fields, str(error.message))
            except PortalError as error:
                form.add_error(None, str(error.message))
                status = error.status
            else:
                messages.success(request, _("Answer saved: the workers see it on the wish."))
                return redirect("voice_staff:inbox", palace.pk)
    return render(
        request,
        "activities/voice/staff/wish.html",
        {**_head(request, palace, "wishes"), "wish": wish, "form": form},
        status=status,
    )
