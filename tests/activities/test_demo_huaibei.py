"""`seed_demo --profile huaibei`: the Huaibei palace as published, and the registry other services
join; the default province's series and news (the media step)."""

from __future__ import annotations

import random
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

import activities.demo.huaibei as huaibei_activities
import venues.demo.huaibei as huaibei_venues
from activities.demo.media import build_media, seed_media_for_palace, seed_series_for_palace
from activities.ledger.models import Activity
from activities.media.models import Article, Channel, Column
from activities.series.models import Series
from venues.demo.builder import DemoContext
from venues.kinds import KINDS_BY_CODE
from venues.models import Palace, StaffAssignment, Venue

pytestmark = pytest.mark.demo


def _seed(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command(
            "seed_demo",
            "--profile",
            "huaibei",
            "--today",
            timezone.localdate().isoformat(),
            *args,
            stdout=out,
        )
    return out.getvalue()


def test_the_huaibei_profile_loads_the_published_palace_and_its_page_shows_the_figures(db, client):
    out = _seed()
    palace = Palace.objects.get()
    assert palace.name == "淮北市工人文化宫"
    assert (palace.year_built, palace.floor_area, palace.floors) == (1987, 5800, 10)
    assert palace.region.parent.name == "安徽省"
    assert set(palace.region.children.values_list("name", flat=True)) == {
        "相山区",
        "杜集区",
        "烈山区",
        "濉溪县",
    }
    names = set(Venue.objects.filter(palace=palace).values_list("name", flat=True))
    assert {n for n, _k, _f in (*huaibei_venues.NINE_ROOMS, *huaibei_venues.EIGHT_CENTRES)} == names
    assert len(names) == 17
    for venue in Venue.objects.all():
        assert venue.centre == KINDS_BY_CODE[venue.kind].centre
    roles = dict(StaffAssignment.objects.values_list("user__phone", "palace__name"))
    assert roles["13800000003"] == roles["13800000004"] == "淮北市工人文化宫"
    assert "淮北市" in out
    assert "安徽省" in out
    assert Series.objects.filter(kind="media").count() == 26
    assert Column.objects.filter(palace=palace).count() == 10
    assert Activity.objects.filter(series__name="淮工阅读").exists()
    assert palace.courses.count() >= 20

    with translation.override("zh-hans"):
        response = client.get(
            reverse("venues:palace_detail", args=[palace.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    text = response.content.decode()
    assert "1987" in text
    assert "5,800 m²" in text
    figures = response.context["figures"]
    assert (figures.lectures, figures.reading_exchanges) == (165, 83)
    assert ">165<" in text
    assert ">83<" in text
    assert "淮工阅读" in text
    assert "淮工鹊桥" in text


def test_the_profile_calls_every_registered_seeder(db, monkeypatch):
    calls = []

    def seed_teams_for_palace(*, palace, rng, today, scale):
        calls.append(("palace", palace.name, scale, isinstance(rng, random.Random)))
        return {"teams": 12}

    def seed_service_points_for_city(*, city_region, palaces, rng, today, count):
        calls.append(("city", city_region.name, count, len(palaces)))
        return {"service points": count}

    monkeypatch.setattr(huaibei_activities, "PALACE_SEEDERS", [seed_teams_for_palace])
    monkeypatch.setattr(huaibei_venues, "CITY_SEEDERS", [seed_service_points_for_city])
    out = _seed()
    assert ("palace", "淮北市工人文化宫", 1.0, True) in calls
    assert ("city", "淮北市", 1000, 1) in calls
    assert "service points" in out


def test_the_default_demo_is_still_the_province_and_force_reloads_the_profile(db):
    from venues.demo.builder import collect_steps

    default = [step.name for step in collect_steps()]
    assert "regions" in default
    assert "media" in default
    assert not any(name.startswith("huaibei") for name in default)
    _seed()
    _seed("--force")
    assert Palace.objects.get().name == "淮北市工人文化宫"
    assert Activity.objects.filter(kind="lecture").count() == 165


def test_the_media_step_gives_larger_palaces_series_and_news_and_the_province_its_own(world):
    big, small = world.palace_a, world.palace_b
    Palace.objects.filter(pk__in=[big.pk, small.pk]).update(status=Palace.Status.IN_SERVICE)
    big.refresh_from_db()
    small.refresh_from_db()
    Activity.objects.create(
        palace=big, title="读书会", kind="reading_exchange", centre="education", date=timezone.localdate()
    )
    ctx = DemoContext(seed=1, today=timezone.localdate(), palaces=[big, small])
    build_media(ctx)
    assert Series.objects.filter(palace=big).count() == 4
    assert not Series.objects.filter(palace=small).exists()
    assert Activity.objects.get().series.name == "职工读书会"
    assert Article.objects.filter(palace=big, state="published").exists()
    assert Article.objects.filter(palace__isnull=True, state="published").exists()
    assert Channel.objects.filter(palace=big).exists()


def test_the_generic_seeders_follow_the_registry_signature(world):
    palace = world.palace_a
    today = timezone.localdate()
    counts = seed_series_for_palace(palace=palace, rng=random.Random(1), today=today, scale=1.0)
    assert counts
    counts = seed_media_for_palace(palace=palace, rng=random.Random(1), today=today, scale=0.1)
    assert Article.objects.filter(palace=palace).count() == 10


def test_the_palace_page_reads_as_many_queries_for_the_published_palace_as_for_an_empty_one(db, client):
    """Issue 13: every section of the Huaibei palace filled (hundreds of activities, courses, news,
    jobs, teams, cases…) costs the queries of a palace with none, and ten at most once cached."""
    from alliance.models import Membership
    from tests.factories import PalaceFactory
    from tests.queries import queries_of

    _seed()
    full = Palace.objects.get()
    empty = PalaceFactory(region=full.region, name="空文化宫", alliance_member=full.alliance_member)
    if full.alliance_member:
        Membership.objects.create(palace=empty, joined_on=timezone.localdate())

    def counts(palace):
        url = reverse("venues:palace_detail", args=[palace.pk])
        cold = queries_of(lambda: client.get(url), limit=None)
        return cold, queries_of(lambda: client.get(url))

    full_cold, full_warm = counts(full)
    assert counts(empty) == (full_cold, full_warm)
    assert full_warm < full_cold
