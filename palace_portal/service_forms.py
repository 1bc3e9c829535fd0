"""Handing a parsed form to a service: a refusal lands on the form, never half a save.

Pages of every app parse with a Django form, call one service and, when the service says no, show
its message on the form: `InvalidInput.fields` on the matching fields, anything else at the top.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from palace_portal.errors import InvalidInput, PortalError

T = TypeVar("T")


class ServiceErrorsMixin:
    """For forms whose values go to a service."""

    def add_service_errors(self, fields: dict, message: str = "") -> None:
        """Put a service's `InvalidInput.fields` on the matching fields (others: on the form)."""
        if not fields and message:
            self.add_error(None, message)
        for name, messages in fields.items():
            target = name if name in self.fields else None
            for text in messages:
                self.add_error(target, str(text))

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments; forms whose fields differ from them override this."""
        return dict(self.cleaned_data)


def add_refusal(form, error: PortalError) -> int:
    """Put a service's refusal on `form`; the HTTP status the page answers with."""
    if isinstance(error, InvalidInput) and error.fields:
        form.add_service_errors(error.fields, str(error.message))
    else:
        form.add_error(None, str(error.message))
    return error.status


def save_with(form, save: Callable[[dict[str, Any]], T]) -> T | None:
    """Call `save(form.values())` when the form is valid; a refusal becomes the form's errors (None)."""
    if not form.is_valid():
        return None
    try:
        return save(form.values())
    except PortalError as error:
        add_refusal(form, error)
    return None
