"""A Celery worker killed (SIGKILL) in the middle of a month's aggregation, then a re-run.

Two private workers on a private redis-server, both on the test's PostgreSQL database: one to be
killed, one for the other runs. The month's ledgers are first computed by a clean run; then the
data change (one more activity), and the doomed worker starts the month again. The test holds a
lock on the ledger figures' table, so the run stops inside its transaction, after it took the
month's lock and stamped the ledgers and before it writes a figure; there the whole worker is
killed. What is stored must still be exactly the clean run's figures (nothing half-written), a
re-run by the other worker must take the month's lock (the dead run's transaction is gone) and
give the new figures, and one more uninterrupted run must find nothing to change.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import date

import psycopg2
import pytest
from celery import Celery
from celery.result import allow_join_result
from django.db import connection

from activities.models import Activity
from performance.ledgers.models import Ledger, LedgerFigure
from tests.integration.faults_support import celery_worker, database_url, portal_env, private_redis, wait_for
from tests.performance.ledger_world import MONTH, build

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "performance.tasks.aggregate_month"


def _stored() -> tuple[list, list]:
    """Everything a month's run writes, but the time it ran."""
    ledgers = sorted(Ledger.objects.filter(month=MONTH).values_list("palace_id", "status", "source_rows"))
    figures = sorted(
        LedgerFigure.objects.filter(month=MONTH).values_list("palace_id", "metric", "value", "locked_value")
    )
    return ledgers, figures


def _figure(figures, palace, metric):
    return next((value for pk, code, value, _locked in figures if pk == palace.pk and code == metric), 0)


def test_a_worker_killed_mid_aggregation_leaves_the_clean_figures_and_a_rerun_matches(
    postgres, world, tmp_path, monkeypatch
):
    build(world)
    db = connection.settings_dict
    month = MONTH.strftime("%Y-%m")
    with private_redis(tmp_path) as redis:
        env = portal_env(
            DATABASE_URL=database_url(db),
            REDIS_URL=redis.url(0),
            CELERY_BROKER_URL=redis.url(1),
            CELERY_RESULT_BACKEND=redis.url(2),
            CELERY_TEST_USE_BROKER="1",
        )
        # Celery prefers these variables to an app's own configuration (CI sets them for its
        # worker): this test's client must talk to the private Redis.
        monkeypatch.setenv("CELERY_BROKER_URL", redis.url(1))
        monkeypatch.setenv("CELERY_RESULT_BACKEND", redis.url(2))
        client = Celery("faults-client", broker=redis.url(1), backend=redis.url(2))
        client.conf.task_serializer = "json"

        def run(queue: str):
            return client.send_task(TASK, args=[month], queue=queue)

        def result(queue: str):
            # The worker runs in its own process: waiting here cannot deadlock it. An earlier test's
            # in-process worker may have left Celery believing this process is one.
            with allow_join_result():
                return run(queue).get(timeout=60)

        with (
            celery_worker(env, tmp_path / "steady.log", queue="faults-steady"),
            celery_worker(env, tmp_path / "doomed.log", queue="faults-doomed") as doomed,
        ):
            clean = result("faults-steady")
            assert clean["ledgers"] >= 2
            before = _stored()
            assert before[1], "the clean run stored no figures"

            # New data for the month: the next run has something to change.
            Activity.objects.create(
                palace=world.palace_a, title="加场", kind="lecture", centre="education",
                date=date(MONTH.year, MONTH.month, 12), participants=77,
            )  # fmt: skip

            params = {
                "host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"],
                "password": db["PASSWORD"] or None, "dbname": db["NAME"],
            }  # fmt: skip
            lock, watch = psycopg2.connect(**params), psycopg2.connect(**params)
            watch.autocommit = True  # pg_stat_activity is read afresh by each statement only so
            try:
                with lock.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {LedgerFigure._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
                run("faults-doomed")
                waiting = []

                def stuck_inside_its_transaction():
                    with watch.cursor() as cursor:
                        cursor.execute(
                            "SELECT l.pid, a.backend_xid IS NOT NULL FROM pg_locks l"
                            " JOIN pg_stat_activity a ON a.pid = l.pid"
                            " WHERE l.relation = %s::regclass AND NOT l.granted",
                            [LedgerFigure._meta.db_table],
                        )
                        waiting[:] = cursor.fetchall()
                    return bool(waiting)

                wait_for(
                    stuck_inside_its_transaction,
                    timeout=60,
                    what="the doomed run",
                    log=tmp_path / "doomed.log",
                )
                ((backend, has_written),) = waiting
                assert has_written, "the run had not written anything yet: the kill would prove little"
                os.killpg(doomed.pid, signal.SIGKILL)
                doomed.wait(timeout=10)
            finally:
                lock.rollback()  # the dead run's statement goes on, then PostgreSQL finds its client gone
                lock.close()
                watch.close()

            # Nothing of the killed run is stored: the clean run's figures, ledgers and stamps.
            assert _stored() == before

            started = time.monotonic()
            rerun = result("faults-steady")
            rerun_seconds = time.monotonic() - started
            after = _stored()
            again = result("faults-steady")

    print(f"\nKilled mid-aggregation (backend {backend}); re-run took {rerun_seconds:.2f} s")
    assert rerun["ledgers"] == clean["ledgers"]
    assert rerun["created"] == 0
    # The re-run counts the new activity, and nothing else changed.
    assert (
        _figure(after[1], world.palace_a, "activities")
        == _figure(before[1], world.palace_a, "activities") + 1
    )
    assert (
        _figure(after[1], world.palace_a, "person_times")
        == _figure(before[1], world.palace_a, "person_times") + 77
    )
    unchanged = [row for row in after[1] if row[0] != world.palace_a.pk]
    assert unchanged == [row for row in before[1] if row[0] != world.palace_a.pk]
    # An uninterrupted run over the same rows gives exactly the re-run's figures.
    assert _stored() == after
    assert again["figures"] == rerun["figures"]
    assert again["source_rows"] == rerun["source_rows"]
