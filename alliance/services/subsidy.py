"""Subsidies of approved hosts: grants within the call's budget, and payments within the grant.

Provincial staff only (`alliance.access.may_run_alliance`); everyone else: `NotFound`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, RuleViolation

from ..models import HostingApplication, HostingCall, Subsidy
from .common import money, require_provincial, today


def subsidy_grant(*, actor, application: HostingApplication, amount) -> Subsidy:
    """Grant (or change the grant of) an approved host's subsidy. The call's grants together
    never exceed its budget (`over_budget`, checked under a lock on the call); a grant never
    drops below what is already paid (`below_paid`)."""
    require_provincial(actor)
    amount = money(amount, "amount")
    with transaction.atomic():
        call = HostingCall.objects.select_for_update().get(pk=application.call_id)
        application = HostingApplication.objects.get(pk=application.pk)
        if application.status != HostingApplication.Status.APPROVED:
            raise RuleViolation(_("Only approved hosts receive subsidies."), code="not_approved")
        subsidy = Subsidy.objects.filter(application=application).first()
        others = call.subsidies.exclude(application=application).aggregate(total=Sum("granted"))[
            "total"
        ] or Decimal(0)
        if others + amount > call.budget:
            raise RuleViolation(
                _("That would exceed the call's budget: %(left)s yuan of %(budget)s is left.")
                % {"left": call.budget - others, "budget": call.budget},
                code="over_budget",
            )
        if subsidy is not None and amount < subsidy.paid:
            raise RuleViolation(
                _("%(paid)s yuan is already paid; the grant cannot be lower.") % {"paid": subsidy.paid},
                code="below_paid",
            )
        subsidy = subsidy or Subsidy(
            application=application,
            call=call,
            palace_id=application.palace_id,
            year=application.event_date.year,
        )
        subsidy.granted = amount
        subsidy.save()
    return subsidy


def subsidy_pay(*, actor, subsidy: Subsidy, amount, paid_on: date) -> Subsidy:
    """Record a payment; payments together never exceed the grant (`over_granted`)."""
    require_provincial(actor)
    amount = money(amount, "amount")
    if amount <= 0:
        message = _("Give the amount paid.")
        raise InvalidInput(message, fields={"amount": [message]})
    if not isinstance(paid_on, date) or paid_on > today():
        message = _("Give the date of payment; it cannot be in the future.")
        raise InvalidInput(message, fields={"paid_on": [message]})
    with transaction.atomic():
        subsidy = Subsidy.objects.select_for_update().get(pk=subsidy.pk)
        if subsidy.paid + amount > subsidy.granted:
            raise RuleViolation(
                _("Only %(left)s yuan of the grant is left to pay.")
                % {"left": subsidy.granted - subsidy.paid},
                code="over_granted",
            )
        subsidy.paid += amount
        subsidy.paid_on = paid_on
        subsidy.save(update_fields=["paid", "paid_on", "updated_at"])
    return subsidy
