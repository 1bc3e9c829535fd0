"""Employment reaches the monthly ledger: postings (and openings) by the day published,
applications by the day of applying, placements by the day placed, per palace, in grouped queries."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.employment import services
from performance.ledgers.metrics import metric
from performance.ledgers.models import LedgerFigure
from performance.ledgers.services import ledger_aggregate_month
from tests.activities.employment_support import posting
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 31 October 23:30 in Shanghai is still October there (15:30 UTC), and 1 November 00:30 is November.
LAST_OF_OCTOBER = datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI)
FIRST_OF_NOVEMBER = datetime(2026, 11, 1, 0, 30, tzinfo=SHANGHAI)


def figures(palace, month):
    return {
        f.metric: f.value
        for f in LedgerFigure.objects.filter(palace=palace, month=month, metric__startswith="job_")
    }


def test_postings_applications_and_placements_are_counted_in_their_months(world):
    october_job = posting(world, now=LAST_OF_OCTOBER, openings=3)
    november_job = posting(world, title="质检员", now=FIRST_OF_NOVEMBER, openings=5)
    posting(world, title="草稿", publish=False, now=LAST_OF_OCTOBER)
    posting(world, world.palace_b, title="纺织工", now=LAST_OF_OCTOBER, openings=7)
    people = [UserFactory() for _ in range(4)]
    for person in people[:3]:
        services.job_apply(user=person, posting=october_job, now=LAST_OF_OCTOBER)
    withdrawn = services.job_apply(user=people[3], posting=november_job, now=FIRST_OF_NOVEMBER)
    services.application_withdraw(user=people[3], application=withdrawn)
    placed = october_job.applications.order_by("pk")[:2]
    services.application_decide(
        actor=world.staff_a, application=placed[0], placed=True, placed_on=date(2026, 10, 31),
        now=FIRST_OF_NOVEMBER,
    )  # fmt: skip
    services.application_decide(
        actor=world.staff_a, application=placed[1], placed=True, placed_on=date(2026, 11, 2),
        now=FIRST_OF_NOVEMBER + timedelta(days=2),
    )  # fmt: skip

    now = FIRST_OF_NOVEMBER + timedelta(days=10)
    ledger_aggregate_month(month=date(2026, 10, 1), now=now)
    ledger_aggregate_month(month=date(2026, 11, 1), now=now)

    assert figures(world.palace_a, date(2026, 10, 1)) == {
        "job_postings": Decimal(1),
        "job_openings": Decimal(3),
        "job_applications": Decimal(3),
        "job_placements": Decimal(1),
    }
    assert figures(world.palace_a, date(2026, 11, 1)) == {
        "job_postings": Decimal(1),
        "job_openings": Decimal(5),
        "job_applications": Decimal(1),  # withdrawn, but it was an application
        "job_placements": Decimal(1),
    }
    assert figures(world.palace_b, date(2026, 10, 1)) == {
        "job_postings": Decimal(1),
        "job_openings": Decimal(7),
    }


def test_the_employment_count_does_not_grow_with_the_rows(world):
    job = posting(world, now=LAST_OF_OCTOBER)
    with CaptureQueriesContext(connection) as few:
        ledger_aggregate_month(month=date(2026, 10, 1), now=FIRST_OF_NOVEMBER)
    for _ in range(15):
        services.job_apply(user=UserFactory(), posting=job, now=LAST_OF_OCTOBER)
    posting(world, title="更多", now=LAST_OF_OCTOBER)
    with CaptureQueriesContext(connection) as many:
        ledger_aggregate_month(month=date(2026, 10, 1), now=FIRST_OF_NOVEMBER)
    assert len(many) <= len(few) + 2  # a few more figure rows to write, never one query per row


def test_the_catalogue_names_the_employment_metrics():
    assert metric("job_placements").group == "employment"
    assert metric("job_applications").unit == "times"
    assert not metric("job_placements").manual
