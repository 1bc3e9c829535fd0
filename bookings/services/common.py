"""Small pieces both lifecycles share: venue bookings and sign-ups of offerings."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from venues import access
from venues.models import Palace

from ..models import Suspension

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by staff


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def is_staff_of(user, palace: Palace) -> bool:
    return access.may_manage_palace(user, palace)


def suspension_in_force(user, *, now: datetime | None = None) -> Suspension | None:
    now = now or timezone.now()
    return (
        Suspension.objects.filter(user=user, lifted_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
        .order_by("-ends_at")
        .first()
    )


def lock_user(user) -> None:
    """Serialise one person's bookings so that two at once cannot both pass a limit.

    FOR NO KEY UPDATE, not FOR UPDATE: rows that merely refer to the user (a notification written
    by someone else's cancellation offering this user a place) must not wait for this lock, or
    that cancellation and this booking can deadlock over the venue lock below.
    """
    # Not type(user): a request's user is a lazy wrapper around the model instance.
    users = get_user_model().objects
    users.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk", flat=True).first()
