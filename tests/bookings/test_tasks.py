"""The notification tasks, called as Celery calls them (eagerly in tests), and their schedule."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from bookings import outbox
from bookings.models import Notification
from bookings.tasks import deliver_notification, sweep_notifications
from palace_portal.breaker import redis_breaker
from palace_portal.celery import app

Status = Notification.Status


@pytest.fixture
def outbox_row(world, make_booking):
    """A pending SMS row written directly, as `notify` would, with nothing queued for it yet."""

    def make(**fields):
        booking = make_booking()
        return Notification.objects.create(
            user=world.worker,
            booking=booking,
            kind="booking_confirmed",
            channel="sms",
            subject="Booking confirmed",
            body=f"Check-in code: {booking.check_in_code}",
            dedupe_key=f"booking_confirmed:{booking.pk}:sms",
            **fields,
        )

    return make


def test_deliver_notification_sends_the_row(outbox_row, sms_outbox):
    row = outbox_row()

    assert deliver_notification.delay(row.pk).get() is True

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert len(sms_outbox) == 1


def test_deliver_notification_run_twice_sends_once(outbox_row, sms_outbox):
    row = outbox_row()

    assert deliver_notification(row.pk) is True
    assert deliver_notification(row.pk) is False

    assert len(sms_outbox) == 1


def test_deliver_notification_retries_a_database_error(outbox_row, sms_outbox, monkeypatch):
    row = outbox_row()
    real = outbox.notification_deliver
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("database is restarting")
        return real(**kwargs)

    monkeypatch.setattr(outbox, "notification_deliver", flaky)

    # As a worker runs it (eager mode with propagation would raise the Retry instead).
    assert deliver_notification.apply(args=(row.pk,), throw=False).get() is True
    assert len(calls) == 2
    assert len(sms_outbox) == 1


def test_sweep_notifications_queues_what_was_left_behind(outbox_row, sms_outbox):
    lost = outbox_row(created_at=timezone.now() - timedelta(minutes=5))
    stuck = outbox_row(status=Status.SENDING, attempts=1, claimed_at=timezone.now() - timedelta(hours=1))
    outbox_row()  # just written: its own delivery is on the way

    assert sweep_notifications.delay().get() == 2

    assert len(sms_outbox) == 2
    assert set(Notification.objects.filter(pk__in=[lost.pk, stuck.pk]).values_list("status", flat=True)) == {
        Status.SENT
    }
    assert sweep_notifications() == 0


def test_publishing_a_delivery_never_touches_the_result_backend():
    # With a result backend, publishing a task that keeps its result subscribes to it first
    # (Redis: with retries of its own), which would make a web request wait on a down Redis.
    assert deliver_notification.ignore_result is True


@pytest.mark.parametrize(
    ("entry", "task", "every"),
    [
        ("bookings-sweep-notifications", "bookings.tasks.sweep_notifications", timedelta(minutes=1)),
        ("bookings-expire-offers", "bookings.tasks.expire_offers", timedelta(minutes=1)),
        ("bookings-mark-no-shows", "bookings.tasks.mark_no_shows", timedelta(minutes=5)),
        ("bookings-send-reminders", "bookings.tasks.send_reminders", timedelta(minutes=10)),
    ],
)
def test_beat_runs_the_booking_tasks(entry, task, every):
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    assert schedule["task"] == task
    assert schedule["schedule"] == every
    # A run that waited longer than its interval is dropped rather than piled up.
    assert schedule["options"]["expires"] < every.total_seconds()
    assert task in app.tasks


# --- Batches: the web processes' publisher thread (a real broker) ----------------------------------


def test_deliver_notifications_sends_each_row_of_a_batch_once(outbox_row, sms_outbox):
    rows = [outbox_row(), outbox_row()]
    ids = [row.pk for row in rows]

    assert outbox.deliver_notifications(ids) == 2
    assert outbox.deliver_notifications(ids) == 0  # a redelivered batch: each row is claimed once

    assert len(sms_outbox) == 2
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


@pytest.fixture
def published(monkeypatch):
    """A broker that is Redis (as in production): what the publisher thread publishes, in order."""
    messages: list[list[int]] = []
    monkeypatch.setattr(outbox, "_broker_is_redis", lambda: True)
    monkeypatch.setattr(outbox.deliver_notifications, "delay", lambda ids: messages.append(list(ids)))
    monkeypatch.setattr(outbox, "_publisher", outbox._Publisher())
    return messages


def _wait_for(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_ids_handed_over_together_are_published_in_one_message(published, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    for first in range(0, 10, 2):
        outbox.outbox_enqueue_soon([first, first + 1])

    _wait_for(lambda: sum(len(m) for m in published) == 10)

    assert sorted(i for message in published for i in message) == list(range(10))
    assert len(published) < 5  # gathered: fewer messages than the hand-overs


def test_what_is_gathered_is_published_by_a_flush(published, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    publisher = outbox._publisher
    with publisher._lock:  # gathered, the thread not woken yet (as at the process's exit)
        publisher._ids.extend([7, 8])

    publisher.flush()

    assert published == [[7, 8]]


def test_a_broker_down_leaves_the_batch_to_the_sweep(world, make_booking, monkeypatch, settings, caplog):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/15"
    breaker = redis_breaker(settings.CELERY_BROKER_URL)
    breaker.success()

    def broker_down(ids):
        raise ConnectionError("broker down")

    monkeypatch.setattr(outbox.deliver_notifications, "delay", broker_down)
    try:
        assert outbox.outbox_publish_batch([1, 2]) == 0
        assert breaker.is_open
        assert "ConnectionError" in caplog.text
    finally:
        breaker.success()


def test_eager_tasks_queue_each_row_at_once(outbox_row, sms_outbox, django_capture_on_commit_callbacks):
    # No broker (tests, a laptop): nothing waits for a thread.
    row = outbox_row()
    outbox.outbox_enqueue_soon([row.pk])
    row.refresh_from_db()
    assert row.status == Status.SENT
