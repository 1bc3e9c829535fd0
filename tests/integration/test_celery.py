"""Background work: messages go through the real broker to a real worker and come back."""

import pytest
from celery.result import AsyncResult
from django.conf import settings


def test_task_round_trips_through_broker_and_worker(celery_worker):
    from palace_portal.celery import ping

    result = ping.delay()
    assert isinstance(result, AsyncResult)  # not an EagerResult: it really left this process
    assert result.get(timeout=30) == "pong"
    assert result.status == "SUCCESS"


def test_worker_knows_every_scheduled_task(celery_worker):
    # A beat entry naming a task the worker does not have would fail silently in production.
    registered = celery_worker.control.inspect(timeout=5).registered() or {}
    known = {name for names in registered.values() for name in names}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled, "CELERY_BEAT_SCHEDULE is empty"
    assert scheduled - known == set()


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_scheduled_task_runs_on_the_worker(celery_worker, entry):
    # The worker runs against its own, migrated PostgreSQL database (.ci/run), not this test's.
    schedule = settings.CELERY_BEAT_SCHEDULE[entry]
    result = celery_worker.send_task(
        schedule["task"], args=schedule.get("args", ()), kwargs=schedule.get("kwargs", {})
    )
    result.get(timeout=60)
    assert result.status == "SUCCESS"
