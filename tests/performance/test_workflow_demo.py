"""The workflow's demo step: computed demo ledgers get a realistic reporting history."""

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from palace_portal.months import add_months, months_between
from performance.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from performance.workflow import demo
from performance.workflow.selectors import reporting_rate
from tests.factories import PalaceFactory
from venues.demo.builder import DemoContext

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

TODAY = date(2025, 11, 20)


@pytest.fixture
def demo_world(world):
    world.palace_a.name = demo.DEMO_PALACE_NAME
    world.palace_a.save()
    palaces = [world.palace_a, world.palace_b] + [
        PalaceFactory(name=f"演示文化宫{i}", region=world.county1) for i in range(10)
    ]
    now = timezone.now()
    ledgers = Ledger.objects.bulk_create(
        Ledger(palace=palace, month=month, computed_at=now, source_rows=100)
        for palace in palaces
        for month in months_between(date(2023, 1, 1), TODAY)
    )
    LedgerFigure.objects.bulk_create(
        LedgerFigure(ledger=ledger, palace=ledger.palace, month=ledger.month, metric=code, value=value)
        for ledger in ledgers
        for code, value in (("activities", 20), ("person_times", 2000))
    )
    ctx = DemoContext(seed=2026, today=TODAY)
    ctx.users = {
        "palace_manager": world.manager_a,
        "city_officer": world.city_officer,
        "province_officer": world.province_officer,
    }
    ctx.regions = {"360100": world.city1}
    demo.build(ctx)
    return ctx


def test_older_months_are_accepted_with_their_snapshot(demo_world):
    old = Ledger.objects.filter(month__lt=add_months(date(2025, 10, 1), -2))
    assert set(old.values_list("status", flat=True)) == {"accepted"}
    figures = LedgerFigure.objects.filter(ledger__in=old)
    assert not figures.filter(locked_value__isnull=True).exists()
    assert all(f.locked_value == f.value for f in figures)


def test_recent_months_are_a_mix_and_the_running_month_is_open(demo_world):
    recent = set(
        Ledger.objects.filter(month__gte=date(2025, 8, 1), month__lte=date(2025, 10, 1)).values_list(
            "status", flat=True
        )
    )
    assert {"submitted", "accepted"} <= recent
    assert {"open", "returned"} & recent
    assert set(Ledger.objects.filter(month=date(2025, 11, 1)).values_list("status", flat=True)) == {"open"}
    assert Ledger.objects.filter(status="submitted", city_accepted_at__isnull=False).exists()
    returned = LedgerStep.objects.filter(action="returned")
    assert returned.exists()
    assert all(step.reason for step in returned)


def test_every_ledger_keeps_the_first_submission_of_its_steps(demo_world):
    from django.db.models import Min, Q

    firsts = Ledger.objects.annotate(first=Min("steps__at", filter=Q(steps__action="submitted")))
    assert firsts.filter(first__isnull=False).exists()
    differing = [(row.pk, row.first_submitted_at, row.first) for row in firsts]
    differing = [row for row in differing if row[1] != row[2]]
    assert differing == []


def test_nothing_happened_after_the_demo_clock(demo_world):
    clock = timezone.make_aware(datetime.combine(TODAY, time(8)))
    assert not LedgerStep.objects.filter(at__gt=clock).exists()


def test_some_months_were_late_so_the_on_time_rate_is_below_the_rate(demo_world):
    rate = reporting_rate(months=list(months_between(date(2024, 1, 1), date(2024, 12, 1))))
    assert rate.total.rate == 100
    assert 75 < rate.total.on_time_rate < 100


def test_the_demo_palace_has_manual_lines_with_notes_in_its_figures(demo_world, world):
    lines = ManualLine.objects.filter(ledger__palace=world.palace_a)
    assert lines.count() > 12
    assert all(line.note for line in lines)
    jobs = lines.filter(metric="jobs_placed").first()
    assert LedgerFigure.objects.get(ledger=jobs.ledger, metric="jobs_placed").value >= jobs.value


def test_the_demo_palace_has_a_reopened_month_in_its_history(demo_world, world):
    assert LedgerStep.objects.filter(ledger__palace=world.palace_a, action="reopened").count() == 1


def test_the_demo_shows_one_flag_in_the_last_ended_month(demo_world, world):
    from performance.workflow.validation import ledger_flags

    ledger = Ledger.objects.get(palace=world.palace_a, month=date(2025, 10, 1))
    assert [flag.code for flag in ledger_flags(ledger)] == ["manual_value_implausible"]
