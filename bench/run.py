"""`make bench`: run the benchmarks of bench/ (today: the booking benchmark, booking_bench.py)."""

import sys

import booking_bench

if __name__ == "__main__":
    sys.exit(booking_bench.main())
