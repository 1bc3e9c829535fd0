"""Rating pages. Workers: `/ratings/` lists what they attended and have not rated, each with a star
form, and their own ratings (changeable for two weeks). Staff: `/staff/ratings/<palace_id>/`, the
palace's averages per course, teacher, venue, event and month, the 1–5 distribution and the
comments, which staff of the palace may hide.

Reads of a palace: `access.palaces_visible_to` (officers included, read-only); hiding:
`access.palaces_managed_by`. Anything else answers 404. The rules live in
`activities.ratings.services`.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from activities import access
from activities.ratings import selectors, services
from activities.ratings.forms import HideForm, RateForm, RatingEditForm, RatingFilterForm
from activities.ratings.models import Rating
from palace_portal.errors import InvalidInput, NotFound, PortalError
from venues.models import Palace
from venues.pages import palace_or_404, palaces_in_scope, staff_page

OWN_LIMIT = 20
COMMENTS_PAGE_SIZE = 20
_KEY = re.compile(r"[0-9]{1,19}")


def stars_text(stars: int) -> str:
    return "★" * stars + "☆" * (5 - stars)


def _auto_id(key: str) -> str:
    return f"r{key}-%s"


def _add_errors(form, error: PortalError) -> None:
    for name, errors in (error.fields or {"__all__": [error.message]}).items():
        for message in errors:
            form.add_error(name if name in form.fields else None, message)


# --- The worker's page ----------------------------------------------------------------------------


def _posted_key(data) -> str:
    booking, occurrence = data.get("booking", ""), data.get("occurrence", "") or "0"
    if _KEY.fullmatch(booking) and _KEY.fullmatch(occurrence):
        return f"{int(booking)}-{int(occurrence)}"
    return "x"


def _rate(request, form: RateForm) -> bool:
    """Hand a posted star form to the service; its refusals land on the form or in a message."""
    if not form.is_valid():
        return False
    data = form.cleaned_data
    try:
        booking, occurrence = selectors.rating_target(
            request.user, booking_id=data["booking"], occurrence_id=data["occurrence"]
        )
        services.rating_create(
            user=request.user,
            booking=booking,
            occurrence=occurrence,
            stars=data["stars"],
            comment=data["comment"],
        )
    except NotFound:
        raise Http404 from None
    except InvalidInput as error:
        _add_errors(form, error)
        return False
    except PortalError as error:
        messages.error(request, error.message)
        return True  # nothing to correct on the form: the list shows what is left
    messages.success(request, _("Thank you for your rating."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def rate_list(request):
    posted = None
    if request.method == "POST":
        posted = RateForm(request.POST, auto_id=_auto_id(_posted_key(request.POST)))
        if _rate(request, posted):
            return redirect("ratings:mine")
    now = timezone.now()
    items = []
    shown = False
    for item in selectors.ratables_of_user(request.user, now=now):
        if posted is not None and _posted_key(request.POST) == item.key:
            form, shown = posted, True
        else:
            initial = {
                "booking": item.booking.pk,
                "occurrence": item.occurrence.pk if item.occurrence else None,
            }
            form = RateForm(initial=initial, auto_id=_auto_id(item.key))
        items.append((item, form))
    if posted is not None and not shown:
        messages.error(request, _("The rating could not be saved: nothing to rate matches it."))
    own = [
        {
            "rating": rating,
            "title": selectors.rating_title(rating),
            "stars": stars_text(rating.stars),
            "editable": selectors.rating_editable(rating, now=now),
        }
        for rating in selectors.ratings_of_user(request.user)[:OWN_LIMIT]
    ]
    return render(
        request,
        "activities/ratings/rate_list.html",
        {
            "items": items,
            "own": own,
            "rate_days": services.RATE_WITHIN_DAYS,
            "edit_days": services.EDIT_WITHIN_DAYS,
        },
        status=400 if posted is not None else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rating_edit(request, rating_id: int):
    rating = get_object_or_404(
        selectors.ratings_of_user(request.user).select_related("occurrence"), pk=rating_id
    )
    if not selectors.rating_editable(rating):
        messages.info(request, _("This rating can no longer be changed."))
        return redirect("ratings:mine")
    form = RatingEditForm(request.POST or None, initial={"stars": rating.stars, "comment": rating.comment})
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_update(
                user=request.user,
                rating=rating,
                stars=form.cleaned_data["stars"],
                comment=form.cleaned_data["comment"],
            )
        except InvalidInput as error:
            _add_errors(form, error)
        except PortalError as error:
            messages.error(request, error.message)
            return redirect("ratings:mine")
        else:
            messages.success(request, _("Your rating has been changed."))
            return redirect("ratings:mine")
    return render(
        request,
        "activities/ratings/rating_edit.html",
        {
            "rating": rating,
            "title": selectors.rating_title(rating),
            "form": form,
            "editable_until": services.rating_editable_until(rating),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Staff ----------------------------------------------------------------------------------------


@staff_page
@require_GET
def staff_summary(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    form = RatingFilterForm(request.GET)
    start, end = form.period(today=timezone.localdate())
    summary = selectors.rating_summary(palace, start=start, end=end)
    comments = Paginator(selectors.rating_comments(palace, start=start, end=end), COMMENTS_PAGE_SIZE)
    page_obj = comments.get_page(request.GET.get("page"))
    params = form.params()
    return render(
        request,
        "activities/ratings/staff_summary.html",
        {
            "palace": palace,
            "form": form,
            "summary": summary,
            "page_obj": page_obj,
            "comments": [
                {"rating": r, "title": selectors.rating_title(r), "stars": stars_text(r.stars)}
                for r in page_obj.object_list
            ],
            "query": urlencode(params),
            "params": params,
            "may_manage": access.may_manage(request.user, palace),
            "desk": palaces_in_scope(request.user, "manage").exists(),
        },
    )


def _back(palace: Palace, data) -> str:
    """The staff page again, with the filters it was posted from (re-parsed: never a raw URL)."""
    form = RatingFilterForm(data)
    form.is_valid()
    params = form.params()
    page = data.get("page", "")
    if _KEY.fullmatch(page):
        params["page"] = page
    query = f"?{urlencode(params)}" if params else ""
    return reverse("ratings:staff", args=[palace.pk]) + query + "#comments"


@staff_page
@require_POST
def rating_hide(request, palace_id: int, rating_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    rating = get_object_or_404(Rating.objects.for_palace(palace).select_related("palace"), pk=rating_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the comment is hidden (at most 300 characters)."))
    else:
        try:
            services.rating_hide(actor=request.user, rating=rating, reason=form.cleaned_data["reason"])
        except NotFound:
            raise Http404 from None
        except PortalError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The comment is hidden; its stars still count."))
    return redirect(_back(palace, request.POST))


@staff_page
@require_POST
def rating_unhide(request, palace_id: int, rating_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    rating = get_object_or_404(Rating.objects.for_palace(palace).select_related("palace"), pk=rating_id)
    try:
        services.rating_unhide(actor=request.user, rating=rating)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The comment is shown again."))
    return redirect(_back(palace, request.POST))
