"""What every page of the workspace shares: access, the header's context, and the form flow
(a form's values handed to one service, its refusal shown on the form)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from palace_portal.errors import PortalError
from palace_portal.service_forms import save_with
from venues.pages import staff_page

from .. import access

T = TypeVar("T")


def _workspace(question: Callable[[Any], bool]):
    """A decorator: sign-in first (`venues.pages.staff_page`), then `question(user)` or 404."""

    def decorator(view):
        @staff_page
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not question(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# Provincial and city officers read the workspace; everyone else: 404.
workspace_page = _workspace(access.may_view_alliance_work)
# Provincial officers act; city officers read, they do not act (404).
workspace_action = _workspace(access.may_run_alliance)


def head(request, tab: str) -> dict[str, Any]:
    """The header's context: the current tab and whether the user may act."""
    return {"tab": tab, "may_run": access.may_run_alliance(request.user)}


def form_page(
    request,
    form,
    *,
    template: str,
    tab: str,
    save: Callable[[dict[str, Any]], T],
    saved: Callable[[T], tuple[str, str]],
    context: dict[str, Any] | None = None,
):
    """The workspace's form flow: GET shows `form`; a POST hands its values to `save` (one
    service call) and on success shows `saved(result)`'s message and redirects to its location; a
    refusal shows the form again with its errors (400)."""
    if request.method == "POST":
        result = save_with(form, save)
        if result is not None:
            message, location = saved(result)
            messages.success(request, message)
            return redirect(location)
    return render(
        request,
        template,
        head(request, tab) | {"form": form, **(context or {})},
        status=400 if form.errors else 200,
    )


def refuse(request, error: PortalError) -> None:
    """Show a service's refusal at the top of the next page."""
    messages.error(request, str(error.message))
