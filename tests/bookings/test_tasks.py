"""The notification tasks, called as Celery calls them (eagerly in tests), and their schedule."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import OperationalError
from django.utils import timezone

from bookings import outbox
from bookings.models import Notification
from bookings.tasks import deliver_notification, sweep_notifications
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
