"""The beat's jobs about bookings: offers expiring, no-shows, reminders.

Each is called by a task of `bookings.tasks` (every few minutes) and is idempotent: it selects by
status and time and claims each row with a conditional UPDATE or a row lock, so a repeated or
overlapping run finds nothing left to do.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .. import notifications
from ..models import Booking
from .offering import offering_waits_expire
from .places import offer_freed_places, release_places
from .suspension import suspend_for_no_shows

Status = Booking.Status


def offers_expire(*, now: datetime | None = None) -> int:
    """Expire offers not taken up in time and pass the places on; expire waits and requests
    whose time has begun (beat task; idempotent)."""
    now = now or timezone.now()
    count = 0
    for pk in Booking.objects.filter(status=Status.OFFERED, offer_expires_at__lte=now).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            booking = (
                Booking.objects.select_for_update(of=("self",))
                .select_related("venue", "offering")
                .filter(pk=pk, status=Status.OFFERED, offer_expires_at__lte=now)
                .first()
            )
            if booking is None:
                continue
            booking.status = Status.EXPIRED
            booking.save(update_fields=["status", "updated_at"])
            release_places(booking)
            offer_freed_places(booking, now=now)
            count += 1
    # Waiting for, or asking for, a time that has begun is over: nothing will come of it.
    count += (
        Booking.objects.of_venues()
        .filter(status__in=(Status.WAITLISTED, Status.PENDING), start__lte=now)
        .update(status=Status.EXPIRED, updated_at=now)
    )
    count += offering_waits_expire(now=now)
    return count


def no_shows_mark(*, now: datetime | None = None) -> int:
    """Confirmed bookings whose check-in window has closed become no-shows (beat task; idempotent).

    A worker with `BOOKING_NO_SHOW_LIMIT` no-shows within `BOOKING_NO_SHOW_WINDOW_DAYS` is
    suspended for `BOOKING_SUSPENSION_DAYS` (one suspension at a time).
    """
    now = now or timezone.now()
    candidates = (
        # Sign-ups of courses and events keep attendance per session instead (never suspended).
        Booking.objects.of_venues()
        .filter(status=Status.CONFIRMED, start__lt=now)
        .select_related("venue__booking_rule")
        .only("pk", "start", "user_id", "venue__id", "venue__booking_rule__checkin_closes_minutes")
    )
    due: dict[int, list[int]] = {}
    for booking in candidates:
        rule = getattr(booking.venue, "booking_rule", None)
        closes = booking.start + timedelta(minutes=rule.checkin_closes_minutes if rule else 15)
        if closes < now:
            due.setdefault(booking.user_id, []).append(booking.pk)
    count = 0
    for user_id, booking_ids in due.items():
        # One transaction per person: their no-shows and the suspension they lead to are written
        # together. Marked first and suspended apart, a crash in between lost the suspension for
        # good (the next run finds no confirmed booking left to count from).
        with transaction.atomic():
            marked = Booking.objects.filter(pk__in=booking_ids, status=Status.CONFIRMED).update(
                status=Status.NO_SHOW, updated_at=now
            )
            if marked:
                suspend_for_no_shows(user_id, now=now)
        count += marked
    return count


def reminders_send(*, now: datetime | None = None) -> int:
    """Remind workers of confirmed bookings starting within BOOKING_REMINDER_HOURS (once each)."""
    now = now or timezone.now()
    horizon = now + timedelta(hours=settings.BOOKING_REMINDER_HOURS)
    count = 0
    for booking in (
        Booking.objects.of_venues()
        .filter(status=Status.CONFIRMED, reminded_at__isnull=True, start__gt=now, start__lte=horizon)
        .select_related("venue", "palace", "user")
    ):
        with transaction.atomic():
            if not Booking.objects.filter(pk=booking.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            notifications.notify(user=booking.user, kind="booking_reminder", booking=booking)
            count += 1
    return count
