"""The one hierarchy of domain errors.

Services raise these; the API's exception handler turns them into `{"code", "detail"}` with the
status below, and pages show the same message. `code` is the machine code promised in API.md.
"""

from django.utils.translation import gettext_lazy as _


class PortalError(Exception):
    status = 409
    code = "rule_violation"
    default_message = _("The request was refused.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.fields = fields or {}
        super().__init__(str(self.message))


class RuleViolation(PortalError):
    """A business rule said no (full, conflict, deadline passed, suspended): HTTP 409."""


class InvalidInput(PortalError):
    status = 400
    code = "invalid"
    default_message = _("The input is not valid.")


class NotFound(PortalError):
    """Missing, or not visible to the caller: the two are never told apart."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class RateLimited(PortalError):
    status = 429
    code = "rate_limited"
    default_message = _("Too many requests. Please try again later.")
