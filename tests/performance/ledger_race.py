"""Two real runs of the same month's aggregation at once, in threads with their own connections.

The critical section is instrumented: each run notes when it starts counting (after taking the
month's lock) and when it has written its figures (just before its commit), and dawdles in
between so that, without the lock, the two would overlap. Used on SQLite (tests/performance) and
on PostgreSQL (tests/integration).
"""

from __future__ import annotations

import itertools
import threading
import time

from django.db import OperationalError, connection

from performance.ledgers import counting, writing
from performance.ledgers.services import ledger_aggregate_month


def race_two_runs(monkeypatch, *, month, now, racers: int = 2, dawdle: float = 0.3):
    """Run `racers` aggregations of `month` together; return (intervals, errors)."""
    spans: dict[int, list[float]] = {}
    original_count, original_insert = counting.count_activities, writing.figures_insert

    def count_slowly(tally):
        spans[threading.get_ident()] = [time.monotonic()]
        time.sleep(dawdle)
        return original_count(tally)

    def insert_and_note(**kwargs):
        original_insert(**kwargs)
        spans[threading.get_ident()].append(time.monotonic())

    monkeypatch.setattr(counting, "count_activities", count_slowly)
    monkeypatch.setattr(writing, "figures_insert", insert_and_note)
    barrier = threading.Barrier(racers)
    errors: list[str] = []

    def run():
        try:
            barrier.wait(timeout=10)
            # SQLite's in-memory test database answers "table is locked" to a second writer
            # instead of making it wait: a retry is the wait a real file database would do.
            for _attempt in range(500):
                try:
                    ledger_aggregate_month(month=month, now=now)
                    return
                except OperationalError:
                    time.sleep(0.01)
            errors.append("never got the database")
        except Exception as error:  # surfaced by the caller's assertion
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(racers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(tuple(span) for span in spans.values()), errors


def overlapping(intervals) -> bool:
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(intervals))
