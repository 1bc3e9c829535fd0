"""Test settings: fast hashing, in-memory mail and SMS, eager Celery even when a broker is given."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403

# Unit tests never wait on a worker, even when CELERY_BROKER_URL points at a real broker (the
# PostgreSQL run of .ci/run sets it so that tests/integration can reach the worker it starts).
# CELERY_TEST_USE_BROKER=1 sends every task through the broker instead.
CELERY_TASK_ALWAYS_EAGER = os.environ.get("CELERY_TEST_USE_BROKER") != "1"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "palace_portal.users.sms.LocmemSmsBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"token": "1000/min"}}  # noqa: F405

# Parallel runs (pytest-xdist) against a real Redis: each worker process gets a database of its own,
# since the tests clear the cache between tests (django-redis clears a whole database).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw") and "django_redis" in CACHES["default"]["BACKEND"]:  # noqa: F405
    _index = int(_XDIST_WORKER[2:])
    _base, _, _db = CACHES["default"]["LOCATION"].rpartition("/")  # noqa: F405
    CACHES["default"]["LOCATION"] = f"{_base}/{12 - _index}"  # noqa: F405  # 14, 15: the serial run's
# Uploaded and demo pictures written by tests go to a scratch folder, never the project's media/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "palace-portal-test-media"

# DATABASE_TEST_REPLICA=1: a second alias, `replica`, mirroring the test database, with the replica
# router, so that tests/palace_portal/test_db_router.py can see which alias each read went to
# without a second server (tests/integration/test_read_replica.py uses a real streaming replica).
if os.environ.get("DATABASE_TEST_REPLICA") == "1" and "replica" not in DATABASES:  # noqa: F405
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
    DATABASE_ROUTERS = ["palace_portal.db_router.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "palace_portal.db_router.ReplicaPinMiddleware"]  # noqa: F405
