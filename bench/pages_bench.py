"""Pages benchmark: the portal's main pages and their API endpoints on gunicorn over the ×10 province.

    .venv/bin/python bench/pages_bench.py [--factor 10] [--db palace_scale_x10]   (also in `make bench`)

What it does:
1. makes sure the scale database exists (`bench/scale.py`'s `ensure`: reused when its recorded
   factor and seed match and its as-of date is recent, built otherwise; it is kept for the next run);
2. counts the SQL queries of every page and endpoint in-process (Django's test client and
   `CaptureQueriesContext`, production settings, the same database): the first request and the
   second (warm: caches filled, as most requests find them);
3. starts gunicorn (`palace_portal.wsgi`, 2 workers × 4 threads, gthread) with the production
   settings (DEBUG off; `DJANGO_SECURE_SSL_REDIRECT=0` so that plain HTTP works; the per-token API
   throttle raised, since one token stands for many clients here) on a free loopback port, with
   Redis database `REDIS_DB` as cache when it answers and is empty (emptied afterwards);
4. signs in the benchmark accounts through the login page (sessions for the pages, their API
   tokens for the API) and measures, with `CLIENTS` concurrent keep-alive clients, each page and
   endpoint (`REQUESTS` requests or `SECONDS` seconds, after a warm-up), and the bare one-query
   health view (`/api/v1/health/`) before and after them: p50 and p95 latency, requests/s, and the
   rate as a fraction of the health view's (the mean of its two runs);
5. prints the table with the issue's targets (p95 under 150 ms, at least ¼ of the health view's
   rate, at most 10 queries) and which are missed.

It exits non-zero only on errors: a 5xx, a lost connection, or any answer but 200 (the page
measured would not be the page meant). Missed targets are reported, not failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import booking_bench
import scale

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLIENTS = 20
REQUESTS, SECONDS = 400, 15.0
HEALTH_REQUESTS, HEALTH_SECONDS = 4000, 15.0
WARM_UP = 40
IN_PROCESS_RUNS = 5  # one request at a time, in-process: the median is the server's own time
WORKERS, THREADS = 2, 4
REDIS_DB = int(os.environ.get("PAGES_BENCH_REDIS_DB", "3"))
TARGET_P95_MS, TARGET_SHARE, TARGET_QUERIES = 150.0, 0.25, 10


def endpoints(made: dict) -> list[dict]:
    """(name, path, account: who is signed in, api: Token header instead of the session)."""
    bench = made["bench"]
    as_of = date.fromisoformat(made["as_of"])
    palace, city, venue = bench["palace"], bench["city"], made["venue"]
    tomorrow = as_of + timedelta(days=1)
    last_month = (as_of.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    year = as_of.year
    ledgers = "/api/v1/ledgers/?" + urlencode({"palace": palace, "month": last_month})
    activities = "/api/v1/activities/?" + urlencode({"palace": palace, "month": last_month})
    city_ledgers = "/api/v1/ledgers/?" + urlencode({"city": city, "month": last_month})
    rows = [
        ("home", "/", None),
        ("  API network summary", "/api/v1/network/summary/", None),
        ("directory", "/palaces/", None),
        ("  API palaces", "/api/v1/palaces/", None),
        ("palace page", f"/palaces/{palace}/", None),
        ("  API palace", f"/api/v1/palaces/{palace}/", None),
        # The venue page with its availability grid (/venues/<id>/availability/ is the grid's
        # htmx fragment, and redirects here when opened directly).
        ("venue availability", f"/venues/{venue}/?date={tomorrow}", "worker"),
        ("  API availability", f"/api/v1/venues/{venue}/availability/?date={tomorrow}", "worker"),
        ("my bookings", "/my/bookings/", "worker"),
        ("  API my bookings", "/api/v1/bookings/", "worker"),
        ("course catalogue", "/classes/", "worker"),
        ("  API courses", "/api/v1/courses/", "worker"),
        ("staff day view", f"/staff/palaces/{palace}/today/?date={as_of}", "staff"),
        ("  API palace bookings of the day", f"/api/v1/bookings/?date={as_of}", "staff"),
        ("monthly ledger", f"/performance/palace/{palace}/ledgers/{last_month}/", "manager"),
        ("  API ledgers", ledgers, "manager"),
        ("activity ledger", f"/staff/ledger/{palace}/", "staff"),
        ("  API activities", activities, "staff"),
        ("provincial dashboard", f"/performance/dashboard/?year={year}", "province_officer"),
        ("  API rankings", f"/api/v1/rankings/?metric=person_times&year={year}", "province_officer"),
        ("city dashboard", f"/performance/dashboard/city/{city}/?year={year}", "city_officer"),
        ("  API city ledgers", city_ledgers, "city_officer"),
    ]  # fmt: skip
    return [
        {"name": name, "path": path, "account": account, "api": path.startswith("/api/")}
        for name, path, account in rows
    ]


# --- In-process query counts (a child process with the scale database) ------------------------------


def count_queries(spec: dict) -> dict:
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from palace_portal.users.models import User

    bench = spec["bench"]
    users = {
        role: User.objects.get(pk=bench[role]) for role in {e["account"] for e in spec["endpoints"]} if role
    }
    counts = {}
    for endpoint in spec["endpoints"]:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        headers = {}
        role = endpoint["account"]
        if role and endpoint["api"]:
            headers["HTTP_AUTHORIZATION"] = f"Token {bench[role + '_token']}"
        elif role:
            client.force_login(users[role])
        runs = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(endpoint["path"], **headers)
            runs.append(
                {
                    "queries": len(queries),
                    "status": response.status_code,
                    "sql_ms": 1000 * sum(float(q["time"]) for q in queries.captured_queries),
                }
            )
        times = []
        for _ in range(IN_PROCESS_RUNS):
            started = time.perf_counter()
            client.get(endpoint["path"], **headers)
            times.append(time.perf_counter() - started)
        runs.append({"ms": 1000 * sorted(times)[len(times) // 2]})
        counts[endpoint["name"]] = runs
    return counts


# --- Over HTTP ---------------------------------------------------------------------------------------


class Client(booking_bench.Connection):
    """One keep-alive HTTP connection; a session cookie or a token, as the endpoint needs."""

    def __init__(self, port: int):
        super().__init__(port, timeout=60)

    def request(self, method: str, path: str, headers: dict, body: str | None = None):
        return self.exchange(method, path, {"Accept-Language": "zh-hans", **headers}, body)


def sign_in(port: int, phone: str, password: str) -> str:
    """The login page, as a browser does it: GET the form (CSRF cookie and token), POST it."""
    client = Client(port)
    try:
        response, data = client.request("GET", "/accounts/login/", {"Accept": "text/html"})
        cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie", "")).group(1)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
        body = urlencode({"username": phone, "password": password, "csrfmiddlewaretoken": token})
        response, _ = client.request(
            "POST", "/accounts/login/",
            {"Cookie": f"csrftoken={cookie}", "Content-Type": "application/x-www-form-urlencoded",
             "Accept": "text/html", "Referer": f"http://127.0.0.1:{port}/accounts/login/"},
            body,
        )  # fmt: skip
        cookies = ", ".join(response.msg.get_all("Set-Cookie") or [])
        session = re.search(r"sessionid=([^;]+)", cookies)
        if response.status != 302 or not session:
            raise SystemExit(f"signing in {phone} failed: {response.status}")
        return f"csrftoken={cookie}; sessionid={session.group(1)}"
    finally:
        client.close()


def hammer(port: int, path: str, headers: dict, requests: int, seconds: float) -> dict:
    """CLIENTS threads with keep-alive connections send `requests` GETs (or stop after `seconds`)."""
    results: list[tuple[int, float]] = []
    lock = threading.Lock()
    left = [requests]
    deadline = time.monotonic() + seconds

    def loop():
        client = Client(port)
        try:
            while time.monotonic() < deadline:
                with lock:
                    if left[0] <= 0:
                        return
                    left[0] -= 1
                started = time.perf_counter()
                try:
                    response, _data = client.request("GET", path, headers)
                    status = response.status
                except OSError:
                    status = 0
                elapsed = time.perf_counter() - started
                with lock:
                    results.append((status, elapsed))
        finally:
            client.close()

    threads = [threading.Thread(target=loop) for _ in range(CLIENTS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    elapsed = time.monotonic() - started
    latencies = [seconds for _status, seconds in results]
    statuses = Counter(status for status, _ in results)
    return {
        "requests": len(results),
        "statuses": statuses,
        "per_second": statuses.get(200, 0) / elapsed,
        "p50_ms": 1000 * booking_bench.percentile(latencies, 0.50),
        "p95_ms": 1000 * booking_bench.percentile(latencies, 0.95),
    }


def redis_for_bench():
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB, socket_connect_timeout=1)
        if client.dbsize() == 0:
            return client
    except Exception:  # noqa: S110 - no usable Redis: run with the local-memory cache
        pass
    return None


def server_env(db: str, use_redis: bool) -> dict[str, str]:
    env = booking_bench.server_env(db, False)
    env["API_TOKEN_THROTTLE"] = "1000000/min"  # noqa: S105 - a rate, not a password
    if use_redis:
        env["REDIS_URL"] = env["CELERY_BROKER_URL"] = f"redis://127.0.0.1:6379/{REDIS_DB}"
        env.pop("EMAIL_BACKEND", None)
        env.pop("SMS_BACKEND", None)
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=10)
    parser.add_argument("--db", default=None, help="the scale database (default palace_scale_x<factor>)")
    parser.add_argument(
        "--requests", type=int, default=REQUESTS, help="per page or endpoint (default %(default)s)"
    )
    parser.add_argument(
        "--seconds", type=float, default=SECONDS, help="time limit per page (default %(default)s)"
    )
    parser.add_argument("--count-queries", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        print(json.dumps(count_queries(json.loads(Path(args.count_queries).read_text()))))
        return 0

    # Stopped with SIGTERM: still stop gunicorn and remove the static files (the `finally`s).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    db = args.db or f"palace_scale_x{args.factor}"
    made = scale.ensure(args.factor, db)
    bench = made["bench"]
    made["venue"] = int(
        scale.psql(
            db,
            "SELECT id FROM venues_venue WHERE kind = 'badminton' "  # noqa: S608 - our own id
            f"AND palace_id = {int(bench['palace'])} ORDER BY id LIMIT 1",
        )
    )
    targets = endpoints(made)
    redis_client = redis_for_bench()
    env = server_env(db, redis_client is not None)
    # The production settings serve hashed, compressed static files (WhiteNoise's manifest).
    static_root = tempfile.mkdtemp(prefix="pages_bench_static_")
    env["DJANGO_STATIC_ROOT"] = static_root
    try:
        return _measure(args, db, made, targets, env, redis_client)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)


def _measure(args, db: str, made: dict, targets: list[dict], env: dict, redis_client) -> int:
    bench = made["bench"]
    print("collecting static files …", flush=True)
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=BASE_DIR, env=env, check=True,
        timeout=600,
    )  # fmt: skip

    print("counting queries in-process …", flush=True)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec:
        json.dump({"bench": bench, "endpoints": targets}, spec)
    try:
        child_env = {**env, "DJANGO_ALLOWED_HOSTS": "testserver", "REDIS_URL": "", "CELERY_BROKER_URL": ""}
        child = subprocess.run(
            [PYTHON, __file__, "--count-queries", spec.name], cwd=BASE_DIR, env=child_env, timeout=900,
            capture_output=True, text=True,
        )  # fmt: skip
        if child.returncode:
            print(child.stderr[-3000:])
            raise SystemExit("counting the queries failed")
        counted = json.loads(child.stdout.strip().splitlines()[-1])
    finally:
        os.unlink(spec.name)

    port = booking_bench.free_port()
    booking_bench.PORT = port
    log = Path(tempfile.gettempdir()) / f"pages_bench_{os.getpid()}.gunicorn.log"
    command = [
        PYTHON, "-m", "gunicorn", "palace_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "gthread", "--threads", str(THREADS),
        "--backlog", "1024", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    server = None
    measured: dict[str, dict] = {}
    load = []
    try:
        with log.open("w") as out:
            server = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
        booking_bench.wait_for_server(time.monotonic() + 60)
        print(
            f"gunicorn on 127.0.0.1:{port}: {WORKERS} workers × {THREADS} threads; signing in …", flush=True
        )
        sessions = {
            role: sign_in(port, bench[f"{role}_phone"], made["password"])
            for role in {t["account"] for t in targets if t["account"] and not t["api"]}
        }
        health_headers = {"Accept": "application/json"}
        hammer(port, "/api/v1/health/", health_headers, 400, 20)  # every thread's connection opened
        load.append(os.getloadavg()[0])
        print(f"measuring {len(targets)} pages and endpoints with {CLIENTS} clients …", flush=True)
        measured["health (before)"] = hammer(
            port, "/api/v1/health/", health_headers, HEALTH_REQUESTS, HEALTH_SECONDS
        )
        for target in targets:
            headers = {"Accept": "application/json" if target["api"] else "text/html"}
            role = target["account"]
            if role and target["api"]:
                headers["Authorization"] = f"Token {bench[role + '_token']}"
            elif role:
                headers["Cookie"] = sessions[role]
            hammer(port, target["path"], headers, WARM_UP, SECONDS)
            measured[target["name"]] = hammer(port, target["path"], headers, args.requests, args.seconds)
            load.append(os.getloadavg()[0])
        measured["health (after)"] = hammer(
            port, "/api/v1/health/", health_headers, HEALTH_REQUESTS, HEALTH_SECONDS
        )
    finally:
        booking_bench.stop(server)
        if redis_client is not None:
            with suppress(Exception):
                redis_client.flushdb()
    errors = [line for line in log.read_text().splitlines() if "Traceback" in line or "ERROR" in line]
    log.unlink(missing_ok=True)
    return report(made, targets, counted, measured, load, errors, redis_client is not None)


def report(made, targets, counted, measured, load, errors, redis_used) -> int:
    health = (measured["health (before)"]["per_second"] + measured["health (after)"]["per_second"]) / 2
    counts = made["counts"]
    print()
    print(
        f"Pages benchmark: ×{made['factor']} province ({counts['palaces']:,} palaces, "
        f"{counts['venues']:,} venues, "
        f"{counts['users']:,} people, {counts['bookings (all)']:,} bookings, {counts['activities']:,} "
        f"activities; as of {made['as_of']}), gunicorn {WORKERS}×{THREADS} gthread, production settings, "
        f"cache {'Redis' if redis_used else 'local memory'}, {CLIENTS} clients, {os.cpu_count()} CPU(s) "
        f"shared with the load generator; load average {min(load):.1f}–{max(load):.1f}"
    )
    header = ("", "queries", "SQL ms", "alone ms", "p50 ms", "p95 ms", "req/s", "× health", "misses")
    rows = [header]
    problems = []
    for name in ("health (before)", "health (after)"):
        m = measured[name]
        rows.append(
            (name, "1", "", "", f"{m['p50_ms']:.1f}", f"{m['p95_ms']:.1f}", f"{m['per_second']:.0f}", "", "")
        )
    for target in targets:
        name = target["name"]
        m = measured[name]
        first, warm = (run["queries"] for run in counted[name][:2])
        alone = counted[name][2]["ms"]
        share = m["per_second"] / health if health else 0.0
        misses = []
        if m["p95_ms"] >= TARGET_P95_MS:
            misses.append("p95")
        if share < TARGET_SHARE:
            misses.append("rate")
        if warm > TARGET_QUERIES:
            misses.append("queries")
        queries = f"{warm}" if first == warm else f"{warm} ({first} cold)"
        sql = counted[name][1]["sql_ms"]
        rows.append((name, queries, f"{sql:.1f}", f"{alone:.1f}", f"{m['p50_ms']:.1f}", f"{m['p95_ms']:.1f}",
                     f"{m['per_second']:.0f}", f"{share:.2f}", " ".join(misses) or "-"))  # fmt: skip
        bad = {status: n for status, n in m["statuses"].items() if status != 200}
        if bad or any(run["status"] != 200 for run in counted[name][:2]):
            problems.append(f"{name} ({target['path']}): answers {dict(m['statuses'])}, in-process "
                            f"{[run['status'] for run in counted[name][:2]]}")  # fmt: skip
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(header))]
    for row in rows:
        print(
            "  "
            + row[0].ljust(widths[0])
            + "  "
            + "  ".join(str(c).rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        )
    print(
        f"  targets: p95 under {TARGET_P95_MS:.0f} ms, at least {TARGET_SHARE:.2f} of the health view's rate "
        f"({health:.0f} requests/s, mean of the two runs), at most {TARGET_QUERIES} queries (warm)"
    )
    print(
        f"  alone: the median of {IN_PROCESS_RUNS} requests one at a time in-process (Django's test client, "
        "warm), the server's own time without queueing; SQL ms: the database's time in the warm request"
    )
    missed = [row[0].strip() + f" ({row[-1]})" for row in rows[3:] if row[-1] != "-"]
    print(f"  missing a target: {', '.join(missed) if missed else 'none'}")
    if errors:
        print(f"  the server logged {len(errors)} error line(s), e.g. {errors[0][:200]}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
