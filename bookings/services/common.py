"""Small pieces both lifecycles share: venue bookings and sign-ups of offerings (check-in codes, the
person's and the booking's locks, checking in). Access questions are `bookings.access`'s;
suspensions `suspension.py`'s."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from ..models import Booking

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by staff
assert len(CODE_ALPHABET) == 32  # noqa: S101 - new_check_in_code relies on it


def new_check_in_code() -> str:
    # 32 letters: each random byte's low five bits pick one uniformly (one call for the eight,
    # where secrets.choice asked the system for randomness once a letter, on every booking).
    return "".join(CODE_ALPHABET[byte & 31] for byte in secrets.token_bytes(8))


def new_venue_booking(
    *,
    user,
    venue,
    exclusive: bool,
    start: datetime,
    end: datetime,
    party_size: int,
    purpose: str,
    organisation: str,
    now: datetime,
    **fields,
) -> Booking:
    """An unsaved booking of `venue` (status and the rest in `fields`): what both of a booking's
    paths write, its palace, mode and fee the venue's, its local date, a new check-in code."""
    return Booking(
        palace=venue.palace,
        venue=venue,
        user=user,
        mode=venue.booking_mode,
        exclusive=exclusive,
        start=start,
        end=end,
        local_date=timezone.localtime(start).date(),
        party_size=party_size,
        fee=venue.fee,
        check_in_code=new_check_in_code(),
        purpose=purpose.strip(),
        organisation=organisation.strip(),
        created_at=now,
        **fields,
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


def lock_booking(booking: Booking, *related: str) -> Booking:
    """The booking read again under a row lock, with `related` joined (inside the caller's transaction).

    OF self: select_related would lock the venue, palace and user rows too, which blocks every
    booking insert of the palace (its foreign key check) and deadlocks with them.
    """
    return Booking.objects.select_for_update(of=("self",)).select_related(*related).get(pk=booking.pk)


def mark_checked_in(booking: Booking, *, actor, now: datetime) -> None:
    """The booking (or an event's sign-up) is checked in by `actor`: what the door and the ledgers count."""
    booking.status = Booking.Status.CHECKED_IN
    booking.checked_in_at, booking.checked_in_by = now, actor
    booking.save(update_fields=["status", "checked_in_at", "checked_in_by", "updated_at"])
