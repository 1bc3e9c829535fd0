"""Redis down (refusing) or hanging (accepting and never answering) while workers book.

- Bookings through a real gunicorn whose cache and Celery broker are a private redis-server:
  N bookings with Redis fine, N with it frozen (SIGSTOP: connections are accepted by the kernel,
  nothing answers), N with it killed (refused). Every booking succeeds; the p95 of each phase is
  printed (docs/performance.md keeps the figures) and held to a generous bound here. Then Redis
  comes back, a Celery worker and the outbox's sweep send every notification, each exactly once,
  even when every delivery is queued a second time.
- The limits that guard accounts and money hold while Redis is down or hanging: the login
  lockout (django-axes, in the database), the SMS code limits (palace_portal.ratelimit, which
  moves its counts to the database), and a hanging cache costs one socket timeout, not one per call.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bookings.models import Booking, Notification
from bookings.rules import rule_for
from palace_portal import breaker as breakers
from palace_portal.ratelimit import hit
from palace_portal.users import sms
from palace_portal.users.models import User
from tests.factories import VenueFactory
from tests.integration.faults_support import (
    celery_worker,
    database_url,
    free_port,
    gunicorn,
    hanging_server,
    percentile,
    portal_env,
    private_redis,
    request,
)

PER_PHASE = 40
WARM_UP = 5
# The target is 50 ms added to p95 (docs/performance.md has the measured figures); on a
# shared CI machine the test holds a generous bound, far below the 1 s a single timeout costs.
P95_BOUND = 0.3


@pytest.fixture(autouse=True)
def _breakers_closed():
    breakers.reset_all()
    yield
    breakers.reset_all()


# --- Bookings through gunicorn while Redis fails ---------------------------------------------------

# Run in a process of the broker's world once Redis is back, beside the worker.
DRAIN = """
import json, time
from datetime import timedelta
from django.utils import timezone
from bookings.models import Notification
from bookings.outbox import deliver_notification, notifications_sweep
from django.conf import settings
from palace_portal.celery import app

# The queue deliveries go to (a queue of their own where the settings split them).
ROUTES = getattr(settings, "CELERY_TASK_ROUTES", None) or {}
QUEUE = ROUTES.get("bookings.tasks.deliver_notification", {}).get("queue", "celery")

def handled():
    # One worker process takes a queue's messages in order: once a ping sent down the deliveries'
    # queue is back, every delivery queued before it was handled.
    assert app.send_task("palace_portal.ping", queue=QUEUE).get(timeout=60) == "pong"

def sweep():  # as beat's sweep a few minutes later: every row left pending is due
    return notifications_sweep(now=timezone.now() + timedelta(minutes=5))

report = {}
handled()  # what reached the broker before or between the faults
report["pending"] = Notification.objects.filter(status="pending").count()
report["queued"] = sweep()  # what the outage held back
handled()
report["unsent"] = list(Notification.objects.exclude(status="sent").values_list("pk", "status", "last_error"))
report["sent_at"] = {pk: sent.isoformat() for pk, sent in Notification.objects.values_list("pk", "sent_at")}
# None twice: deliveries queued once more (a sample across the phases: the claim is the same for
# every row), and the sweep run again, send nothing.
for pk in Notification.objects.order_by("pk").values_list("pk", flat=True)[::4]:
    deliver_notification.delay(pk)
report["queued_again"] = sweep()
handled()
print(json.dumps(report))
"""


def _run(env: dict, code: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", "import django\ndjango.setup()\n" + code],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=90, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _book(port: int, token: str, body: dict) -> tuple[float, int, dict]:
    started = time.perf_counter()
    status, _headers, data = request(port, "POST", "/api/v1/bookings/", body, token)
    return time.perf_counter() - started, status, json.loads(data or b"{}")


@pytest.mark.django_db(transaction=True)
def test_bookings_succeed_while_redis_is_down_or_hanging_and_notifications_go_out_once(
    postgres, world, tmp_path
):
    gym = VenueFactory(palace=world.palace_a, name="健身房", kind="gym", capacity=1000)
    rule_for(gym)
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), clock(10)))
    body = {"venue": gym.pk, "start": start.isoformat(), "end": (start + timedelta(hours=1)).isoformat()}
    users = User.objects.bulk_create(
        User(phone=f"1580000{i:04d}", real_name=f"职工{i}", password="!")
        for i in range(WARM_UP + 3 * PER_PHASE)
    )
    tokens = [
        t.key for t in Token.objects.bulk_create(Token(key=Token.generate_key(), user=u) for u in users)
    ]

    with private_redis(tmp_path) as redis:
        env = portal_env(
            DATABASE_URL=database_url(connection.settings_dict),
            REDIS_URL=redis.url(0),
            CELERY_BROKER_URL=redis.url(1),
            CELERY_RESULT_BACKEND=redis.url(2),
            CELERY_TEST_USE_BROKER="1",
        )
        started = time.monotonic()
        with gunicorn(env, tmp_path / "gunicorn.log", workers=1, threads=4) as (port, _server):
            print(f"\ngunicorn ready in {time.monotonic() - started:.1f} s")
            answers, seconds = [], {}
            for token in tokens[:WARM_UP]:
                answers.append(_book(port, token, body))
            phases = {
                "fine": (None, None),
                "hanging": (redis.freeze, redis.thaw),
                "down": (redis.kill, redis.start),
            }
            offset = WARM_UP
            for phase, (fail, recover) in phases.items():
                if fail:
                    fail()
                try:
                    timed = [_book(port, token, body) for token in tokens[offset : offset + PER_PHASE]]
                finally:
                    if recover:
                        recover()
                offset += PER_PHASE
                answers.extend(timed)
                seconds[phase] = [t for t, _status, _data in timed]

        refused = [(status, data) for _t, status, data in answers if status != 201]
        assert refused == []
        assert {data["status"] for _t, _s, data in answers} == {"confirmed"}
        assert Booking.objects.filter(venue=gym, status="confirmed").count() == len(tokens)
        p95 = {phase: percentile(values, 0.95) for phase, values in seconds.items()}
        print(
            "\nBookings with Redis "
            + ", ".join(
                f"{phase}: p50 {percentile(v, 0.5) * 1000:.0f} ms, p95 {p95[phase] * 1000:.0f} ms, "
                f"max {max(v) * 1000:.0f} ms"
                for phase, v in seconds.items()
            )
        )
        slow = {p: [(i, round(t * 1000)) for i, t in enumerate(v) if t > 0.3] for p, v in seconds.items()}
        print(f"Bookings over 300 ms (index, ms): {slow}")
        for phase in ("hanging", "down"):
            assert p95[phase] - p95["fine"] < P95_BOUND, (phase, p95)

        # Redis is back: a worker sends what was queued, the sweep queues what was left behind.
        expected = Notification.objects.filter(booking__venue=gym).count()
        assert expected >= len(tokens)  # at least one message (SMS) per booking
        started = time.monotonic()
        with celery_worker(env, tmp_path / "worker.log"):
            ready = time.monotonic() - started
            report = json.loads(_run(env, DRAIN))
        print(f"Worker ready in {ready:.1f} s, all sent {time.monotonic() - started - ready:.1f} s later")
        print(
            f"Notifications: {expected}, left pending by the outage {report['pending']}, "
            f"re-queued {report['queued']}"
        )
        assert report["pending"] > 0  # the outage did hold some back: the sweep had work to do
        assert report["queued"] == report["pending"]
        assert report["unsent"] == []
        assert report["queued_again"] == 0
        sent = {str(pk): sent.isoformat() for pk, sent in Notification.objects.values_list("pk", "sent_at")}
        assert sent == report["sent_at"]  # nothing sent again
        assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


# --- Limits that guard accounts and money, with the cache down or hanging -----------------------


@contextmanager
def _cache_at(kind: str):
    """The default cache pointed at a Redis that refuses (nothing listens) or hangs."""
    base = settings.CACHES["default"]
    if "django_redis" not in base["BACKEND"]:
        pytest.skip("the cache is not Redis (REDIS_URL unset): nothing to take down")

    @contextmanager
    def refusing():
        yield free_port()

    with hanging_server() if kind == "hanging" else refusing() as port:
        broken = {**base, "LOCATION": f"redis://127.0.0.1:{port}/0"}
        with override_settings(CACHES={"default": broken}):
            yield


@pytest.mark.django_db  # one process: the test's transaction is enough (and rolls back fast)
@pytest.mark.parametrize("kind", ["down", "hanging"])
def test_limits_that_guard_accounts_and_money_hold_without_redis(
    postgres, redis_cache, world, client, sms_outbox, kind
):
    with _cache_at(kind):
        from django.core.cache import cache

        started = time.perf_counter()
        for n in range(20):
            assert cache.get(f"faults:{n}") is None
        twenty_calls = time.perf_counter() - started
        print(f"\n20 cache calls with Redis {kind}: {twenty_calls * 1000:.0f} ms")
        # One socket timeout at most (the first call), then the breaker answers at once.
        assert twenty_calls < settings.REDIS_SOCKET_TIMEOUT * 2 + 0.5

        # The portal's rate limiter: counts move to the database and the limit holds.
        assert [hit(f"faults:{kind}", limit=3, period=3600) for _ in range(5)] == [
            True,
            True,
            True,
            False,
            False,
        ]

        # SMS codes cost money: the per-address limit holds (2 here), and one code a minute per number.
        with override_settings(OTP_RATE_PER_IP=(2, 3600)):
            url = reverse("users:signup_send_code")
            for index in range(3):
                response = client.post(
                    url, {"phone": f"1370000100{index}"}, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en"
                )
            assert "Too many codes were requested from your network" in response.content.decode()
            assert len(sms.outbox) == 2
            client.post(url, {"phone": "13700001000"}, HTTP_HX_REQUEST="true", REMOTE_ADDR="198.51.100.7")
            assert len(sms.outbox) == 2  # the same number again within the minute: no second SMS

        # Accounts: five wrong passwords lock the number out from this address, right password or not.
        login = reverse("users:login")
        phone = world.worker.phone
        codes = [client.post(login, {"username": phone, "password": "wrong"}).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 200, 429]
        assert client.post(login, {"username": phone, "password": world.password}).status_code == 429
        assert "_auth_user_id" not in client.session
