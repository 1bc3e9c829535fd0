"""The demo activity ledger: the published 2024 figures exactly, realistic rows, deterministic.

The network and the ledger are seeded once for the module (the ledger takes seconds; the bookings
step is left out) and read by every test; tests that draw again do so without writing.
"""

import dataclasses
import time as clock
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

import venues.demo
from activities.demo.ledger import (
    COLUMNS,
    LEDGER_STEP,
    MAX_DRAWN_VIEWERS,
    PUBLISHED_ACTIVITIES,
    PUBLISHED_PERSON_TIMES,
    SPEECH_CONTEST,
    _apportion,
    _Drawn,
    _rescale,
    draw_ledger,
)
from activities.models import Activity
from venues.demo.builder import DemoContext, collect_steps, wipe
from venues.models import Palace

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)
Kind = Activity.Kind


def _seed() -> tuple[DemoContext, float, float]:
    """The network and the demo accounts, then the ledger (timed); the bookings step is left out."""
    ctx = DemoContext(seed=2026, today=ANCHOR)
    with transaction.atomic():
        for step in venues.demo.DEMO_STEPS:
            step.build(ctx)
        started, cpu = clock.perf_counter(), clock.process_time()
        LEDGER_STEP.build(ctx)
    return ctx, clock.perf_counter() - started, clock.process_time() - cpu


@pytest.fixture(scope="module")
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ctx, elapsed, cpu = _seed()
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(  # the step's time is worth seeing in every run
                f"\nledger demo step on {connection.vendor}: {elapsed:.1f} s ({cpu:.1f} s CPU), "
                f"{Activity.objects.count()} activities"
            )
        yield SimpleNamespace(ctx=ctx)
        with transaction.atomic():
            wipe(collect_steps())


def in_year(year: int):
    return Activity.objects.filter(date__year=year)


def totals(rows: list, year: int) -> tuple[int, int]:
    of_year = [r for r in rows if r[0].year == year]
    return len(of_year), sum(r[COLUMNS.index("participants")] for r in of_year)


# --- The published figures ------------------------------------------------------------------------


def test_demo_ledger_2024_holds_exactly_the_published_activities_and_person_times(demo, db):
    figures = in_year(2024).aggregate(n=Count("pk"), people=Sum("participants"))

    assert figures == {"n": PUBLISHED_ACTIVITIES, "people": PUBLISHED_PERSON_TIMES}
    assert (PUBLISHED_ACTIVITIES, PUBLISHED_PERSON_TIMES) == (67_400, 7_627_700)


def test_demo_ledger_livestreams_the_basketball_final_to_171800_viewers(demo, db):
    final = Activity.objects.select_related("palace", "venue").get(title="全省职工篮球赛总决赛（直播）")

    assert (final.online_viewers, final.date.year) == (171_800, 2024)
    assert abs(final.likes - 20_000) <= 500
    assert (final.kind, final.centre) == (Kind.COMPETITION, "health")
    assert final.palace.level == Palace.Level.CITY
    assert final.venue is None or (final.venue.kind, final.venue.palace) == ("basketball", final.palace)
    assert final.participants > 0  # the people in the hall; the viewers are counted apart
    # The provincial final and contest lead online by far; everyday livestreams stay well below.
    top = list(Activity.objects.order_by("-online_viewers").values_list("title", "online_viewers")[:3])
    assert [title for title, _viewers in top[:2]] == [final.title, SPEECH_CONTEST.title]
    assert top[2][1] <= MAX_DRAWN_VIEWERS < 100_000 / 2


def test_demo_ledger_holds_the_online_speech_contest_with_about_100000_viewers(demo, db):
    contest = Activity.objects.get(title=SPEECH_CONTEST.title)

    assert abs(contest.online_viewers - 100_000) <= 2_000
    assert (contest.kind, contest.date.year) == (Kind.COMPETITION, 2024)
    assert contest.participants < 1_000  # the people in the hall


def test_demo_ledger_years_2023_to_the_anchor_grow_after_the_alliance_started(demo, db):
    by_year = {y: in_year(y).count() for y in (2023, 2024, 2025, 2026)}

    assert by_year[2023] < 0.85 * by_year[2024]
    assert 0.95 * by_year[2024] < by_year[2025] < 1.1 * by_year[2024]
    assert 0.8 * by_year[2024] < by_year[2026] < by_year[2025]  # up to 20 November
    assert Activity.objects.count() == sum(by_year.values())


# --- Time -----------------------------------------------------------------------------------------


def test_demo_ledger_runs_from_2023_to_the_eve_of_the_anchor_day_and_was_logged_by_then(demo, db):
    eve = ANCHOR - timedelta(days=1)
    span = Activity.objects.aggregate(first=Min("date"), last=Max("date"), end=Max("end_date"))
    logged = Activity.objects.aggregate(first=Min("created_at"), last=Max("created_at"))

    assert span["first"] >= date(2023, 1, 1)
    assert span["first"] < date(2023, 1, 8)
    assert span["last"] == eve  # nothing of the anchor day has happened at the demo's hour
    assert span["end"] <= eve
    assert logged["last"] < timezone.make_aware(datetime.combine(ANCHOR, time(0)))
    assert not Activity.objects.exclude(created_at__date=F("date")).exists()  # logged that evening


def test_demo_ledger_follows_the_seasons_and_the_week(demo, db):
    def per_day(first: date, last: date, **filters) -> float:
        return in_year(first.year).filter(date__range=(first, last), **filters).count() / (
            (last - first).days + 1
        )

    year = per_day(date(2024, 1, 1), date(2024, 12, 31))
    assert per_day(date(2024, 2, 10), date(2024, 2, 16)) < 0.6 * year  # the Spring Festival holiday
    assert per_day(date(2024, 1, 20), date(2024, 2, 9)) > 1.2 * year  # 迎新春
    assert per_day(date(2024, 4, 20), date(2024, 5, 10)) > 1.2 * year  # 五一
    assert per_day(date(2024, 7, 1), date(2024, 8, 31)) > 1.1 * year  # summer
    weekends = in_year(2024).filter(date__week_day__in=[1, 7]).count() / 104
    weekdays = in_year(2024).exclude(date__week_day__in=[1, 7]).count() / 262
    assert weekends > 1.2 * weekdays


# --- Palaces and places ---------------------------------------------------------------------------


def test_demo_ledger_only_palaces_in_service_log_and_city_level_ones_do_more(demo, db):
    palaces = (
        in_year(2024).values("palace__level", "palace__status").annotate(n=Count("palace", distinct=True))
    )
    assert {p["palace__status"] for p in palaces} == {Palace.Status.IN_SERVICE}
    in_service = Palace.objects.filter(status=Palace.Status.IN_SERVICE)
    assert set(in_year(2025).values_list("palace", flat=True).distinct()) == set(
        in_service.values_list("pk", flat=True)
    )

    def per_palace(level: str) -> float:
        return in_year(2024).filter(palace__level=level).count() / in_service.filter(level=level).count()

    assert per_palace(Palace.Level.CITY) > 2 * per_palace(Palace.Level.COUNTY)


def test_demo_ledger_holds_activities_at_venues_of_their_palace_and_centre(demo, db):
    rows = Activity.objects
    assert not rows.filter(venue__isnull=False).exclude(venue__palace=F("palace")).exists()
    assert not rows.filter(venue__isnull=False).exclude(venue__centre=F("centre")).exists()
    assert (
        not rows.filter(satellite_point__isnull=False).exclude(satellite_point__palace=F("palace")).exists()
    )
    assert not rows.filter(venue__isnull=False, venue__is_active=False).exists()
    places = rows.aggregate(
        at_venue=Count("pk", filter=Q(venue__isnull=False)),
        at_point=Count("pk", filter=Q(satellite_point__isnull=False)),
        away=Count("pk", filter=~Q(off_site="")),
        nowhere=Count("pk", filter=Q(venue__isnull=True, satellite_point__isnull=True, off_site="")),
    )
    assert places["at_venue"] > places["at_point"] > 0
    assert places["away"] > 0
    assert places["nowhere"] == 0  # every activity says where it was


def test_demo_ledger_rows_keep_the_rules_of_the_ledger(demo, db):
    rows = Activity.objects
    assert not rows.filter(end_date__lt=F("date")).exists()
    assert not rows.filter(end_date=F("date")).exists()  # one-day activities have no end date
    assert not rows.filter(partner_kind=Activity.PartnerKind.NONE).exclude(partner_name="").exists()
    assert not rows.exclude(partner_kind=Activity.PartnerKind.NONE).filter(partner_name="").exists()
    assert not rows.filter(participants=0).exists()
    assert not rows.filter(online_viewers=0, likes__gt=0).exists()
    assert not rows.filter(likes__gt=F("online_viewers")).exists()
    assert rows.aggregate(m=Max("participants"))["m"] < 5_000
    # Every kind, but demonstration hearings: the legal-help step logs those it holds.
    assert set(rows.values_list("kind", flat=True).distinct()) == set(Kind.values) - {Kind.DEMO_HEARING}


# --- Words ----------------------------------------------------------------------------------------


def test_demo_ledger_titles_name_what_each_kind_of_activity_is(demo, db):
    def some(kind: str, text: str, **filters) -> bool:
        return Activity.objects.filter(kind=kind, title__contains=text, **filters).exists()

    assert some(Kind.LECTURE, "劳模讲堂")
    assert some(Kind.LECTURE, "五一课堂", date__month__in=[4, 5])
    assert some(Kind.JOB_FAIR, "直播荐岗", online_viewers__gt=0)
    assert some(Kind.EXHIBITION, "灯谜", date__month__in=[1, 2, 3])
    assert some(Kind.EXHIBITION, "摄影")
    assert some(Kind.EXHIBITION, "书法")
    assert some(Kind.WEDDING, "集体婚礼")
    assert some(Kind.READING_EXCHANGE, "读书")
    livestreams = Activity.objects.filter(kind=Kind.LIVESTREAM)
    assert not livestreams.filter(online_viewers=0).exists()
    assert not Activity.objects.filter(kind__in=[Kind.LECTURE, Kind.TRAINING], online_viewers__gt=0).exists()


def test_demo_ledger_runs_the_four_seasons_programme_in_its_seasons(demo, db):
    def months(text: str) -> set[int]:
        return set(Activity.objects.filter(programme__contains=text).values_list("date__month", flat=True))

    assert set() < months("福进万家") <= {1, 2, 3}
    assert set() < months("放心托管") <= {1, 2, 7, 8}
    assert set() < months("影画巡展") <= {9, 10, 11}
    partners = set(Activity.objects.values_list("partner_kind", flat=True).distinct())
    assert partners == set(Activity.PartnerKind.values)
    shares = Activity.objects.aggregate(
        partnered=Count("pk", filter=~Q(partner_kind=Activity.PartnerKind.NONE)),
        programme=Count("pk", filter=~Q(programme="")),
        n=Count("pk"),
    )
    assert 0.05 < shares["partnered"] / shares["n"] < 0.35  # sometimes, not always
    assert 0.01 < shares["programme"] / shares["n"] < 0.2


# --- Determinism and the step ---------------------------------------------------------------------


def fingerprint(rows: list) -> dict:
    """Per year and kind: how many, and the sums of every number and place (cheap to compare)."""
    numbers = [COLUMNS.index(c) for c in ("participants", "online_viewers", "likes", "venue_id", "palace_id")]
    result: dict = {}
    for r in rows:
        key = (r[0].year, r[COLUMNS.index("kind")])
        sums = result.setdefault(key, [0] * (len(numbers) + 1))
        sums[0] += 1
        for n, column in enumerate(numbers, 1):
            sums[n] += r[column] or 0
    return result


def test_demo_ledger_draws_the_same_rows_again_for_the_same_seed_and_anchor(demo, db):
    drawn = draw_ledger(demo.ctx)

    rows = Activity.objects.values_list("date__year", "kind")
    written = {
        (row["date__year"], row["kind"]): [row[name] for name in ("n", "p", "v", "l", "venue", "palace")]
        for row in rows.values("date__year", "kind").annotate(
            n=Count("pk"), p=Sum("participants"), v=Sum("online_viewers"), l=Sum("likes"),
            venue=Sum("venue_id", default=0), palace=Sum("palace_id"),
        )
    }  # fmt: skip
    assert fingerprint(drawn) == written
    some = Activity.objects.order_by("pk").values_list(*COLUMNS)
    assert [tuple(r) for r in drawn[:300]] == list(some[:300])
    assert [tuple(r) for r in drawn[-300:]] == list(some.reverse()[:300])[::-1]


def test_demo_ledger_other_seeds_and_anchors_keep_the_published_figures(demo, db):
    eve = date(2025, 2, 28)
    other = draw_ledger(dataclasses.replace(demo.ctx, seed=7, today=eve + timedelta(days=1)))

    assert totals(other, 2024) == (PUBLISHED_ACTIVITIES, PUBLISHED_PERSON_TIMES)
    assert max(r[0] for r in other) == eve
    assert max(r[8] or r[0] for r in other) <= eve
    written = in_year(2023).aggregate(n=Count("pk"), people=Sum("participants"))
    assert totals(other, 2023)[0] == written["n"]  # the year's count is fixed, its rows are drawn
    assert totals(other, 2023)[1] != written["people"]


def test_demo_ledger_is_a_collected_step_that_wipes_what_it_wrote(demo, db):
    assert LEDGER_STEP in collect_steps()
    assert LEDGER_STEP.has_data()

    LEDGER_STEP.wipe()  # rolled back with the test's transaction

    assert not LEDGER_STEP.has_data()
    assert Palace.objects.exists()


# --- The arithmetic (no database) -----------------------------------------------------------------


def test_apportion_splits_a_total_exactly_in_proportion():
    assert _apportion(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(_apportion(67_398, [3.3, 1.0, 0.7, 2.1] * 25)) == 67_398
    assert _apportion(5, [0, 0]) == [0, 0]


def test_rescale_reaches_the_total_exactly_within_the_venue_caps():
    rows = [[None] * 9 + [p] for p in (100, 50, 30, 7, 1000)]
    drawn = _Drawn(rows=rows, caps=[0, 55, 0, 0, -1])

    _rescale(drawn, 1_200)

    assert sum(r[9] for r in rows) == 1_200
    assert rows[4][9] == 1000  # a published activity keeps its figures
    assert rows[1][9] <= 55
    assert all(r[9] >= 0 for r in rows)
