"""Suspensions after repeated no-shows, lifting them, and the worker's appeal.

A worker with `BOOKING_NO_SHOW_LIMIT` no-shows within `BOOKING_NO_SHOW_WINDOW_DAYS` is suspended
for `BOOKING_SUSPENSION_DAYS` (the beat's `no_shows_mark` asks `suspend_for_no_shows`); while a
suspension is in force, booking and signing up are refused (`refuse_if_suspended`), except for
staff of the palace. Who may lift one or decide its appeal is `bookings.access`'s question.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal import rows
from palace_portal.errors import InvalidInput, NotFound, RuleViolation

from .. import notifications
from ..access import may_decide_suspension
from ..models import Appeal, Booking, Suspension

Status = Booking.Status


@functools.cache
def _in_force_sql() -> str:
    # Only our table's name and columns are interpolated.
    return (
        f"SELECT {rows.columns(Suspension, 's')} FROM {Suspension._meta.db_table} s "  # noqa: S608
        "WHERE s.user_id = %(user)s AND s.lifted_at IS NULL AND s.starts_at <= %(now)s "
        "AND s.ends_at > %(now)s ORDER BY s.ends_at DESC, s.id DESC LIMIT 1"
    )


def suspension_in_force(user, *, now: datetime | None = None) -> Suspension | None:
    """The user's suspension in force at `now` (the latest-ending one), or None.

    SQL written once (`palace_portal.rows`): the booking grid asks it on every tap of a signed-in
    worker, and building the ORM's query cost more than answering it."""
    now = now or timezone.now()
    params = {"user": user.pk, "now": connection.ops.adapt_datetimefield_value(now)}
    with connection.cursor() as cursor:
        cursor.execute(_in_force_sql(), params)
        row = cursor.fetchone()
    return None if row is None else rows.instance(Suspension, row)[0]


def refuse_if_suspended(user, *, now: datetime, sign_up: bool = False) -> None:
    """Refuse (409 `suspended`, with the end date and the reason) while a suspension is in force.

    The one check that booking a venue (`booking_create`) and signing up for a course or event
    (`offering_enrol`, `sign_up=True`) share; their callers exempt the palace's staff.
    """
    suspension = suspension_in_force(user, now=now)
    if suspension is None:
        return
    values = {
        "date": timezone.localtime(suspension.ends_at).strftime("%Y-%m-%d"),
        "reason": suspension.reason,
    }
    if sign_up:
        message = _("Your sign-ups are suspended until %(date)s: %(reason)s") % values
    else:
        message = _("Your booking is suspended until %(date)s: %(reason)s") % values
    raise RuleViolation(message, code="suspended")


def suspend_for_no_shows(user_id: int, *, now: datetime) -> Suspension | None:
    """Suspend the worker if their no-shows since the last suspension reached the limit.

    Called by `no_shows_mark` (beat) for every worker it just marked; one suspension at a time.
    Side effect: the `suspended` notification.
    """
    limit = settings.BOOKING_NO_SHOW_LIMIT
    since = now - timedelta(days=settings.BOOKING_NO_SHOW_WINDOW_DAYS)
    with transaction.atomic():
        from palace_portal.users.models import User

        user = User.objects.select_for_update().get(pk=user_id)
        if suspension_in_force(user, now=now):
            return None
        last = Suspension.objects.filter(user=user).order_by("-starts_at").first()
        # No-shows already punished by an earlier suspension do not count twice.
        counted_from = max(since, last.starts_at) if last else since
        no_shows = list(
            Booking.objects.filter(user=user, status=Status.NO_SHOW, start__gte=counted_from, start__lt=now)
        )
        if len(no_shows) < limit:
            return None
        days = settings.BOOKING_SUSPENSION_DAYS
        suspension = Suspension.objects.create(
            user=user,
            starts_at=now,
            ends_at=now + timedelta(days=days),
            reason=_("%(count)d bookings not attended within %(days)d days.")
            % {"count": len(no_shows), "days": settings.BOOKING_NO_SHOW_WINDOW_DAYS},
        )
        suspension.no_shows.set(no_shows)
        notifications.notify(user=user, kind="suspended", extra={"suspension": suspension})
    return suspension


def _lift(suspension: Suspension, *, actor, reason: str, now: datetime) -> None:
    suspension.lifted_at, suspension.lifted_by, suspension.lift_reason = now, actor, reason[:300]
    suspension.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])


def suspension_lift(*, actor, suspension: Suspension, reason: str, now: datetime | None = None) -> Suspension:
    """Lift a suspension early. Provincial staff, or staff of a palace where a counted no-show was."""
    now = now or timezone.now()
    if not may_decide_suspension(actor, suspension):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        message = _("Say why the suspension is lifted.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.lifted_at is not None or suspension.ends_at <= now:
            raise RuleViolation(_("This suspension is no longer in force."), code="not_in_force")
        _lift(suspension, actor=actor, reason=reason, now=now)
        notifications.notify(user=suspension.user, kind="suspension_lifted", extra={"suspension": suspension})
    return suspension


def appeal_submit(*, user, suspension: Suspension, text: str, now: datetime | None = None):
    """The suspended worker explains (once per suspension)."""
    now = now or timezone.now()
    if suspension.user_id != user.pk:
        raise NotFound()
    text = text.strip()
    if not text:
        message = _("Write your appeal.")
        raise InvalidInput(message, fields={"text": [message]})
    if suspension.lifted_at is not None or not suspension.starts_at <= now < suspension.ends_at:
        raise RuleViolation(_("This suspension is no longer in force."), code="not_in_force")
    try:
        with transaction.atomic():
            return Appeal.objects.create(suspension=suspension, text=text[:2000])
    except IntegrityError:
        raise RuleViolation(
            _("You have already appealed this suspension."), code="already_appealed"
        ) from None


def appeal_decide(*, actor, appeal, uphold: bool, reason: str, now: datetime | None = None):
    """Staff decide an appeal: upholding it lifts the suspension."""
    now = now or timezone.now()
    if not may_decide_suspension(actor, appeal.suspension):
        raise NotFound()
    reason = reason.strip()
    if not reason:
        message = _("Give the reason for the decision; the worker will see it.")
        raise InvalidInput(message, fields={"reason": [message]})
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("suspension").get(pk=appeal.pk)
        if appeal.status != Appeal.Status.OPEN:
            raise RuleViolation(_("This appeal has already been decided."), code="already_decided")
        appeal.status = Appeal.Status.UPHELD if uphold else Appeal.Status.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_reason = actor, now, reason[:300]
        appeal.save()
        suspension = appeal.suspension
        if uphold and suspension.lifted_at is None:
            _lift(suspension, actor=actor, reason=reason, now=now)
        notifications.notify(user=suspension.user, kind="appeal_decided", extra={"appeal": appeal})
    return appeal
