"""Background work about classes. Thin: the service (imported inside) does the work."""

from celery import shared_task
from django.db import DatabaseError


@shared_task(
    name="activities.tasks.draw_due_lotteries",
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=5,
)
def draw_due_lotteries() -> int:
    """Beat, every 5 minutes: draw the lotteries whose enrolment has closed. Safe to run twice:
    a drawn course is no longer due, and the draw itself refuses a second run."""
    from activities.classes.services import lotteries_draw_due

    return lotteries_draw_due(now=None)
