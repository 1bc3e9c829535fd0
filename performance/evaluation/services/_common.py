"""Helpers the evaluation's services share: parsing scores, refusing clearly."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput

CENT = Decimal("0.01")


def parse_score(value, *, maximum: Decimal, field: str, required: bool = True) -> Decimal | None:
    """A score from 0 to `maximum` with at most two decimals; None when empty and not required."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            message = _("Give a score.")
            raise InvalidInput(message, fields={field: [message]})
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is not None and (
        not number.is_finite() or abs(number) >= 10**6 or number != number.quantize(CENT)
    ):
        number = None
    if number is None:
        message = _("Give a number with at most two decimals.")
        raise InvalidInput(message, fields={field: [message]})
    if number < 0 or number > maximum:
        message = _("Give a score from 0 to %(max)s.") % {"max": f"{maximum.normalize():f}"}
        raise InvalidInput(message, fields={field: [message]})
    return number.quantize(CENT)


def clean_text(value, *, field: str, limit: int, required: bool = False, message: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        message = message or _("This field is required.")
        raise InvalidInput(message, fields={field: [message]})
    if len(value) > limit:
        message = _("At most %(limit)d characters.") % {"limit": limit}
        raise InvalidInput(message, fields={field: [message]})
    return value


def merge_errors(errors: dict[str, list[str]]) -> None:
    """Raise every collected field error at once (all-or-nothing forms)."""
    if errors:
        raise InvalidInput(_("Some entries are not valid; nothing was saved."), fields=errors)
