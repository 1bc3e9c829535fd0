"""On SQLite, 60 real processes race for one exclusive slot and for a 30-place shared slot.

The test database of a pytest run on SQLite lives in memory, where other processes cannot see it,
so the race runs in a driver process of its own (`race_main` below): it migrates a temporary
SQLite file with the project's settings (WAL, IMMEDIATE transactions, a busy timeout: base.py),
seeds a palace, two venues and 60 workers, closes every connection and forks 60 racers. Each
racer opens its own connection, waits at a barrier, calls `booking_create` for the exclusive slot,
waits again, and calls it for the shared slot. Half of them ask to join the waitlist when refused.

Forked rather than spawned: each racer then costs milliseconds instead of the second a fresh
interpreter spends importing Django, and the race is about the database, not the start-up.

Marked `integration` so that the fast suite (`make test`) stays fast; .ci/run's PostgreSQL step
(`-m "not e2e"`) runs it, with its own SQLite file whatever DATABASE_URL says.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

BASE_DIR = Path(__file__).resolve().parents[2]
RACERS = 60
CAPACITY = 30
RACE_TIMEOUT = 120  # seconds; the race takes a few on two cores


# --- The driver (runs in its own process) ----------------------------------------------------------


def race_main(db_path: str) -> None:
    import multiprocessing
    from datetime import datetime, time, timedelta

    import django

    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "palace_portal.settings.test"
    django.setup()

    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from bookings.models import Booking, SlotCounter
    from bookings.rules import rule_for
    from palace_portal.users.models import User
    from venues.kinds import KINDS_BY_CODE
    from venues.models import OpeningHours, Palace, Region, Venue

    assert connection.vendor == "sqlite"
    call_command("migrate", verbosity=0)

    province = Region.objects.create(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city = Region.objects.create(code="360100", name="南昌市", level=Region.Level.CITY, parent=province)
    palace = Palace.objects.create(
        name="南昌市工人文化宫", level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE, region=city
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(palace=palace, weekday=day, opens=time(9), closes=time(21)) for day in range(7)
    )

    def venue(name: str, kind: str, capacity: int) -> Venue:
        spec = KINDS_BY_CODE[kind]
        return Venue.objects.create(
            palace=palace,
            name=name,
            kind=kind,
            centre=spec.centre,
            booking_mode=spec.booking_mode,
            capacity=capacity,
        )

    court = venue("羽毛球1号场", "badminton", 4)
    gym = venue("健身房", "gym", CAPACITY)
    for v in (court, gym):
        rule_for(v)  # made once here, not by the first racer
    User.objects.bulk_create(
        User(phone=f"1550000{i:04d}", real_name=f"职工{i}", password="!") for i in range(RACERS)
    )
    day = timezone.localdate() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(10)))
    end = start + timedelta(hours=1)
    connections.close_all()  # nothing open may cross the fork

    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(RACERS)
    answers = context.Queue()
    racers = [
        context.Process(target=_racer, args=(i, court.pk, gym.pk, start, end, barrier, answers))
        for i in range(RACERS)
    ]
    started = time_now()
    for racer in racers:
        racer.start()
    results = [answers.get(timeout=RACE_TIMEOUT) for _ in range(RACERS)]
    for racer in racers:
        racer.join(timeout=30)
    elapsed = time_now() - started

    shared = SlotCounter.objects.get(venue=gym, start=start)
    print(
        json.dumps(
            {
                "answers": results,
                "exit_codes": [racer.exitcode for racer in racers],
                "seconds": round(elapsed, 2),
                "rows": {
                    name: {
                        status: Booking.objects.filter(venue=v, status=status).count()
                        for status in Booking.Status.values
                    }
                    for name, v in (("exclusive", court), ("shared", gym))
                },
                "exclusive_confirmed_ids": sorted(
                    Booking.objects.filter(venue=court, status="confirmed").values_list("pk", flat=True)
                ),
                "shared_counter": {"taken": shared.taken, "capacity": shared.capacity},
                "shared_held_places": sum(
                    Booking.objects.filter(venue=gym, status__in=Booking.HOLDING).values_list(
                        "party_size", flat=True
                    )
                ),
            }
        )
    )


def time_now() -> float:
    return time.monotonic()


def _racer(i, court_pk, gym_pk, start, end, barrier, answers) -> None:
    from django.db import connections

    from bookings.services.booking import booking_create
    from palace_portal.errors import RuleViolation
    from palace_portal.users.models import User
    from venues.models import Venue

    def attempt(venue_pk: int) -> dict:
        try:
            booking = booking_create(
                user=user, venue=Venue.objects.get(pk=venue_pk), start=start, end=end, waitlist=i % 2 == 0
            )
        except RuleViolation as refusal:
            return {"outcome": "refused", "code": refusal.code}
        except Exception as error:  # anything else is what the test must catch: report it
            return {"outcome": "error", "error": repr(error)}
        return {"outcome": booking.status, "id": booking.pk}

    answer = {"racer": i}
    try:
        user = User.objects.get(phone=f"1550000{i:04d}")
        barrier.wait(timeout=60)
        answer["exclusive"] = attempt(court_pk)
        barrier.wait(timeout=60)
        answer["shared"] = attempt(gym_pk)
    except Exception as error:
        answer["error"] = repr(error)
    finally:
        connections.close_all()
        answers.put(answer)


# --- The test ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def race(tmp_path_factory):
    db_path = tmp_path_factory.mktemp("race") / "race.sqlite3"
    # Only what the driver needs: its own SQLite file, local cache, Celery eager, no broker.
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_", "REQUIRE_SERVICES"))
    }
    env["DJANGO_LOG_LEVEL"] = "WARNING"
    code = f"from tests.bookings.test_races_sqlite import race_main; race_main({str(db_path)!r})"
    completed = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=RACE_TIMEOUT + 60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def test_every_racer_process_answers_without_an_error(race):
    assert race["exit_codes"] == [0] * RACERS
    assert sorted(answer["racer"] for answer in race["answers"]) == list(range(RACERS))
    for answer in race["answers"]:
        assert "error" not in answer, answer
        for slot in ("exclusive", "shared"):
            assert answer[slot]["outcome"] in {"confirmed", "waitlisted", "refused"}, answer


def test_exactly_one_of_sixty_processes_gets_the_exclusive_slot(race):
    outcomes = [answer["exclusive"] for answer in race["answers"]]
    confirmed = [o for o in outcomes if o["outcome"] == "confirmed"]
    assert len(confirmed) == 1
    assert race["exclusive_confirmed_ids"] == [confirmed[0]["id"]]
    # The other 59 were refused (slot_taken) or, when they asked, put on the waitlist.
    for answer in race["answers"]:
        outcome = answer["exclusive"]
        if outcome["outcome"] == "refused":
            assert outcome["code"] == "slot_taken"
            assert answer["racer"] % 2 == 1  # those who asked to wait were not refused
    waitlisted = sum(o["outcome"] == "waitlisted" for o in outcomes)
    assert waitlisted + sum(o["outcome"] == "refused" for o in outcomes) == RACERS - 1
    # Nothing lost: every answer that says "you have a row" has it, and there are no others.
    rows = race["rows"]["exclusive"]
    assert rows["confirmed"] == 1
    assert rows["waitlisted"] == waitlisted
    assert sum(rows.values()) == 1 + waitlisted


def test_exactly_thirty_of_sixty_processes_get_a_thirty_place_slot(race):
    outcomes = [answer["shared"] for answer in race["answers"]]
    confirmed = sum(o["outcome"] == "confirmed" for o in outcomes)
    waitlisted = sum(o["outcome"] == "waitlisted" for o in outcomes)
    refused = [o for o in outcomes if o["outcome"] == "refused"]
    assert confirmed == CAPACITY
    assert waitlisted + len(refused) == RACERS - CAPACITY
    assert {o["code"] for o in refused} <= {"slot_full"}
    assert race["shared_counter"] == {"taken": CAPACITY, "capacity": CAPACITY}
    assert race["shared_held_places"] == CAPACITY
    rows = race["rows"]["shared"]
    assert rows["confirmed"] == CAPACITY
    assert rows["waitlisted"] == waitlisted
    assert sum(rows.values()) == CAPACITY + waitlisted


def test_the_race_resolves_quickly(race):
    # 120 bookings through IMMEDIATE transactions, one writer at a time: seconds, not minutes.
    assert race["seconds"] < 60
