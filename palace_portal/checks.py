"""System checks for deployments of several processes (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def shared_cache_check(app_configs, **kwargs):
    """Production runs several processes (gunicorn workers, Celery workers, often several hosts):
    rate limits, the dashboards' data version and the throttles must live in one shared cache.
    A per-process cache would multiply every limit by the number of processes and let a worker's
    ledger update go unseen by the web processes' dashboards."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend in LOCAL_CACHES:
        return [
            Error(
                "The default cache is local to each process.",
                hint="Set REDIS_URL: limits and cached dashboards must be shared by every process.",
                id="portal.E001",
            )
        ]
    return []
