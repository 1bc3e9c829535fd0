"""The one small notification service: an outbox written in the caller's transaction, sent by Celery.

Flow:
1. A booking service calls `notify(...)` inside its own transaction. One `Notification` row per
   channel is written (SMS always, e-mail when the user has an address), with the subject and body
   rendered now, in the active language. The unique `dedupe_key` makes writing the same event
   twice a no-op.
2. After the commit, `_enqueue` publishes one `deliver_notification` task per row. A broker that is
   down is logged and ignored: the web request never waits on it (the settings make a publish
   give up within about a second) and the rows stay `pending`.
3. `notification_deliver` claims a row with a conditional UPDATE (pending → sending), sends it and
   marks it `sent`. Two workers, a retry and the sweep can never send the same row at the same time.
4. `notifications_sweep` (beat, every minute) re-queues what was left behind: pending rows whose
   enqueue was lost, rows due for another attempt after a failure (with backoff), and rows stuck
   in `sending` because a worker died mid-send. It re-queues rather than sending itself so that a
   backlog after an outage is drained by every worker in parallel; the claim keeps that safe even
   when a row ends up queued twice.

Messages never carry an appointment's matter (confidential): only venue, palace, times, codes
and the reasons staff gave the worker. Logs carry ids, kinds and error class names, never phone
numbers, addresses or message texts.

Delivery is at least once for the one case nobody can tell apart: a worker that dies after the
provider accepted a message but before the row was marked sent. The sweep sends such a row again
after `stale_after` (10 minutes).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.users.sms import send_sms

from .models import Booking, Notification

logger = logging.getLogger(__name__)

Channel = Notification.Channel
Status = Notification.Status

# A row that failed this many times is given up (`failed`) and left for staff to see.
MAX_ATTEMPTS = 5
# A row never picked up (its enqueue was lost, e.g. the broker was down) is re-queued after this.
REQUEUE_AFTER = timedelta(minutes=1)
# Wait before attempt n+1 after n failed attempts: 1, 2, 4, 8 minutes.
RETRY_BACKOFF = {n: timedelta(minutes=2 ** (n - 1)) for n in range(1, MAX_ATTEMPTS)}
# Rows re-queued by one sweep at most (the oldest first); the next sweep takes the rest.
SWEEP_BATCH = 500


class NotificationError(ValueError):
    """A programming error: `notify` was called with a kind it cannot render or without its inputs."""


# --- Rendering -----------------------------------------------------------------------------------


def _local(value: datetime) -> datetime:
    # The palace's time (Asia/Shanghai), whoever reads the message and wherever the worker runs.
    return timezone.localtime(value, timezone.get_default_timezone())


def _when(booking: Booking) -> str:
    start, end = _local(booking.start), _local(booking.end)
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


def _moment(value: datetime) -> str:
    """HH:MM today; with the date when it is another day."""
    local = _local(value)
    if local.date() == _local(timezone.now()).date():
        return f"{local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def _booking_context(booking: Booking) -> dict[str, str]:
    # booking.palace, not venue.palace: the services select_related("venue", "palace").
    # A sign-up (course, event) names what was signed up for where a booking names the venue.
    return {
        "venue": booking.offering.title if booking.offering_id else booking.venue.name,
        # What a sign-up is for (a course, an event); the messages of sign-ups name it so.
        "title": booking.offering.title if booking.offering_id else "",
        "palace": booking.palace.name,
        "when": _when(booking),
        "start_time": f"{_local(booking.start):%H:%M}",
        "code": booking.check_in_code,
    }


def _with_reason(text: str, reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        return text
    return f"{text} " + _("Reason: %(reason)s") % {"reason": reason}


def _need(extra: dict, key: str, kind: str):
    if extra.get(key) is None:
        raise NotificationError(f"notify(kind={kind!r}) needs extra[{key!r}]")
    return extra[key]


def _booking_confirmed(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    return (
        _("Booking confirmed: %(venue)s") % c,
        _(
            "Your booking at %(venue)s, %(palace)s, on %(when)s is confirmed. Check-in code: %(code)s. "
            "Show the QR code under My bookings when you arrive."
        )
        % c,
    )


def _booking_reminder(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    return (
        _("Reminder: %(venue)s at %(start_time)s") % c,
        _(
            "Reminder: your booking at %(venue)s, %(palace)s, is on %(when)s. Check-in code: %(code)s. "
            "If you cannot come, please cancel under My bookings so that someone else can use the place."
        )
        % c,
    )


def _booking_cancelled(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    body = _("Your booking at %(venue)s, %(palace)s, on %(when)s has been cancelled.") % c
    return _("Booking cancelled: %(venue)s") % c, _with_reason(body, extra.get("reason", ""))


def _waitlist_offer(booking: Booking, extra: dict) -> tuple[str, str]:
    if booking.offer_expires_at is None:
        raise NotificationError("notify(kind='waitlist_offer') needs booking.offer_expires_at")
    c = {**_booking_context(booking), "until": _moment(booking.offer_expires_at)}
    if booking.offering_id:
        return (
            _("A place is free for you: %(title)s") % c,
            _(
                "A place in %(title)s, %(palace)s, has become free and is held for you until %(until)s. "
                "To take it, open My classes on the portal and accept the offer. If you do not, it "
                "passes to the next person on the waitlist."
            )
            % c,
        )
    return (
        _("A place is free for you: %(venue)s") % c,
        _(
            "A place at %(venue)s, %(palace)s, on %(when)s has become free and is held for you "
            "until %(until)s. To take it, open My bookings on the portal and accept the offer. "
            "If you do not, it passes to the next person on the waitlist."
        )
        % c,
    )


def _lottery_won(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    return (
        _("You have a place: %(title)s") % c,
        _(
            "The lottery for %(title)s, %(palace)s, has been drawn and you have a place. It starts on "
            "%(when)s. Check-in code: %(code)s."
        )
        % c,
    )


def _lottery_waitlisted(booking: Booking, extra: dict) -> tuple[str, str]:
    c = {**_booking_context(booking), "position": _need(extra, "position", "lottery_waitlisted")}
    return (
        _("Lottery drawn: %(title)s") % c,
        _(
            "The lottery for %(title)s, %(palace)s, has been drawn. You did not get a place this time "
            "and are number %(position)s on the waitlist; if a place frees up, it is offered to you."
        )
        % c,
    )


def _request_approved(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    return (
        _("Request approved: %(venue)s") % c,
        _("Your request for %(venue)s, %(palace)s, on %(when)s has been approved. Check-in code: %(code)s.")
        % c,
    )


def _request_declined(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    body = _("Your request for %(venue)s, %(palace)s, on %(when)s has been declined.") % c
    reason = extra.get("reason", booking.decision_reason)
    return _("Request declined: %(venue)s") % c, _with_reason(body, reason)


def _suspended(booking: Booking | None, extra: dict) -> tuple[str, str]:
    suspension = _need(extra, "suspension", "suspended")
    c = {"until": f"{_local(suspension.ends_at):%Y-%m-%d}"}
    body = _("You cannot book venues until %(until)s.") % c
    body = _with_reason(body, extra.get("reason", suspension.reason))
    body += " " + _("You may appeal under My bookings.")
    return _("Booking suspended until %(until)s") % c, body


def _suspension_lifted(booking: Booking | None, extra: dict) -> tuple[str, str]:
    _need(extra, "suspension", "suspension_lifted")
    return (
        _("You can book again"),
        _("Your booking suspension has been lifted. You can book venues again."),
    )


def _appeal_decided(booking: Booking | None, extra: dict) -> tuple[str, str]:
    appeal = _need(extra, "appeal", "appeal_decided")
    if appeal.status == appeal.Status.UPHELD:
        body = _("Your appeal was upheld and your booking suspension has been lifted.")
    else:
        until = f"{_local(appeal.suspension.ends_at):%Y-%m-%d}"
        body = _with_reason(_("Your appeal was rejected."), extra.get("reason", appeal.decision_reason))
        body += " " + _("You cannot book venues until %(until)s.") % {"until": until}
    return _("Your appeal has been decided"), body


def _wish_answered(booking: Booking | None, extra: dict) -> tuple[str, str]:
    wish = _need(extra, "wish", "wish_answered")
    c = {"title": wish.title, "palace": wish.palace.name, "status": wish.get_status_display()}
    body = _("%(palace)s has answered your wish “%(title)s”: %(status)s.") % c
    if wish.answer:
        body += " " + wish.answer
    if wish.course_id:
        body += " " + _("The course it became: %(course)s.") % {"course": wish.course}
    return _("Your wish has an answer: %(title)s") % c, body


# kind → (renderer, needs a booking, discriminator for kinds that may repeat for the same booking/user)
Renderer = Callable[[Booking | None, dict], tuple[str, str]]
KINDS: dict[str, tuple[Renderer, bool, Callable[[Booking | None, dict], str]]] = {
    "booking_confirmed": (_booking_confirmed, True, lambda b, e: ""),
    "booking_reminder": (_booking_reminder, True, lambda b, e: ""),
    "booking_cancelled": (_booking_cancelled, True, lambda b, e: ""),
    # One per offer: the same waitlist place may be offered again later with a new deadline.
    "waitlist_offer": (_waitlist_offer, True, lambda b, e: str(int(b.offer_expires_at.timestamp()))),
    "lottery_won": (_lottery_won, True, lambda b, e: ""),
    "lottery_waitlisted": (_lottery_waitlisted, True, lambda b, e: ""),
    "request_approved": (_request_approved, True, lambda b, e: ""),
    "request_declined": (_request_declined, True, lambda b, e: ""),
    # One per suspension (a worker may be suspended again months later) and per appeal.
    "suspended": (_suspended, False, lambda b, e: f"s{e['suspension'].pk}"),
    "suspension_lifted": (_suspension_lifted, False, lambda b, e: f"s{e['suspension'].pk}"),
    "appeal_decided": (_appeal_decided, False, lambda b, e: f"a{e['appeal'].pk}"),
    # A wish may be answered again (planned, later done): one message per wish and answer.
    "wish_answered": (
        _wish_answered,
        False,
        lambda b, e: f"w{e['wish'].pk}:{int(e['wish'].answered_at.timestamp() * 1_000_000)}",
    ),
}


def notification_render(*, user, kind: str, booking: Booking | None = None, extra: dict | None = None):
    """(subject, body) of a message in the active language. Raises NotificationError on bad input."""
    if kind not in KINDS:
        raise NotificationError(f"unknown notification kind {kind!r}")
    render, needs_booking, _key = KINDS[kind]
    if needs_booking and booking is None:
        raise NotificationError(f"notify(kind={kind!r}) needs a booking")
    return render(booking, extra or {})


def _dedupe_key(*, user, kind: str, booking: Booking | None, extra: dict, channel: str) -> str:
    _render, _needs, discriminator = KINDS[kind]
    ref = str(booking.pk) if booking is not None else f"u{user.pk}"
    parts = [kind, ref]
    for extra_part in (discriminator(booking, extra), extra.get("dedupe")):
        if extra_part not in (None, ""):
            parts.append(str(extra_part))
    parts.append(channel)
    key = ":".join(parts)
    if len(key) > Notification._meta.get_field("dedupe_key").max_length:
        raise NotificationError("notification dedupe key too long")
    return key


# --- Writing -------------------------------------------------------------------------------------


def notify(
    *, user, kind: str, booking: Booking | None = None, extra: dict | None = None
) -> list[Notification]:
    """Write the messages of one event to the outbox and send them after the caller's commit.

    Call it inside the transaction of the change it reports (a booking service), so that the
    message exists exactly when the change does. One row per channel: SMS always, e-mail when the
    user has an address. Writing the same event again returns the existing rows and writes nothing
    (a row still pending is queued again, which the delivery claim makes harmless).

    `extra`: `reason` (overrides the reason stored on the booking/suspension/appeal),
    `suspension` (kinds `suspended`, `suspension_lifted`), `appeal` (kind `appeal_decided`),
    `dedupe` (an additional discriminator, for an event that may legitimately repeat).
    Raises NotificationError (a ValueError) for an unknown kind or missing inputs: a programming error.
    """
    extra = dict(extra or {})
    subject, body = notification_render(user=user, kind=kind, booking=booking, extra=extra)
    channels = [Channel.SMS]
    if user.email:
        channels.append(Channel.EMAIL)
    now = timezone.now()
    rows = [
        Notification(
            user=user,
            booking=booking,
            kind=kind,
            channel=channel,
            subject=subject[:200],
            body=body,
            dedupe_key=_dedupe_key(user=user, kind=kind, booking=booking, extra=extra, channel=channel),
            created_at=now,
        )
        for channel in channels
    ]
    keys = [row.dedupe_key for row in rows]
    # ON CONFLICT DO NOTHING: a repeated event neither fails nor aborts the caller's transaction.
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    saved = list(Notification.objects.filter(dedupe_key__in=keys).order_by("pk"))
    pending = [row.pk for row in saved if row.status == Status.PENDING]
    if pending:
        transaction.on_commit(partial(_enqueue, pending))
    return saved


def _enqueue(notification_ids: list[int]) -> int:
    """Publish one delivery task per id; return how many were published. Never raises.

    A broker that is down must not fail (or slow down) what already committed: the rows stay
    pending and the sweep sends them once the broker is back.
    """
    from .tasks import deliver_notification

    queued = 0
    for notification_id in notification_ids:
        try:
            deliver_notification.delay(notification_id)
        except Exception as error:  # any broker failure (kombu, redis, socket) means the same here
            logger.warning(
                "notifications: could not queue %s of %s message(s) (%s); the sweep will send them",
                len(notification_ids) - queued,
                len(notification_ids),
                type(error).__name__,
            )
            # The next publish would wait on the same dead broker: leave the rest to the sweep.
            break
        queued += 1
    return queued


# --- Sending -------------------------------------------------------------------------------------


class NoAddress(Exception):
    """The user removed the e-mail address after the message was written."""


def _send(notification: Notification) -> None:
    user = notification.user
    if notification.channel == Channel.SMS:
        send_sms(user.phone, notification.body)
    elif notification.channel == Channel.EMAIL:
        if not user.email:
            raise NoAddress
        send_mail(notification.subject, notification.body, settings.DEFAULT_FROM_EMAIL, [user.email])
    else:
        raise NotificationError(f"unknown channel {notification.channel!r}")


def notification_deliver(*, notification_id: int) -> bool:
    """Send one outbox row if it is pending; True when this call sent it.

    Called by the `deliver_notification` task (any number of times, concurrently): the claim
    (a conditional UPDATE pending → sending) lets exactly one caller through; the others get
    False. A failed send puts the row back to pending with the attempt counted and the error's
    class name (never its text, which may hold an address), or marks it failed after
    MAX_ATTEMPTS; the sweep schedules the next attempt. Not to be called inside a transaction:
    the claim must be visible to others before the message leaves.

    A database error before the claim changes nothing (the task retries); once the message has
    gone out, recording it is retried here, because a row left in `sending` would be sent again
    by the sweep.
    """
    notification = (
        Notification.objects.select_related("user").filter(pk=notification_id, status=Status.PENDING).first()
    )
    if notification is None:
        return False
    claimed_at = timezone.now()
    attempts = notification.attempts + 1
    # Claimed only if nobody touched the row since it was read (status and attempt count unchanged).
    claimed = Notification.objects.filter(
        pk=notification_id, status=Status.PENDING, attempts=notification.attempts
    ).update(status=Status.SENDING, claimed_at=claimed_at, attempts=attempts)
    if not claimed:
        return False
    try:
        _send(notification)
    except Exception as error:
        give_up = attempts >= MAX_ATTEMPTS or isinstance(error, NoAddress)
        _record(
            Notification.objects.filter(pk=notification_id, status=Status.SENDING, claimed_at=claimed_at),
            status=Status.FAILED if give_up else Status.PENDING,
            last_error=type(error).__name__[:200],
        )
        logger.warning(
            "notifications: %s (%s, %s) attempt %s failed: %s%s",
            notification_id,
            notification.kind,
            notification.channel,
            attempts,
            type(error).__name__,
            "; giving up" if give_up else "",
        )
        return False
    # Unconditionally: it went out, so even a row the sweep has meanwhile reclaimed is done.
    _record(
        Notification.objects.filter(pk=notification_id),
        status=Status.SENT,
        sent_at=timezone.now(),
        last_error="",
    )
    return True


def _record(rows, *, tries: int = 3, **values) -> None:
    """UPDATE with a few quick retries: a brief database hiccup must not undo what already happened."""
    for attempt in range(1, tries + 1):
        try:
            rows.update(**values)
            return
        except OperationalError:
            if attempt == tries:
                raise
            time.sleep(0.05 * attempt)


def notifications_sweep(
    *, stale_after: timedelta = timedelta(minutes=10), now: datetime | None = None
) -> int:
    """Re-queue the outbox rows left behind; return how many were queued. Safe to run at any time.

    Called every minute by beat (`bookings.tasks.sweep_notifications`). Rows stuck in `sending`
    longer than `stale_after` (the worker died mid-send) go back to pending, or to failed after
    MAX_ATTEMPTS. Then every pending row that is due is queued: never tried and older than
    REQUEUE_AFTER (its enqueue was lost), or tried and failed longer ago than RETRY_BACKOFF.
    """
    now = now or timezone.now()
    stuck = Q(status=Status.SENDING, claimed_at__lte=now - stale_after)
    Notification.objects.filter(stuck, attempts__lt=MAX_ATTEMPTS).update(
        status=Status.PENDING, last_error="stale claim"
    )
    Notification.objects.filter(stuck, attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, last_error="stale claim"
    )
    due = Q(attempts=0, created_at__lte=now - REQUEUE_AFTER)
    for attempts, wait in RETRY_BACKOFF.items():
        due |= Q(attempts=attempts, claimed_at__lte=now - wait)
    ids = list(
        Notification.objects.filter(due, status=Status.PENDING)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    if not ids:
        return 0
    return _enqueue(ids)
