"""Where a booking's time goes, in-process: the booking benchmark's world, no HTTP, one at a time.

    .venv/bin/python bench/booking_profile.py [--bookings 300] [--profile] [--keep-db NAME]

Creates `palace_bookprof_<pid>` on PostgreSQL at 127.0.0.1:5432 (as booking_bench.py does),
seeds it with booking_bench's seed, then, with the production settings (DEBUG off) and DRF's test
client (the whole middleware stack, Token auth, parsing and rendering, but no socket), posts
non-conflicting bookings one after another and prints: ms per booking, SQL statements per
booking, ms spent in SQL (round trips included), the same for the bare health view, and with
`--profile` the top of a cProfile of the bookings by cumulative and own time. Drops the database
afterwards unless `--keep-db` names one to reuse (then it is created once and left in place).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import booking_bench  # noqa: E402


def prepare(db: str, env: dict, *, create: bool) -> dict:
    if create:
        booking_bench.psql("postgres", f"CREATE DATABASE {db}")
    # A kept database too: it follows the code's migrations and its booking function.
    subprocess.run(
        [booking_bench.PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=BASE_DIR, env=env, check=True, timeout=300,
    )  # fmt: skip
    if create:
        seeding = subprocess.run(
            [booking_bench.PYTHON, str(BASE_DIR / "bench" / "booking_bench.py"), "--seed"],
            cwd=BASE_DIR, env=env, check=True, timeout=300, capture_output=True,
        )  # fmt: skip
        (Path(tempfile.gettempdir()) / f"{db}.json").write_text(seeding.stdout.decode())
    return json.loads((Path(tempfile.gettempdir()) / f"{db}.json").read_text())


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of this process's PostgreSQL backend so far, from /proc: the
    server runs on this machine. 0.0 where /proc cannot tell (then the figure prints as 0)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class SqlTimer:
    """A database execute wrapper: statements and time spent in them (round trips included)."""

    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookings", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--keep-db", default="")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--cpu", action="store_true", help="with --profile: profile CPU time (process_time), not wall time"
    )
    parser.add_argument("--dump", default="", help="with --profile: write cProfile's stats to this file")
    parser.add_argument(
        "--redis-db",
        type=int,
        default=None,
        help="Celery broker and cache in this Redis database (emptied after)",
    )
    args = parser.parse_args()

    db = args.keep_db or f"palace_bookprof_{os.getpid()}"
    exists = (
        bool(args.keep_db)
        and booking_bench.psql(
            "postgres",
            f"SELECT count(*) FROM pg_database WHERE datname = '{db}'",  # noqa: S608 - our name
        )
        == "1"
    )
    env = booking_bench.server_env(db, use_redis=args.redis_db is not None)
    if args.redis_db is not None:
        env["REDIS_URL"] = env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{args.redis_db}"
    seeded = prepare(db, env, create=not exists)
    os.environ.update(env)
    try:
        import django

        django.setup()
        from django.db import connection
        from rest_framework.test import APIClient

        from bookings.models import Booking

        done = set(Booking.objects.values_list("venue_id", "start"))
        tokens = iter(seeded["tokens"][: len(seeded["slots"])])
        jobs = []
        for venue, start, end in seeded["slots"]:
            token = next(tokens)
            jobs.append((token, {"venue": venue, "start": start, "end": end}))
        from datetime import datetime

        jobs = [j for j in jobs if (j[1]["venue"], datetime.fromisoformat(j[1]["start"])) not in done]
        jobs = jobs[: args.bookings + 20]
        if len(jobs) < args.bookings + 20:
            raise SystemExit(f"only {len(jobs)} unbooked slots left in {db}: use a fresh database")
        client = APIClient(SERVER_NAME="127.0.0.1", HTTP_ACCEPT_LANGUAGE="en")

        def book(job):
            token, body = job
            response = client.post(
                "/api/v1/bookings/", body, format="json", HTTP_AUTHORIZATION=f"Token {token}"
            )
            assert response.status_code == 201, response.content[:300]

        for job in jobs[:20]:  # warm-up: imports, caches, the connection
            book(job)
        jobs = jobs[20:]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        timer = SqlTimer()
        profiler = None
        if args.profile:
            profiler = cProfile.Profile(time.process_time) if args.cpu else cProfile.Profile()
        with connection.execute_wrapper(timer):
            if profiler:
                profiler.enable()
            started, cpu_started = time.perf_counter(), time.process_time()
            thread_started, pg_started = time.thread_time(), backend_cpu(backend)
            for job in jobs:
                book(job)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            thread_cpu = time.thread_time() - thread_started
            pg_cpu = backend_cpu(backend) - pg_started
            if profiler:
                profiler.disable()
        n = len(jobs)
        # The race's losers: each slot just booked, asked for again by the next job's worker
        # (`slot_taken`, refused from the counts before the venue's lock).
        refusal_timer = SqlTimer()
        logging.getLogger("django.request").setLevel(logging.ERROR)  # not a line per 409
        with connection.execute_wrapper(refusal_timer):
            r_started, r_cpu_started = time.perf_counter(), time.process_time()
            r_pg_started = backend_cpu(backend)
            for (_token, body), (other, _body) in zip(jobs, jobs[1:] + jobs[:1], strict=True):
                response = client.post(
                    "/api/v1/bookings/", body, format="json", HTTP_AUTHORIZATION=f"Token {other}"
                )
                assert response.status_code == 409, response.content[:300]
                assert response.json()["code"] == "slot_taken", response.content[:300]
            r_elapsed, r_cpu = time.perf_counter() - r_started, time.process_time() - r_cpu_started
            r_pg_cpu = backend_cpu(backend) - r_pg_started
        health_timer = SqlTimer()
        with connection.execute_wrapper(health_timer):
            h_started, h_cpu_started = time.perf_counter(), time.process_time()
            h_thread_started, h_pg_started = time.thread_time(), backend_cpu(backend)
            for _ in range(n):
                assert client.get("/api/v1/health/").status_code == 200
            h_elapsed, h_cpu = time.perf_counter() - h_started, time.process_time() - h_cpu_started
            h_thread_cpu = time.thread_time() - h_thread_started
            h_pg_cpu = backend_cpu(backend) - h_pg_started
        print(
            f"booking, in-process: {1000 * elapsed / n:.2f} ms each ({n} bookings), "
            f"{timer.count / n:.1f} SQL statements, {1000 * timer.seconds / n:.2f} ms in SQL, "
            f"{1000 * (elapsed - timer.seconds) / n:.2f} ms Python; "
            f"CPU time of this process {1000 * cpu / n:.2f} ms "
            f"(the request's thread {1000 * thread_cpu / n:.2f} ms, the outbox publisher's the rest); "
            f"PostgreSQL's backend {1000 * pg_cpu / n:.2f} ms"
        )
        print(
            f"health view, in-process: {1000 * h_elapsed / n:.2f} ms each, "
            f"{health_timer.count / n:.1f} SQL statements, {1000 * health_timer.seconds / n:.2f} ms in SQL; "
            f"CPU time of this process {1000 * h_cpu / n:.2f} ms "
            f"(the request's thread {1000 * h_thread_cpu / n:.2f} ms); "
            f"PostgreSQL's backend {1000 * h_pg_cpu / n:.2f} ms"
        )
        print(
            f"refusal (slot_taken), in-process: {1000 * r_elapsed / n:.2f} ms each, "
            f"{refusal_timer.count / n:.1f} SQL statements, "
            f"{1000 * refusal_timer.seconds / n:.2f} ms in SQL; "
            f"CPU time of this process {1000 * r_cpu / n:.2f} ms; "
            f"PostgreSQL's backend {1000 * r_pg_cpu / n:.2f} ms"
        )
        print(f"in-process ratio booking : health time  {elapsed / h_elapsed:.1f} : 1")
        if profiler:
            if args.dump:
                profiler.dump_stats(args.dump)
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
    finally:
        if args.redis_db is not None:
            import redis

            redis.Redis(host="127.0.0.1", port=6379, db=args.redis_db).flushdb()
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            booking_bench.psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
