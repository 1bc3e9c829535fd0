"""Background work about bookings. Thin: ids in, the service (imported inside) does the work.

Every task is safe to run twice: delivery claims its row with a conditional UPDATE, the sweep and
the beat services select by status and time, so a repeated or overlapping run finds nothing left.
"""

from celery import shared_task
from django.db import DatabaseError

# A database that is briefly unreachable is worth a few retries; anything else is a bug to see.
_RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


# ignore_result: nobody reads it, and publishing then never touches the result backend (a web
# request enqueues this task, and a down Redis must not make it wait).
@shared_task(name="bookings.tasks.deliver_notification", ignore_result=True, **_RETRY)
def deliver_notification(notification_id: int) -> bool:
    """Send one outbox row (queued after the commit of `notify`, and by the sweep).

    Returns True when this run sent it; False when it was already sent, is being sent by someone
    else, or the send failed (the row records the failure and the sweep schedules the retry).
    """
    from .notifications import notification_deliver

    return notification_deliver(notification_id=notification_id)


@shared_task(name="bookings.tasks.sweep_notifications", **_RETRY)
def sweep_notifications() -> int:
    """Beat, every minute: re-queue outbox rows left behind (lost, failed, stuck). Returns the count."""
    from .notifications import notifications_sweep

    return notifications_sweep()


@shared_task(name="bookings.tasks.expire_offers", **_RETRY)
def expire_offers() -> int:
    """Beat, every minute: waitlist offers past their deadline pass to the next in line."""
    from .services.booking import offers_expire

    return offers_expire(now=None)


@shared_task(name="bookings.tasks.mark_no_shows", **_RETRY)
def mark_no_shows() -> int:
    """Beat, every 5 minutes: bookings not checked in by the end of their window become no-shows."""
    from .services.booking import no_shows_mark

    return no_shows_mark(now=None)


@shared_task(name="bookings.tasks.send_reminders", **_RETRY)
def send_reminders() -> int:
    """Beat, every 10 minutes: write reminders for bookings starting soon (the outbox sends them)."""
    from .services.booking import reminders_send

    return reminders_send(now=None)
