"""The reporting rate: submitted (or accepted) ÷ expected, and on time by the 10th, per city and province."""

from datetime import date
from decimal import Decimal

import pytest

from performance.workflow.selectors import due_at, months_due, reporting_rate
from tests.factories import PalaceFactory
from tests.performance.workflow_support import local, make_ledger, submitted_step
from venues import access
from venues.models import Palace

pytestmark = pytest.mark.django_db

MARCH = date(2025, 3, 1)
APRIL = date(2025, 4, 1)


def reported(palace, month, on, status="submitted"):
    ledger = make_ledger(palace, month, status=status)
    submitted_step(ledger, local(on))
    return ledger


def test_the_due_moment_is_the_end_of_the_tenth_local_time():
    assert due_at(MARCH) == local(date(2025, 4, 11), 0)
    assert str(due_at(MARCH).tzinfo) == "Asia/Shanghai"


def test_it_counts_expected_reported_and_on_time_per_city_and_province(world):
    extra = PalaceFactory(name="南昌县工人文化宫", region=world.county1)  # city 1, in service
    PalaceFactory(name="在建文化宫", region=world.county1, status=Palace.Status.UNDER_CONSTRUCTION)
    reported(world.palace_a, MARCH, date(2025, 4, 10))  # on time (the 10th itself)
    reported(extra, MARCH, date(2025, 4, 11), status="accepted")  # late
    make_ledger(world.palace_b, MARCH, status="returned")  # sent back: not reported
    rate = reporting_rate(months=[MARCH])
    assert (rate.total.expected, rate.total.reported, rate.total.on_time) == (3, 2, 1)
    assert rate.total.rate == Decimal("66.7")
    assert rate.total.on_time_rate == Decimal("33.3")
    by_city = {row.city.name: (row.expected, row.reported, row.on_time, row.missing) for row in rate.cities}
    assert by_city == {"南昌市": (2, 2, 1, 0), "九江市": (1, 0, 0, 1)}


def test_a_resubmission_after_a_return_keeps_the_first_submissions_timeliness(world):
    ledger = reported(world.palace_a, MARCH, date(2025, 4, 5))
    submitted_step(ledger, local(date(2025, 4, 20)))  # resubmitted after the 10th
    rate = reporting_rate(months=[MARCH], palaces=Palace.objects.filter(pk=world.palace_a.pk))
    assert (rate.total.reported, rate.total.on_time) == (1, 1)


def test_a_closed_palace_with_a_ledger_is_expected_that_month_only(world):
    closed = PalaceFactory(name="已关闭文化宫", region=world.county1, status=Palace.Status.CLOSED)
    reported(closed, MARCH, date(2025, 4, 2))
    rate = reporting_rate(months=[MARCH, APRIL])
    # March: A, B, closed; April: A, B.
    assert (rate.total.expected, rate.total.reported, rate.total.on_time) == (5, 1, 1)


def test_a_year_counts_palace_months_of_the_months_that_ended():
    assert months_due(2025, today=date(2025, 4, 15)) == [date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)]
    assert len(months_due(2024, today=date(2025, 4, 15))) == 12


def test_the_scope_limits_the_palaces(world):
    reported(world.palace_a, MARCH, date(2025, 4, 2))
    rate = reporting_rate(months=[MARCH], palaces=access.palaces_visible_to(world.city_officer))
    assert [row.city.name for row in rate.cities] == ["南昌市"]
    assert (rate.total.expected, rate.total.reported) == (1, 1)


def test_no_palaces_means_no_rate(world):
    rate = reporting_rate(months=[MARCH], palaces=Palace.objects.none())
    assert rate.total.expected == 0
    assert rate.total.rate is None


def test_the_rate_costs_two_queries_however_many_months_and_palaces(world, django_assert_num_queries):
    for n in range(8):
        palace = PalaceFactory(name=f"文化宫{n}", region=world.county1)
        for month in (MARCH, APRIL):
            reported(palace, month, date(2025, month.month + 1, 3))
    with django_assert_num_queries(2):
        rate = reporting_rate(months=[MARCH, APRIL])
    assert rate.total.expected == 20


def test_the_ledger_keeps_its_first_submission_from_its_steps(world):
    ledger = reported(world.palace_a, MARCH, date(2025, 4, 12))
    later = submitted_step(ledger, local(date(2025, 4, 20)))
    ledger.refresh_from_db()
    assert ledger.first_submitted_at == local(date(2025, 4, 12))

    earlier = submitted_step(ledger, local(date(2025, 4, 3)))  # entered late, in the back office
    ledger.refresh_from_db()
    assert ledger.first_submitted_at == local(date(2025, 4, 3))
    own = Palace.objects.filter(pk=world.palace_a.pk)
    assert reporting_rate(months=[MARCH], palaces=own).total.on_time == 1

    earlier.delete()
    later.delete()
    ledger.refresh_from_db()
    assert ledger.first_submitted_at == local(date(2025, 4, 12))
    assert reporting_rate(months=[MARCH], palaces=own).total.on_time == 0


def test_steps_written_without_signals_are_caught_up_in_one_statement(world, django_assert_num_queries):
    from performance.ledgers.models import Ledger, LedgerStep

    ledgers = [make_ledger(palace, MARCH) for palace in (world.palace_a, world.palace_b)]
    LedgerStep.objects.bulk_create(
        [
            LedgerStep(ledger=ledger, action="submitted", at=local(date(2025, 4, 2 + n)))
            for n, ledger in enumerate(ledgers)
        ]
    )
    assert not Ledger.objects.filter(first_submitted_at__isnull=False).exists()

    with django_assert_num_queries(1):
        Ledger.objects.filter(month=MARCH).sync_first_submission()

    assert sorted(Ledger.objects.values_list("first_submitted_at", flat=True)) == [
        local(date(2025, 4, 2)),
        local(date(2025, 4, 3)),
    ]
