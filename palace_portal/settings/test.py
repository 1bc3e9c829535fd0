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
# Uploaded and demo pictures written by tests go to a scratch folder, never the project's media/.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "palace-portal-test-media"
