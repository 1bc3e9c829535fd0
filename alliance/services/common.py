"""What the alliance's services share: the provincial check, today's date, money and text input,
and the date span every rotation, campaign and call is given."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound

from .. import access

MONEY = Decimal("0.01")
Errors = dict[str, list[str]]


def require_provincial(actor) -> None:
    """Provincial work only; anyone else is told nothing exists (404)."""
    if not access.may_run_alliance(actor):
        raise NotFound()


def today() -> date:
    return timezone.localdate()


def money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(MONEY)
    except (InvalidOperation, TypeError, ValueError):
        amount = None
    if amount is None or amount < 0 or amount > Decimal("9999999999"):
        message = _("Give an amount in yuan, not negative.")
        raise InvalidInput(message, fields={field: [message]})
    return amount


def required_text(value, field: str, message: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(message, fields={field: [message]})
    return text[:limit]


def text_value(values: dict[str, Any], field: str, errors: Errors, missing: str) -> str:
    """`values[field]` stripped; an empty one is noted in `errors` with `missing`."""
    text = (values.get(field) or "").strip()
    if not text:
        errors[field] = [missing]
    return text


def span_values(values: dict[str, Any], errors: Errors, missing: str) -> tuple[Any, Any]:
    """`starts_on` and `ends_on`: both dates, the end not before the start (else noted in `errors`)."""
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if not isinstance(starts, date) or not isinstance(ends, date):
        errors["starts_on"] = [missing]
    elif starts > ends:
        errors["ends_on"] = [_("The end is before the start.")]
    return starts, ends
