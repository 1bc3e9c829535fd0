"""Handing a parsed form to a service: its errors land on the form, never half a save."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms

from palace_portal.errors import InvalidInput, PortalError

T = TypeVar("T")


def save_with(form: forms.Form, save: Callable[[dict[str, Any]], T]) -> T | None:
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
