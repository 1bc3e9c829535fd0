"""Read-replica benchmark: replication lag under a write burst, dashboards read on the replica.

    .venv/bin/python bench/replica_bench.py        (about three minutes; the last of `make bench`)

Needs root, `runuser` and PostgreSQL 15's binaries in /usr/lib/postgresql/15/bin (PG_BIN). It never
touches the shared server on 5432: it builds a private pair in a temporary folder and removes it.
1. `initdb` a primary on a free port (default durability: fsync and synchronous_commit on), then
   `pg_basebackup -R` a hot standby from it, streaming, on another port;
2. migrates the portal's schema on the primary (replicated live), seeds the demo network and three
   years of ledgers (bench/dashboard_bench.py's seed: 3,500 ledgers, 230,000 figures);
3. measures, in a Django process with `DATABASE_URL` → primary and `DATABASE_REPLICA_URL` → replica:
   - how long a committed write takes to be visible on the replica (commit on the primary, then
     poll the replica's replay position every 0.5 ms), idle and under a write burst;
   - the write burst: `pgbench` (TPC-B-like: three updates and an insert per transaction) with
     8 clients for 40 s on the primary, its transactions/s and WAL bytes/s, and the replica's
     distance behind the primary (bytes, sampled every 100 ms from pg_stat_replication);
   - the provincial dashboard, cache emptied before each request, read from the replica and from
     the primary (a pin cookie beyond the replica's position: the portal's own fallback), idle
     and during the burst; in-process server time (Django's test client).
4. prints the table, stops both servers and deletes their files.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
PYTHON = sys.executable
DB = "portal"
BURST_CLIENTS, BURST_SECONDS = 8, 40
TIMED = 12


def run(*command, **options) -> subprocess.CompletedProcess:
    options = {"check": True, "capture_output": True, "text": True, "timeout": 600} | options
    return subprocess.run([str(part) for part in command], **options)


def as_postgres(program: str, *arguments) -> subprocess.CompletedProcess:
    return run(RUNUSER, "-u", "postgres", "--", PG_BIN / program, *arguments)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(data: Path, port: int, folder: Path) -> None:
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} -c max_connections=40"
    )
    as_postgres("pg_ctl", "-D", data, "-o", options, "-l", f"{data}.log", "-w", "start")


# --- Inside Django (the child process) --------------------------------------------------------------


def _percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))], ordered[-1]


def _visibility(primary, replica, count: int, pause: float) -> list[float]:
    """Milliseconds from a write's commit on the primary to its visibility on the replica."""
    samples = []
    for _ in range(count):
        with primary.cursor() as cursor:
            cursor.execute("INSERT INTO bench_marker DEFAULT VALUES")
            committed = time.perf_counter()
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            lsn = cursor.fetchone()[0]
        with replica.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                if cursor.fetchone()[0]:
                    break
                time.sleep(0.0005)
        samples.append((time.perf_counter() - committed) * 1000)
        time.sleep(pause)
    return samples


def _dashboard(client, *, pinned: bool) -> list[float]:
    from django.core.cache import cache

    from palace_portal.db_router import PIN_COOKIE

    if pinned:  # a position the replica has not reached: the portal reads from the primary
        client.cookies[PIN_COOKIE] = "FFFFFFFF/FFFFFFFF"
    else:
        client.cookies.pop(PIN_COOKIE, None)
    samples = []
    for index in range(TIMED + 2):
        cache.clear()
        started = time.perf_counter()
        response = client.get("/performance/dashboard/", {"year": "2024"})
        if index >= 2:  # two warm-ups
            samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return samples


def measure(primary_port: int, replica_port: int) -> None:
    import django

    django.setup()
    import dashboard_bench
    import psycopg2
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from palace_portal.users.models import User
    from venues.models import StaffAssignment

    started = time.perf_counter()
    seeded = dashboard_bench._seed()
    seed_seconds = time.perf_counter() - started
    primary = psycopg2.connect(host="127.0.0.1", port=primary_port, user="postgres", dbname=DB)
    replica = psycopg2.connect(host="127.0.0.1", port=replica_port, user="postgres", dbname=DB)
    primary.autocommit = replica.autocommit = True
    with primary.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_marker (id serial PRIMARY KEY, at timestamptz DEFAULT now())")
    _visibility(primary, replica, 1, 0)  # the table has reached the replica

    officer = StaffAssignment.objects.filter(role="province_officer").first().user
    client = Client()
    client.force_login(User.objects.get(pk=officer.pk))
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        client.get("/performance/dashboard/", {"year": "2024"})
    assert any("performance_" in query["sql"] for query in on_replica.captured_queries), "not on the replica"

    rows = []
    rows.append(
        ("write visible on the replica, idle", _percentiles(_visibility(primary, replica, 200, 0.005)))
    )
    rows.append(
        ("provincial dashboard (cold), replica, idle", _percentiles(_dashboard(client, pinned=False)))
    )
    rows.append(("provincial dashboard (cold), primary, idle", _percentiles(_dashboard(client, pinned=True))))

    # The burst: pgbench on the primary, while we sample the lag and time the dashboards.
    run(
        PG_BIN / "pgbench", "-i", "-s", "5", "-q", "-h", "127.0.0.1", "-p", primary_port, "-U", "postgres", DB
    )
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        wal_before = cursor.fetchone()[0]
    behind: list[int] = []
    stop = threading.Event()

    def sample_lag():
        conn = psycopg2.connect(host="127.0.0.1", port=primary_port, user="postgres", dbname=DB)
        conn.autocommit = True
        with conn.cursor() as cursor:
            while not stop.is_set():
                cursor.execute(
                    "SELECT coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint "
                    "FROM pg_stat_replication"
                )
                behind.append(cursor.fetchone()[0])
                time.sleep(0.1)
        conn.close()

    sampler = threading.Thread(target=sample_lag)
    sampler.start()
    bench = subprocess.Popen(
        [str(PG_BIN / "pgbench"), "-c", str(BURST_CLIENTS), "-j", "2", "-T", str(BURST_SECONDS), "-n",
         "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", DB],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    time.sleep(1)
    burst_started = time.perf_counter()
    during_visible = _visibility(primary, replica, 100, 0.02)
    during_replica = _dashboard(client, pinned=False)
    during_primary = _dashboard(client, pinned=True)
    inside = time.perf_counter() - burst_started
    output, _ = bench.communicate(timeout=120)
    stop.set()
    sampler.join()
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint", [wal_before])
        wal_bytes = cursor.fetchone()[0]
    tps = float(re.search(r"tps = ([\d.]+)", output).group(1))
    rows.append(("write visible on the replica, during the burst", _percentiles(during_visible)))
    rows.append(("provincial dashboard (cold), replica, burst", _percentiles(during_replica)))
    rows.append(("provincial dashboard (cold), primary, burst", _percentiles(during_primary)))

    print(
        f"Read-replica benchmark: PostgreSQL 15 primary + streaming hot standby on this machine "
        f"({os.cpu_count()} CPUs shared; load {os.getloadavg()[0]:.1f} at the end); "
        f"{seeded['palaces']} palaces, {seeded['ledgers']:,} ledgers, {seeded['figures']:,} figures "
        f"(seeded in {seed_seconds:.0f} s, replicated as written)"
    )
    print(
        f"  write burst: pgbench, {BURST_CLIENTS} clients, {BURST_SECONDS} s: {tps:,.0f} transactions/s, "
        f"{wal_bytes / BURST_SECONDS / 1e6:.1f} MB/s of WAL (the rows marked 'burst' took {inside:.1f} s: "
        f"{'all inside it' if inside < BURST_SECONDS - 1 else 'partly after it'})"
    )
    print(
        f"  replica behind the primary during the burst: median {statistics.median(behind) / 1024:,.0f} kB, "
        f"max {max(behind) / 1024:,.0f} kB ({len(behind)} samples)"
    )
    width = max(len(label) for label, _ in rows)
    print(f"  {'':<{width}}  {'median':>9}  {'p95':>9}  {'max':>9}")
    for label, (median, p95, worst) in rows:
        print(f"  {label:<{width}}  {median:>6.1f} ms  {p95:>6.1f} ms  {worst:>6.1f} ms")
    primary.close()
    replica.close()


# --- The parent: the pair's lifecycle ---------------------------------------------------------------


def why_not() -> str:
    """Why the benchmark cannot run on this machine ("" if it can)."""
    if os.geteuid() != 0:
        return "it needs root (to run the private PostgreSQL pair as the postgres user)"
    if not (PG_BIN / "initdb").exists():
        return f"PostgreSQL's binaries are not in {PG_BIN} (set PG_BIN)"
    return ""


def can_run() -> bool:
    return not why_not()


def main() -> int:
    if reason := why_not():
        print(reason, file=sys.stderr)
        return 2
    folder = Path(tempfile.mkdtemp(prefix="palace-replica-bench-"))
    shutil.chown(folder, "postgres", "postgres")
    primary, replica = folder / "primary", folder / "replica"
    started = []
    static_root = tempfile.mkdtemp(prefix="palace_bench_static_")
    try:
        as_postgres("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        primary_port, replica_port = free_port(), free_port()
        start(primary, primary_port, folder)
        started.append(primary)
        run(
            PG_BIN / "psql",
            "-h",
            "127.0.0.1",
            "-p",
            primary_port,
            "-U",
            "postgres",
            "-c",
            f"CREATE DATABASE {DB}",
        )
        as_postgres("pg_basebackup", "-h", "127.0.0.1", "-p", primary_port, "-U", "postgres", "-D", replica,
                    "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        start(replica, replica_port, folder)
        started.append(replica)
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CELERY_BROKER_URL"}},
            "DJANGO_SETTINGS_MODULE": "palace_portal.settings.base",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary_port}/{DB}",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica_port}/{DB}",
            "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
            "CELERY_BROKER_URL": "",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_STATIC_ROOT": static_root,
        }
        print(f"primary :{primary_port}, replica :{replica_port}: migrating and seeding …", flush=True)
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            run(PYTHON, "manage.py", *command, "-v", "0", cwd=BASE_DIR, env=env, capture_output=False)
        run(PYTHON, __file__, "--measure", primary_port, replica_port, cwd=BASE_DIR, env=env,
            capture_output=False, timeout=1800)  # fmt: skip
    finally:
        for data in reversed(started):
            run(
                RUNUSER,
                "-u",
                "postgres",
                "--",
                PG_BIN / "pg_ctl",
                "-D",
                data,
                "-m",
                "fast",
                "stop",
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)
        shutil.rmtree(static_root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    if "--measure" in sys.argv:
        sys.path.insert(0, str(BASE_DIR))
        sys.path.insert(0, str(BASE_DIR / "bench"))
        index = sys.argv.index("--measure")
        measure(int(sys.argv[index + 1]), int(sys.argv[index + 2]))
    else:
        sys.exit(main())
