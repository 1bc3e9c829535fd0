"""Dashboard benchmark: the provincial dashboard's server time over a province's ledgers, on PostgreSQL.

    .venv/bin/python bench/dashboard_bench.py       (also run by bench/run.py, `make bench`)

What it does, and undoes, by itself:
1. creates a database `palace_bench_dash_<pid>` on PostgreSQL at 127.0.0.1:5432 (user postgres)
   and migrates it;
2. in a child process with that database: seeds the demo network (Jiangxi's 111 units, its
   palaces, the demo accounts) and, at `--factor N` (default 10), N − 1 twins of every palace in
   service; then a ledger for every palace in service and every month of 2023–2025 with every
   counted catalogue metric non-zero, written by two INSERT … SELECT statements (deterministic:
   values are functions of the ids; ×1: ~3,500 ledgers and ~280,000 figures; ×10: 35,280 and
   3.56 million);
3. times, in-process (Django's test client: the server's own time, no network), the provincial
   dashboard for 2024 and for March 2024, a city's dashboard, a palace's, and the rankings API:
   5 warm-up requests then 40 timed ones each, median and 95th percentile in milliseconds; the
   dashboards' data is cached (performance.dashboards.caching), so the provincial and the city
   dashboard are also timed at the first view after a ledger write (the ledger data version moved
   before each request, as the aggregation and the workflow move it) and with the cache emptied
   before each request (everything computed afresh), 15 requests each;
4. adds 300,000 raw activity rows for 2024 and times the provincial dashboard again: the ledgers,
   not the raw rows, are read, so the time must stay where it was;
5. prints the table and drops the database.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pg import database_url, psql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WARM, TIMED = 5, 40
YEARS = (2023, 2024, 2025)
RAW_ACTIVITIES = 300_000
GOAL_MS = 20
COLD_TIMED = 15  # requests timed after a write (each recomputes the dashboard)
REBUILD_MS: list[float] = []
FACTOR = 10  # `--factor N`: the province × N (palaces in service, their ledgers)


def _option(name: str, default: str | None = None) -> str | None:
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


def _factor() -> int:
    if "--factor" in sys.argv:
        return int(sys.argv[sys.argv.index("--factor") + 1])
    return FACTOR


# --- Inside Django (the child process) --------------------------------------------------------------


def _seed(factor: int) -> dict:
    from django.db import connection, transaction

    import venues.demo
    from performance.ledgers import rollups
    from performance.ledgers.metrics import METRICS
    from performance.ledgers.models import LedgerFigure
    from venues.demo.builder import DemoContext
    from venues.models import Palace

    with transaction.atomic():
        ctx = DemoContext(seed=2026, today=date(2026, 1, 15))
        for step in venues.demo.DEMO_STEPS:
            step.build(ctx)
    # ×N: every palace in service has N − 1 twins in its region (same level, in service), so the
    # province has N times the palaces, each keeping ledgers like the demo's.
    originals = list(Palace.objects.in_service().order_by("pk"))
    twins = []
    for copy in range(1, factor):
        for palace in originals:
            twin = Palace(name=f"{palace.name}（{copy}）", level=palace.level, status=palace.status)
            twin.region_id = palace.region_id
            twins.append(twin)
    Palace.objects.bulk_create(twins, batch_size=2000)
    codes = [m.code for m in METRICS if not m.manual and not m.is_derived]
    months = [date(year, month, 1) for year in YEARS for month in range(1, 13)]
    # Ledgers and figures written by the database itself (deterministic: statuses and values are
    # functions of the ids), a few seconds even at ×10 (~35,000 ledgers, ~2.8 million figures).
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO performance_ledger (palace_id, month, status, source_rows)
            SELECT p.id, m.month, (ARRAY['open', 'submitted', 'accepted'])[1 + (p.id * 31 + m.n) %% 3], 0
            FROM venues_palace p CROSS JOIN unnest(%s::date[]) WITH ORDINALITY AS m(month, n)
            WHERE p.status = 'in_service'
            """,
            [months],
        )
        cursor.execute(
            """
            INSERT INTO performance_ledgerfigure (ledger_id, palace_id, month, metric, value)
            SELECT l.id, l.palace_id, l.month, c.code, 1 + (l.id * 7919 + c.n * 104729) %% 5000
            FROM performance_ledger l CROSS JOIN unnest(%s::varchar[]) WITH ORDINALITY AS c(code, n)
            """,
            [codes],
        )
        cursor.execute("ANALYZE")
    # The rows above bypass the writers: the dashboards' rollups are built from them at once, as
    # the data migration builds them for ledgers already kept.
    started = time.perf_counter()
    rollups.rebuild()
    REBUILD_MS.append((time.perf_counter() - started) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "palaces": Palace.objects.in_service().count(),
        "ledgers": len(originals) * factor * len(months),
        "figures": LedgerFigure.objects.count(),
    }


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


def _time(client, path: str, params: dict, *, cold: str = "", timed: int = TIMED) -> tuple[float, float]:
    """Median and p95 in ms. `cold="empty"` empties the cache before each request (outside the
    timing): everything computed afresh, the panels and the coverage map too (after a write to
    the network's tables); `cold="ledger"` moves the ledger data version only, as the
    aggregation and the workflow do: the first view after a ledger write."""
    from django.core.cache import cache

    from performance.ledgers import data_version

    for _ in range(WARM):
        assert client.get(path, params).status_code == 200
    samples = []
    for _ in range(timed):
        if cold == "empty":
            cache.clear()
        elif cold in ("ledger", "refreshed", "pending"):
            # A ledger write as the workflow makes it: its palace-month's rollups refreshed in
            # its transaction (the writer's cost, timed apart in `_write_costs`), the version moved.
            _one_ledger_write()
            data_version._bump()
            if cold == "pending":
                # With a worker, the write's commit queued the refresh and marked it pending
                # (warming.warm_soon; here tasks run eagerly, so the mark is set by hand): the
                # officer arriving before it has run is served the last dashboard, marked stale.
                from performance.dashboards import caching

                cache.set(caching.PENDING_KEY, 1, timeout=60)
            if cold == "refreshed":
                # The worker's refresh-ahead after the write (timed apart in `_write_costs`): an
                # officer arriving once it has run.
                from performance.dashboards import warming
                from performance.rankings.periods import Period

                warming.warm(Period.of_year(int(params.get("year", "2024"))))  # the bench's "this year"
        started = time.perf_counter()
        response = client.get(path, params)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def _one_ledger_write() -> None:
    from django.db import transaction

    from performance.ledgers import rollups
    from performance.ledgers.models import Ledger

    ledger = Ledger.objects.filter(month=date(2024, 3, 1)).order_by("palace_id").first()
    with transaction.atomic():
        rollups.refresh(months=[ledger.month], palace_ids=[ledger.palace_id])


def _write_costs() -> list[tuple[str, float, float]]:
    """What the writers pay for the rollups: an acceptance's (or reopening's, a manual line's)
    refresh of its palace-month, the refresh at the end of the whole province's month aggregation
    (committed: the data does not change), and a real acceptance through the workflow service."""
    from django.db import transaction

    from performance.ledgers import rollups
    from performance.ledgers.models import Ledger
    from performance.workflow import services as workflow
    from venues.models import StaffAssignment

    def timed(action, count: int) -> tuple[float, float]:
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            action()
            samples.append((time.perf_counter() - started) * 1000)
        samples.sort()
        return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]

    def month_refresh() -> None:
        with transaction.atomic():
            rollups.refresh(months=[date(2024, 3, 1)], palace_ids=None)

    officer = StaffAssignment.objects.filter(role="province_officer").first().user
    submitted = list(
        Ledger.objects.filter(status=Ledger.Status.SUBMITTED, month__year=2024).order_by("pk")[:COLD_TIMED]
    )

    def accept() -> None:
        ledger = submitted.pop()
        workflow.ledger_accept(actor=officer, ledger=ledger)

    from performance.dashboards import warming
    from performance.ledgers import data_version
    from performance.rankings.periods import Period

    def refresh_ahead() -> None:
        data_version._bump()
        warming.warm(Period.of_year(2024))  # the bench's ledgers stop at 2025: 2024 stands in

    costs = [
        ("write: rollup refresh of one palace-month (acceptance, reopening, manual line)",
         *timed(_one_ledger_write, COLD_TIMED)),
        (f"worker: refresh-ahead after a write (province + {len(warming.cities())} cities)",
         *timed(refresh_ahead, 5)),
        ("write: rollup refresh of the whole province's month (end of the aggregation)",
         *timed(month_refresh, 5)),
        ("write: one provincial acceptance through the workflow service (all of it)",
         *timed(accept, min(COLD_TIMED, len(submitted)))),
    ]  # fmt: skip
    if REBUILD_MS:
        costs.append(("rollups rebuilt from scratch (every ledger, once)", REBUILD_MS[0], REBUILD_MS[0]))
    return costs


def measure() -> None:
    import django

    django.setup()
    from django.test import Client

    from palace_portal.users.models import User

    # The bench's ledgers stop at 2025: 2024 stands in for the year under way, the period the
    # dashboards open on, which the refresh-ahead computes and which may be served stale.
    from performance.dashboards import selectors
    from performance.rankings.periods import Period
    from venues.models import Palace, Region, StaffAssignment

    selectors.default_period = lambda today=None: Period.of_year(2024)

    # `--no-seed`: time an already seeded database again (when tuning by hand).
    seeded = _seed(_factor()) if "--no-seed" not in sys.argv else _counts()
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
    after_write = (
        ("ledger", "first view after a ledger write"),
        ("pending", "first view after a write, refresh pending (served stale)"),
        ("refreshed", "first view after a write, refreshed ahead"),
        ("empty", "empty cache"),
    )
    for label, path, params in (rows[0], rows[2]):
        for cold, name in after_write:
            results.append((f"{label}, {name}", *_time(client, path, params, cold=cold, timed=COLD_TIMED)))
    results += _write_costs()
    if "--no-seed" not in sys.argv:
        _raw_activities()
    results.append(
        (f"provincial dashboard, 2024, +{RAW_ACTIVITIES:,} raw rows", *_time(client, rows[0][1], rows[0][2]))
    )
    print(
        f"Dashboard benchmark: PostgreSQL, province ×{_factor()}, {seeded['palaces']:,} palaces in service, "
        f"{seeded['ledgers']:,} ledgers, {seeded['figures']:,} figures; in-process server time over "
        f"{TIMED} requests ({COLD_TIMED} after a write) (goal: provincial dashboard under {GOAL_MS} ms)"
    )
    width = max(len(label) for label, *_ in results)
    print(f"  {'':<{width}}  {'median':>9}  {'p95':>9}")
    for label, median, p95 in results:
        print(f"  {label:<{width}}  {median:>6.1f} ms  {p95:>6.1f} ms")


# --- The parent: database lifecycle -----------------------------------------------------------------


def main() -> int:
    # `--db NAME` (default palace_bench_dash_<pid>); `--keep` keeps it; `--reuse` measures a kept
    # one again (no creation, migration or seeding).
    db = _option("--db") or f"palace_bench_dash_{os.getpid()}"
    reuse, keep = "--reuse" in sys.argv, "--keep" in sys.argv or "--reuse" in sys.argv
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.base",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url(db),
        "DJANGO_ALLOWED_HOSTS": "testserver,localhost",
        "CELERY_BROKER_URL": "",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # DEBUG off means hashed static names: collected into a throw-away folder.
        "DJANGO_STATIC_ROOT": tempfile.mkdtemp(prefix="palace_bench_static_"),
    }
    if not reuse:
        psql("postgres", f"CREATE DATABASE {db}")
    try:
        print(
            f"database {db}: migrating, seeding the network ×{_factor()} and three years of ledgers …",
            flush=True,
        )
        commands = (
            [["collectstatic", "--noinput"]]
            if reuse
            else [["migrate", "--noinput"], ["collectstatic", "--noinput"]]
        )
        for command in commands:
            subprocess.run(
                [PYTHON, "manage.py", *command, "-v", "0"], cwd=BASE_DIR, env=env, check=True, timeout=600
            )
        subprocess.run(
            [PYTHON, __file__, "--measure", "--factor", str(_factor()), *(["--no-seed"] if reuse else [])],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=2400,
        )
    finally:
        if not keep:
            psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        shutil.rmtree(env["DJANGO_STATIC_ROOT"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    if "--measure" in sys.argv:
        sys.path.insert(0, str(BASE_DIR))
        measure()
    else:
        sys.exit(main())
