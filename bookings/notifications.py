"""Notifications: the kinds of message the portal sends, and `notify`, which writes them to the outbox.

Flow:
1. A service calls `notify(...)` inside its own transaction. One `Notification` row per channel
   is written (SMS always, e-mail when the user has an address), with the subject and body
   rendered now by the kind's renderer, in the recipient's language (`User.message_language`),
   never in that of whoever acted (a staff member using English cancels a course: every worker
   still reads Chinese). The unique `dedupe_key` makes
   writing the same event twice a no-op.
2. After the commit the rows' ids go to `bookings.outbox`, which queues, claims, sends and sweeps
   them (see there).

Kinds are registered by the app that owns what a message is about, the way calendar feed providers
are (`bookings.calendars.FEED_PROVIDERS`): bookings registers its own below; a later app calls
`notification_kind_register` from its `AppConfig.ready` (activities' wishes:
`activities.voice.notifications`). This module knows none of those apps.

Messages never carry an appointment's matter (confidential): only venue, palace, times, codes
and the reasons staff gave the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from palace_portal.rows import insert as insert_rows

from .models import Booking, Notification
from .outbox import NotificationError, outbox_enqueue_soon

__all__ = [
    "KINDS",
    "NotificationError",
    "NotificationKind",
    "extra_required",
    "notification_kind_register",
    "notification_render",
    "notify",
]

Channel = Notification.Channel
Status = Notification.Status

# (booking or None, extra) → (subject, body), in the active language.
Renderer = Callable[[Booking | None, dict], tuple[str, str]]
# (booking or None, extra) → what tells apart messages of one kind about the same booking or user.
Discriminator = Callable[[Booking | None, dict], str]


def _no_discriminator(booking: Booking | None, extra: dict) -> str:
    return ""


@dataclass(frozen=True)
class NotificationKind:
    render: Renderer
    # A kind about a booking refuses to be written without one.
    needs_booking: bool = False
    # For kinds that may repeat for the same booking or user (another offer, another suspension).
    discriminator: Discriminator = _no_discriminator


# name → kind: bookings' own below, other apps' from their AppConfig.ready.
KINDS: dict[str, NotificationKind] = {}


def notification_kind_register(
    name: str, *, render: Renderer, needs_booking: bool = False, discriminator: Discriminator | None = None
) -> None:
    """Make `name` a kind `notify` can write. Called at import (bookings) or in `AppConfig.ready`.

    Registering the same kind again is a no-op (a ready() run twice); a different kind under a name
    already taken is a programming error (NotificationError).
    """
    if len(name) > Notification._meta.get_field("kind").max_length:
        raise NotificationError(f"notification kind name too long: {name!r}")
    kind = NotificationKind(render, needs_booking, discriminator or _no_discriminator)
    if KINDS.get(name, kind) != kind:
        raise NotificationError(f"notification kind {name!r} is already registered")
    KINDS[name] = kind


def extra_required(extra: dict, key: str, kind: str):
    """`extra[key]` for a renderer, or NotificationError when the caller left it out."""
    if extra.get(key) is None:
        raise NotificationError(f"notify(kind={kind!r}) needs extra[{key!r}]")
    return extra[key]


# --- Rendering bookings' own kinds ---------------------------------------------------------------


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


def _about_booking(subject: str, body: str) -> Renderer:
    """A message that says only the booking's own details (msgids marked with gettext_noop,
    translated here when the message is written)."""

    def render(booking: Booking, extra: dict) -> tuple[str, str]:
        c = _booking_context(booking)
        return _(subject) % c, _(body) % c

    return render


_booking_confirmed = _about_booking(
    gettext_noop("Booking confirmed: %(venue)s"),
    gettext_noop(
        "Your booking at %(venue)s, %(palace)s, on %(when)s is confirmed. Check-in code: %(code)s. "
        "Show the QR code under My bookings when you arrive."
    ),
)
_booking_reminder = _about_booking(
    gettext_noop("Reminder: %(venue)s at %(start_time)s"),
    gettext_noop(
        "Reminder: your booking at %(venue)s, %(palace)s, is on %(when)s. Check-in code: %(code)s. "
        "If you cannot come, please cancel under My bookings so that someone else can use the place."
    ),
)
_lottery_won = _about_booking(
    gettext_noop("You have a place: %(title)s"),
    gettext_noop(
        "The lottery for %(title)s, %(palace)s, has been drawn and you have a place. It starts on "
        "%(when)s. Check-in code: %(code)s."
    ),
)
_request_approved = _about_booking(
    gettext_noop("Request approved: %(venue)s"),
    gettext_noop(
        "Your request for %(venue)s, %(palace)s, on %(when)s has been approved. Check-in code: %(code)s."
    ),
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


def _lottery_waitlisted(booking: Booking, extra: dict) -> tuple[str, str]:
    c = {**_booking_context(booking), "position": extra_required(extra, "position", "lottery_waitlisted")}
    return (
        _("Lottery drawn: %(title)s") % c,
        _(
            "The lottery for %(title)s, %(palace)s, has been drawn. You did not get a place this time "
            "and are number %(position)s on the waitlist; if a place frees up, it is offered to you."
        )
        % c,
    )


def _request_declined(booking: Booking, extra: dict) -> tuple[str, str]:
    c = _booking_context(booking)
    body = _("Your request for %(venue)s, %(palace)s, on %(when)s has been declined.") % c
    reason = extra.get("reason", booking.decision_reason)
    return _("Request declined: %(venue)s") % c, _with_reason(body, reason)


def _suspended(booking: Booking | None, extra: dict) -> tuple[str, str]:
    suspension = extra_required(extra, "suspension", "suspended")
    c = {"until": f"{_local(suspension.ends_at):%Y-%m-%d}"}
    body = _("You cannot book venues until %(until)s.") % c
    body = _with_reason(body, extra.get("reason", suspension.reason))
    body += " " + _("You may appeal under My bookings.")
    return _("Booking suspended until %(until)s") % c, body


def _suspension_lifted(booking: Booking | None, extra: dict) -> tuple[str, str]:
    extra_required(extra, "suspension", "suspension_lifted")
    return (
        _("You can book again"),
        _("Your booking suspension has been lifted. You can book venues again."),
    )


def _appeal_decided(booking: Booking | None, extra: dict) -> tuple[str, str]:
    appeal = extra_required(extra, "appeal", "appeal_decided")
    if appeal.status == appeal.Status.UPHELD:
        body = _("Your appeal was upheld and your booking suspension has been lifted.")
    else:
        until = f"{_local(appeal.suspension.ends_at):%Y-%m-%d}"
        body = _with_reason(_("Your appeal was rejected."), extra.get("reason", appeal.decision_reason))
        body += " " + _("You cannot book venues until %(until)s.") % {"until": until}
    return _("Your appeal has been decided"), body


def _offer_deadline(booking: Booking, extra: dict) -> str:
    # One per offer: the same waitlist place may be offered again later with a new deadline.
    return str(int(booking.offer_expires_at.timestamp()))


def _suspension_ref(booking: Booking | None, extra: dict) -> str:
    # One per suspension: a worker may be suspended again months later.
    return f"s{extra['suspension'].pk}"


def _appeal_ref(booking: Booking | None, extra: dict) -> str:
    return f"a{extra['appeal'].pk}"


notification_kind_register("booking_confirmed", render=_booking_confirmed, needs_booking=True)
notification_kind_register("booking_reminder", render=_booking_reminder, needs_booking=True)
notification_kind_register("booking_cancelled", render=_booking_cancelled, needs_booking=True)
notification_kind_register("lottery_won", render=_lottery_won, needs_booking=True)
notification_kind_register("lottery_waitlisted", render=_lottery_waitlisted, needs_booking=True)
notification_kind_register("request_approved", render=_request_approved, needs_booking=True)
notification_kind_register("request_declined", render=_request_declined, needs_booking=True)
notification_kind_register(
    "waitlist_offer", render=_waitlist_offer, needs_booking=True, discriminator=_offer_deadline
)
notification_kind_register("suspended", render=_suspended, discriminator=_suspension_ref)
notification_kind_register("suspension_lifted", render=_suspension_lifted, discriminator=_suspension_ref)
notification_kind_register("appeal_decided", render=_appeal_decided, discriminator=_appeal_ref)


# --- Writing -------------------------------------------------------------------------------------


def notification_render(*, user, kind: str, booking: Booking | None = None, extra: dict | None = None):
    """(subject, body) of a message in the active language. Raises NotificationError on bad input."""
    if kind not in KINDS:
        raise NotificationError(f"unknown notification kind {kind!r}")
    if KINDS[kind].needs_booking and booking is None:
        raise NotificationError(f"notify(kind={kind!r}) needs a booking")
    return KINDS[kind].render(booking, extra or {})


def notification_parts(
    *, user, kind: str, booking: Booking | None = None, extra: dict | None = None
) -> tuple[str, str, list[str]]:
    """(subject, body, channels) of the messages of one event, in the user's language: the subject
    cut to its column, SMS always, e-mail when the user has an address. What `notify` writes (and
    the booking's one-round-trip path, `services.fast`, which writes the rows itself)."""
    with translation.override(user.message_language):
        subject, body = notification_render(user=user, kind=kind, booking=booking, extra=extra)
    channels = [Channel.SMS]
    if user.email:
        channels.append(Channel.EMAIL)
    return subject[:200], body, channels


def _dedupe_key(*, user, kind: str, booking: Booking | None, extra: dict, channel: str) -> str:
    ref = str(booking.pk) if booking is not None else f"u{user.pk}"
    parts = [kind, ref]
    for extra_part in (KINDS[kind].discriminator(booking, extra), extra.get("dedupe")):
        if extra_part not in (None, ""):
            parts.append(str(extra_part))
    parts.append(channel)
    key = ":".join(parts)
    if len(key) > Notification._meta.get_field("dedupe_key").max_length:
        raise NotificationError("notification dedupe key too long")
    return key


def notify(
    *, user, kind: str, booking: Booking | None = None, extra: dict | None = None, first: bool = False
) -> list[Notification]:
    """Write the messages of one event to the outbox and send them after the caller's commit.

    Call it inside the transaction of the change it reports (a service), so that the message
    exists exactly when the change does. One row per channel: SMS always, e-mail when the user has
    an address. Writing the same event again returns the existing rows and writes nothing (a row
    still pending is queued again, which the delivery claim makes harmless).

    `extra`: `reason` (overrides the reason stored on the booking/suspension/appeal),
    `suspension` (kinds `suspended`, `suspension_lifted`), `appeal` (kind `appeal_decided`),
    whatever other apps' kinds ask for, and `dedupe` (an additional discriminator, for an event
    that may legitimately repeat). Raises NotificationError (a ValueError) for an unknown kind or
    missing inputs: a programming error.

    `first=True`: the caller knows the event is new (a booking written in this very transaction
    cannot have messages yet), so there is nothing to deduplicate against: the rows are inserted
    and their ids returned by the insert itself, one round trip instead of two.
    """
    extra = dict(extra or {})
    subject, body, channels = notification_parts(user=user, kind=kind, booking=booking, extra=extra)
    now = timezone.now()
    rows = [
        Notification(
            user=user,
            booking=booking,
            kind=kind,
            channel=channel,
            subject=subject,
            body=body,
            dedupe_key=_dedupe_key(user=user, kind=kind, booking=booking, extra=extra, channel=channel),
            created_at=now,
        )
        for channel in channels
    ]
    if first and connection.features.can_return_rows_from_bulk_insert:
        # SQL built once (palace_portal.rows): compiling bulk_create's INSERT took longer than
        # the database took to run it, on every booking.
        insert_rows(*rows)
        saved = rows
    else:
        keys = [row.dedupe_key for row in rows]
        # ON CONFLICT DO NOTHING: a repeated event neither fails nor aborts the caller's transaction.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        saved = list(Notification.objects.filter(dedupe_key__in=keys).order_by("pk"))
    pending = [row.pk for row in saved if row.status == Status.PENDING]
    if pending:
        transaction.on_commit(partial(outbox_enqueue_soon, pending))
    return saved
