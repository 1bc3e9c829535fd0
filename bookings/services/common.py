"""Small pieces both lifecycles share: venue bookings and sign-ups of offerings (check-in codes, the
person's lock). Access questions are `bookings.access`'s; suspensions `suspension.py`'s."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by staff


def new_check_in_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def lock_user(user) -> None:
    """Serialise one person's bookings so that two at once cannot both pass a limit.

    FOR NO KEY UPDATE, not FOR UPDATE: rows that merely refer to the user (a notification written
    by someone else's cancellation offering this user a place) must not wait for this lock, or
    that cancellation and this booking can deadlock over the venue lock below.
    """
    # Not type(user): a request's user is a lazy wrapper around the model instance.
    users = get_user_model().objects
    users.select_for_update(no_key=True).filter(pk=user.pk).values_list("pk", flat=True).first()
