"""What the employment services share: the access question and small input checks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from activities.access import require_manager
from palace_portal.errors import InvalidInput

__all__ = ["bounded_int", "money", "refuse_if", "require_manager", "text"]


def text(values: dict[str, Any], name: str, limit: int) -> str:
    return str(values.get(name) or "").strip()[:limit]


def bounded_int(value: Any, low: int, high: int) -> int | None:
    """`value` as an int within [low, high]; None if it is not one (booleans are not numbers)."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    if isinstance(value, float | Decimal) and number != value:
        return None
    return number if low <= number <= high else None


def money(value: Any, high: Decimal) -> Decimal | None:
    """A sum in yuan with at most two decimal places, from 0 to `high`; None otherwise."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not amount.is_finite() or amount < 0 or amount > high or amount != amount.quantize(Decimal("0.01")):
        return None
    return amount.quantize(Decimal("0.01"))


def refuse_if(errors: dict[str, list[str]], message: str | None = None) -> None:
    if errors:
        raise InvalidInput(message or _("Please correct the form."), fields=errors)


def is_date(value: Any) -> bool:
    return isinstance(value, date)
