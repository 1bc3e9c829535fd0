"""The demo's employment: one palace's year at Huaibei's scale, and the Jiangxi step."""

import random
from datetime import date, timedelta

import pytest
from django.db.models import Count

from activities.demo.employment import build_employment, seed_employment_for_palace, wipe_employment
from activities.employment.models import JobApplication, JobPosting, ResidencyApplication
from venues.demo.builder import DemoContext

pytestmark = [pytest.mark.demo, pytest.mark.django_db]
TODAY = date(2026, 11, 23)


def test_huaibei_scale_places_about_four_thousand_people_in_the_past_year(world):
    counts = seed_employment_for_palace(palace=world.palace_a, rng=random.Random(7), today=TODAY, scale=1.0)

    assert 3_600 <= counts["placed"] <= 4_400
    assert counts["applications"] > 2 * counts["placed"]
    assert 400 <= counts["postings"] <= 650
    assert counts["job_fairs"] >= 3
    assert counts["livestreams"] >= 10
    assert 3 <= counts["residents"] <= 12
    placed = JobApplication.objects.filter(status="placed")
    assert placed.count() == counts["placed"]
    assert not placed.filter(placed_on__gte=TODAY).exists()
    assert not placed.filter(placed_on__lt=TODAY - timedelta(days=366)).exists()
    # Some postings are open today, so the job list has something to show.
    assert JobPosting.objects.open_on(TODAY).exists()
    # Never twice the same person on one posting (the constraint held for the bulk insert too).
    assert (
        not JobApplication.objects.values("posting", "user").annotate(n=Count("pk")).filter(n__gt=1).exists()
    )
    accepted = ResidencyApplication.objects.filter(status="accepted")
    assert all(r.starts_on <= r.ends_on for r in accepted)
    assert all(r.support.filter(kind="loan_interest").exists() for r in accepted)


def test_the_jiangxi_step_seeds_the_larger_palaces_and_wipes_clean(world):
    ctx = DemoContext(seed=2026, today=TODAY)
    ctx.users["worker"] = world.worker
    world.palace_a.name = "南昌市工人文化宫"
    world.palace_a.save()

    build_employment(ctx)

    assert JobPosting.objects.filter(palace=world.palace_a).exists()
    assert JobApplication.objects.filter(user=world.worker).exists()
    wipe_employment()
    assert not JobPosting.objects.exists()
    assert not JobApplication.objects.exists()
