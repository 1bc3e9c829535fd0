"""The Celery tasks, the beat schedule and `manage.py aggregate_month`: thin wrappers of the service."""

from datetime import date
from io import StringIO

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import OperationalError

from performance import tasks
from performance.ledgers.models import Ledger
from performance.ledgers.selectors import figures_for
from tests.performance.ledger_world import MONTH, build, expected

pytestmark = pytest.mark.django_db


def test_the_task_computes_a_month_and_is_idempotent(world):
    records = build(world)

    first = tasks.aggregate_month.delay("2026-03").get()
    second = tasks.aggregate_month.delay("2026-03").get()

    assert first["month"] == "2026-03"
    assert first["ledgers"] == 2
    assert first["created"] == 1  # A's March ledger existed (its manual lines)
    assert second["created"] == 0
    assert second["figures"] == first["figures"]
    figures = figures_for([world.palace_b.pk], [MONTH])[world.palace_b.pk]
    assert figures["activities"] == expected(records, world.palace_b)["activities"]


def test_the_task_can_compute_one_palace(world):
    build(world)

    result = tasks.aggregate_month("2026-03", palace_id=world.palace_b.pk)

    assert result["ledgers"] == 1
    assert Ledger.objects.filter(month=MONTH, computed_at__isnull=False).count() == 1


def test_the_task_refuses_a_bad_month_without_retrying(db):
    with pytest.raises(ValueError, match="Not a month"):
        tasks.aggregate_month("0000-01")


def test_the_task_retries_transient_database_errors():
    assert OperationalError in tasks.aggregate_month.autoretry_for
    assert tasks.aggregate_month.max_retries >= 3
    assert tasks.aggregate_month.retry_backoff


def test_the_beat_tasks_compute_the_month_just_ended_and_the_recent_ones(world, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2026, 4, 1))

    ended = tasks.aggregate_month_ended()
    recent = tasks.aggregate_recent_months()

    assert ended["month"] == "2026-03"
    assert [r["month"] for r in recent] == ["2026-03", "2026-04"]


def test_beat_runs_on_the_first_and_every_night():
    schedule = settings.CELERY_BEAT_SCHEDULE
    ended = schedule["performance-aggregate-month-ended"]
    nightly = schedule["performance-aggregate-recent-months"]

    assert ended["task"] == "performance.tasks.aggregate_month_ended"
    assert isinstance(ended["schedule"], crontab)
    assert ended["schedule"].day_of_month == {1}
    assert nightly["task"] == "performance.tasks.aggregate_recent_months"
    assert len(nightly["schedule"].hour) == 1
    assert nightly["schedule"].day_of_month == set(range(1, 32))
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_the_command_computes_a_month_and_says_what_it_wrote(world):
    build(world)
    out = StringIO()

    call_command("aggregate_month", "2026-03", stdout=out)

    assert "2026-03" in out.getvalue()
    assert Ledger.objects.filter(month=MONTH, computed_at__isnull=False).count() == 2


def test_the_command_computes_a_range_for_one_palace(world):
    build(world)
    out = StringIO()

    call_command(
        "aggregate_month",
        "--all-months",
        "2026-01",
        "2026-04",
        "--palace",
        str(world.palace_a.pk),
        stdout=out,
    )

    assert set(Ledger.objects.filter(palace=world.palace_a).values_list("month", flat=True)) == {
        date(2026, m, 1) for m in (1, 2, 3, 4)
    }
    assert not Ledger.objects.filter(palace=world.palace_b).exists()


@pytest.mark.parametrize(
    "args",
    [
        ["0000-01"],
        ["2026-13"],
        [],
        ["2026-03", "--all-months", "2026-01", "2026-02"],
        ["2026-03", "--palace", "999999"],
    ],
)
def test_the_command_refuses_bad_input_and_writes_nothing(world, args):
    with pytest.raises(CommandError):
        call_command("aggregate_month", *args, stdout=StringIO())

    assert not Ledger.objects.exists()
