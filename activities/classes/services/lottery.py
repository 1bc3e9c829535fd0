"""The lottery of a course in demand: priority rounds, then SHA-256 of "<seed>:<application id>"
within each round; the record (`LotteryDraw`) keeps seed, rounds and order so anyone can check it."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.classes.models import Course, LotteryDraw, PriorityRound
from bookings.models import Booking, Offering
from bookings.services import offering as offerings
from palace_portal.errors import RuleViolation

Status = Booking.Status


# --- The lottery -----------------------------------------------------------------------------------


def _draw_key(seed: str, booking_id: int) -> str:
    return hashlib.sha256(f"{seed}:{booking_id}".encode()).hexdigest()


def _round_of(booking: Booking, rounds: list[str], *, first_timers: set[int]) -> int:
    for index, key in enumerate(rounds):
        if key == PriorityRound.FIRST_TIMER and booking.user_id in first_timers:
            return index
        if key == PriorityRound.NEW_FORM_WORKER and booking.user.new_form_worker:
            return index
        if key == PriorityRound.MEMBER and booking.user.is_member:
            return index
    return len(rounds)


def draw_order(seed: str, applications: list[tuple[int, int]]) -> list[dict]:
    """The draw: (booking id, round) pairs ordered by round, then by SHA-256("<seed>:<id>").

    Public and pure, so that anyone holding the seed and the list can check a draw.
    """
    keyed = [{"booking": pk, "round": rnd, "key": _draw_key(seed, pk)} for pk, rnd in applications]
    return sorted(keyed, key=lambda row: (row["round"], row["key"]))


def lottery_draw(
    *, actor, course: Course, seed: str | None = None, now: datetime | None = None
) -> LotteryDraw:
    """Draw the course's lottery after enrolment closed (staff of the palace; once).

    The seed (fresh from `secrets` unless given), the priority rounds and the order are kept in a
    `LotteryDraw`; the first in order take the places, the rest wait in draw order and get offers
    as places free up. Refusals (409): `not_lottery`, `enrolment_open`, `already_drawn`.
    """
    _require_manager(actor, course.palace)
    return _draw(course=course, actor=actor, seed=seed, now=now or timezone.now())


def lotteries_draw_due(*, now: datetime | None = None) -> int:
    """Beat: draw every lottery whose enrolment has closed and that staff have not drawn yet.

    Each draw is its own transaction; one that meanwhile was drawn by staff is skipped.
    """
    now = now or timezone.now()
    drawn = 0
    for course in Course.objects.filter(pk__in=lotteries_due(now=now)):
        try:
            _draw(course=course, actor=None, seed=None, now=now)
        except RuleViolation:
            continue
        drawn += 1
    return drawn


def _draw(*, course: Course, actor, seed: str | None, now: datetime) -> LotteryDraw:
    seed = seed or secrets.token_hex(16)
    with transaction.atomic():
        course = Course.objects.select_for_update(of=("self",)).select_related("offering").get(pk=course.pk)
        offering = course.offering
        if not offering.is_lottery:
            raise RuleViolation(_("This course is first come, first served."), code="not_lottery")
        if offering.drawn_at is not None or LotteryDraw.objects.filter(course=course).exists():
            raise RuleViolation(_("The lottery has already been drawn."), code="already_drawn")
        if now < offering.closes_at:
            raise RuleViolation(_("The lottery is drawn after enrolment closes."), code="enrolment_open")
        applications = list(
            Booking.objects.filter(offering=offering, status=Status.PENDING)
            .select_related("user")
            .order_by("pk")
        )
        rounds = list(course.priority_rounds)
        first_timers = set()
        if PriorityRound.FIRST_TIMER in rounds:
            year = timezone.localtime(offering.starts_at).year
            had_class = set(
                Booking.objects.filter(
                    user_id__in=[b.user_id for b in applications],
                    offering__kind=Offering.Kind.COURSE,
                    status__in=(Status.CONFIRMED, Status.CHECKED_IN, Status.OFFERED),
                    local_date__year=year,
                )
                .exclude(offering=offering)
                .values_list("user_id", flat=True)
            )
            first_timers = {b.user_id for b in applications} - had_class
        order = draw_order(
            seed, [(b.pk, _round_of(b, rounds, first_timers=first_timers)) for b in applications]
        )
        offerings.offering_allocate(offering=offering, order=[row["booking"] for row in order], now=now)
        return LotteryDraw.objects.create(
            course=course,
            palace_id=course.palace_id,
            seed=seed,
            rounds=rounds,
            ordering=order,
            places=offering.capacity,
            applicants=len(applications),
            drawn_at=now,
            drawn_by=actor,
        )


def lotteries_due(*, now: datetime | None = None) -> list[int]:
    """Courses whose lottery closed and has not been drawn (for the staff desk's reminder)."""
    now = now or timezone.now()
    return list(
        Course.objects.filter(
            state=Course.State.PUBLISHED,
            offering__selection=Offering.Selection.LOTTERY,
            offering__drawn_at__isnull=True,
            offering__closes_at__lte=now,
        ).values_list("pk", flat=True)
    )
