"""Rollups of the ledgers' official figures: what the dashboards and rankings read instead of
summing every figure of a year.

Two tables (`models.PalaceYearFigure`, `models.CityMonthFigure`) hold, per palace and year and per
city and month, the sum and the largest of the official figures (`Coalesce(locked_value, value)`)
of every stored metric, and under the pseudo-metric `KEPT` the number of ledgers kept. A year's
provincial dashboard then reads ~5,000 rows (cities × 24 months × metrics) and its ranking
~2,000 (palaces × 2 years of one metric) instead of ~470,000 figures at ×10.

They are kept exact by their writers, in the writers' own transactions (a rolled-back write rolls
its refresh back with it; no write commits without its refresh):

- the aggregation (`services.ledger_aggregate_months`) refreshes the months and palaces it
  computed, once, at its end (`refresh`);
- everything written through the ORM — the workflow's acceptance and reopening (which change
  `locked_value`, i.e. which figure is official) and every other transition, manual lines
  (`workflow.services.sync_manual_figures`), the admin, the demo, tests — is refreshed by the
  model signals of `performance.signals` (`touch`: the ledger's palace-month), grouped by `batch()`
  where one service writes many rows;
- `QuerySet.update` and raw SQL send no signal: their writers call `refresh` themselves (the
  acceptance and reopening do, the demo and the benches rebuild);
- a palace moved to another city refreshes both cities (`performance.signals`).

Anything else (a region moved between cities, a hand-edited table) is repaired by `rebuild()`
(`manage.py rollups_rebuild`, and the nightly Celery task `performance.tasks.rollups_rebuild`);
`differences()` says whether the rollups equal a rebuild (`manage.py rollups_rebuild --check`).

Concurrency: a refresh deletes and re-inserts the rows of its keys from the figures as committed.
Two refreshes of the same year would each delete what the other has not committed yet and insert
twice, so on PostgreSQL each takes a transaction-scoped advisory lock per year first (ascending):
the second waits for the first's commit and then reads its figures. The locks are the last a
writer takes (the refresh ends its writes), so they add no deadlock. SQLite serialises writers.

Who may call: the writers above (`refresh`, `touch`, `batch`), the readers of
`performance.rankings.selectors` and `performance.dashboards` (`city_sums`, `palace_year_sums`).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from venues.models import Palace, Region

from .data_version import data_version_bump
from .models import CityMonthFigure, Ledger, LedgerFigure, PalaceYearFigure

KEPT = "_ledgers"  # the pseudo-metric: ledgers kept (total and largest both the count)
_LOCK_CLASS = 0x524C5550  # pg_advisory_xact_lock(class, year): "RLUP"
_PALACE_YEAR = PalaceYearFigure._meta.db_table
_CITY_MONTH = CityMonthFigure._meta.db_table
_FIGURE = LedgerFigure._meta.db_table
_LEDGER = Ledger._meta.db_table
_PALACE = Palace._meta.db_table
_REGION = Region._meta.db_table
_OFFICIAL = "COALESCE(f.locked_value, f.value)"
# Each palace's city: its region if that is a city, else the region's parent (a county's city).
_PALACE_CITY = (
    f"SELECT p.id AS palace_id, CASE WHEN r.level = 'city' THEN r.id ELSE r.parent_id END AS city "  # noqa: S608
    f"FROM {_PALACE} p JOIN {_REGION} r ON r.id = p.region_id"
)

# The metrics rolled up: what the dashboards show, not the whole catalogue (a rollup of every
# metric would re-read ~100 figures a palace-month on every refresh). By city and month: the
# stored inputs of the dashboards' figures at a glance, centres and tables
# (`performance.dashboards.selectors` GLANCE, `centre_measures`, TABLE; a test holds them equal),
# and the largest online audience (where the period's largest online event is).
# By palace and year: what the dashboards show per palace (their TABLE, the ranking's measure
# among them), which the rankings of these metrics read too. Readers asking for another metric
# read the figures (`performance.rankings.selectors.component_sums`). Naming the metrics also
# lets PostgreSQL read the figures through the (metric, month, palace) index: a few index ranges.
CITY_MONTH_METRICS = (
    "activities",
    "attendance",
    "booked_hours",
    "booked_hours_culture",
    "booked_hours_education",
    "booked_hours_health",
    "booked_hours_service",
    "bookings",
    "online_viewers",
    "online_viewers_max",
    "open_hours",
    "open_hours_culture",
    "open_hours_education",
    "open_hours_health",
    "open_hours_service",
    "person_times",
    "rating_stars",
    "ratings",
)
PALACE_YEAR_METRICS = ("activities", "bookings", "online_viewers", "person_times")

_state = threading.local()


# --- Writing -----------------------------------------------------------------------------------------


def _in(column: str, values: list) -> tuple[str, list]:
    """`column IN values` as SQL and parameters (one array parameter on PostgreSQL)."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [values]
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _lock_years(years: Iterable[int]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time already
    with connection.cursor() as cursor:
        for year in sorted(set(years)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, year])


def _cities_of(palace_ids: list[int]) -> list[int]:
    where, params = _in("c.palace_id", palace_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT c.city FROM ({_PALACE_CITY}) c WHERE {where} AND c.city IS NOT NULL",  # noqa: S608
            params,
        )
        return [row[0] for row in cursor.fetchall()]


def city_of_palace(palace_id: int) -> int | None:
    """The city (Region id) a palace's figures roll up into; None for an unknown palace."""
    found = _cities_of([palace_id])
    return found[0] if found else None


def cities_of_regions(region_ids: list[int]) -> list[int]:
    """The cities of regions (a city itself, a county's parent)."""
    return sorted(
        {
            region.pk if region.level == Region.Level.CITY else region.parent_id
            for region in Region.objects.filter(pk__in=region_ids).only("level", "parent_id")
            if region.level != Region.Level.PROVINCE
        }
    )


def _write_city_months(months: list[date] | None, city_ids: list[int] | None) -> None:
    """Replace the rows of `months` (None: all) × `city_ids` (None: every city) by the sums of the
    figures and the count of the ledgers of their palaces."""
    where, params = ["1 = 1"], []
    inner, inner_params = ["c.city IS NOT NULL"], []
    if months is not None:
        sql, values = _in("month", months)
        where.append(sql)
        params += values
    if city_ids is not None:
        sql, values = _in("city_id", city_ids)
        where.append(sql)
        params += values
        sql, values = _in("c.city", city_ids)
        inner.append(sql)
        inner_params += values
    scope = f"SELECT * FROM ({_PALACE_CITY}) c WHERE {' AND '.join(inner)}"  # noqa: S608
    metric_sql, metric_params = _in("f.metric", list(CITY_MONTH_METRICS))
    figure_months, ledger_months, month_params = f"WHERE {metric_sql}", "", []
    if months is not None:
        sql, month_params = _in("f.month", months)
        figure_months += f" AND {sql}"
        ledger_months = f"WHERE {_in('l.month', months)[0]}"
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_CITY_MONTH} WHERE {' AND '.join(where)}", params)  # noqa: S608
        cursor.execute(
            f"INSERT INTO {_CITY_MONTH} (city_id, month, metric, total, largest) "  # noqa: S608
            f"SELECT c.city, f.month, f.metric, SUM({_OFFICIAL}), MAX({_OFFICIAL}) "
            f"FROM {_FIGURE} f JOIN ({scope}) c ON c.palace_id = f.palace_id {figure_months} "
            "GROUP BY c.city, f.month, f.metric "
            "UNION ALL "
            f"SELECT c.city, l.month, %s, COUNT(*), COUNT(*) "
            f"FROM {_LEDGER} l JOIN ({scope}) c ON c.palace_id = l.palace_id {ledger_months} "
            "GROUP BY c.city, l.month",
            [*inner_params, *metric_params, *month_params, KEPT, *inner_params, *month_params],
        )


def _write_palace_years(years: list[int], palace_ids: list[int] | None) -> None:
    """Replace the rows of `years` × `palace_ids` (None: every palace) by the sums of their
    figures and the count of their ledgers."""
    metric_sql, metric_params = _in("f.metric", list(PALACE_YEAR_METRICS))
    for year in years:
        first, last = date(year, 1, 1), date(year, 12, 1)
        palace_sql, palace_params = ("", [])
        figure_palaces, ledger_palaces = "", ""
        if palace_ids is not None:
            sql, palace_params = _in("palace_id", palace_ids)
            palace_sql = f" AND {sql}"
            figure_palaces = f" AND {_in('f.palace_id', palace_ids)[0]}"
            ledger_palaces = f" AND {_in('l.palace_id', palace_ids)[0]}"
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {_PALACE_YEAR} WHERE year = %s{palace_sql}",  # noqa: S608
                [year, *palace_params],
            )
            cursor.execute(
                f"INSERT INTO {_PALACE_YEAR} (palace_id, year, metric, total, largest) "  # noqa: S608
                f"SELECT f.palace_id, %s, f.metric, SUM({_OFFICIAL}), MAX({_OFFICIAL}) FROM {_FIGURE} f "
                f"WHERE {metric_sql} AND f.month >= %s AND f.month <= %s{figure_palaces} "
                "GROUP BY f.palace_id, f.metric "
                "UNION ALL "
                f"SELECT l.palace_id, %s, %s, COUNT(*), COUNT(*) FROM {_LEDGER} l "
                f"WHERE l.month >= %s AND l.month <= %s{ledger_palaces} GROUP BY l.palace_id",
                [year, *metric_params, first, last, *palace_params, year, KEPT, first, last, *palace_params],
            )


def refresh(
    *, months: Iterable[date], palace_ids: Iterable[int] | None = None, cities: Iterable[int] = ()
) -> None:
    """Make the rollups of `months` exact for `palace_ids` (None: every palace): their palace-years
    and the city-months of their cities (plus `cities`: a palace's former city). Call inside the
    transaction that wrote the figures or ledgers, after the writes. A few statements whatever the
    number of palaces; the whole province's month at ×10 re-sums its year's figures (~235,000)."""
    months = sorted({month.replace(day=1) for month in months})
    if not months:
        return
    ids = None if palace_ids is None else sorted(set(palace_ids))
    if ids == []:
        return
    years = sorted({month.year for month in months})
    with transaction.atomic(savepoint=False):  # the writer's transaction, or one of its own
        _lock_years(years)
        city_ids = None if ids is None else sorted(set(_cities_of(ids)) | set(cities))
        if city_ids != []:
            _write_city_months(months, city_ids)
        _write_palace_years(years, ids)


def touch(palace_id: int, month: date) -> None:
    """The figures or the ledger of `palace_id`'s `month` changed (the model signals call this):
    refresh now, or at the end of the current `batch()`."""
    pending = getattr(_state, "pending", None)
    if pending is not None:
        pending.add((palace_id, month.replace(day=1)))
        return
    refresh(months=[month], palace_ids=[palace_id])


def batching() -> bool:
    """Whether a `batch()` block is open: the ledger signals then leave the data version's bump to
    its end too (one bump, not one per deleted row)."""
    return getattr(_state, "pending", None) is not None


@contextmanager
def batch() -> Iterator[None]:
    """Within the block, `touch` only notes the palace-months; they are refreshed once when the
    block ends without an exception (one refresh per month instead of one per saved row), and the
    dashboards' data version bumped once if any changed. Use it inside the writer's transaction.
    Nested blocks refresh at the outermost's end."""
    if getattr(_state, "pending", None) is not None:
        yield
        return
    _state.pending = pending = set()
    try:
        yield
    finally:
        _state.pending = None
    by_month: dict[date, set[int]] = defaultdict(set)
    for palace_id, month in pending:
        by_month[month].add(palace_id)
    for month, ids in sorted(by_month.items()):
        refresh(months=[month], palace_ids=ids)
    if pending:
        data_version_bump()


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def rebuild() -> None:
    """Recompute every rollup from the figures and ledgers (the repair of anything the writers
    could not see; a few seconds at ×10). Concurrent refreshes wait for it (table locks)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {_CITY_MONTH}, {_PALACE_YEAR} IN EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            # Raw SQL only (the data migration calls this too).
            cursor.execute(f"SELECT DISTINCT month FROM {_LEDGER}")  # noqa: S608
            years = sorted({_as_date(row[0]).year for row in cursor.fetchall()})
            cursor.execute(f"DELETE FROM {_PALACE_YEAR}")  # noqa: S608
        _write_city_months(None, None)
        _write_palace_years(years, None)


def _snapshot() -> dict:
    rows = {}
    for palace_id, year, metric, total, largest in PalaceYearFigure.objects.values_list(
        "palace_id", "year", "metric", "total", "largest"
    ):
        rows[("palace", palace_id, year, metric)] = (total, largest)
    for city_id, month, metric, total, largest in CityMonthFigure.objects.values_list(
        "city_id", "month", "metric", "total", "largest"
    ):
        rows[("city", city_id, month, metric)] = (total, largest)
    return rows


def differences() -> list[tuple]:
    """The rows where the stored rollups differ from a rebuild (missing, extra or other values):
    [(key, stored, rebuilt)], empty when they agree. Changes nothing (the rebuild is rolled back)."""
    stored = _snapshot()
    with transaction.atomic():
        sid = transaction.savepoint()
        rebuild()
        rebuilt = _snapshot()
        transaction.savepoint_rollback(sid)
    return [
        (key, stored.get(key), rebuilt.get(key))
        for key in sorted(set(stored) | set(rebuilt), key=str)
        if stored.get(key) != rebuilt.get(key)
    ]


# --- Reading -----------------------------------------------------------------------------------------

ALL = "*"  # the key of the cities' (the scope's) totals in `city_sums`


def _slot_value(code: str, largest: set[str], total, top):
    return top if code in largest else total


def city_sums(
    city_ids: list[int] | None, codes: list[str], periods: dict[str, list[date]], largest: set[str]
) -> dict:
    """{(city id, code): {period key: sum, or the largest for `largest` codes, or None}} and
    {(city id, None): {period key: kept a ledger}} for `city_ids` (None: every city), and the same
    over all of them under the city key `ALL`. `periods`: {key: its months}; they may overlap (a
    year and its months). One query over the city-month rollup."""
    missing = set(codes) - set(CITY_MONTH_METRICS)
    if missing:
        raise ValueError(f"Not rolled up by city and month: {', '.join(sorted(missing))}")
    keys_of: dict[date, list[str]] = defaultdict(list)
    for key, ms in periods.items():
        for month in ms:
            keys_of[month].append(key)
    rows = CityMonthFigure.objects.filter(month__in=sorted(keys_of), metric__in=[*codes, KEPT])
    if city_ids is not None:
        rows = rows.filter(city_id__in=city_ids)
    # The rows as stored (a few thousand for a province's year), summed here per period: cheaper
    # than one conditional aggregate per period and metric for the database and for the ORM.
    out: dict = {}
    for city_id, month, code, total, top in rows.values_list(
        "city_id", "month", "metric", "total", "largest"
    ):
        if code == KEPT:
            kept = out.setdefault((city_id, None), dict.fromkeys(periods, False))
            for period_key in keys_of[month]:
                kept[period_key] = kept[period_key] or total > 0
            continue
        slot = out.setdefault((city_id, code), dict.fromkeys(periods))
        for period_key in keys_of[month]:
            before = slot[period_key]
            if code in largest:
                slot[period_key] = top if before is None or top > before else before
            else:
                slot[period_key] = total if before is None else before + total
    # The scope as a whole from its cities' slots (a dozen), not from every row again.
    whole: dict = {}
    for (_city_id, code), slot in out.items():
        into = whole.get((ALL, code))
        if into is None:
            whole[(ALL, code)] = dict(slot)
            continue
        for period_key, value in slot.items():
            before = into[period_key]
            if code is None:
                into[period_key] = before or value
            elif value is None:
                continue
            elif before is None:
                into[period_key] = value
            elif code in largest:
                into[period_key] = max(before, value)
            else:
                into[period_key] = before + value
    out.update(whole)
    return out


def palace_year_sums(palaces, codes: list[str], years: dict[str, int], largest: set[str]) -> dict:
    """{(palace id, code): {period key: the year's sum, or largest for `largest` codes}} and
    {(palace id, None): {period key: kept a ledger}} for the palaces of `palaces` (a queryset or
    ids; None: every palace) and `years` ({period key: year}). One query over the palace-year
    rollup; a palace appears only if it kept a ledger in one of the years."""
    missing = set(codes) - set(PALACE_YEAR_METRICS)
    if missing:
        raise ValueError(f"Not rolled up by palace and year: {', '.join(sorted(missing))}")
    rows = PalaceYearFigure.objects.filter(year__in=sorted(set(years.values())), metric__in=[*codes, KEPT])
    if palaces is not None:
        rows = rows.filter(palace_id__in=palaces)
    by_year: dict[int, list[str]] = defaultdict(list)
    for key, year in years.items():
        by_year[year].append(key)
    out: dict = {}
    zero = Decimal(0)
    for palace_id, year, code, total, top in rows.values_list(
        "palace_id", "year", "metric", "total", "largest"
    ):
        if code == KEPT:
            slot = out.setdefault((palace_id, None), dict.fromkeys(years, False))
            for key in by_year[year]:
                slot[key] = total > zero
            continue
        slot = out.setdefault((palace_id, code), dict.fromkeys(years))
        for key in by_year[year]:
            slot[key] = _slot_value(code, largest, total, top)
    return out
