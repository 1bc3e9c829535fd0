"""The edge of the access policy for pages: one decorator and one palace lookup for every staff page.

Every staff page of every app starts here, so the rule "sign in first, then the palace must be in
your scope or it does not exist (404)" is written once. The scopes themselves are `venues.access`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Literal

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from . import access
from .models import Palace

Scope = Literal["view", "manage", "lead"]
# An upper app's own scope (built from `venues.access`'s, e.g. the palaces one applies for) may be
# passed instead of a name: the lookup and its 404 stay written once, here.
ScopeFunction = Callable[[object], QuerySet[Palace]]

_SCOPES: dict[str, Callable[[object], QuerySet[Palace]]] = {
    "view": access.palaces_visible_to,
    "manage": access.palaces_managed_by,
    "lead": access.palaces_led_by,
}


def staff_page(view):
    """Sign-in first; the view itself then scopes every object through `palace_or_404`."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def palaces_in_scope(user, scope: Scope | ScopeFunction = "manage") -> QuerySet[Palace]:
    """The palaces `user` may read (`view`), act on (`manage`) or lead (`lead`), or those of an
    app's own scope function."""
    return scope(user) if callable(scope) else _SCOPES[scope](user)


def palace_or_404(
    request, palace_id: int, *, scope: Scope | ScopeFunction = "manage", related: tuple[str, ...] = ()
) -> Palace:
    """The palace if it is within the user's `scope`; 404 otherwise, so ids cannot be probed.
    `related`: relations to load with it (`select_related`)."""
    return get_object_or_404(palaces_in_scope(request.user, scope).select_related(*related), pk=palace_id)
