"""Background work about people."""

from celery import shared_task


@shared_task(name="palace_portal.users.tasks.purge_expired_codes")
def purge_expired_codes() -> int:
    """Delete one-time codes past their expiry (hourly, from beat). Idempotent; returns the count."""
    from .services import otp_purge_expired

    return otp_purge_expired()


@shared_task(name="palace_portal.users.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete sessions past their expiry (nightly, from beat), as `manage.py clearsessions` does:
    with sessions in the database and many workers signing in, the table would only grow."""
    from importlib import import_module

    from django.conf import settings

    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
