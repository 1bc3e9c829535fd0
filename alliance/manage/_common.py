"""What every page of the workspace shares: access, the header's context, handing forms to services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from palace_portal.errors import InvalidInput, PortalError
from venues import access

T = TypeVar("T")


def workspace_page(view):
    """Sign-in first; then provincial and city officers only (everyone else: 404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.may_view_alliance_work(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def workspace_action(view):
    """Sign-in first; then provincial officers only: city officers read, they do not act (404)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.may_run_alliance(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def head(request, tab: str) -> dict[str, Any]:
    """The header's context: the current tab and whether the user may act."""
    return {"tab": tab, "may_run": access.may_run_alliance(request.user)}


def save_with(form, save: Callable[[dict[str, Any]], T]) -> T | None:
    """Call `save(values)` when the form is valid; a refusal becomes the form's errors (None)."""
    if not form.is_valid():
        return None
    try:
        return save(form.values())
    except InvalidInput as error:
        form.add_service_errors(error.fields or {None: [str(error.message)]})
    except PortalError as error:
        form.add_error(None, str(error.message))
    return None


def refuse(request, error: PortalError) -> None:
    """Show a service's refusal at the top of the next page."""
    messages.error(request, str(error.message))
