"""`make bench`: run the benchmarks of bench/: the booking benchmark (booking_bench.py); the ×10
province of the issue (scale.py builds it unless a matching database `palace_scale_x10` is already
there, and keeps it for the next run); the ledger aggregation of its last complete month beside one
hand-written query (aggregation_bench.py --scale-db); the dashboard benchmark (dashboard_bench.py);
the pages benchmark over the ×10 province (pages_bench.py); and the read-replica benchmark
(replica_bench.py: a private primary and streaming replica; where it cannot run — not root, or no
PostgreSQL binaries — it says so and counts as skipped, not failed). Every one runs; the exit status
is non-zero if any failed. `aggregation_bench.py` on its own seeds its own (heavier) province."""

import sys
from datetime import date

import aggregation_bench
import booking_bench
import dashboard_bench
import pages_bench
import replica_bench
import scale

SCALE_FACTOR = 10


def last_complete_month(as_of: str) -> str:
    day = date.fromisoformat(as_of)
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{year}-{month:02d}"


if __name__ == "__main__":
    statuses = [booking_bench.main()]
    made = scale.ensure(SCALE_FACTOR)
    month = last_complete_month(str(made["as_of"]))
    statuses += [
        aggregation_bench.main(["--scale-db", f"palace_scale_x{SCALE_FACTOR}", "--month", month]),
        dashboard_bench.main(),
        pages_bench.main(),
    ]
    if replica_bench.can_run():
        statuses.append(replica_bench.main())
    else:
        print(f"read-replica benchmark skipped: {replica_bench.why_not()}", flush=True)
    sys.exit(next((status for status in statuses if status), 0))
