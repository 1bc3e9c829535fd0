"""Background work about bookings. Thin: ids in, the service (imported inside) does the work.

Every task is safe to run twice: delivery claims its row with a conditional UPDATE, the sweep and
the beat services select by status and time, so a repeated or overlapping run finds nothing left.

The outbox's two tasks (`deliver_notification`, `sweep_notifications`) live in `bookings.outbox`
under their old names here; importing them below registers them when Celery discovers this module.
"""

from celery import shared_task

from .outbox import TASK_RETRY, deliver_notification, deliver_notifications, sweep_notifications

__all__ = [
    "deliver_notification",
    "deliver_notifications",
    "expire_offers",
    "mark_no_shows",
    "send_reminders",
    "sweep_notifications",
]


@shared_task(name="bookings.tasks.expire_offers", **TASK_RETRY)
def expire_offers() -> int:
    """Beat, every minute: waitlist offers past their deadline pass to the next in line."""
    from .services.jobs import offers_expire

    return offers_expire(now=None)


@shared_task(name="bookings.tasks.mark_no_shows", **TASK_RETRY)
def mark_no_shows() -> int:
    """Beat, every 5 minutes: bookings not checked in by the end of their window become no-shows."""
    from .services.jobs import no_shows_mark

    return no_shows_mark(now=None)


@shared_task(name="bookings.tasks.send_reminders", **TASK_RETRY)
def send_reminders() -> int:
    """Beat, every 10 minutes: write reminders for bookings starting soon (the outbox sends them)."""
    from .services.jobs import reminders_send

    return reminders_send(now=None)
