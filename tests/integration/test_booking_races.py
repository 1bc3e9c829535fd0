"""Racing bookings on PostgreSQL: the database, not luck, keeps venues from being overbooked.

Two kinds of race, both against the real PostgreSQL of DATABASE_URL:

- Through HTTP: 200 clients, each with its own connection to a real gunicorn serving the test
  database, released together, POST one booking each, for one exclusive slot and for a 30-place
  shared slot. This is the race of the issue, as production sees it.
- Through the services: the booking services called from many threads, each thread with its own
  database connection, all released together by a barrier. Used for the races the API does not
  expose (waitlist offers, offer expiry) and for mixed party sizes and overlapping ranges.

Why a pool of threads for the service races, not one thread per racer: PostgreSQL here allows
`max_connections` = 100 (measured: `SHOW max_connections`), fewer than 200 racers, and a 201st
connection would fail with "too many clients", not race. So a fixed set of threads, as many as
the server has connections to spare (about 85 here, at most 200), each holding its own
connection, work through the 200 calls; that is what a web server's pool of workers does with
200 simultaneous requests. The HTTP races show the same from the outside with 200 real clients
(gunicorn runs 4 workers × 8 threads there: 32 database connections serve them).

Every racer gets an answer: a booking (confirmed or waitlisted) or a RuleViolation with its code.
Anything else (an IntegrityError, a deadlock, a 500) fails the test.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.test.utils import override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bookings.models import Booking, Notification, SlotCounter
from bookings.rules import rule_for
from bookings.services import booking_cancel, booking_create, offer_accept, offers_expire
from bookings.services.staff import rule_update
from palace_portal.errors import RuleViolation
from palace_portal.users.models import User
from tests.factories import VenueFactory
from tests.integration.conftest import unavailable
from venues.models import Venue

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 200
CAPACITY = 30
# Connections left to everything else (the test's own, the Celery worker, psql, autovacuum).
SPARE_CONNECTIONS = 10
HOLDING = Booking.HOLDING


# --- The race harness ------------------------------------------------------------------------------


def free_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_connections')::int")
        (limit,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
        (used,) = cursor.fetchone()
    return limit - used - SPARE_CONNECTIONS


def race(calls: list[Callable[[], dict]]) -> list[dict]:
    """Run every call from a pool of threads with a database connection each, released at once.

    Returns one answer per call, in the calls' order: what the call returned, or
    `{"outcome": "refused", "code": ...}` for a RuleViolation, or `{"outcome": "error", ...}`.
    """
    threads = min(len(calls), free_connections())
    assert threads >= 20, f"only {threads} PostgreSQL connections to spare: no real race"
    answers: list[dict | None] = [None] * len(calls)
    next_call = iter(range(len(calls)))
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def worker():
        try:
            connection.ensure_connection()  # connected before the start, not during the race
            barrier.wait(timeout=60)
            while True:
                with lock:
                    index = next(next_call, None)
                if index is None:
                    return
                try:
                    answers[index] = calls[index]()
                except RuleViolation as refusal:
                    answers[index] = {"outcome": "refused", "code": refusal.code}
                except Exception as error:  # what the test is there to catch
                    answers[index] = {"outcome": "error", "error": repr(error)}
        finally:
            connection.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in pool), "a racer never finished"
    assert None not in answers, "a call was lost"
    errors = [a for a in answers if a["outcome"] == "error"]
    assert errors == [], errors[:5]
    return answers


def booked(booking: Booking) -> dict:
    return {"outcome": booking.status, "id": booking.pk, "party": booking.party_size}


def tomorrow_at(hour: int, hours: int = 1) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=1), clock(hour)))
    return start, start + timedelta(hours=hours)


def outcomes(answers: list[dict]) -> Counter:
    return Counter(a["outcome"] if a["outcome"] != "refused" else f"refused:{a['code']}" for a in answers)


def assert_no_place_left_to_someone_who_fits(venue, start) -> None:
    """No place of the slot stays free while someone waiting would fit in it."""
    counter = SlotCounter.objects.get(venue=venue, start=start)
    free = counter.capacity - counter.taken
    fits = Booking.objects.filter(venue=venue, start=start, status="waitlisted", party_size__lte=free)
    assert not fits.exists(), f"{free} place(s) free while {fits.count()} who fit wait"


def held_places(venue, start) -> int:
    return (
        Booking.objects.filter(venue=venue, start=start, status__in=HOLDING).aggregate(n=Sum("party_size"))[
            "n"
        ]
        or 0
    )


# --- Data ------------------------------------------------------------------------------------------


@pytest.fixture
def racers(postgres, world) -> list[User]:
    """200 workers (limits are per person, so each racer is someone else)."""
    users = User.objects.bulk_create(
        User(phone=f"1560000{i:04d}", real_name=f"职工{i}", password="!") for i in range(RACERS)
    )
    assert len(users) == RACERS
    return users


@pytest.fixture
def court(world):
    """Palace A's badminton court: exclusive, booked whole, up to two slots at a time."""
    rule_for(world.venue_a)
    return world.venue_a


@pytest.fixture
def gym(world):
    """A 30-place shared gym: one place per booking."""
    venue = VenueFactory(palace=world.palace_a, name="健身房", kind="gym", capacity=CAPACITY)
    rule_for(venue)
    return venue


@pytest.fixture
def pool(world):
    """A 30-place shared swimming pool where a booking takes one to three places."""
    venue = VenueFactory(palace=world.palace_a, name="游泳池", kind="swimming_pool", capacity=CAPACITY)
    rule = rule_for(venue)
    rule.max_party = 3
    rule.save()
    return venue


# --- Service races ---------------------------------------------------------------------------------


def test_two_hundred_racers_for_one_exclusive_slot_get_exactly_one_booking(racers, court):
    start, end = tomorrow_at(10)
    # Every other racer asks to join the waitlist when the slot is taken.
    calls = [
        (
            lambda u=u, w=i % 2 == 0: booked(
                booking_create(user=u, venue=court, start=start, end=end, waitlist=w)
            )
        )
        for i, u in enumerate(racers)
    ]
    answers = race(calls)

    tally = outcomes(answers)
    assert tally["confirmed"] == 1
    assert tally["waitlisted"] + tally["refused:slot_taken"] == RACERS - 1
    assert set(tally) <= {"confirmed", "waitlisted", "refused:slot_taken"}
    for i, answer in enumerate(answers):
        if answer["outcome"] == "refused":
            assert i % 2 == 1  # those who asked to wait were never turned away
    # The database agrees with the answers: nothing lost, nothing extra.
    rows = Counter(Booking.objects.filter(venue=court).values_list("status", flat=True))
    assert rows == Counter({"confirmed": 1, "waitlisted": tally["waitlisted"]})
    winner = next(a for a in answers if a["outcome"] == "confirmed")
    assert Booking.objects.get(venue=court, status="confirmed").pk == winner["id"]


def test_two_hundred_racers_for_a_thirty_place_slot_get_exactly_thirty(racers, gym):
    start, end = tomorrow_at(18)
    calls = [
        (
            lambda u=u, w=i % 2 == 0: booked(
                booking_create(user=u, venue=gym, start=start, end=end, waitlist=w)
            )
        )
        for i, u in enumerate(racers)
    ]
    answers = race(calls)

    tally = outcomes(answers)
    assert tally["confirmed"] == CAPACITY
    assert tally["waitlisted"] + tally["refused:slot_full"] == RACERS - CAPACITY
    assert set(tally) <= {"confirmed", "waitlisted", "refused:slot_full"}
    counter = SlotCounter.objects.get(venue=gym, start=start)
    assert (counter.taken, counter.capacity) == (CAPACITY, CAPACITY)
    assert held_places(gym, start) == CAPACITY
    rows = Counter(Booking.objects.filter(venue=gym).values_list("status", flat=True))
    assert rows == Counter({"confirmed": CAPACITY, "waitlisted": tally["waitlisted"]})


def test_racers_with_parties_of_one_to_three_never_overfill_a_slot(racers, pool):
    start, end = tomorrow_at(19)
    parties = [1 + i % 3 for i in range(RACERS)]
    calls = [
        (lambda u=u, p=p: booked(booking_create(user=u, venue=pool, start=start, end=end, party_size=p)))
        for u, p in zip(racers, parties, strict=True)
    ]
    answers = race(calls)

    assert set(outcomes(answers)) <= {"confirmed", "refused:slot_full"}
    confirmed = sum(a["party"] for a in answers if a["outcome"] == "confirmed")
    counter = SlotCounter.objects.get(venue=pool, start=start)
    assert counter.taken == confirmed == held_places(pool, start)
    # 67 parties of one cannot all fit in 30 places, so some were refused: and a party of one is
    # refused only when no place at all is left, so the slot ended exactly full.
    assert any(a["outcome"] == "refused" for a, p in zip(answers, parties, strict=True) if p == 1)
    assert counter.taken == CAPACITY


def test_racers_for_overlapping_ranges_of_a_court_never_overlap(racers, court):
    # Ranges of one or two hours starting anywhere from 09:00 to 19:00: many overlap, many only
    # touch ([10:00, 11:00) and [11:00, 12:00) may both be booked: the ranges are half-open).
    ranges = [tomorrow_at(9 + i % 11, 1 + (i // 11) % 2) for i in range(RACERS)]
    calls = [
        (lambda u=u, r=r: booked(booking_create(user=u, venue=court, start=r[0], end=r[1])))
        for u, r in zip(racers, ranges, strict=True)
    ]
    answers = race(calls)

    assert set(outcomes(answers)) <= {"confirmed", "refused:slot_taken"}
    held = list(Booking.objects.filter(venue=court, status__in=HOLDING).values_list("start", "end"))
    assert len(held) == sum(a["outcome"] == "confirmed" for a in answers)
    for i, (s1, e1) in enumerate(held):
        for s2, e2 in held[i + 1 :]:
            assert e1 <= s2 or e2 <= s1, "two confirmed bookings of the court overlap"
    # Nobody was refused for nothing: every refused range overlaps a confirmed one.
    for (s, e), answer in zip(ranges, answers, strict=True):
        if answer["outcome"] == "refused":
            assert any(hs < e and s < he for hs, he in held)
    # Hence every hour from 09:00 to 20:00, which some racer asked for alone, is held by someone.
    for hour in range(9, 20):
        s, e = tomorrow_at(hour)
        assert any(hs <= s and e <= he for hs, he in held)


def test_cancellations_offers_and_new_bookings_racing_keep_the_counter_exact(racers, pool):
    """Holders cancel, the waitlist is offered places and takes them up, offers expire and pass
    on, waiting people withdraw, newcomers book or queue: all at once. Afterwards the counter
    equals the places held, never more than the capacity."""
    start, end = tomorrow_at(20)
    holders, waiters, withdrawers, newcomers = racers[:20], racers[20:60], racers[60:70], racers[70:130]
    # Before the race: the slot is full (20 holders, parties of 1 and 2) and 50 people wait.
    held = {u.pk: booking_create(user=u, venue=pool, start=start, end=end, party_size=1 + i % 2)
            for i, u in enumerate(holders)}  # fmt: skip
    waiting = {
        u.pk: booking_create(user=u, venue=pool, start=start, end=end, party_size=1 + i % 3, waitlist=True)
        for i, u in enumerate(waiters + withdrawers)
    }
    assert {b.status for b in held.values()} == {"confirmed"}
    assert {b.status for b in waiting.values()} == {"waitlisted"}
    assert SlotCounter.objects.get(venue=pool, start=start).taken == CAPACITY
    later = timezone.now() + timedelta(minutes=rule_for(pool).offer_minutes + 1)

    def cancel(user):
        return booked(booking_cancel(actor=user, booking=held.get(user.pk) or waiting[user.pk]))

    def take_offer(user):
        # Offers arrive while the race runs: look a few times, briefly, then give up.
        booking = waiting[user.pk]
        for _ in range(20):
            status = Booking.objects.values_list("status", flat=True).get(pk=booking.pk)
            if status == "offered":
                return booked(offer_accept(user=user, booking=booking))
            if status != "waitlisted":
                break
            time.sleep(0.05)
        return {"outcome": f"still_{status}"}

    def newcomer(i, user):
        return booked(
            booking_create(
                user=user, venue=pool, start=start, end=end, party_size=1 + i % 3, waitlist=i % 2 == 0
            )
        )

    def expire():
        return {"outcome": "expired", "count": offers_expire(now=later)}

    calls = (
        [lambda u=u: cancel(u) for u in holders + withdrawers]
        + [lambda u=u: take_offer(u) for u in waiters]
        + [lambda i=i, u=u: newcomer(i, u) for i, u in enumerate(newcomers)]
        + [expire, expire]
    )
    answers = race(calls)

    tally = outcomes(answers)
    assert [a["outcome"] for a in answers[: len(holders)]] == ["cancelled"] * len(holders)
    # A waiting place may meanwhile have been offered and the offer expired: nothing to withdraw.
    withdrawn = outcomes(answers[len(holders) : len(holders) + len(withdrawers)])
    assert set(withdrawn) <= {"cancelled", "refused:not_cancellable"}
    allowed = {
        "cancelled", "confirmed", "waitlisted", "expired", "still_waitlisted", "still_expired",
        "refused:slot_full", "refused:offer_expired", "refused:no_offer", "refused:not_cancellable",
    }  # fmt: skip
    assert set(tally) <= allowed, tally
    counter = SlotCounter.objects.get(venue=pool, start=start)
    assert 0 <= counter.taken <= CAPACITY
    assert counter.taken == held_places(pool, start)
    # Nobody holds two places in the slot, and nothing the race answered is missing.
    open_rows = Booking.objects.filter(venue=pool, status__in=Booking.OPEN).values_list("user_id", flat=True)
    assert len(open_rows) == len(set(open_rows))
    assert_no_place_left_to_someone_who_fits(pool, start)
    for answer in answers:
        if "id" in answer:
            assert Booking.objects.filter(pk=answer["id"]).exists()


def test_staff_raising_the_capacity_while_workers_book_keeps_counter_and_venue_in_step(racers, gym, world):
    """The rules editor locks the venue and the slot counters; bookings hold a counter and refer to
    the venue: neither may wait for the other in a cycle."""
    start, end = tomorrow_at(18)

    def book(user):
        venue = Venue.objects.get(pk=gym.pk)  # as a request loads it
        return booked(booking_create(user=user, venue=venue, start=start, end=end, waitlist=True))

    def raise_to(capacity):
        rule_update(actor=world.staff_a, venue=Venue.objects.get(pk=gym.pk), capacity=capacity)
        return {"outcome": "capacity_set"}

    calls = [lambda u=u: book(u) for u in racers[:150]]
    for k in range(1, 11):
        calls.insert(13 * k, lambda c=CAPACITY + k: raise_to(c))
    answers = race(calls)

    # A lower capacity than the places already held is refused: raises land in any order. A raise
    # offers its new places to those waiting, in order, which may reach someone just joining.
    tally = outcomes(answers)
    assert set(tally) <= {
        "confirmed",
        "waitlisted",
        "offered",
        "capacity_set",
        "refused:capacity_below_taken",
    }
    assert tally["capacity_set"] >= 1
    counter = SlotCounter.objects.get(venue=gym, start=start)
    assert counter.capacity == Venue.objects.get(pk=gym.pk).capacity
    assert counter.taken == held_places(gym, start) <= counter.capacity
    assert_no_place_left_to_someone_who_fits(gym, start)


# A capacity read by a booking must stay the venue's until the booking commits: staff lowering it
# in between had the booking take a place the counter no longer had (its CHECK failed: an error,
# once in CI) or write the old capacity back over the counter. Two deterministic interleavings
# instead of waiting for the race to strike again.


def wait_for_a_blocked_backend(timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the booking never reached the slot's counter")


def in_thread(call: Callable[[], object]) -> tuple[threading.Thread, list]:
    """Run `call` in a thread with its own connection; its answer (or exception) lands in the list."""
    result: list = []

    def run():
        try:
            result.append(call())
        except Exception as error:  # handed to the test
            result.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


@pytest.mark.parametrize(
    ("fast", "waitlist"),
    [(True, False), (False, False), (True, True)],
    ids=["one-round-trip", "booking_create", "joining-a-waitlist"],
)
def test_a_booking_holds_the_venues_capacity_until_it_commits(racers, world, fast, waitlist):
    """Paused at the slot's counter (the test holds its row), the booking has read the capacity and
    still holds it: staff could not lock the venue to change it now."""
    venue = VenueFactory(palace=world.palace_a, name="健身房", kind="gym", capacity=2)
    rule_for(venue)
    start, end = tomorrow_at(18)
    booking_create(user=racers[0], venue=venue, start=start, end=end)

    with override_settings(BOOKING_FAST_PATH=fast), transaction.atomic():
        SlotCounter.objects.select_for_update().get(venue=venue, start=start)
        booking, answer = in_thread(
            lambda: booking_create(user=racers[1], venue=venue, start=start, end=end, waitlist=waitlist)
        )
        wait_for_a_blocked_backend()

        def staff_would_lock():
            with transaction.atomic(), connection.cursor() as cursor:
                sql = f"SELECT id FROM {Venue._meta.db_table} WHERE id = %s FOR NO KEY UPDATE NOWAIT"  # noqa: S608
                cursor.execute(sql, [venue.pk])
            return "locked"

        staff, tried = in_thread(staff_would_lock)
        staff.join(timeout=30)
    booking.join(timeout=30)

    assert isinstance(tried[0], OperationalError), f"staff could lock the venue mid-booking: {tried}"
    assert getattr(tried[0].__cause__, "pgcode", None) == "55P03"  # lock_not_available
    assert answer[0].status == "confirmed"
    counter = SlotCounter.objects.get(venue=venue, start=start)
    assert (counter.taken, counter.capacity) == (2, 2)


def test_staff_lowering_the_capacity_mid_booking_waits_for_it_and_counts_its_place(
    racers, world, monkeypatch
):
    """The booking has read capacity 2 (one place taken); staff lower it to 1. Staff must wait for
    the booking and then be refused (two places are held), not commit first and leave the booking
    to overfill the counter."""
    import bookings.services.booking as booking_module

    venue = VenueFactory(palace=world.palace_a, name="健身房", kind="gym", capacity=2)
    rule_for(venue)
    start, end = tomorrow_at(18)
    booking_create(user=racers[0], venue=venue, start=start, end=end)
    decided, go_on = threading.Event(), threading.Event()
    slots = booking_module.match_slots

    def pausing_match_slots(*args, **kwargs):
        decided.set()
        assert go_on.wait(timeout=30)
        return slots(*args, **kwargs)

    monkeypatch.setattr(booking_module, "match_slots", pausing_match_slots)
    with override_settings(BOOKING_FAST_PATH=False):
        booking, answer = in_thread(
            lambda: booking_create(user=racers[1], venue=Venue.objects.get(pk=venue.pk), start=start, end=end)
        )
        assert decided.wait(timeout=30)
        staff, lowered = in_thread(
            lambda: rule_update(actor=world.staff_a, venue=Venue.objects.get(pk=venue.pk), capacity=1)
        )
        staff.join(timeout=1)
        waited = staff.is_alive()
        go_on.set()
        booking.join(timeout=30)
        staff.join(timeout=30)

    assert waited, "staff changed the capacity while a booking that had read it was deciding"
    assert answer[0].status == "confirmed"
    assert isinstance(lowered[0], RuleViolation)
    assert lowered[0].code == "capacity_below_taken"
    venue.refresh_from_db()
    counter = SlotCounter.objects.get(venue=venue, start=start)
    assert (counter.taken, counter.capacity, venue.capacity) == (2, 2, 2)


def test_newcomers_joining_the_queue_while_holders_cancel_get_answers_not_deadlocks(racers, pool):
    """Joining a waitlist offers free places that fit (the newcomer's own, maybe) in queue order,
    while each cancellation offers the place it frees: both lock the slot's counter and the
    waiting rows, and must do it in the same order."""
    start, end = tomorrow_at(20)
    holders, waiters, newcomers = racers[:28], racers[28:60], racers[60:]
    # 28 of 30 places held by parties of one, and a queue of parties of three that cannot fit.
    held = {u.pk: booking_create(user=u, venue=pool, start=start, end=end) for u in holders}
    for u in waiters:
        booking_create(user=u, venue=pool, start=start, end=end, party_size=3, waitlist=True)
    calls = [lambda u=u: booked(booking_cancel(actor=u, booking=held[u.pk])) for u in holders] + [
        lambda u=u: booked(booking_create(user=u, venue=pool, start=start, end=end, waitlist=True))
        for u in newcomers
    ]
    answers = race(calls)

    tally = outcomes(answers)
    assert tally["cancelled"] == len(holders)
    assert set(tally) <= {"cancelled", "waitlisted", "offered"}
    counter = SlotCounter.objects.get(venue=pool, start=start)
    assert counter.taken == held_places(pool, start) <= CAPACITY
    assert_no_place_left_to_someone_who_fits(pool, start)


# --- HTTP races through a real gunicorn -------------------------------------------------------------

GUNICORN_WORKERS, GUNICORN_THREADS = 4, 8  # 32 database connections serve the 200 clients


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory):
    """gunicorn serving the test database on a loopback port, DEBUG off, for this module's tests."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            unavailable("DATABASE_URL does not name a PostgreSQL database")
        database_url = _database_url()
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.test",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    log = tmp_path_factory.mktemp("gunicorn") / "server.log"
    command = [
        sys.executable, "-m", "gunicorn", "palace_portal.wsgi:application", "--preload",
        "--bind", f"127.0.0.1:{port}", "--workers", str(GUNICORN_WORKERS), "--worker-class", "gthread",
        "--threads", str(GUNICORN_THREADS), "--backlog", "1024", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and server
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, _body = _post_or_get(port, "GET", "/api/v1/health/")
                assert status == 200, log.read_text()
                break
            except OSError:
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "gunicorn did not start\n" + log.read_text()
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    server_errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
    assert server_errors == [], log.read_text()[-3000:]


def _post_or_get(port: int, method: str, path: str, body: dict | None = None, token: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Accept": "application/json", "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Token {token}"
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def http_race(port: int, tokens: list[str], body: dict) -> tuple[list[tuple[int, dict]], float]:
    """One client per token, each connecting afresh, released together; (answers, seconds)."""
    barrier = threading.Barrier(len(tokens) + 1)
    answers: list[tuple[int, dict] | None] = [None] * len(tokens)

    def client(i: int):
        barrier.wait(timeout=60)
        try:
            status, data = _post_or_get(port, "POST", "/api/v1/bookings/", body, tokens[i])
            answers[i] = (status, json.loads(data) if data else {})
        except Exception as error:  # a refused or dropped connection is a lost request
            answers[i] = (0, {"error": repr(error)})

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    started = time.monotonic()
    for thread in threads:
        thread.join(timeout=120)
    seconds = time.monotonic() - started
    assert None not in answers, "a client got no answer at all"
    return answers, seconds


@pytest.fixture
def tokens(racers) -> list[str]:
    made = Token.objects.bulk_create(Token(key=Token.generate_key(), user=user) for user in racers)
    return [token.key for token in made]


def _summary(answers) -> Counter:
    return Counter((status, body.get("status") or body.get("code")) for status, body in answers)


def test_two_hundred_http_clients_at_one_exclusive_slot_one_wins(server, tokens, court):
    start, end = tomorrow_at(11)
    answers, seconds = http_race(
        server, tokens, {"venue": court.pk, "start": start.isoformat(), "end": end.isoformat()}
    )

    assert _summary(answers) == Counter({(201, "confirmed"): 1, (409, "slot_taken"): RACERS - 1})
    winner = next(body for status, body in answers if status == 201)
    assert list(Booking.objects.filter(venue=court).values_list("pk", "status")) == [
        (winner["id"], "confirmed")
    ]
    assert seconds < 60


def test_two_hundred_http_clients_at_a_thirty_place_slot_thirty_win(server, tokens, gym):
    start, end = tomorrow_at(17)
    answers, seconds = http_race(
        server, tokens, {"venue": gym.pk, "start": start.isoformat(), "end": end.isoformat()}
    )

    assert _summary(answers) == Counter({(201, "confirmed"): CAPACITY, (409, "slot_full"): RACERS - CAPACITY})
    won = sorted(body["id"] for status, body in answers if status == 201)
    assert sorted(Booking.objects.filter(venue=gym, status="confirmed").values_list("pk", flat=True)) == won
    assert Booking.objects.filter(venue=gym).count() == CAPACITY
    assert SlotCounter.objects.get(venue=gym, start=start).taken == CAPACITY
    assert seconds < 60


# --- A broker that is down -------------------------------------------------------------------------

BOOK_WITH_DEAD_BROKER = """
import json, sys, time
from datetime import datetime
import django
django.setup()
from bookings.services.booking import booking_create
from palace_portal.users.models import User
from venues.models import Venue
user_pk, venue_pk, start, end = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
user, venue = User.objects.get(pk=user_pk), Venue.objects.get(pk=venue_pk)
began = time.monotonic()
booking = booking_create(
    user=user, venue=venue, start=datetime.fromisoformat(start), end=datetime.fromisoformat(end)
)
print(json.dumps({"id": booking.pk, "status": booking.status, "seconds": time.monotonic() - began}))
"""


def test_a_booking_succeeds_quickly_when_the_broker_is_down(postgres, racers, court):
    # A real booking service in its own process, its Celery publishing to a Redis that refuses
    # connections (port 1) and its cache on the same dead Redis: the booking commits, the
    # confirmation waits in the outbox for the sweep.
    start, end = tomorrow_at(12)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "CELERY_RESULT_BACKEND": "redis://127.0.0.1:1/0",
        "CELERY_TEST_USE_BROKER": "1",
        "REDIS_URL": "redis://127.0.0.1:1/1",
    }
    args = [str(racers[0].pk), str(court.pk), start.isoformat(), end.isoformat()]
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", BOOK_WITH_DEAD_BROKER, *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    answer = json.loads(completed.stdout.strip().splitlines()[-1])

    assert answer["status"] == "confirmed"
    assert answer["seconds"] < 3, answer
    booking = Booking.objects.get(pk=answer["id"])
    assert booking.status == "confirmed"
    assert list(Notification.objects.filter(booking=booking).values_list("kind", "status")) == [
        ("booking_confirmed", "pending")
    ]
