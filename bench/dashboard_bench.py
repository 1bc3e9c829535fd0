"""Dashboard benchmark: the provincial dashboard's server time over a province's ledgers, on PostgreSQL.

    .venv/bin/python bench/dashboard_bench.py       (also run by bench/run.py, `make bench`)

What it does, and undoes, by itself:
1. creates a database `palace_bench_dash_<pid>` on PostgreSQL at 127.0.0.1:5432 (user postgres)
   and migrates it;
2. in a child process with that database: seeds the demo network (Jiangxi's 111 units, its
   palaces, the demo accounts), then a ledger for every palace in service and every month of
   2023–2025 with every counted catalogue metric non-zero (about 3,500 ledgers and 230,000
   figures: a province's three years);
3. times, in-process (Django's test client: the server's own time, no network), the provincial
   dashboard for 2024 and for March 2024, a city's dashboard, a palace's, and the rankings API:
   5 warm-up requests then 40 timed ones each, median and 95th percentile in milliseconds; the
   dashboards' data is cached (performance.dashboards.caching), so the provincial dashboard is
   also timed with the cache emptied before each request (cold: computed afresh);
4. adds 300,000 raw activity rows for 2024 and times the provincial dashboard again: the ledgers,
   not the raw rows, are read, so the time must stay where it was;
5. prints the table and drops the database.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
WARM, TIMED = 5, 40
YEARS = (2023, 2024, 2025)
RAW_ACTIVITIES = 300_000
GOAL_MS = 20


def psql(db: str, sql: str) -> str:
    completed = subprocess.run(
        ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt",
         "-c", sql],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return completed.stdout.strip()


# --- Inside Django (the child process) --------------------------------------------------------------


def _seed() -> dict:
    from django.db import connection, transaction

    import venues.demo
    from performance.ledgers.metrics import METRICS
    from performance.ledgers.models import Ledger, LedgerFigure
    from venues.demo.builder import DemoContext
    from venues.models import Palace

    rng = random.Random(2026)
    with transaction.atomic():
        ctx = DemoContext(seed=2026, today=date(2026, 1, 15))
        for step in venues.demo.DEMO_STEPS:
            step.build(ctx)
    palaces = list(Palace.objects.in_service().values_list("pk", "level"))
    codes = [m.code for m in METRICS if not m.manual and not m.is_derived]
    months = [date(year, month, 1) for year in YEARS for month in range(1, 13)]
    ledgers = Ledger.objects.bulk_create(
        [
            Ledger(palace_id=pk, month=month, status=rng.choice(["open", "submitted", "accepted"]))
            for pk, _level in palaces
            for month in months
        ],
        batch_size=2000,
    )
    figures = []
    for ledger in ledgers:
        for code in codes:
            figures.append(
                LedgerFigure(
                    ledger_id=ledger.pk,
                    palace_id=ledger.palace_id,
                    month=ledger.month,
                    metric=code,
                    value=rng.randint(1, 5000),
                )
            )
        if len(figures) >= 20_000:
            LedgerFigure.objects.bulk_create(figures)
            figures = []
    LedgerFigure.objects.bulk_create(figures)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"palaces": len(palaces), "ledgers": len(ledgers), "figures": LedgerFigure.objects.count()}


def _counts() -> dict:
    from performance.ledgers.models import Ledger, LedgerFigure
    from venues.models import Palace

    return {
        "palaces": Palace.objects.in_service().count(),
        "ledgers": Ledger.objects.count(),
        "figures": LedgerFigure.objects.count(),
    }


def _raw_activities() -> int:
    """Raw rows the dashboards must not read: 300,000 activities dated 2024, in one statement."""
    from django.db import connection

    from venues.models import Palace

    ids = list(Palace.objects.in_service().values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO activities_activity (palace_id, title, kind, centre, off_site, date, participants,
                online_viewers, likes, partner_kind, partner_name, programme, created_at)
            SELECT (%s::int[])[1 + (n %% %s)], '职工读书分享会', 'reading_exchange', 'education', '社区', 
                   DATE '2024-01-01' + (n %% 366), 20 + n %% 80, 0, 0, 'none', '', '', now()
            FROM generate_series(1, %s) AS n
            """,
            [ids, len(ids), RAW_ACTIVITIES],
        )
        cursor.execute("ANALYZE activities_activity")
    return RAW_ACTIVITIES


def _time(client, path: str, params: dict, *, cold: bool = False) -> tuple[float, float]:
    """Median and p95 in ms; `cold` empties the cache before each request (outside the timing):
    the first view after a write, when the dashboard's data must be computed afresh."""
    from django.core.cache import cache

    for _ in range(WARM):
        assert client.get(path, params).status_code == 200
    samples = []
    for _ in range(TIMED):
        if cold:
            cache.clear()
        started = time.perf_counter()
        response = client.get(path, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def measure() -> None:
    import django

    django.setup()
    from django.test import Client

    from palace_portal.users.models import User
    from venues.models import Palace, Region, StaffAssignment

    # `--no-seed`: time an already seeded database again (when tuning by hand).
    seeded = _seed() if "--no-seed" not in sys.argv else _counts()
    officer = StaffAssignment.objects.filter(role="province_officer").first().user
    city = Region.objects.get(code="360100")
    palace = Palace.objects.in_service().filter(region=city).first()
    client = Client()
    client.force_login(User.objects.get(pk=officer.pk))
    rows = [
        ("provincial dashboard, 2024", "/performance/dashboard/", {"year": "2024"}),
        ("provincial dashboard, 2024-03", "/performance/dashboard/", {"month": "2024-03"}),
        ("city dashboard (南昌市), 2024", f"/performance/dashboard/city/{city.pk}/", {"year": "2024"}),
        ("palace dashboard, 2024", f"/performance/dashboard/palace/{palace.pk}/", {"year": "2024"}),
        ("GET /api/v1/rankings/ (year)", "/api/v1/rankings/", {"metric": "person_times", "year": "2024"}),
    ]
    results = [(label, *_time(client, path, params)) for label, path, params in rows]
    results.append(
        ("provincial dashboard, 2024, cold cache", *_time(client, rows[0][1], rows[0][2], cold=True))
    )
    if "--no-seed" not in sys.argv:
        _raw_activities()
    results.append(
        (f"provincial dashboard, 2024, +{RAW_ACTIVITIES:,} raw rows", *_time(client, rows[0][1], rows[0][2]))
    )
    print(
        f"Dashboard benchmark: PostgreSQL, {seeded['palaces']} palaces in service, {seeded['ledgers']:,} "
        f"ledgers, {seeded['figures']:,} figures; in-process server time over {TIMED} requests "
        f"(goal: provincial dashboard under {GOAL_MS} ms)"
    )
    width = max(len(label) for label, *_ in results)
    print(f"  {'':<{width}}  {'median':>9}  {'p95':>9}")
    for label, median, p95 in results:
        print(f"  {label:<{width}}  {median:>6.1f} ms  {p95:>6.1f} ms")


# --- The parent: database lifecycle -----------------------------------------------------------------


def main() -> int:
    db = f"palace_bench_dash_{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.base",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}",
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "CELERY_BROKER_URL": "",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # DEBUG off means hashed static names: collected into a throw-away folder.
        "DJANGO_STATIC_ROOT": tempfile.mkdtemp(prefix="palace_bench_static_"),
    }
    psql("postgres", f"CREATE DATABASE {db}")
    try:
        print(f"database {db}: migrating, seeding the network and three years of ledgers …", flush=True)
        for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
            subprocess.run(
                [PYTHON, "manage.py", *command, "-v", "0"], cwd=BASE_DIR, env=env, check=True, timeout=600
            )
        subprocess.run([PYTHON, __file__, "--measure"], cwd=BASE_DIR, env=env, check=True, timeout=1200)
    finally:
        psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(env["DJANGO_STATIC_ROOT"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    if "--measure" in sys.argv:
        sys.path.insert(0, str(BASE_DIR))
        measure()
    else:
        sys.exit(main())
