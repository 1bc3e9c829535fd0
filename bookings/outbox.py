"""The notification outbox's delivery: queue, claim, send, sweep, and the Celery tasks that run them.

`bookings.notifications.notify` writes the rows (one per channel, in the caller's transaction) and
hands their ids to `outbox_enqueue_soon` after the commit. From there:
1. With a real broker, `outbox_enqueue_soon` leaves the ids to the process's publisher thread,
   which publishes every `OUTBOX_PUBLISH_WINDOW_MS` (50 ms) ONE `deliver_notifications` task for all the ids
   gathered from every request in the meantime (a publish costs about a millisecond of Python
   whatever it carries; under load one serves several bookings, and no request waits on Redis).
   Without a broker (eager tasks: tests, a laptop), and for the sweep, `outbox_enqueue` publishes
   one `deliver_notification` task per row at once. A broker that is down is logged and ignored:
   the rows stay `pending`. Ids not yet published when a process dies are rows still `pending`,
   which the sweep queues again: delivery stays at least once.
2. `notification_deliver` claims a row with a conditional UPDATE (pending → sending), sends it and
   marks it `sent`. Two workers, a retry and the sweep can never send the same row at the same time.
3. `notifications_sweep` (beat, every minute) re-queues what was left behind: pending rows whose
   enqueue was lost, rows due for another attempt after a failure (with backoff), and rows stuck
   in `sending` because a worker died mid-send. It re-queues rather than sending itself so that a
   backlog after an outage is drained by every worker in parallel; the claim keeps that safe even
   when a row ends up queued twice.

This module knows the `Notification` table and the senders (SMS, e-mail) only: nothing of
bookings' services, so the services may write notifications without an import circle. The tasks
keep the names they had in `bookings.tasks` (beat's schedule and messages already queued use
them); `bookings.tasks` imports this module so that a worker registers them.

Logs carry ids, kinds and error class names, never phone numbers, addresses or message texts.
Delivery is at least once for the one case nobody can tell apart: a worker that dies after the
provider accepted a message but before the row was marked sent. The sweep sends such a row again
after `stale_after` (10 minutes).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from datetime import datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import DatabaseError, OperationalError
from django.db.models import Q
from django.utils import timezone

from palace_portal.breaker import redis_breaker
from palace_portal.users.sms import send_sms

from .models import Notification

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
# Ids one message carries at most.
PUBLISH_BATCH = 100

# Celery options of every bookings task: a database that is briefly unreachable is worth a few
# retries; anything else is a bug to see.
TASK_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


class NotificationError(ValueError):
    """A programming error: `notify` was called with a kind it cannot render or without its inputs,
    or a row names a channel nobody sends."""


class NoAddress(Exception):
    """The user removed the e-mail address after the message was written."""


# --- Queueing ------------------------------------------------------------------------------------


def outbox_enqueue(notification_ids: list[int]) -> int:
    """Publish one delivery task per id; return how many were published. Never raises.

    Called after the commit of `notify`, and by the sweep. A broker that is down must not fail (or
    slow down) what already committed: the rows stay pending and the sweep sends them once the
    broker is back.
    """
    if not notification_ids:
        return 0
    # A broker that failed a moment ago (refused, or hung until the socket timeout) is skipped
    # for a few seconds instead of being waited on again by every request (palace_portal.breaker).
    breaker = redis_breaker(settings.CELERY_BROKER_URL) if _broker_is_redis() else None
    if breaker is not None and not breaker.allow():
        logger.warning(
            "notifications: the broker is marked down; %s message(s) left to the sweep", len(notification_ids)
        )
        return 0
    queued = 0
    for notification_id in notification_ids:
        try:
            deliver_notification.delay(notification_id)
        except Exception as error:  # any broker failure (kombu, redis, socket) means the same here
            if breaker is not None:
                breaker.failure()
            logger.warning(
                "notifications: could not queue %s of %s message(s) (%s); the sweep will send them",
                len(notification_ids) - queued,
                len(notification_ids),
                type(error).__name__,
            )
            # The next publish would wait on the same dead broker: leave the rest to the sweep.
            break
        queued += 1
    if breaker is not None and queued:
        breaker.success()
    return queued


def outbox_enqueue_soon(notification_ids: list[int]) -> None:
    """Queue the delivery of these rows: by the publisher thread in batches with a real broker
    (see the module's docstring), at once otherwise. Called after the commit of `notify`."""
    if not notification_ids:
        return
    if _broker_is_redis() and settings.OUTBOX_BATCH_PUBLISH:
        _publisher.add(notification_ids)
    else:
        outbox_enqueue(notification_ids)


def outbox_publish_batch(notification_ids: list[int]) -> int:
    """Publish one `deliver_notifications` task for these ids; how many ids it carried (0 when the
    broker is down or marked down: the rows stay pending for the sweep). Never raises."""
    breaker = redis_breaker(settings.CELERY_BROKER_URL)
    if not breaker.allow():
        logger.warning(
            "notifications: the broker is marked down; %s message(s) left to the sweep", len(notification_ids)
        )
        return 0
    try:
        deliver_notifications.delay(notification_ids)
    except Exception as error:  # any broker failure (kombu, redis, socket) means the same here
        breaker.failure()
        logger.warning(
            "notifications: could not queue %s message(s) (%s); the sweep will send them",
            len(notification_ids),
            type(error).__name__,
        )
        return 0
    breaker.success()
    return len(notification_ids)


class _Publisher:
    """The process's publisher thread: gathers the ids handed over by requests and publishes them
    in batches (`outbox_publish_batch`). Started on first use; a forked child starts its own; what
    is still gathered when the process exits normally is published then (the sweep covers the rest)."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._ids: list[int] = []
        self._thread: threading.Thread | None = None

    def add(self, notification_ids: list[int]) -> None:
        with self._lock:
            self._ids.extend(notification_ids)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox-publisher", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        with self._lock:
            self._wake.clear()
            ids, self._ids = self._ids, []
        for start in range(0, len(ids), PUBLISH_BATCH):
            outbox_publish_batch(ids[start : start + PUBLISH_BATCH])

    def _run(self) -> None:
        while True:
            self._wake.wait()
            # The ids of the requests finishing meanwhile join the batch: a publish costs about a
            # millisecond of CPU whatever it carries, so the longer the window, the fewer a web
            # process makes under load (settings.OUTBOX_PUBLISH_WINDOW_MS).
            time.sleep(settings.OUTBOX_PUBLISH_WINDOW_MS / 1000)
            self.flush()


_publisher = _Publisher()


def _broker_is_redis() -> bool:
    url = settings.CELERY_BROKER_URL or ""
    return url.startswith(("redis://", "rediss://")) and not deliver_notification.app.conf.task_always_eager


# --- Sending -------------------------------------------------------------------------------------


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
    return outbox_enqueue(ids)


# --- Tasks (named as when they lived in bookings.tasks) -----------------------------------------


# ignore_result: nobody reads it, and publishing then never touches the result backend (a web
# request enqueues this task, and a down Redis must not make it wait).
@shared_task(name="bookings.tasks.deliver_notification", ignore_result=True, **TASK_RETRY)
def deliver_notification(notification_id: int) -> bool:
    """Send one outbox row (queued after the commit of `notify`, and by the sweep).

    Returns True when this run sent it; False when it was already sent, is being sent by someone
    else, or the send failed (the row records the failure and the sweep schedules the retry).
    """
    return notification_deliver(notification_id=notification_id)


@shared_task(name="bookings.tasks.deliver_notifications", ignore_result=True, **TASK_RETRY)
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send the outbox rows of one batch (queued by the web processes' publisher threads).

    Returns how many this run sent. A retry after a database error sends only what is still
    pending: each row is claimed as by `deliver_notification`.
    """
    return sum(notification_deliver(notification_id=notification_id) for notification_id in notification_ids)


@shared_task(name="bookings.tasks.sweep_notifications", **TASK_RETRY)
def sweep_notifications() -> int:
    """Beat, every minute: re-queue outbox rows left behind (lost, failed, stuck). Returns the count."""
    return notifications_sweep()
