"""`make bench`: run the benchmarks of bench/: the booking benchmark (booking_bench.py), the ledger
aggregation benchmark (aggregation_bench.py), the dashboard benchmark (dashboard_bench.py) and the
pages benchmark over the ×10 province (pages_bench.py, which builds that province with scale.py
unless a matching database `palace_scale_x10` is already there, and keeps it for the next run).
Every one runs; the exit status is non-zero if any failed."""

import sys

import aggregation_bench
import booking_bench
import dashboard_bench
import pages_bench

if __name__ == "__main__":
    statuses = [booking_bench.main(), aggregation_bench.main(), dashboard_bench.main(), pages_bench.main()]
    sys.exit(next((status for status in statuses if status), 0))
