"""Glue between the mobile-number login and django-axes (login lockout).

Django's login form and `authenticate(username=...)` pass the number as `username`, while axes
by default looks for the USERNAME_FIELD (`phone`) in the credentials; without this callable the
failures would be recorded without a number and the lockout would never match. The number is
normalised so that "+86 138..." and "138..." count as the same account.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import normalize_phone


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The normalised number from the credentials (or the posted form), for axes' bookkeeping."""
    raw = None
    if credentials:
        raw = credentials.get("username") or credentials.get("phone")
    if raw is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        raw = data.get("username") or data.get("phone")
    if not raw:
        return None
    return normalize_phone(str(raw))[:64]


def is_locked_out(request: HttpRequest) -> bool:
    """Whether axes refused (or just locked) the sign-in attempt made with this request."""
    return bool(getattr(request, "axes_locked_out", False))
