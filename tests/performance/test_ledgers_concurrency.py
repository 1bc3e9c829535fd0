"""Two runs of the same month never interleave (the month's lock), on SQLite with real threads.

The PostgreSQL run of the same race, where the row lock is what serialises them, is in
tests/integration/test_performance_celery.py."""

import pytest

from performance.ledgers.models import Ledger, LedgerFigure
from performance.ledgers.selectors import figures_for
from tests.performance.ledger_race import overlapping, race_two_runs
from tests.performance.ledger_world import MONTH, NOW, build, expected


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_month_never_interleave(world, monkeypatch):
    records = build(world)

    intervals, errors = race_two_runs(monkeypatch, month=MONTH, now=NOW)

    assert errors == []
    assert len(intervals) == 2
    assert all(len(span) == 2 for span in intervals)
    assert not overlapping(intervals), intervals
    assert Ledger.objects.filter(month=MONTH).count() == 2
    metrics = list(LedgerFigure.objects.values_list("ledger", "metric"))
    assert len(metrics) == len(set(metrics))
    assert (
        figures_for([world.palace_b.pk], [MONTH])[world.palace_b.pk]["activities"]
        == expected(records, world.palace_b)["activities"]
    )


def test_the_race_helper_sees_an_overlap_when_there_is_one():
    assert overlapping([(0.0, 2.0), (1.0, 3.0)])
    assert not overlapping([(0.0, 1.0), (1.5, 3.0)])
