"""A real streaming replica: dashboards and exports read from it, writes and pins go to the primary.

The fixture builds a private pair next to the shared server (which it never touches): `initdb` a
primary on a free port, `pg_basebackup -R` a hot standby from it on another, starts both, and
loads the schema of this run's test database (`pg_dump --schema-only`, no migrations to run).
A separate Python process then points `DATABASE_URL` at the primary and `DATABASE_REPLICA_URL`
at the standby and drives the pages with Django's test client. Both servers are stopped and
their files removed afterwards, whatever happened. About 10 s.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from .conftest import unavailable

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
DB = "portal"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(*command, **options) -> subprocess.CompletedProcess:
    options = {"check": True, "capture_output": True, "text": True, "timeout": 60} | options
    return subprocess.run([str(part) for part in command], **options)  # noqa: S603 - our own arguments


def _as_postgres(program: str, *arguments, **options) -> subprocess.CompletedProcess:
    """A PostgreSQL program as the postgres user (the server refuses to run as root)."""
    return _run(RUNUSER, "-u", "postgres", "--", PG_BIN / program, *arguments, **options)


def _psql(port: int, *arguments, **options) -> subprocess.CompletedProcess:
    return _run(PG_BIN / "psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-v", "ON_ERROR_STOP=1",
                "-qAt", *arguments, **options)  # fmt: skip


def _start(data: Path, port: int, folder: Path) -> None:
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} "
        "-c fsync=off -c full_page_writes=off -c shared_buffers=16MB -c max_connections=20"
    )
    _as_postgres("pg_ctl", "-D", data, "-o", options, "-l", f"{data}.log", "-w", "start")


@pytest.fixture
def streaming_pair(postgres, django_db_setup):
    """(primary port, replica port, replica's folder) of a private primary and its streaming
    replica, with the schema."""
    if not (PG_BIN / "initdb").exists() or not Path(RUNUSER).exists() or os.geteuid() != 0:
        unavailable(f"needs root, runuser and PostgreSQL's binaries in {PG_BIN}")
    source = connection.settings_dict  # this run's test database: its schema is copied
    folder = Path(tempfile.mkdtemp(prefix="palace-replica-"))
    shutil.chown(folder, "postgres", "postgres")
    primary, replica = folder / "primary", folder / "replica"
    started = []
    try:
        _as_postgres("initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        primary_port, replica_port = _free_port(), _free_port()
        _start(primary, primary_port, folder)
        started.append(primary)
        _psql(primary_port, "-c", f"CREATE DATABASE {DB}")
        address = ["-h", source["HOST"] or "127.0.0.1", "-p", source["PORT"] or 5432]
        dump = _run(PG_BIN / "pg_dump", "--schema-only", "--no-owner", *address,
                    "-U", source["USER"] or "postgres", source["NAME"])  # fmt: skip
        _psql(primary_port, "-d", DB, input=dump.stdout)
        _as_postgres("pg_basebackup", "-h", "127.0.0.1", "-p", primary_port, "-U", "postgres", "-D", replica,
                     "-R", "-X", "stream", "-c", "fast", "--no-sync")  # fmt: skip
        _start(replica, replica_port, folder)
        started.append(replica)
        yield primary_port, replica_port, replica
    finally:
        for data in reversed(started):
            # The scenario may have stopped the replica already.
            _as_postgres("pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(folder, ignore_errors=True)


# Runs in the other process, against the pair; prints what it saw as one line of JSON.
SCENARIO = r"""
import json, time
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from palace_portal.db_router import PIN_COOKIE, primary_lsn, replica_has_replayed
from tests.conftest import build_world
from tests.factories import PalaceFactory
from venues.models import Palace

out = {}
primary, replica = connections["default"], connections["replica"]
world = build_world()  # every write of it goes to the primary: the replica refuses writes


def caught_up(timeout=10):
    lsn, deadline = primary_lsn(), time.monotonic() + timeout
    while not replica_has_replayed(lsn):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.02)


def in_service_count(client):
    # The provincial overview as CSV: palaces in service in city 1 (row of code 360100).
    response = client.get(reverse("venues:network_overview") + "?format=csv")
    assert response.status_code == 200, response.status_code
    row = next(line for line in response.content.decode().splitlines() if line.startswith("360100"))
    return int(row.split(",")[2])


def traced(call):
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(primary) as on_primary:
        value = call()
    sql = lambda context: [query["sql"] for query in context.captured_queries]
    return value, sql(on_replica), sql(on_primary)


caught_up()
with replica.cursor() as cursor:
    cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
    out["replica_in_recovery"], out["replica_port"] = cursor.fetchone()

officer = Client()
officer.force_login(world.province_officer)
out["count_before"], on_replica, on_primary = traced(lambda: in_service_count(officer))
out["overview_replica_queries"] = len(on_replica)
out["overview_primary_palace_reads"] = sum("venues_palace" in q for q in on_primary)

response, on_replica, on_primary = traced(lambda: officer.get(reverse("performance:dashboard_province")))
out["dashboard_status"] = response.status_code
out["dashboard_replica_queries"] = len(on_replica)
out["dashboard_primary_ledger_reads"] = sum("performance_" in q for q in on_primary)

# Replay paused: the replica stops at this point of the primary's log.
with replica.cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_pause()")
PalaceFactory(region=world.city1, status=Palace.Status.IN_SERVICE)  # a write on the primary
out["count_paused_other_reader"] = in_service_count(officer)  # not pinned: the replica, stale
writer = Client()
writer.force_login(world.province_officer)
response = writer.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
out["pin_cookie"] = response.cookies[PIN_COOKIE].value if PIN_COOKIE in response.cookies else None
out["count_paused_writer"], on_replica, _ = traced(lambda: in_service_count(writer))  # pinned: primary
out["writer_replica_data_reads"] = sum("venues_palace" in q for q in on_replica)
# The dashboards' cache: the palace bumped the data version; the replica has not replayed it.
response, on_replica, on_primary = traced(lambda: officer.get(reverse("performance:dashboard_province")))
out["dashboard_paused_replica_ledger_reads"] = sum("performance_" in q for q in on_replica)
out["dashboard_paused_primary_ledger_reads"] = sum("performance_" in q for q in on_primary)

with replica.cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_resume()")
caught_up()
out["count_resumed_other_reader"], on_replica, _ = traced(lambda: in_service_count(officer))
out["resumed_replica_queries"] = len(on_replica)

# The replica goes away: its readers are answered from the primary, and once it has failed it is
# not asked again for the breaker's period (no connect attempt per request).
import os, subprocess
from palace_portal.db_router import replica_breaker
subprocess.run(os.environ["STOP_REPLICA"].split("\t"), check=True, capture_output=True)
replica.close()
out["down_count"] = in_service_count(officer)
out["down_breaker_open"] = replica_breaker.is_open
attempts = []
real_connect = replica.connect
replica.connect = lambda: attempts.append(1) or real_connect()
with CaptureQueriesContext(primary) as on_primary:  # (capturing the replica would connect to it)
    out["down_again_count"] = in_service_count(officer)
out["down_again_connect_attempts"] = len(attempts)
out["down_again_primary_palace_reads"] = sum("venues_palace" in q["sql"] for q in on_primary.captured_queries)
print("RESULT " + json.dumps(out))
"""


@pytest.mark.django_db  # for this run's test database, whose schema the pair gets
def test_dashboards_and_exports_read_from_a_streaming_replica(streaming_pair):
    primary_port, replica_port, replica_data = streaming_pair
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND", "DATABASE_TEST_REPLICA"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.test",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary_port}/{DB}",
        "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica_port}/{DB}",
        "REPLICA_BREAKER_SECONDS": "60",  # longer than the scenario: a second attempt would be seen
        "STOP_REPLICA": "\t".join(
            map(
                str,
                [
                    RUNUSER,
                    "-u",
                    "postgres",
                    "--",
                    PG_BIN / "pg_ctl",
                    "-D",
                    replica_data,
                    "-m",
                    "immediate",
                    "stop",
                ],
            )
        ),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", SCENARIO],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0, result.stderr[-3000:]
    assert lines, result.stdout[-3000:]
    seen = json.loads(lines[-1].removeprefix("RESULT "))

    assert seen["replica_in_recovery"] is True
    assert seen["replica_port"] == str(replica_port)
    # Reports read the replica; the primary is only asked who is signed in.
    assert seen["count_before"] == 1
    assert seen["overview_replica_queries"] > 0
    assert seen["overview_primary_palace_reads"] == 0
    assert seen["dashboard_status"] == 200
    assert seen["dashboard_replica_queries"] > 0
    assert seen["dashboard_primary_ledger_reads"] == 0
    # Replay paused: another reader sees the replica's (older) state, which proves where it read;
    # the person who just wrote is pinned to the primary by the WAL position in their cookie.
    assert seen["count_paused_other_reader"] == 1
    assert seen["pin_cookie"]
    assert seen["count_paused_writer"] == 2
    assert seen["writer_replica_data_reads"] == 0
    # A dashboard computed under the new data version is read from the primary, not the stale copy.
    assert seen["dashboard_paused_replica_ledger_reads"] == 0
    assert seen["dashboard_paused_primary_ledger_reads"] > 0
    # Replay resumed and caught up: the replica again, with the new palace.
    assert seen["count_resumed_other_reader"] == 2
    assert seen["resumed_replica_queries"] > 0
    # The replica stopped: the page is answered from the primary; the replica, marked down, is
    # not even connected to on the next request.
    assert seen["down_count"] == 2
    assert seen["down_breaker_open"] is True
    assert seen["down_again_count"] == 2
    assert seen["down_again_connect_attempts"] == 0
    assert seen["down_again_primary_palace_reads"] > 0
