"""The month's big reads of the ledger aggregation can be answered from the covering (local date)
indexes alone (an index-only scan), on PostgreSQL.

At ×10 those indexes are what keeps a month's aggregation near one hand-written query over the
same rows (docs/performance.md, "Aggregation under 1 s"): the tables' rows are in no date order,
so any read that needs one column more than the index holds (a `COUNT(id)`, a new column in a
grouping) reads the whole table again. The test database is small and the planner would rightly
scan it, so sequential and bitmap scans are switched off for the EXPLAIN: what is checked is that
the index-only scan is possible, i.e. that every column the read needs is in the index.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from performance.ledgers.services import ledger_aggregate_month
from tests.performance.ledger_world import MONTH, NOW, build

pytestmark = pytest.mark.django_db

COVERING = {
    "bookings_booking": "booking_day_covering",
    "bookings_attendance": "attendance_day_covering",
    "activities_activity": "activity_day_covering",
    "activities_rating": "rating_day_covering",
}


def _plan(sql: str) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _reads_of(queries, table: str) -> list[str]:
    """The aggregation's grouped reads of `table` by its local date column."""
    day = "date" if table == "activities_activity" else "local_date"
    quoted = f'"{table}"."{day}" >='
    return [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT") and quoted in q["sql"]]


@pytest.mark.parametrize("table", sorted(COVERING))
def test_the_months_read_is_an_index_only_scan_of_the_covering_index(postgres, world, table):
    build(world)
    with CaptureQueriesContext(connection) as run:
        ledger_aggregate_month(month=MONTH, now=NOW)

    reads = _reads_of(run.captured_queries, table)
    assert reads, f"no grouped read of {table} by its day"
    for sql in reads:
        plan = _plan(sql)
        assert f"Index Only Scan using {COVERING[table]} on {table}" in plan, plan
