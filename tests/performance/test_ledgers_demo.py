"""The demo's ledgers: every demo month computed, and the published 2024 figures read from them.

The network and the activity ledger are seeded once for the module (the bookings and classes steps
are left out: they take long and their months are recent), then the ledgers step (timed)."""

import time as clock
from datetime import date
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import Max, Min

import venues.demo
from activities.demo.ledger import LEDGER_STEP
from activities.models import Activity
from palace_portal.months import months_between, months_of_year
from performance.ledgers.demo import LEDGERS_STEP
from performance.ledgers.models import Ledger
from performance.ledgers.selectors import city_totals, monthly_totals, province_totals
from venues.demo.builder import DemoContext, collect_steps, wipe
from venues.models import Palace

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)


@pytest.fixture(scope="module")
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ctx = DemoContext(seed=2026, today=ANCHOR)
        with transaction.atomic():
            for step in venues.demo.DEMO_STEPS:
                step.build(ctx)
            LEDGER_STEP.build(ctx)
            started, cpu = clock.perf_counter(), clock.process_time()
            LEDGERS_STEP.build(ctx)
        elapsed, cpu = clock.perf_counter() - started, clock.process_time() - cpu
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(f"\nledgers demo step on {connection.vendor}: {elapsed:.1f} s ({cpu:.1f} s CPU)")
        yield SimpleNamespace(ctx=ctx, elapsed=elapsed, cpu=cpu)
        with transaction.atomic():
            wipe(collect_steps())


def test_the_2024_province_totals_are_the_published_figures(demo, db):
    totals = province_totals(months_of_year(2024), ["activities", "person_times", "online_viewers_max"])

    assert totals["activities"] == 67_400
    assert totals["person_times"] == 7_627_700
    assert totals["online_viewers_max"] == 171_800


def test_every_demo_month_has_a_ledger_for_every_palace_in_service(demo, db):
    span = Activity.objects.aggregate(first=Min("date"), last=Max("date"))
    months = list(months_between(span["first"], ANCHOR))
    in_service = Palace.objects.in_service().count()

    assert Ledger.objects.filter(month__in=months).count() >= in_service * len(months)
    assert Ledger.objects.filter(computed_at__isnull=True).count() == 0
    # The anchor's month so far, and no month after it.
    assert Ledger.objects.filter(month=date(2026, 11, 1)).exists()
    assert not Ledger.objects.filter(month__gt=date(2026, 11, 1)).exists()


def test_the_months_and_cities_add_up_to_the_province(demo, db):
    months = months_of_year(2024)
    by_month = monthly_totals(months, ["activities", "person_times"])
    by_city = city_totals(months, ["activities", "person_times"])

    assert sum(m["activities"] for m in by_month.values()) == 67_400
    assert sum(c["person_times"] for c in by_city.values()) == 7_627_700
    assert len(by_city) == 11


def test_the_step_takes_seconds_not_minutes(demo):
    assert demo.cpu < 60, demo.cpu
