"""PostgreSQL restarted under load: requests fail cleanly, then the same web processes recover.

A private PostgreSQL (initdb into a temporary folder, its own port) gets a copy of the test
database; a gunicorn serves it; clients keep asking for API lists, a signed-in API list and an
HTML page while the private server is restarted. Every answer must be a success or a 503 with
`Retry-After` (the API's `{"code", "detail"}` shape under /api/, the portal's page elsewhere):
never a 500, never a dropped connection. Once the server is back, every request succeeds again,
served by the same gunicorn processes, whose persistent connections died in the restart
(CONN_MAX_AGE with CONN_HEALTH_CHECKS replaces them).
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.integration.faults_support import children, gunicorn, portal_env, private_postgres, request

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 4


def _paths(token: str) -> list[tuple[str, str, bool]]:
    # (path, token, html)
    return [("/api/v1/palaces/", "", False), ("/api/v1/bookings/", token, False), ("/palaces/", "", True)]


def _classify(path: str, html: bool, status: int, headers: dict, body: bytes) -> str:
    if status == 200:
        return "ok"
    if status != 503:
        return f"bad status {status}: {body[:300]!r}"
    if headers.get("Retry-After", "") != "5":
        return f"503 without Retry-After: {headers}"
    if html:
        if not headers.get("Content-Type", "").startswith("text/html") or b"503" not in body:
            return f"503 page not HTML: {body[:200]!r}"
        return "503"
    data = json.loads(body)
    if set(data) != {"code", "detail"} or data["code"] != "database_unavailable" or not data["detail"]:
        return f"503 not in the API's error shape: {data}"
    return "503"


def _all_succeed(port: int, token: str, rounds: int = 3) -> list[str]:
    problems = []
    for _ in range(rounds):
        for path, auth, html in _paths(token):
            status, _headers, body = request(port, "GET", path, token=auth, html=html)
            if status != 200:
                problems.append(f"{path}: {status} {body[:200]!r}")
    return problems


def test_a_postgresql_restart_under_load_fails_cleanly_and_recovers(postgres, world, tmp_path):
    token = Token.objects.create(user=world.worker).key
    source = dict(connection.settings_dict)
    with private_postgres() as pg:
        pg.copy_database(source, "faults_pg")
        env = portal_env(DATABASE_URL=pg.url("faults_pg"), DATABASE_CONN_MAX_AGE="600")
        with gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=2) as (port, server):
            # Warm: every thread of both workers holds a persistent connection.
            assert _all_succeed(port, token, rounds=4) == []
            backends = int(
                pg.psql("faults_pg", "SELECT count(*) FROM pg_stat_activity WHERE datname='faults_pg'")
            )
            assert backends >= 1
            workers = children(server.pid)
            assert len(workers) == 2

            # 1. A restart while nobody asks: the persistent connections are stale; the next
            #    requests replace them without a single failure.
            pg.stop("fast")
            pg.start()
            assert _all_succeed(port, token) == []

            # 2. A restart under load: clients keep asking while the server goes down and comes back.
            answers: Counter = Counter()
            problems: list[str] = []
            stop = threading.Event()
            lock = threading.Lock()

            def client(n: int):
                paths = _paths(token)
                i = n
                while not stop.is_set():
                    path, auth, html = paths[i % len(paths)]
                    i += 1
                    try:
                        status, headers, body = request(port, "GET", path, token=auth, html=html)
                        verdict = _classify(path, html, status, headers, body)
                    except Exception as error:  # a dropped or refused connection is a failure too
                        verdict = f"no answer: {error!r}"
                    with lock:
                        if verdict in ("ok", "503"):
                            answers[verdict] += 1
                        else:
                            problems.append(f"{path}: {verdict}")
                    time.sleep(0.01)

            threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            try:
                time.sleep(0.5)
                before = dict(answers)
                pg.stop("fast")
                time.sleep(1.5)  # down: every request in this time fails, cleanly
                during = dict(answers)
                pg.start()
                back = time.monotonic()
                # Recovered: the first success after the restart, within a few seconds.
                while answers["ok"] == during.get("ok", 0) and time.monotonic() - back < 10:
                    time.sleep(0.05)
                recovered_in = time.monotonic() - back
                time.sleep(0.5)
            finally:
                stop.set()
                for thread in threads:
                    thread.join(timeout=30)
            print(
                f"\nPostgreSQL restart under load: before {before}, while down {during}, "
                f"total {dict(answers)}, first success {recovered_in:.2f} s after the start"
            )
            assert problems == [], problems[:10]
            assert before.get("ok", 0) > 0
            assert answers["503"] > 0, "the outage was never seen: the test did not test anything"
            assert recovered_in < 10

            # 3. Afterwards everything succeeds again, from the same processes.
            assert _all_succeed(port, token) == []
            assert server.poll() is None
            assert children(server.pid) == workers, "a web process was restarted"
