"""Parsing what people type as a mobile number, with an error that says what is wrong."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import PHONE_RE, normalize_phone


def clean_phone(raw: str | None) -> str:
    """Return the 11-digit number for `raw` (spaces, dashes and a +86/0086 prefix allowed).

    Raises ValidationError (code `invalid_phone`) with a message naming the actual problem.
    """
    phone = normalize_phone(raw or "")
    if not phone:
        raise ValidationError(_("Enter your mobile number."), code="required")
    if not phone.isdigit() or not phone.isascii():
        raise ValidationError(_("A mobile number contains digits only."), code="invalid_phone")
    if len(phone) != 11:
        raise ValidationError(
            _("A mainland mobile number has 11 digits; this one has %(count)d."),
            code="invalid_phone",
            params={"count": len(phone)},
        )
    if not PHONE_RE.match(phone):
        raise ValidationError(_("A mainland mobile number starts with 1."), code="invalid_phone")
    return phone
