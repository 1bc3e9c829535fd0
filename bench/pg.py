"""The benchmarks' PostgreSQL: where it is (the machine's shared server, trust auth) and a `psql`
call that fails loudly. Imported by the bench scripts, which run with bench/ on sys.path."""

from __future__ import annotations

import subprocess

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"


def database_url(db: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}"


def psql(db: str, sql: str, timeout: int = 600) -> str:
    """Run `sql` in `db`; its output, unaligned and without headers (an error raises)."""
    completed = subprocess.run(
        ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt",
         "-c", sql],
        capture_output=True, text=True, timeout=timeout, check=True,
    )  # fmt: skip
    return completed.stdout.strip()
