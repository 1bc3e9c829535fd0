"""Tests against the real services: PostgreSQL, Redis and a Celery worker.

Every test in this folder is marked `integration`. They need the services named by the
environment (`DATABASE_URL`, `REDIS_URL`, `CELERY_BROKER_URL`) and skip, with the reason, when
one is missing, so `pytest` on a laptop stays green. `.ci/run` starts the services and a worker
and sets `REQUIRE_SERVICES=1`, which turns each of those skips into a failure.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


def unavailable(reason: str):
    """Skip for want of a service, or fail when the run promised the services (REQUIRE_SERVICES=1)."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1 says it must be there)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def postgres():
    """The default database is PostgreSQL (DATABASE_URL=postgres://...)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        unavailable("DATABASE_URL does not name a PostgreSQL database")


@pytest.fixture
def redis_cache():
    """The default cache is Redis (REDIS_URL) and it answers."""
    if not os.environ.get("REDIS_URL"):
        unavailable("REDIS_URL is not set")
    from django_redis import get_redis_connection

    try:
        get_redis_connection("default").ping()
    except Exception as error:  # any failure means the same thing here
        unavailable(f"Redis at REDIS_URL does not answer: {error}")


@pytest.fixture
def celery_worker():
    """A worker consumes from CELERY_BROKER_URL; tasks sent in the test go through it, not eagerly."""
    if not settings.CELERY_BROKER_URL:
        unavailable("CELERY_BROKER_URL is not set")
    from palace_portal.celery import app

    deadline = time.monotonic() + 30  # .ci/run starts the worker just before pytest
    replies = []
    while not replies and time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
    if not replies:
        unavailable(f"no Celery worker answers on {settings.CELERY_BROKER_URL}")
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # Celery's eager mode guards each call with a process-wide "joining would block" flag that it
    # sets and restores without a lock; eager calls from many threads at once (the booking races)
    # can leave it set, and then every result.get() here refuses. This process is no worker.
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
    yield app
    app.conf.task_always_eager = eager


@pytest.fixture
def django_process():
    """Factory: run code in another Python process with Django set up as in this test run."""
    return run_django_script


def run_django_script(code: str, *args: str, wait: bool = True):
    """Run `code` in a fresh Python process with Django set up as in this test run.

    A separate process has its own memory: whatever it shares with this one went through a real
    service. Returns the CompletedProcess, or the Popen when `wait` is False.
    """
    prelude = "import django\ndjango.setup()\n"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "palace_portal.settings.test"}
    command = [sys.executable, "-c", prelude + code, *args]
    if not wait:
        return subprocess.Popen(  # noqa: S603 - our own interpreter and code
            command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    return subprocess.run(  # noqa: S603
        command, cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=False
    )
