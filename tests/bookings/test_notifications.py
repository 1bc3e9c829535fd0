"""The outbox: written in the caller's transaction, sent once, swept when left behind."""

import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.utils import timezone, translation

from bookings import outbox
from bookings.models import Appeal, AppointmentMatter, Booking, Notification, Suspension
from bookings.notifications import NotificationError, notify
from bookings.outbox import MAX_ATTEMPTS, notification_deliver, notifications_sweep
from palace_portal.breaker import redis_breaker
from palace_portal.users.sms import SmsError
from tests.factories import UserFactory, VenueFactory

Status = Notification.Status

SECRET_MATTER = "劳动合同纠纷：老板拖欠三个月工资 secret-matter-text"


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions read the English msgids. Messages are written in the recipient's language, the
    # portal's own (LANGUAGE_CODE) for the fixtures' people whose language is not known.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_staff_member_using_english_writes_to_each_worker_in_the_workers_language(
    world, make_booking, settings
):
    from bookings.services import booking_cancel

    settings.LANGUAGE_CODE = "zh-hans"
    world.worker.email = "wu.gang@example.com"
    world.worker.language = "zh-hans"
    world.worker.save(update_fields=["email", "language"])
    world.worker2.language = "en"
    world.worker2.save(update_fields=["language"])
    chinese = make_booking(user=world.worker)
    english = make_booking(user=world.worker2)
    newcomer = UserFactory(phone="13900000777")  # never signed in: language not known
    unknown = make_booking(user=newcomer)

    with translation.override("en"):  # the acting staff member's language
        for booking in (chinese, english, unknown):
            booking_cancel(actor=world.staff_a, booking=booking, reason="场地漏水")

    to_chinese = Notification.objects.filter(user=world.worker)
    assert to_chinese.count() == 2  # SMS and e-mail
    for row in to_chinese:
        assert row.subject.startswith("预约已取消"), row.subject
        assert "cancelled" not in row.body
    to_english = Notification.objects.get(user=world.worker2)
    assert to_english.subject.startswith("Booking cancelled")
    assert "has been cancelled" in to_english.body
    # Not known yet: the portal's own language, not the actor's.
    assert Notification.objects.get(user=newcomer).subject.startswith("预约已取消")


@pytest.fixture
def worker_with_email(world):
    world.worker.email = "wu.gang@example.com"
    world.worker.save(update_fields=["email"])
    return world.worker


def local(*args):
    return timezone.make_aware(datetime(*args))


def age(notification, **delta):
    """Pretend the row was written (and claimed) that long ago."""
    then = timezone.now() - timedelta(**delta)
    Notification.objects.filter(pk=notification.pk).update(created_at=then)


# --- notify: what is written ---------------------------------------------------------------------


def test_notify_writes_sms_and_email_when_the_user_has_an_address(worker_with_email, make_booking):
    booking = make_booking(user=worker_with_email)

    rows = notify(user=worker_with_email, kind="booking_confirmed", booking=booking)

    assert sorted(row.channel for row in rows) == ["email", "sms"]
    assert all(row.status == Status.PENDING and row.booking == booking for row in rows)
    assert Notification.objects.count() == 2


def test_notify_writes_only_sms_when_the_user_has_no_email(world, make_booking):
    booking = make_booking(user=world.worker2)

    rows = notify(user=world.worker2, kind="booking_confirmed", booking=booking)

    assert [row.channel for row in rows] == ["sms"]
    assert Notification.objects.get().user == world.worker2


def test_notify_same_event_twice_writes_one_row_per_channel(worker_with_email, make_booking):
    booking = make_booking(user=worker_with_email)

    first = notify(user=worker_with_email, kind="booking_confirmed", booking=booking)
    second = notify(user=worker_with_email, kind="booking_confirmed", booking=booking)

    assert Notification.objects.count() == 2
    assert [row.pk for row in first] == [row.pk for row in second]


def test_notify_same_event_twice_inside_one_transaction_is_a_no_op(world, make_booking):
    booking = make_booking()
    with transaction.atomic():
        notify(user=world.worker, kind="booking_cancelled", booking=booking)
        notify(user=world.worker, kind="booking_cancelled", booking=booking)
        # The ignored conflict did not break the surrounding transaction.
        booking.status = Booking.Status.CANCELLED
        booking.save(update_fields=["status"])

    assert Notification.objects.filter(kind="booking_cancelled").count() == 1


def test_reminder_is_written_once_per_booking(world, make_booking):
    one = make_booking()
    other = make_booking(start=one.start + timedelta(hours=2))

    for _ in range(3):
        notify(user=world.worker, kind="booking_reminder", booking=one)
    notify(user=world.worker, kind="booking_reminder", booking=other)

    assert Notification.objects.filter(kind="booking_reminder").count() == 2


def test_waitlist_offer_is_written_once_per_offer(world, make_booking):
    booking = make_booking(
        status=Booking.Status.OFFERED, offer_expires_at=timezone.now() + timedelta(minutes=30)
    )
    notify(user=world.worker, kind="waitlist_offer", booking=booking)
    notify(user=world.worker, kind="waitlist_offer", booking=booking)
    assert Notification.objects.count() == 1

    # Offered again later, with a new deadline: a new message.
    booking.offer_expires_at += timedelta(hours=2)
    notify(user=world.worker, kind="waitlist_offer", booking=booking)
    assert Notification.objects.count() == 2


def test_suspension_messages_are_written_once_per_suspension(world):
    now = timezone.now()
    first = Suspension.objects.create(
        user=world.worker, ends_at=now + timedelta(days=14), reason="3 no-shows"
    )
    notify(user=world.worker, kind="suspended", extra={"suspension": first})
    notify(user=world.worker, kind="suspended", extra={"suspension": first})
    second = Suspension.objects.create(user=world.worker, ends_at=now + timedelta(days=60), reason="again")
    notify(user=world.worker, kind="suspended", extra={"suspension": second})

    assert Notification.objects.filter(kind="suspended", booking=None).count() == 2


def test_extra_dedupe_lets_a_repeated_event_through(world, make_booking):
    booking = make_booking()
    notify(user=world.worker, kind="booking_reminder", booking=booking)
    notify(user=world.worker, kind="booking_reminder", booking=booking, extra={"dedupe": "day-before"})
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "booking", "extra"),
    [
        ("no_such_kind", True, {}),
        ("booking_confirmed", False, {}),
        ("suspended", False, {}),
        ("appeal_decided", False, {}),
    ],
)
def test_notify_refuses_unknown_kinds_and_missing_inputs_and_writes_nothing(
    world, make_booking, kind, booking, extra
):
    with pytest.raises(NotificationError):
        notify(user=world.worker, kind=kind, booking=make_booking() if booking else None, extra=extra)
    assert not Notification.objects.exists()


# --- notify: what the messages say -----------------------------------------------------------------


def test_confirmation_names_venue_palace_local_time_and_check_in_code(world, make_booking):
    booking = make_booking(start=local(2026, 12, 1, 19, 0), check_in_code="K7Q2M9XA")
    assert booking.start.utcoffset() is not None

    [row] = notify(user=world.worker, kind="booking_confirmed", booking=booking)

    assert "羽毛球馆1号场" in row.subject
    for part in ("羽毛球馆1号场", "南昌市工人文化宫", "2026-12-01 19:00–20:00", "K7Q2M9XA"):
        assert part in row.body


def test_times_are_the_palace_local_time_whatever_the_active_time_zone(world, make_booking):
    booking = make_booking(start=local(2026, 12, 1, 19, 0))
    with timezone.override("UTC"):
        [row] = notify(user=world.worker, kind="booking_reminder", booking=booking)
    assert "19:00" in row.body
    assert "11:00" not in row.body


def test_waitlist_offer_says_until_when_and_how_to_accept(world, make_booking):
    expires = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=30)
    booking = make_booking(status=Booking.Status.OFFERED, offer_expires_at=expires)

    [row] = notify(user=world.worker, kind="waitlist_offer", booking=booking)

    assert f"{timezone.localtime(expires):%H:%M}" in row.body
    assert "accept" in row.body


def test_waitlist_offer_without_deadline_is_refused(world, make_booking):
    booking = make_booking(status=Booking.Status.OFFERED)
    with pytest.raises(NotificationError):
        notify(user=world.worker, kind="waitlist_offer", booking=booking)


def test_decline_gives_the_reason(world, make_booking):
    booking = make_booking(status=Booking.Status.DECLINED, decision_reason="Hall closed for repairs")
    [row] = notify(user=world.worker, kind="request_declined", booking=booking)
    assert "Hall closed for repairs" in row.body


def test_suspension_gives_end_date_and_reason(world):
    ends = local(2026, 12, 15, 10, 0)
    suspension = Suspension.objects.create(
        user=world.worker, starts_at=ends - timedelta(days=14), ends_at=ends, reason="3 no-shows in 30 days"
    )
    [row] = notify(user=world.worker, kind="suspended", extra={"suspension": suspension})
    assert "2026-12-15" in row.subject
    assert "3 no-shows in 30 days" in row.body


def test_appeal_decision_says_whether_it_was_upheld(world):
    suspension = Suspension.objects.create(
        user=world.worker, ends_at=timezone.now() + timedelta(days=14), reason="no-shows"
    )
    appeal = Appeal.objects.create(
        suspension=suspension, text="I was ill", status=Appeal.Status.REJECTED, decision_reason="No proof"
    )
    [row] = notify(user=world.worker, kind="appeal_decided", extra={"appeal": appeal})
    assert "rejected" in row.body
    assert "No proof" in row.body


@pytest.mark.parametrize(
    "kind",
    [
        "booking_confirmed",
        "booking_reminder",
        "booking_cancelled",
        "waitlist_offer",
        "request_approved",
        "request_declined",
    ],
)
def test_messages_never_contain_the_appointment_matter(
    worker_with_email, world, make_booking, sms_outbox, kind
):
    window = VenueFactory(palace=world.palace_a, name="法律援助窗口", kind="legal_aid_window")
    booking = make_booking(
        venue=window, status=Booking.Status.CONFIRMED, offer_expires_at=timezone.now() + timedelta(minutes=30)
    )
    AppointmentMatter.objects.create(booking=booking, palace=booking.palace, text=SECRET_MATTER)

    rows = notify(user=worker_with_email, kind=kind, booking=booking)
    for row in rows:
        notification_deliver(notification_id=row.pk)

    texts = [row.subject + row.body for row in rows]
    texts += [message.text for message in sms_outbox]
    texts += [message.subject + message.body for message in mail.outbox]
    assert len(texts) == 4  # two rows, one text message, one e-mail
    assert all("法律援助窗口" in text for text in texts)
    assert not any("secret-matter-text" in text or "老板拖欠" in text for text in texts)


# --- notify: the commit hop --------------------------------------------------------------------------


def test_notify_sends_only_after_the_commit(
    world, make_booking, sms_outbox, django_capture_on_commit_callbacks
):
    booking = make_booking()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user=world.worker, kind="booking_confirmed", booking=booking)
        assert sms_outbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert [message.phone for message in sms_outbox] == [world.worker.phone]
    assert Notification.objects.get().status == Status.SENT


def test_notify_with_commit_delivers_every_channel(
    worker_with_email, make_booking, sms_outbox, django_capture_on_commit_callbacks
):
    booking = make_booking(user=worker_with_email)
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=worker_with_email, kind="booking_confirmed", booking=booking)

    assert len(sms_outbox) == 1
    assert [message.to for message in mail.outbox] == [["wu.gang@example.com"]]
    assert mail.outbox[0].subject.startswith("Booking confirmed")
    assert set(Notification.objects.values_list("status", flat=True)) == {Status.SENT}


def test_notify_in_a_rolled_back_transaction_sends_and_keeps_nothing(
    world, make_booking, sms_outbox, django_capture_on_commit_callbacks
):
    booking = make_booking()

    def book_then_fail():
        with transaction.atomic():
            notify(user=world.worker, kind="booking_confirmed", booking=booking)
            raise RuntimeError("the booking failed after all")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        book_then_fail()
    assert callbacks == []
    assert sms_outbox == []
    assert not Notification.objects.exists()


def test_repeated_event_does_not_queue_a_sent_message_again(
    world, make_booking, sms_outbox, django_capture_on_commit_callbacks
):
    booking = make_booking()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=world.worker, kind="booking_confirmed", booking=booking)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user=world.worker, kind="booking_confirmed", booking=booking)
    assert callbacks == []
    assert len(sms_outbox) == 1


def test_an_enqueue_failure_never_reaches_the_caller(
    world, make_booking, sms_outbox, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionError(f"cannot reach broker for {world.worker.phone}")

    monkeypatch.setattr(outbox.deliver_notification, "delay", broker_down)
    booking = make_booking()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=world.worker, kind="booking_confirmed", booking=booking)

    assert Notification.objects.get().status == Status.PENDING
    assert "ConnectionError" in caplog.text
    assert world.worker.phone not in caplog.text


# --- deliver ---------------------------------------------------------------------------------------


def pending_sms(world, make_booking, **fields):
    """An outbox row written directly: no delivery is queued for it."""
    booking = make_booking()
    fields.setdefault("dedupe_key", f"booking_confirmed:{booking.pk}:sms")
    return Notification.objects.create(
        user=world.worker,
        booking=booking,
        kind="booking_confirmed",
        channel="sms",
        subject="Booking confirmed",
        body=f"Check-in code: {booking.check_in_code}",
        **fields,
    )


def test_deliver_sends_once_and_marks_sent(world, make_booking, sms_outbox):
    row = pending_sms(world, make_booking)

    assert notification_deliver(notification_id=row.pk) is True
    assert notification_deliver(notification_id=row.pk) is False

    assert len(sms_outbox) == 1
    assert sms_outbox[0].phone == world.worker.phone
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    assert row.sent_at is not None


def test_deliver_of_unknown_row_does_nothing(db, sms_outbox):
    assert notification_deliver(notification_id=987654) is False
    assert sms_outbox == []


def test_deliver_email_goes_to_the_users_address(worker_with_email, make_booking):
    booking = make_booking(user=worker_with_email)
    rows = notify(user=worker_with_email, kind="booking_reminder", booking=booking)
    email = next(row for row in rows if row.channel == "email")

    assert notification_deliver(notification_id=email.pk) is True

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["wu.gang@example.com"]
    assert booking.check_in_code in mail.outbox[0].body


def test_deliver_failure_puts_the_row_back_to_pending_with_the_attempt_counted(
    world, make_booking, sms_outbox, monkeypatch
):
    row = pending_sms(world, make_booking)

    def provider_refuses(phone, text):
        raise SmsError(f"provider refused {phone}")

    monkeypatch.setattr(outbox, "send_sms", provider_refuses)

    assert notification_deliver(notification_id=row.pk) is False

    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (Status.PENDING, 1, "SmsError")
    assert world.worker.phone not in row.last_error


def test_deliver_gives_up_after_the_last_attempt(world, make_booking, monkeypatch):
    row = pending_sms(world, make_booking, attempts=MAX_ATTEMPTS - 1)
    monkeypatch.setattr(outbox, "send_sms", lambda phone, text: 1 / 0)

    notification_deliver(notification_id=row.pk)

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.FAILED, MAX_ATTEMPTS)


def test_deliver_email_to_a_removed_address_fails_without_retry(worker_with_email, make_booking):
    booking = make_booking(user=worker_with_email)
    rows = notify(user=worker_with_email, kind="booking_confirmed", booking=booking)
    email = next(row for row in rows if row.channel == "email")
    worker_with_email.email = ""
    worker_with_email.save(update_fields=["email"])

    assert notification_deliver(notification_id=email.pk) is False

    email.refresh_from_db()
    assert email.status == Status.FAILED
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_deliver_called_concurrently_sends_exactly_once(world, make_booking, sms_outbox, monkeypatch):
    row = pending_sms(world, make_booking)

    class SlowClock:
        """Widens the race: every thread has read the row as pending before anyone claims it."""

        def now(self):
            time.sleep(0.1)
            return timezone.now()

    monkeypatch.setattr(outbox, "timezone", SlowClock())
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def deliver():
        try:
            barrier.wait(timeout=10)
            # As the task does (autoretry on database errors): the in-memory SQLite test database
            # answers "table is locked" to concurrent writers instead of making them wait.
            for _ in range(20):
                try:
                    results.append(notification_deliver(notification_id=row.pk))
                    break
                except OperationalError:
                    time.sleep(0.01)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == [False] * (threads_count - 1) + [True]  # every thread got an answer
    assert len(sms_outbox) == 1
    row = Notification.objects.get(channel=Notification.Channel.SMS)
    assert (row.status, row.attempts) == (Status.SENT, 1)


# --- sweep -----------------------------------------------------------------------------------------


def test_sweep_requeues_pending_rows_whose_enqueue_was_lost(world, make_booking, sms_outbox):
    lost = pending_sms(world, make_booking)
    age(lost, minutes=2)
    fresh = pending_sms(world, make_booking)  # its own task may still be on the way

    assert notifications_sweep() == 1

    assert [message.phone for message in sms_outbox] == [world.worker.phone]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, fresh.status) == (Status.SENT, Status.PENDING)


def test_sweep_reclaims_rows_stuck_in_sending(world, make_booking, sms_outbox):
    now = timezone.now()
    stuck = pending_sms(
        world, make_booking, status=Status.SENDING, attempts=1, claimed_at=now - timedelta(minutes=11)
    )
    busy = pending_sms(
        world, make_booking, status=Status.SENDING, attempts=1, claimed_at=now - timedelta(minutes=2)
    )

    assert notifications_sweep() == 1

    stuck.refresh_from_db()
    busy.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Status.SENT, 2)
    assert busy.status == Status.SENDING
    assert len(sms_outbox) == 1


def test_sweep_fails_stuck_rows_that_used_their_last_attempt(world, make_booking, sms_outbox):
    stuck = pending_sms(
        world,
        make_booking,
        status=Status.SENDING,
        attempts=MAX_ATTEMPTS,
        claimed_at=timezone.now() - timedelta(minutes=30),
    )

    assert notifications_sweep() == 0

    stuck.refresh_from_db()
    assert stuck.status == Status.FAILED
    assert sms_outbox == []


def test_sweep_retries_a_failed_send_only_after_its_backoff(world, make_booking, sms_outbox):
    now = timezone.now()
    row = pending_sms(world, make_booking, attempts=2, claimed_at=now - timedelta(seconds=90))
    age(row, minutes=10)

    assert notifications_sweep(now=now) == 0  # two failures: wait two minutes
    assert notifications_sweep(now=now + timedelta(minutes=1)) == 1

    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 3)


def test_sweep_leaves_sent_and_failed_rows_alone(world, make_booking, sms_outbox):
    for status in (Status.SENT, Status.FAILED):
        row = pending_sms(world, make_booking, status=status)
        age(row, hours=1)

    assert notifications_sweep() == 0
    assert sms_outbox == []


# --- the broker is down ------------------------------------------------------------------------------


@contextmanager
def broker_down():
    """Inside, tasks really go to a broker at a port where nothing listens (not eagerly)."""
    from palace_portal.celery import app

    def reset_pools():
        # The producer pool holds connections to the broker configured when it was first used.
        app._pool = None
        app.amqp._producer_pool = None

    eager = app.conf.task_always_eager
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CELERY_BROKER_WRITE_URL", "redis://127.0.0.1:1/0")
        app.conf.task_always_eager = False
        reset_pools()
        try:
            yield
        finally:
            app.conf.task_always_eager = eager
            reset_pools()


def _wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.mark.parametrize("batched", [False, True], ids=["published-by-the-request", "batched"])
def test_with_the_broker_down_the_caller_returns_fast_and_the_sweep_sends_once_it_is_back(
    world,
    make_booking,
    sms_outbox,
    caplog,
    django_capture_on_commit_callbacks,
    settings,
    monkeypatch,
    batched,
):
    # A Redis broker, as in production; the ids published either by the request itself or by the
    # process's publisher thread (OUTBOX_BATCH_PUBLISH), which must not make the request wait.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.OUTBOX_BATCH_PUBLISH = batched
    monkeypatch.setattr(outbox, "_publisher", outbox._Publisher())
    redis_breaker(settings.CELERY_BROKER_URL).success()  # closed, whatever an earlier test left
    booking = make_booking()

    import redis.connection

    # What bounds the caller's wait is how often and how long the publish tries to reach the
    # broker, not a wall-clock reading (which a loaded machine stretches): count the attempts and
    # record the timeout each one used.
    connects: list[float | None] = []
    real_connect = redis.connection.Connection._connect

    def counted_connect(self):
        connects.append(self.socket_connect_timeout)
        return real_connect(self)

    with broker_down(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(redis.connection.Connection, "_connect", counted_connect)
        world.worker.email = "worker@example.com"  # two rows: the second must not try again
        world.worker.save(update_fields=["email"])
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            rows = notify(user=world.worker, kind="booking_confirmed", booking=booking)
        if batched:
            assert connects == []  # the request handed the ids over and went on
            _wait_for(lambda: "OperationalError" in caplog.text)

    assert len(callbacks) == 1
    assert len(rows) == 2
    # One connection and at most one quick reconnect, each given up after a second at most.
    assert 1 <= len(connects) <= 2, connects
    assert all(timeout is not None and timeout <= 1 for timeout in connects), connects
    assert "OperationalError" in caplog.text  # the publish really went to the (dead) broker
    assert world.worker.phone not in caplog.text
    assert [(row.status, row.attempts) for row in Notification.objects.order_by("pk")] == [
        (Status.PENDING, 0),
        (Status.PENDING, 0),
    ]
    assert sms_outbox == []

    # The broker is back (eager here: the task runs as soon as it is queued).
    later = timezone.now() + timedelta(minutes=2)
    assert notifications_sweep(now=later) == 2
    assert notifications_sweep(now=later + timedelta(minutes=1)) == 0
    notify(user=world.worker, kind="booking_confirmed", booking=booking)  # the same event, again

    assert len(sms_outbox) == 1
    row = Notification.objects.get(channel=Notification.Channel.SMS)
    assert (row.status, row.attempts) == (Status.SENT, 1)
