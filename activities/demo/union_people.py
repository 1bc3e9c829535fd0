"""The people the demo's legal cases and teams belong to: the demo workers the bookings step made
(`bookings.demo.POOL_PHONE_PREFIX`), topped up with workers of our own when a profile has fewer."""

from __future__ import annotations

import random

from django.contrib.auth.hashers import make_password

from bookings.demo import GIVEN_FIRST, GIVEN_SECOND, GIVEN_SINGLE, POOL_PHONE_PREFIX, SURNAMES, WORKPLACES
from bookings.models import Booking
from palace_portal.users.models import User

OWN_PHONE_PREFIX = "1390793"  # this block, four digits each: workers of the legal and team demo

_password: str | None = None


def _demo_password() -> str:
    global _password
    if _password is None:
        _password = make_password("demo12345")
    return _password


def _name(phone: str) -> tuple[str, str]:
    # Drawn from the number itself, not the caller's generator: whether the workers exist already
    # or are made here, the caller's draws stay the same (the demo is deterministic either way).
    rng = random.Random(phone)  # noqa: S311 - demo names, not secrets
    given = (
        rng.choice(GIVEN_SINGLE) if rng.random() < 0.4 else rng.choice(GIVEN_FIRST) + rng.choice(GIVEN_SECOND)
    )
    return rng.choice(SURNAMES) + given, rng.choice(WORKPLACES)


def people(rng: random.Random, n: int) -> list[int]:
    """Ids of at least `n` demo workers (fewer only if 10,000 would not do), in a stable order.
    `rng` is not drawn from."""
    ids = list(
        User.objects.filter(phone__startswith=POOL_PHONE_PREFIX)
        .order_by("phone")
        .values_list("pk", flat=True)
    )
    ids += list(
        User.objects.filter(phone__startswith=OWN_PHONE_PREFIX).order_by("phone").values_list("pk", flat=True)
    )
    missing = n - len(ids)
    if missing > 0:
        taken = set(User.objects.filter(phone__startswith=OWN_PHONE_PREFIX).values_list("phone", flat=True))
        phones = [p for p in (f"{OWN_PHONE_PREFIX}{s:04d}" for s in range(10_000)) if p not in taken][
            :missing
        ]
        password = _demo_password()
        users = []
        for phone in phones:
            name, workplace = _name(phone)
            users.append(User(phone=phone, real_name=name, password=password, workplace=workplace))
        User.objects.bulk_create(users)
        ids += list(User.objects.filter(phone__in=phones).order_by("phone").values_list("pk", flat=True))
    return ids


def wipe_own_people() -> None:
    # Their sign-ups (the free skill trainings of a profile) first: a booking protects its person,
    # and the steps' wipes do not run in an order that would remove them earlier.
    Booking.objects.filter(user__phone__startswith=OWN_PHONE_PREFIX).delete()
    User.objects.filter(phone__startswith=OWN_PHONE_PREFIX).delete()
