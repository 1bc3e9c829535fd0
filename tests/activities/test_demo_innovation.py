"""The demo's innovation: Huaibei's published year at scale 1.0, rows the services could have
written, deterministic, fast; and the Jiangxi demo step at its city-level palaces."""

from __future__ import annotations

import random
import time as clock
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.db.models import Sum

import bookings.demo
import venues.demo
from activities.demo.innovation import INNOVATION_STEP, seed_innovation_for_palace
from activities.innovation.models import (
    GuidanceSession,
    Mentor,
    Problem,
    ProblemStatus,
    Studio,
    StudioMembership,
)
from bookings.demo import POOL_PHONE_PREFIX
from bookings.models import Attendance, Booking, Offering
from palace_portal.users.models import User
from performance.ledgers.models import LedgerFigure
from performance.ledgers.services import ledger_aggregate_months
from tests.factories import VenueFactory
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, wipe
from venues.models import Palace

pytestmark = pytest.mark.demo
TODAY = date(2026, 11, 21)


def _pool(n: int = 60) -> None:
    User.objects.bulk_create(
        User(phone=f"{POOL_PHONE_PREFIX}{i:04d}", real_name=f"职工{i}", password="!") for i in range(n)
    )


@pytest.mark.django_db
def test_scale_one_gives_huaibei_published_year(world):
    _pool()
    VenueFactory(palace=world.palace_a, name="技能培训室", kind="skill_training")
    started = clock.perf_counter()
    counts = seed_innovation_for_palace(palace=world.palace_a, rng=random.Random(7), today=TODAY, scale=1.0)
    elapsed = clock.perf_counter() - started

    assert elapsed < 15
    assert Mentor.objects.filter(palace=world.palace_a).count() == 18
    assert 20 <= StudioMembership.objects.filter(palace=world.palace_a, left_on__isnull=True).count() <= 30
    worked = Problem.objects.filter(palace=world.palace_a).exclude(status=ProblemStatus.OPEN)
    assert worked.count() >= 960
    assert GuidanceSession.objects.filter(palace=world.palace_a).count() >= 820
    assert counts["skill_training_person_times"] >= 5000

    # What the ledger makes of it over the past year.
    first = (TODAY - timedelta(days=366)).replace(day=1)
    ledger_aggregate_months(first=first, last=TODAY.replace(day=1), palace_ids=[world.palace_a.pk])
    totals = dict(
        LedgerFigure.objects.filter(palace=world.palace_a)
        .values_list("metric")
        .annotate(total=Sum("value"))
        .filter(metric__in=["problems_taken", "guidance_sessions", "skill_training_person_times"])
    )
    assert totals["problems_taken"] >= 960
    assert totals["guidance_sessions"] >= 820
    assert totals["skill_training_person_times"] >= 5000


@pytest.mark.django_db
def test_the_rows_are_ones_the_services_could_have_written(world):
    _pool()
    VenueFactory(palace=world.palace_a, name="技能培训室", kind="skill_training")
    seed_innovation_for_palace(palace=world.palace_a, rng=random.Random(3), today=TODAY, scale=0.3)

    for p in Problem.objects.select_related("mentor"):
        assert p.posted_on <= TODAY
        if p.status == ProblemStatus.OPEN:
            assert p.mentor is None
        else:
            assert p.mentor.palace_id == p.palace_id
            assert p.taken_at >= p.created_at
        if p.is_closed:
            assert p.outcome
            assert p.closed_on < TODAY
    for s in GuidanceSession.objects.select_related("problem"):
        assert s.mentor_id == s.problem.mentor_id
        assert s.problem.taken_at.date() - timedelta(days=1) <= s.date <= (s.problem.closed_on or TODAY)
    for offering in Offering.objects.filter(course__skill_training=True):
        assert offering.fee == 0
        assert offering.taken == Booking.objects.filter(offering=offering).count()
        assert offering.ends_at.date() < TODAY
    assert Attendance.objects.filter(occurrence__offering__course__skill_training=True).exists()


@pytest.mark.django_db
def test_it_is_deterministic(world):
    _pool()

    def run():
        with transaction.atomic():
            seed_innovation_for_palace(palace=world.palace_a, rng=random.Random(11), today=TODAY, scale=0.2)
            rows = (
                list(Studio.objects.order_by("name").values_list("name", "field")),
                list(Mentor.objects.order_by("name").values_list("name", "field", "available")),
                sorted(Problem.objects.values_list("title", "posted_on", "status")),
            )
            transaction.set_rollback(True)
        return rows

    assert run() == run()


@pytest.fixture(scope="module")
def jiangxi(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ctx = DemoContext(seed=2026, today=TODAY)
        steps = (*venues.demo.DEMO_STEPS, *bookings.demo.DEMO_STEPS)
        with transaction.atomic():
            for step in steps:
                step.build(ctx)
            started = clock.perf_counter()
            INNOVATION_STEP.build(ctx)
            elapsed = clock.perf_counter() - started
        yield ctx, elapsed
        with transaction.atomic():
            wipe([*steps, INNOVATION_STEP])


@pytest.mark.django_db
def test_the_jiangxi_step_is_fast_and_covers_the_city_palaces(jiangxi):
    _ctx, elapsed = jiangxi
    assert elapsed < 6  # a few seconds on a loaded two-core machine
    city_palaces = Palace.objects.in_service().filter(level=Palace.Level.CITY)
    assert set(Mentor.objects.values_list("palace_id", flat=True)) == set(
        city_palaces.values_list("pk", flat=True)
    )
    demo = Palace.objects.get(name=DEMO_PALACE_NAME)
    mentor = Mentor.objects.get(user__phone="13800000002")
    assert mentor.palace == demo
    assert Problem.objects.filter(poster__phone="13800000001", palace=demo).count() == 2
    assert INNOVATION_STEP.has_data()
