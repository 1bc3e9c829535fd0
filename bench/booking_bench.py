"""Booking benchmark: a real gunicorn on a fresh PostgreSQL database, driven over loopback HTTP.

    .venv/bin/python bench/run.py            (or: make bench)

What it does, and undoes, by itself:
1. creates a database `palace_bench_<pid>` on PostgreSQL at 127.0.0.1:5432 (user postgres),
   migrates it and seeds a palace with many venues and workers with API tokens;
2. starts gunicorn with the production settings (DEBUG off) on a free loopback port;
3. measures, the bookings and the bare view with the same load generator (wrk, 16 keep-alive
   connections, 10 s each, Lua scripts in bench/wrk/; `--load python`: Python threads, bounded
   by a request count and a time limit):
   - non-conflicting bookings (`POST /api/v1/bookings/`, every booking a different slot):
     bookings per second, p50/p95 latency;
   - 200 clients released at once at one exclusive slot, then at a 30-place shared slot: the
     time until all 200 have their answer, how many got 201, how many places are overbooked
     (must be 0), and that nobody got a 5xx;
   - the same server on a bare one-query JSON view (`GET /api/v1/health/`): requests per second;
4. prints a table with the figures and the ratio bookings / bare view (goal: at least 40%),
   stops gunicorn and drops the database.

Celery: when Redis answers on 127.0.0.1:6379 and its database 12 is empty, the server uses it
as broker and cache, as production does (messages are queued, no worker sends them), and the
database is emptied afterwards. Otherwise tasks run eagerly with in-memory mail and SMS backends.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import suppress
from pathlib import Path

from pg import database_url, psql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
REDIS_DB = 12

# Sizes and limits. Every loop is bounded by both a count and a time.
VENUES = 100  # exclusive courts for the non-conflicting bookings
DAYS = (1, 2, 3, 4, 5, 6)  # days ahead, all inside a court's 7-day booking window
HOURS = range(9, 21)  # the palace is open 09:00–21:00, one-hour slots
BOOKINGS = 1500  # non-conflicting bookings, Python load generator (each by a different worker)
# With wrk the phases are timed: every distinct slot (VENUES × DAYS × HOURS) gets a worker of its
# own, more than the phase can use up at a few hundred bookings a second.
WRK_SECONDS = 10
BOOKING_CLIENTS = 16
BOOKING_SECONDS = 60
RACERS = 200
SHARED_CAPACITY = 30
RACE_SECONDS = 60
HEALTH_REQUESTS = 6000
HEALTH_CLIENTS = 16
HEALTH_SECONDS = 30
WORKERS, THREADS = 2, 4
BENCH_DIR = Path(__file__).resolve().parent


# --- Seeding (runs inside Django, in a child process with the benchmark's environment) -----------


def seed() -> None:
    """Create the palace, its venues and workers; print ids and tokens as JSON."""
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from datetime import datetime, timedelta
    from datetime import time as clock

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bookings.rules import rule_for
    from palace_portal.users.models import User
    from venues.kinds import KINDS_BY_CODE
    from venues.models import OpeningHours, Palace, Region, Venue

    province = Region.objects.create(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city = Region.objects.create(code="360100", name="南昌市", level=Region.Level.CITY, parent=province)
    palace = Palace.objects.create(
        name="南昌市工人文化宫", level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE, region=city
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(palace=palace, weekday=day, opens=clock(HOURS[0]), closes=clock(HOURS[-1] + 1))
        for day in range(7)
    )

    def venue(name: str, kind: str, capacity: int) -> Venue:
        spec = KINDS_BY_CODE[kind]
        made = Venue.objects.create(
            palace=palace,
            name=name,
            kind=kind,
            centre=spec.centre,
            booking_mode=spec.booking_mode,
            capacity=capacity,
        )
        rule_for(made)
        return made

    courts = [venue(f"羽毛球{i + 1}号场", "badminton", 4) for i in range(VENUES)]
    race_court = venue("比赛场", "badminton", 4)
    gym = venue("健身房", "gym", SHARED_CAPACITY)

    slots_count = len(DAYS) * len(HOURS) * VENUES
    people = slots_count + 2 * RACERS
    unusable = make_password(None)  # token users: nobody signs in with a password
    users = User.objects.bulk_create(
        User(phone=f"1570{i:07d}", real_name=f"职工{i}", password=unusable) for i in range(people)
    )
    tokens = Token.objects.bulk_create(Token(key=Token.generate_key(), user=user) for user in users)

    def at(days: int, hour: int) -> str:
        day = timezone.localdate() + timedelta(days=days)
        return timezone.make_aware(datetime.combine(day, clock(hour))).isoformat()

    slots = [(c.pk, at(d, h), at(d, h + 1)) for d in DAYS for h in HOURS for c in courts]
    assert len(slots) == slots_count >= BOOKINGS, "not enough distinct slots for the bookings"
    print(
        json.dumps(
            {
                "tokens": [t.key for t in tokens],
                "slots": slots,
                "race_court": race_court.pk,
                "gym": gym.pk,
                "race_slot": [at(1, 18), at(1, 19)],
            }
        )
    )


# --- Measuring (plain HTTP over loopback) ---------------------------------------------------------


class Connection:
    """One keep-alive HTTP connection to the server on loopback, reopened once if the server
    closed it while idle (the pages benchmark uses it too)."""

    def __init__(self, port: int, timeout: float = RACE_SECONDS):
        self.port, self.timeout = port, timeout
        self.conn: http.client.HTTPConnection | None = None

    def exchange(self, method: str, path: str, headers: dict, body: str | None = None):
        """(response, its body) for one request; `Host` is set."""
        headers = {"Host": "127.0.0.1", **headers}
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine):
                # The server closed an idle keep-alive connection: reconnect once.
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response, data
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class Client(Connection):
    """The API as a worker: JSON in and out, token auth."""

    def __init__(self, port: int, token: str | None = None):
        super().__init__(port)
        self.token = token

    def request(self, method: str, path: str, body: dict | None = None, token: str | None = None):
        headers = {"Accept": "application/json", "Accept-Language": "en"}
        token = token or self.token
        if token:
            headers["Authorization"] = f"Token {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        response, data = self.exchange(method, path, headers, payload)
        return response.status, data


def run_clients(count: int, jobs: list, work, seconds: float) -> tuple[list, float]:
    """`count` threads, each with its own Client, do `work(client, job)` for the jobs in turn.

    Stops taking jobs after `seconds`. Returns (results, elapsed seconds).
    """
    results: list = []
    lock = threading.Lock()
    todo = iter(jobs)
    deadline = time.monotonic() + seconds

    def loop():
        client = Client(PORT)
        try:
            while time.monotonic() < deadline:
                with lock:
                    job = next(todo, None)
                if job is None:
                    return
                result = work(client, job)
                with lock:
                    results.append(result)
        finally:
            client.close()

    threads = [threading.Thread(target=loop) for _ in range(count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + RACE_SECONDS)
    return results, time.monotonic() - started


def timed(client: Client, method: str, path: str, body=None, token=None):
    started = time.perf_counter()
    try:
        status, data = client.request(method, path, body, token)
    except OSError as error:
        return {"status": 0, "error": type(error).__name__, "seconds": time.perf_counter() - started}
    return {"status": status, "data": data, "seconds": time.perf_counter() - started}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_bookings(seeded: dict) -> dict:
    tokens = iter(seeded["tokens"])
    jobs = [
        (next(tokens), {"venue": venue, "start": start, "end": end}) for venue, start, end in seeded["slots"]
    ]

    def book(client, job):
        token, body = job
        return timed(client, "POST", "/api/v1/bookings/", body, token)

    results, elapsed = run_clients(BOOKING_CLIENTS, jobs[:BOOKINGS], book, BOOKING_SECONDS)
    created = [r for r in results if r["status"] == 201]
    latencies = [r["seconds"] for r in results]
    return {
        "requests": len(results),
        "created": len(created),
        "statuses": Counter(r["status"] for r in results),
        "per_second": len(created) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p95_ms": 1000 * percentile(latencies, 0.95),
        "sample_error": next((r.get("data", b"")[:300] for r in results if r["status"] != 201), b""),
    }


def wrk_binary() -> str | None:
    """wrk, installed from Debian's packages when missing and we may (as .ci/run installs chromium)."""
    found = shutil.which("wrk")
    if found is None and os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk (apt-get install wrk) …", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], capture_output=True, timeout=300, check=False
        )
        found = shutil.which("wrk")
    return found


def run_wrk(wrk: str, script: str, args: list[str], seconds: int) -> dict:
    """One wrk run (1 thread, the phase's keep-alive connections); its Lua script's JSON line."""
    completed = subprocess.run(
        [wrk, "-t", "1", "-c", str(BOOKING_CLIENTS), "-d", f"{seconds}s", "--timeout", "30s",
         "-s", str(BENCH_DIR / "wrk" / script), f"http://127.0.0.1:{PORT}/", "--", *args],
        capture_output=True, text=True, timeout=seconds + 120, check=True,
    )  # fmt: skip
    line = next(line for line in completed.stdout.splitlines() if line.startswith("WRKJSON "))
    return json.loads(line.removeprefix("WRKJSON "))


def bench_bookings_wrk(wrk: str, seeded: dict) -> dict:
    """The non-conflicting bookings from wrk: each request a different slot and worker."""
    jobs = Path(tempfile.gettempdir()) / f"palace_bench_jobs_{os.getpid()}.tsv"
    lines = [
        f"{token}\t{json.dumps({'venue': venue, 'start': start, 'end': end})}"
        for token, (venue, start, end) in zip(seeded["tokens"], seeded["slots"], strict=False)
    ]
    jobs.write_text("\n".join(lines) + "\n")
    try:
        result = run_wrk(wrk, "bookings.lua", [str(jobs), "1"], WRK_SECONDS)
    finally:
        jobs.unlink(missing_ok=True)
    statuses = Counter({int(k): v for k, v in result["statuses"].items()})
    created = statuses[201]
    if result["jobs_used"] > len(lines):
        raise SystemExit(f"wrk used {result['jobs_used']} jobs of {len(lines)}: seed more slots")
    return {
        "requests": result["requests"],
        "created": created,
        "statuses": statuses,
        "per_second": created / result["duration_s"],
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
        "sample_error": result["sample"].encode(),
        "socket_errors": result["socket_errors"],
    }


def bench_health_wrk(wrk: str) -> dict:
    result = run_wrk(wrk, "get.lua", ["/api/v1/health/"], WRK_SECONDS)
    ok = int(result["statuses"].get("200", 0))
    return {
        "requests": result["requests"],
        "ok": ok,
        "per_second": ok / result["duration_s"],
        "p50_ms": result["p50_ms"],
        "p95_ms": result["p95_ms"],
    }


def bench_race(tokens: list[str], venue: int, start: str, end: str) -> dict:
    """RACERS clients, each connecting afresh, released together at one slot."""
    barrier = threading.Barrier(RACERS + 1)
    results: list = [None] * RACERS
    finished: list[float] = [0.0] * RACERS

    def racer(i: int):
        client = Client(PORT, tokens[i])
        try:
            barrier.wait(timeout=RACE_SECONDS)
            results[i] = timed(
                client, "POST", "/api/v1/bookings/", {"venue": venue, "start": start, "end": end}
            )
            finished[i] = time.monotonic()
        finally:
            client.close()

    threads = [threading.Thread(target=racer, args=(i,)) for i in range(RACERS)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=RACE_SECONDS)
    released = time.monotonic()
    for thread in threads:
        thread.join(RACE_SECONDS)
    answered = [r for r in results if r is not None]
    codes = Counter()
    for r in answered:
        if r["status"] == 409:
            codes[json.loads(r["data"]).get("code", "?")] += 1
    return {
        "answered": len(answered),
        "created": sum(r["status"] == 201 for r in answered),
        "statuses": Counter(r["status"] for r in answered),
        "codes": codes,
        "server_errors": sum(r["status"] >= 500 or r["status"] == 0 for r in answered),
        "seconds": max(finished) - released if all(finished) else float("nan"),
    }


def bench_health() -> dict:
    def hit(client, _job):
        return timed(client, "GET", "/api/v1/health/")

    results, elapsed = run_clients(HEALTH_CLIENTS, range(HEALTH_REQUESTS), hit, HEALTH_SECONDS)
    ok = [r for r in results if r["status"] == 200]
    latencies = [r["seconds"] for r in results]
    return {
        "requests": len(results),
        "ok": len(ok),
        "per_second": len(ok) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 0.50),
        "p95_ms": 1000 * percentile(latencies, 0.95),
    }


def overbooked(db: str, venue: int, start: str, capacity: int) -> dict:
    """Places held beyond the capacity, straight from the database (must be 0)."""
    where = f"venue_id = {int(venue)} AND start = '{start}'::timestamptz"  # our own values
    held = int(
        psql(
            db,
            "SELECT coalesce(sum(party_size), 0) FROM bookings_booking "  # noqa: S608
            f"WHERE {where} AND status IN ('offered', 'confirmed', 'checked_in')",
        )
    )
    counter = int(psql(db, f"SELECT coalesce(max(taken), 0) FROM bookings_slotcounter WHERE {where}"))  # noqa: S608
    return {"held": held, "counter": counter, "overbooked": max(0, held - capacity, counter - capacity)}


# --- Plumbing ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_for_bench():
    """Redis db REDIS_DB if it answers and is empty (we empty it afterwards), else None."""
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=1)
        if client.dbsize() == 0:
            return client
    except Exception:  # noqa: S110 - no usable Redis: run without one
        pass
    return None


def server_env(db: str, use_redis: bool) -> dict[str, str]:
    keep = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
    }
    env = {
        **keep,
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.production",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url(db),
        "PYTHONUNBUFFERED": "1",
    }
    if use_redis:
        env["REDIS_URL"] = env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
    else:
        env["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
        env["SMS_BACKEND"] = "palace_portal.users.sms.LocmemSmsBackend"
    return env


def wait_for_server(deadline: float) -> None:
    client = Client(PORT)
    try:
        while time.monotonic() < deadline:
            with suppress(OSError):
                status, _ = client.request("GET", "/api/v1/health/")
                if status == 200:
                    return
                raise SystemExit(f"the server answers /api/v1/health/ with {status}")
            client.close()
            time.sleep(0.2)
    finally:
        client.close()
    raise SystemExit("gunicorn did not start within its time limit")


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def table(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows)


PORT = 0


def main() -> int:
    global PORT, WORKERS, THREADS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--load",
        choices=["wrk", "python"],
        default="wrk",
        help="load generator of the bookings and the bare view (default wrk, installed if missing; "
        "python: threads of http.client, the generator of earlier runs)",
    )
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--threads", type=int, default=THREADS)
    args = parser.parse_args()
    WORKERS, THREADS = args.workers, args.threads
    wrk = wrk_binary() if args.load == "wrk" else None
    if args.load == "wrk" and wrk is None:
        print("wrk is not available: the Python load generator measures instead", flush=True)

    db = f"palace_bench_{os.getpid()}"
    redis_client = redis_for_bench()
    env = server_env(db, redis_client is not None)
    server: subprocess.Popen | None = None
    log = Path(tempfile.gettempdir()) / f"{db}.gunicorn.log"
    psql("postgres", f"CREATE DATABASE {db}")
    try:
        print(f"database {db}: migrating and seeding …", flush=True)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=300,
        )
        seeding = subprocess.run(
            [PYTHON, __file__, "--seed"], cwd=BASE_DIR, env=env, check=True, timeout=300, capture_output=True
        )
        seeded = json.loads(seeding.stdout)
        PORT = free_port()
        command = [
            PYTHON, "-m", "gunicorn", "palace_portal.wsgi:application", "--bind", f"127.0.0.1:{PORT}",
            "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
            "--backlog", "1024", "--timeout", "60", "--log-level", "warning",
        ]  # fmt: skip
        with log.open("w") as out:
            server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        wait_for_server(time.monotonic() + 60)
        print(f"gunicorn on 127.0.0.1:{PORT}: {WORKERS} workers × {THREADS} threads; measuring …", flush=True)

        # Warm up: every worker thread opens its database connection before anything is timed.
        run_clients(HEALTH_CLIENTS, range(400), lambda c, _j: timed(c, "GET", "/api/v1/health/"), 30)

        if wrk:
            run_wrk(wrk, "get.lua", ["/api/v1/health/"], 2)  # wrk's connections, warm
            # The bare view before the bookings as well as after them: the phase after thousands of
            # inserts may share the machine with PostgreSQL's autovacuum and checkpoints.
            health_before = bench_health_wrk(wrk)
            bookings = bench_bookings_wrk(wrk, seeded)
        else:
            health_before = None
            bookings = bench_bookings(seeded)
        tokens = seeded["tokens"][len(seeded["slots"]) :]
        start, end = seeded["race_slot"]
        exclusive = bench_race(tokens[:RACERS], seeded["race_court"], start, end)
        exclusive.update(overbooked(db, seeded["race_court"], start, 1))
        shared = bench_race(tokens[RACERS:], seeded["gym"], start, end)
        shared.update(overbooked(db, seeded["gym"], start, SHARED_CAPACITY))
        health = bench_health_wrk(wrk) if wrk else bench_health()
    finally:
        stop(server)
        psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        if redis_client is not None:
            with suppress(Exception):
                redis_client.flushdb()

    errors = [line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    log.unlink(missing_ok=True)
    cpu = os.cpu_count()
    print()
    print(
        f"Booking benchmark: gunicorn {WORKERS}×{THREADS} gthread, production settings, PostgreSQL "
        f"{psql('postgres', 'SHOW server_version')}, {cpu} CPU(s) shared with the load generator, "
        f"Celery {'→ Redis' if redis_client is not None else 'eager'}; load from "
        f"{'wrk (1 thread, C)' if wrk else 'Python threads (http.client)'}, {BOOKING_CLIENTS} keep-alive "
        f"connections{f', {WRK_SECONDS} s a phase' if wrk else ''}; machine load {os.getloadavg()[0]:.1f}"
    )
    # Against the faster of the bare view's phases: the conservative ratio.
    if health_before is not None and health_before["per_second"] > health["per_second"]:
        health, health_after = health_before, health
    else:
        health_after = None
    ratio = bookings["per_second"] / max(health["per_second"], 1e-9)
    other = health_after or health_before
    rows = [
        ("non-conflicting bookings", f"{bookings['per_second']:.0f} bookings/s "
         f"({bookings['created']} of {bookings['requests']} created, {BOOKING_CLIENTS} clients)"),
        ("  latency p50 / p95", f"{bookings['p50_ms']:.1f} ms / {bookings['p95_ms']:.1f} ms"),
        (f"{RACERS} clients, one exclusive slot", f"resolved in {exclusive['seconds']:.2f} s; "
         f"{exclusive['created']} × 201, {dict(exclusive['codes'])} × 409, "
         f"{exclusive['server_errors']} × 5xx, {exclusive['answered']} answered"),
        ("  overbooked places", f"{exclusive['overbooked']} (held {exclusive['held']} of 1)"),
        (f"{RACERS} clients, {SHARED_CAPACITY}-place slot", f"resolved in {shared['seconds']:.2f} s; "
         f"{shared['created']} × 201, {dict(shared['codes'])} × 409, "
         f"{shared['server_errors']} × 5xx, {shared['answered']} answered"),
        ("  overbooked places", f"{shared['overbooked']} (held {shared['held']}, "
         f"counter {shared['counter']}, of {SHARED_CAPACITY})"),
        ("bare one-query JSON view", f"{health['per_second']:.0f} requests/s "
         f"(p50 {health['p50_ms']:.1f} ms, p95 {health['p95_ms']:.1f} ms)"
         + (f"; {'after' if health_after else 'before'} the bookings {other['per_second']:.0f}/s"
            if other else "")),
        ("bookings / bare view", f"{100 * ratio:.1f}% (health : bookings {1 / max(ratio, 1e-9):.1f} : 1; "
         "goal at least 40%)"),
    ]  # fmt: skip
    print(table(rows))
    if bookings["created"] != bookings["requests"]:
        print(f"  non-conflicting answers: {dict(bookings['statuses'])}; e.g. {bookings['sample_error']!r}")
    if errors:
        print(f"  the server logged {len(errors)} error line(s), e.g. {errors[0][:200]}")

    problems = []
    if bookings["created"] == 0:
        problems.append("no booking was created")
    for name, race, capacity in (("exclusive", exclusive, 1), ("shared", shared, SHARED_CAPACITY)):
        if race["answered"] != RACERS or race["server_errors"]:
            problems.append(
                f"{name} race: {race['answered']} answered, {race['server_errors']} server errors"
            )
        if race["created"] != capacity or race["overbooked"]:
            problems.append(f"{name} race: {race['created']} created, {race['overbooked']} overbooked")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--seed"]:
        seed()
    else:
        sys.exit(main())
