"""`make bench`: run the benchmarks of bench/: the booking benchmark (booking_bench.py), then the
ledger aggregation benchmark (aggregation_bench.py). Exits non-zero if either fails."""

import sys

import aggregation_bench
import booking_bench

if __name__ == "__main__":
    status = booking_bench.main()
    status = aggregation_bench.main() or status
    sys.exit(status)
