"""Bulk writes of the aggregation, one statement each whatever the number of palaces.

The ORM's `bulk_create`/`bulk_update` split their rows into batches (999 parameters on SQLite)
and build a model instance per row: for ~100 figures × 110 palaces a month that is dozens of
statements and most of the run's time. Here each write is one statement: on PostgreSQL one
`INSERT … SELECT FROM unnest(arrays)` (five array parameters), on SQLite one prepared statement
executed for every row (`executemany`, no parameter limit). A re-run updates the figures that
changed in place (by id), inserts the new ones and deletes those now 0. Called by
`services.ledger_aggregate_month` only.
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


def figures_existing(rows, *, ledger_ids: list[int]) -> dict[tuple[int, str], tuple[int, Decimal]]:
    """{(ledger id, metric): (figure id, value)} of the figures of `ledger_ids`; `rows` is the
    same set as a `values_list("pk", "ledger_id", "metric", "value")` of figures, read that way on
    SQLite. On PostgreSQL one statement through the unique (ledger, metric) index for the ledgers
    as an array (a month's figures by their month were a scan of every month's figures, 816,000 rows
    for a year at ×10, growing with the years kept), rows as the driver gives them (numeric as
    Decimal already: Django's row-by-row conversion of ~70,000 figures cost more than the query)."""
    if not _postgres():
        return {(ledger_id, metric): (pk, value) for pk, ledger_id, metric, value in rows}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ledger_id, metric, value FROM {_FIGURE} WHERE ledger_id = ANY(%s::bigint[])",  # noqa: S608
            [ledger_ids],
        )
        return {(ledger_id, metric): (pk, value) for pk, ledger_id, metric, value in cursor.fetchall()}


def _array_literal(values) -> str:
    """A PostgreSQL array literal of ids, dates, metric codes ([a-z0-9_], no quoting needed) or
    decimals: one text parameter, parsed by the server, instead of thousands of values the
    driver adapts one by one (most of the client's time on a province's month)."""
    return "{" + ",".join("NULL" if v is None else str(v) for v in values) + "}"


def figures_insert(*, rows: list[tuple[int, int, date, str, Decimal, Decimal | None]]) -> None:
    """Insert (ledger id, palace id, month, metric, value, locked value) rows that are not stored
    yet (the caller read the month's figures under the month's lock, and the aggregation is their
    only writer). A plain insert: `ON CONFLICT` made every row a speculative insertion, about a
    quarter of the time of a month's first computation (69,672 rows at ×10). Should a row appear
    after all, the unique (ledger, metric) refuses it and the run rolls back whole."""
    if not rows:
        return
    columns = "(ledger_id, palace_id, month, metric, value, locked_value)"
    with connection.cursor() as cursor:
        if _postgres():
            arrays = "%s::bigint[], %s::bigint[], %s::date[], %s::varchar[], %s::numeric[], %s::numeric[]"
            cursor.execute(
                f"INSERT INTO {_FIGURE} {columns} SELECT * FROM unnest({arrays})",  # noqa: S608
                [_array_literal(column) for column in zip(*rows, strict=True)],
            )
        else:
            # Decimals as text, as Django's SQLite backend stores them (all places kept).
            cursor.executemany(
                f"INSERT INTO {_FIGURE} {columns} VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608
                [
                    (ledger, palace, month, metric, str(value), None if locked is None else str(locked))
                    for ledger, palace, month, metric, value, locked in rows
                ],
            )


def figures_update(*, rows: list[tuple[int, Decimal]]) -> None:
    """Set `value` of stored figures ((figure id, value) rows). `locked_value`, the acceptance
    snapshot, is never touched here."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"UPDATE {_FIGURE} AS f SET value = t.value "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::numeric[]) AS t(id, value) WHERE f.id = t.id",
                [_array_literal(pk for pk, _ in rows), _array_literal(value for _, value in rows)],
            )
        else:
            cursor.executemany(
                f"UPDATE {_FIGURE} SET value = %s WHERE id = %s",  # noqa: S608
                [(str(value), pk) for pk, value in rows],
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
