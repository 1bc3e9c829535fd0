"""Celery application. Configuration comes from Django settings under the CELERY_ namespace."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "palace_portal.settings.base")

app = Celery("palace_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="palace_portal.ping")
def ping() -> str:
    """Diagnostic: proves a message went through the broker to a worker and back (tests/integration)."""
    return "pong"
