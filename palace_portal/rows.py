"""Model instances from rows of SQL written once: for hot paths where building the ORM query costs
more Python than the database spends answering it (docs/performance.md, "Bookings").

`columns(Model, "alias")` is the SELECT list of every concrete field of the model, in `_meta`
order; `instance(Model, row, offset)` makes the instance from those columns of a fetched row,
through the same converters the ORM applies (SQLite answers booleans as integers, aware date-times
as naive UTC text), so the result is the instance the ORM would have built. Several models' columns
may follow one another in one row (a join): each call answers the instance and the next offset.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models import Model, signals
from django.db.models.expressions import Col


@cache
def _fields(model: type[Model]) -> tuple:
    return tuple(model._meta.concrete_fields)


@cache
def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in _fields(model)]


def columns(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in _fields(model))


@cache
def _converted(model: type[Model], vendor: str) -> tuple:
    # The columns for which the compiler would apply converters (the backend's, then the field's).
    table = model._meta.db_table
    found = []
    for index, field in enumerate(_fields(model)):
        expression = Col(table, field)
        if connection.ops.get_db_converters(expression) or field.get_db_converters(connection):
            found.append((index, field, expression))
    return tuple(found)


def instance(model: type[Model], row, offset: int = 0) -> tuple[Model, int]:
    """The model instance whose columns (`columns(model, …)`) start at `offset` in `row`, and the
    offset after them."""
    count = len(_fields(model))
    values = list(row[offset : offset + count])
    for index, field, expression in _converted(model, connection.vendor):
        value = values[index]
        # Asked of this thread's connection: converters are bound to it.
        for converter in connection.ops.get_db_converters(expression) + field.get_db_converters(connection):
            value = converter(value, expression, connection)
        values[index] = value
    return model.from_db(connection.alias, _attnames(model), values), offset + count


def is_id(value: int) -> bool:
    """Whether `value` fits a 64-bit id column: a URL's `<int:pk>` may be any size, the ORM answers
    nothing for one past the column's range, and SQLite refuses it as a parameter."""
    return -(2**63) <= value < 2**63


def literals(values) -> str:
    """Our own constants (status values) as a SQL list of string literals, for `IN (...)` in
    statements written once; never for input, which goes in as parameters."""
    return ", ".join(f"'{value}'" for value in values)


def column(model: type[Model], name: str, alias: str) -> str:
    """One field's column, for a SELECT list read back with `values`."""
    return f'{alias}."{model._meta.get_field(name).column}"'


@cache
def _expressions(model: type[Model], names: tuple[str, ...]) -> tuple:
    table = model._meta.db_table
    return tuple(Col(table, model._meta.get_field(name)) for name in names)


def values(model: type[Model], names: tuple[str, ...], fetched) -> list[tuple]:
    """The values of `names` (fields of `model`, their columns selected in that order, see
    `column`) in each fetched row, through the converters the ORM applies: what `values_list`
    answers. The converters are looked up once for all the rows."""
    columns = []
    for index, expression in enumerate(_expressions(model, names)):
        field = expression.target
        converters = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if converters:
            columns.append((index, expression, converters))
    if not columns:
        return [tuple(row) for row in fetched]
    result = []
    for row in fetched:
        row = list(row)
        for index, expression, converters in columns:
            value = row[index]
            for converter in converters:
                value = converter(value, expression, connection)
            row[index] = value
        result.append(tuple(row))
    return result


@cache
def _insert_sql(model: type[Model], vendor: str, count: int) -> tuple[str, tuple, bool]:
    meta = model._meta
    fields = tuple(f for f in meta.local_concrete_fields if f is not meta.auto_field)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = connection.features.can_return_columns_from_insert and meta.auto_field is not None
    table = connection.ops.quote_name(meta.db_table)
    sql = f"INSERT INTO {table} ({names}) VALUES {', '.join([one] * count)}"  # noqa: S608 - our names
    if returning:
        sql += f" RETURNING {connection.ops.quote_name(meta.auto_field.column)}"
    return sql, fields, returning


def insert(*objs: Model) -> None:
    """INSERT new instances of one model (no pk yet) in one statement of SQL built once per model,
    setting their ids: what `save()` (one) or `bulk_create()` (several) do, without compiling the
    ORM's INSERT every time. Like bulk_create, no model signals are sent: a model with receivers
    (pre_save, post_save) is saved through the ORM instead, so none is ever skipped."""
    model = type(objs[0])
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        for obj in objs:
            obj.save(force_insert=True)
        return
    multi = len(objs) > 1
    if multi and not connection.features.can_return_rows_from_bulk_insert:
        for obj in objs:
            insert(obj)
        return
    sql, fields, returning = _insert_sql(model, connection.vendor, len(objs))
    params = [
        field.get_db_prep_save(field.pre_save(obj, add=True), connection) for obj in objs for field in fields
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()] if returning else [cursor.lastrowid]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = connection.alias
