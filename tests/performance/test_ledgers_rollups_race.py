"""Two writers refreshing the rollups of one city and year at once: the second waits for the
first's commit (an advisory lock per year), then sums what it committed. Threads with their own
connections, on PostgreSQL (SQLite serialises writers and says nothing of production)."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, transaction

from performance.ledgers import rollups
from performance.ledgers.models import CityMonthFigure
from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
MAY = date(2024, 5, 1)


def _write(palace, value: int, hold: float, outcomes: list, index: int, barrier) -> None:
    barrier.wait()
    try:
        with transaction.atomic():
            time.sleep(0.05 * index)  # the second starts its refresh while the first holds its own
            figures(palace, MAY, person_times=value)  # the signals refresh the rollups here
            time.sleep(hold)  # … and the first keeps its transaction open a while
        outcomes[index] = "done"
    except Exception as error:  # the outcome is what the test compares
        outcomes[index] = type(error).__name__
    finally:
        connection.close()


@pytest.mark.parametrize("locked", [True, False], ids=["with the lock", "without it"])
def test_two_refreshes_of_one_city_month_at_once(world, monkeypatch, locked):
    if connection.vendor != "postgresql":
        pytest.skip("a race of connections needs PostgreSQL")
    other = PalaceFactory(name="南昌县工人文化宫", level=Palace.Level.COUNTY, region=world.county1)
    figures(world.palace_a, MAY, person_times=1)
    figures(other, MAY, person_times=2)
    if not locked:
        monkeypatch.setattr(rollups, "_lock_years", lambda years: None)
    barrier = threading.Barrier(2)
    outcomes = [None, None]
    threads = [
        threading.Thread(
            target=_write, args=(palace, value, 0.5 if index == 0 else 0, outcomes, index, barrier)
        )
        for index, (palace, value) in enumerate(((world.palace_a, 10), (other, 20)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    row = CityMonthFigure.objects.filter(city=world.city1, month=MAY, metric="person_times").first()
    if locked:
        assert outcomes == ["done", "done"]
        assert row.total == 30
        assert rollups.differences() == []
    else:  # what the lock prevents: the second insert collides with the first's rows
        assert "IntegrityError" in outcomes
