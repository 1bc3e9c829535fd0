"""Background work about people."""

from celery import shared_task


@shared_task(name="palace_portal.users.tasks.purge_expired_codes")
def purge_expired_codes() -> int:
    """Delete one-time codes past their expiry (hourly, from beat). Idempotent; returns the count."""
    from .services import otp_purge_expired

    return otp_purge_expired()
