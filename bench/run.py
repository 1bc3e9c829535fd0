"""`make bench`: run the benchmarks of bench/: the booking benchmark (booking_bench.py) and the
dashboard benchmark (dashboard_bench.py)."""

import sys

import booking_bench
import dashboard_bench

if __name__ == "__main__":
    sys.exit(booking_bench.main() or dashboard_bench.main())
