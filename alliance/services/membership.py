"""Membership of the alliance: joining, leaving, and whether a palace is a member on a day.

Provincial staff only (`alliance.access.may_run_alliance`); everyone else: `NotFound`. The
palace's `alliance_member` flag mirrors "a member today" and is kept here.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, RuleViolation
from venues.directory_cache import directory_changed
from venues.models import Palace
from venues.page_cache import palace_page_changed

from ..models import Membership
from .common import require_provincial, required_text, today


def _sync_flag(palace: Palace, *, today: date) -> None:
    member = Membership.objects.filter(palace=palace, joined_on__lte=today, left_on__isnull=True).exists()
    if palace.alliance_member != member:
        Palace.objects.filter(pk=palace.pk).update(alliance_member=member)
        palace.alliance_member = member
        # An update() sends no signal: the palace page's and the directory's badge and filter.
        palace_page_changed(palace.pk)
        directory_changed()


def membership_join(*, actor, palace: Palace, joined_on: date, founding: bool = False) -> Membership:
    """Record that `palace` joined on `joined_on` (not in the future; after any earlier leaving).

    Refusals: `already_member` (an open membership), `not_in_service` (planned or closed palaces).
    """
    require_provincial(actor)
    day = today()
    if not isinstance(joined_on, date) or joined_on > day:
        message = _("Give the date of joining; it cannot be in the future.")
        raise InvalidInput(message, fields={"joined_on": [message]})
    if palace.status in (Palace.Status.PLANNED, Palace.Status.CLOSED):
        raise RuleViolation(_("Only a palace that exists and is not closed can join."), code="not_in_service")
    with transaction.atomic():
        Palace.objects.select_for_update().filter(pk=palace.pk).values_list("pk", flat=True).first()
        if Membership.objects.filter(palace=palace, left_on__isnull=True).exists():
            raise RuleViolation(_("This palace is already a member."), code="already_member")
        last = Membership.objects.filter(palace=palace).order_by("-left_on").first()
        if last is not None and last.left_on and joined_on < last.left_on:
            message = _("The palace left on %(date)s; it can only rejoin after that.") % {
                "date": last.left_on
            }
            raise InvalidInput(message, fields={"joined_on": [message]})
        membership = Membership.objects.create(palace=palace, joined_on=joined_on, founding=bool(founding))
        _sync_flag(palace, today=day)
    return membership


def membership_leave(*, actor, palace: Palace, left_on: date, reason: str) -> Membership:
    """Record that `palace` left on `left_on` (after joining, not in the future), with a reason."""
    require_provincial(actor)
    reason = required_text(reason, "reason", _("Say why the palace leaves."), 300)
    day = today()
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update().filter(palace=palace, left_on__isnull=True).first()
        )
        if membership is None:
            raise RuleViolation(_("This palace is not a member."), code="not_member")
        if not isinstance(left_on, date) or left_on > day or left_on <= membership.joined_on:
            message = _("Give a date after joining (%(date)s) and not in the future.") % {
                "date": membership.joined_on
            }
            raise InvalidInput(message, fields={"left_on": [message]})
        membership.left_on, membership.leave_reason = left_on, reason
        membership.save(update_fields=["left_on", "leave_reason"])
        _sync_flag(palace, today=day)
    return membership


def is_member_on(palace: Palace, day: date) -> bool:
    """Whether `palace` was a member on `day` (from the day it joined until the day it left)."""
    return (
        Membership.objects.filter(palace=palace, joined_on__lte=day)
        .exclude(left_on__isnull=False, left_on__lte=day)
        .exists()
    )
