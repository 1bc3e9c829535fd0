"""Bulk writes of the aggregation, one statement each whatever the number of palaces.

The ORM's `bulk_create`/`bulk_update` split their rows into batches (999 parameters on SQLite)
and build a model instance per row: for ~100 figures × 110 palaces a month that is dozens of
statements and most of the run's time. Here each write is one statement: on PostgreSQL one
`INSERT … SELECT FROM unnest(arrays)` (five array parameters), on SQLite one prepared statement
executed for every row (`executemany`, no parameter limit). Both are upserts on the unique key, so
a re-run replaces values in place. Called by `services.ledger_aggregate_month` only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import connection

from .models import Ledger, LedgerFigure

_FIGURE = LedgerFigure._meta.db_table
_LEDGER = Ledger._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def ledgers_stamp(*, rows: list[tuple[int, int]], computed_at: datetime) -> None:
    """Set `computed_at` and `source_rows` (from `rows`: (ledger id, rows read))."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"UPDATE {_LEDGER} AS l SET computed_at = %s, source_rows = t.n "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::integer[]) AS t(id, n) WHERE l.id = t.id",
                [computed_at, [pk for pk, _ in rows], [n for _, n in rows]],
            )
        else:
            cursor.executemany(
                f"UPDATE {_LEDGER} SET computed_at = %s, source_rows = %s WHERE id = %s",  # noqa: S608
                [(computed_at, n, pk) for pk, n in rows],
            )


def figures_existing(rows) -> dict[tuple[int, str], tuple[int, Decimal]]:
    """{(ledger id, metric): (figure id, value)} of `rows`, a `values_list("pk", "ledger_id",
    "metric", "value")` of figures. On PostgreSQL its SQL is run as it stands and the rows read as
    the driver gives them (numeric as Decimal already): Django's row-by-row conversion of the
    ~70,000 figures of a province's month cost more than the query."""
    if not _postgres():
        return {(ledger_id, metric): (pk, value) for pk, ledger_id, metric, value in rows}
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(ledger_id, metric): (pk, value) for pk, ledger_id, metric, value in cursor.fetchall()}


def _array_literal(values) -> str:
    """A PostgreSQL array literal of ids, dates, metric codes ([a-z0-9_], no quoting needed) or
    decimals: one text parameter, parsed by the server, instead of thousands of values the
    driver adapts one by one (most of the client's time on a province's month)."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def figures_insert(*, rows: list[tuple[int, int, date, str, Decimal, Decimal | None]]) -> None:
    """Insert (ledger id, palace id, month, metric, value, locked value) rows; on a conflict with a
    row that is still there (an accepted month's), only `value` is set: `locked_value`, the
    acceptance snapshot, is never overwritten here."""
    if not rows:
        return
    columns = "(ledger_id, palace_id, month, metric, value, locked_value)"
    conflict = "ON CONFLICT (ledger_id, metric) DO UPDATE SET value = excluded.value"
    with connection.cursor() as cursor:
        if _postgres():
            arrays = "%s::bigint[], %s::bigint[], %s::date[], %s::varchar[], %s::numeric[], %s::numeric[]"
            cursor.execute(
                f"INSERT INTO {_FIGURE} {columns} SELECT * FROM unnest({arrays}) AS t "  # noqa: S608
                f"WHERE true {conflict}",  # WHERE true: ON CONFLICT must not parse as a join's ON
                [_array_literal(column) for column in zip(*rows, strict=True)],
            )
        else:
            # Decimals as text, as Django's SQLite backend stores them (all places kept).
            cursor.executemany(
                f"INSERT INTO {_FIGURE} {columns} VALUES (%s, %s, %s, %s, %s, %s) {conflict}",  # noqa: S608
                [
                    (ledger, palace, month, metric, str(value), None if locked is None else str(locked))
                    for ledger, palace, month, metric, value, locked in rows
                ],
            )


def figures_delete(*, ids: list[int]) -> None:
    """Delete figure rows by id (one statement; no parameter limit on SQLite)."""
    if not ids:
        return
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"DELETE FROM {_FIGURE} WHERE id = ANY(%s::bigint[])", [ids])  # noqa: S608
        else:
            cursor.executemany(f"DELETE FROM {_FIGURE} WHERE id = %s", [(pk,) for pk in ids])  # noqa: S608
