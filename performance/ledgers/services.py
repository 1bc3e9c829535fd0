"""Writes of the ledgers' computed figures: the monthly aggregation.

`ledger_aggregate_month` is the only writer of `LedgerFigure.value`, `Ledger.computed_at` and
`Ledger.source_rows`. The Celery task (`performance.tasks.aggregate_month`), the management
command (`aggregate_month`), the demo and the perf-workflow services (after a manual line changes)
call it; nothing else writes figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput
from palace_portal.months import MAX_YEAR, MIN_YEAR, month_of, months_between
from venues.models import Palace

from . import counting, counting_innovation, counting_services, hours, rollups, writing
from .data_version import data_version_bump
from .metrics import MANUAL_CODES, METRICS
from .models import AggregationLock, Ledger, LedgerFigure
from .selectors import finish

ZERO = Decimal(0)
_PLACES = Decimal("0.0001")  # LedgerFigure.value has four decimal places
_STORED = [m.code for m in METRICS if not m.is_derived]
_DERIVED = [m.code for m in METRICS if m.is_derived]


@dataclass(frozen=True)
class AggregationResult:
    month: date
    ledgers: int  # ledgers written (created or updated)
    created: int  # of which new
    figures: int  # figure rows written
    source_rows: int  # raw rows read, all palaces
    computed_at: datetime


def _lock_months(months: list[date]) -> list[AggregationLock]:
    """Take the months' lock rows for the rest of the transaction (created on first use), in
    month order so that two multi-month runs cannot deadlock."""
    AggregationLock.objects.bulk_create([AggregationLock(month=m) for m in months], ignore_conflicts=True)
    return list(AggregationLock.objects.select_for_update().filter(month__in=months).order_by("month"))


def _palaces_to_compute(
    month: date, palace_ids: list[int] | None, tally: counting.Tally, **known
) -> list[int]:
    """Palaces in service, those with rows this month, and those that already have its ledger."""
    if palace_ids is not None:
        return known["named"]
    ids = set(known["in_service"]) | set(known["ledgers"].get(month, ()))
    ids |= {pk for (m, pk) in tally.rows if m == month} | {pk for (m, pk) in tally.figures if m == month}
    return sorted(ids)


# PostgreSQL settings for the rest of the aggregation's transaction (`SET LOCAL`: gone at its commit
# or rollback; when a caller's transaction holds the aggregation, e.g. the perf-workflow's after a
# manual line, its remaining statements run with them too, which only affects how they are
# planned). Measured on bench/scale.py's ×10 (docs/performance.md, "Aggregation under 1 s"):
# - jit off: the grouped reads cost enough for PostgreSQL to compile them to machine code, which
#   took longer than the reads themselves (~200 ms for the attendance read alone);
# - work_mem: the groupings of a month's bookings and attendance (tens of thousands of groups) fit
#   in memory instead of spilling to disk at the default 4 MB.
SESSION_SETTINGS = {"jit": "off", "work_mem": "32MB"}


def _tune_session() -> None:
    if connection.vendor != "postgresql":
        return
    calls = ", ".join(["set_config(%s, %s, true)"] * len(SESSION_SETTINGS))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", [part for item in SESSION_SETTINGS.items() for part in item])


def _check(month: date) -> date:
    month = month_of(month)
    if not MIN_YEAR <= month.year <= MAX_YEAR:
        raise InvalidInput(
            _("Enter a year from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR},
            code="month_out_of_range",
        )
    return month


def ledger_aggregate_month(
    *, month: date, palace_ids: list[int] | None = None, now: datetime | None = None
) -> AggregationResult:
    """Compute the month's figures from the raw rows and write them: the whole province, or only
    `palace_ids`. Who may call: the Celery task, the command, the demo, other services (after a
    change that moves a figure, e.g. a manual line: `ledger_aggregate_month(month=…,
    palace_ids=[palace.pk])`). No access check: it only recomputes what the rows say.

    - Reads: grouped SQL aggregates over the month's index range of each source's local date (see
      `counting`), about twenty queries whatever the number of palaces or rows.
    - Writes: creates the missing ledgers (palaces in service, palaces with rows, palaces named),
      then replaces the month's `LedgerFigure` rows with the non-zero figures of every catalogue
      metric (a metric without a row is 0, so one that dropped to 0 reads 0; see `_write_figures`)
      and sets `computed_at` and `source_rows`. A re-run replaces the month exactly.
    - Locked months (status accepted): `value` is updated to the latest computation; `locked_value`
      (the snapshot the perf-workflow services take on acceptance: `locked_value = value` on the
      ledger's rows) is never touched, so the official figure stays the snapshot and the ledger
      can show the difference. No row of an accepted ledger is deleted; a row it did not have
      (the figure was 0 when accepted) is created with `locked_value` 0.
    - One transaction, under the month's lock (`AggregationLock`: a row lock held until commit, so
      it holds across processes; SQLite's IMMEDIATE transactions serialise writers anyway): two
      runs of the same month never interleave, and a run that fails half way leaves the previous
      figures as they were.

    `now` (default: the current time) decides which sessions have been held; tests pass it.
    Raises `InvalidInput` (`month_out_of_range`) for a month outside the accepted years.
    """
    return ledger_aggregate_months(first=month, last=month, palace_ids=palace_ids, now=now)[0]


def ledger_aggregate_months(
    *, first: date, last: date, palace_ids: list[int] | None = None, now: datetime | None = None
) -> list[AggregationResult]:
    """`ledger_aggregate_month` for every month from `first` to `last`, in one transaction under
    all their locks, with one grouped query per source for the whole range (each grouped by month
    too): the demo's and `aggregate_month --all-months`' way of filling years at once."""
    first, last = _check(first), _check(last)
    if last < first:
        raise InvalidInput(_("The last month cannot be before the first."), code="months_reversed")
    now = now or timezone.now()
    named = None if palace_ids is None else sorted(set(palace_ids))
    months = list(months_between(first, last))
    with transaction.atomic():
        _tune_session()
        # Cached dashboards are keyed by the data version: a new one once these figures commit.
        data_version_bump()
        locks = _lock_months(months)
        tally = counting.Tally(palace_ids=named, first=first, last=last)
        venues = hours.venues_of(tally)
        counting.count_activities(tally)
        counting.count_sessions(tally, now=now)
        counting.count_attendance(tally)
        counting.count_signups(tally)
        counting.count_bookings(tally)
        counting.count_ratings(tally)
        counting.count_wishes(tally)
        counting.count_hosting(tally)
        counting.count_employment(tally)
        counting_innovation.count_innovation(tally)
        counting_services.count_legal_cases(tally)
        counting_services.count_teams(tally)
        counting.count_manual_lines(tally, MANUAL_CODES)
        hours.count_open_hours(tally, venues)

        known = {
            "named": sorted(Palace.objects.filter(pk__in=named).values_list("pk", flat=True))
            if named
            else [],
            "in_service": list(Palace.objects.in_service().values_list("pk", flat=True)),
            "ledgers": defaultdict(list),
        }
        for month, pk in Ledger.objects.filter(month__gte=first, month__lte=last).values_list(
            "month", "palace_id"
        ):
            known["ledgers"][month].append(pk)
        targets = {month: _palaces_to_compute(month, named, tally, **known) for month in months}
        ledgers = _ledgers(targets, computed_at=now, tally=tally)
        figures, changed = _write_figures(ledgers, tally, named)
        # The dashboards' rollups of these months, in this transaction (see `rollups`): of the
        # palaces whose figures changed or whose ledger is new, the only ones whose sums can have
        # moved (a nightly re-run of an unchanged month refreshes nothing).
        if changed is None:  # a figure of a ledger not computed here was deleted: all of them
            rollups.refresh(months=months, palace_ids=named)
        else:
            for ledger in ledgers:
                if ledger.created:
                    changed[ledger.month].add(ledger.palace_id)
            for month in months:
                if changed.get(month):
                    whole = named is None and len(changed[month]) == len(targets[month])
                    rollups.refresh(months=[month], palace_ids=None if whole else sorted(changed[month]))
        for lock in locks:
            lock.last_run_at = now
        AggregationLock.objects.bulk_update(locks, ["last_run_at"])
    return [
        AggregationResult(
            month=month,
            ledgers=sum(1 for ledger in ledgers if ledger.month == month),
            created=sum(1 for ledger in ledgers if ledger.month == month and ledger.created),
            figures=figures.get(month, 0),
            source_rows=sum(tally.rows.get((month, pk), 0) for pk in targets[month]),
            computed_at=now,
        )
        for month in months
    ]


@dataclass
class _LedgerRow:
    pk: int
    palace_id: int
    month: date
    created: bool


def _ledgers(
    targets: dict[date, list[int]], *, computed_at: datetime, tally: counting.Tally
) -> list[_LedgerRow]:
    """The ledgers of `targets` ({month: palace ids}), created where missing, stamped with
    `computed_at` and `source_rows`."""
    wanted = {(month, pk) for month, ids in targets.items() for pk in ids}
    in_range = Ledger.objects.filter(month__gte=tally.first, month__lte=tally.last)
    existing = {key for key in in_range.values_list("month", "palace_id") if key in wanted}
    # Through the ORM (model defaults apply): only the first run of a month creates ledgers.
    # ignore_conflicts: the month's lock is held, but another path (perf-workflow) may create one.
    Ledger.objects.bulk_create(
        [Ledger(palace_id=pk, month=month) for month, pk in sorted(wanted - existing)], ignore_conflicts=True
    )
    ledgers = [
        _LedgerRow(pk, palace_id, month, (month, palace_id) not in existing)
        for pk, palace_id, month in in_range.values_list("pk", "palace_id", "month")
        if (month, palace_id) in wanted
    ]
    writing.ledgers_stamp(
        rows=[(ledger.pk, tally.rows.get((ledger.month, ledger.palace_id), 0)) for ledger in ledgers],
        computed_at=computed_at,
    )
    return ledgers


def _write_figures(
    ledgers: list[_LedgerRow], tally: counting.Tally, named: list[int] | None
) -> tuple[dict[date, int], dict[date, set[int]] | None]:
    """Make the stored figures of `ledgers` (every ledger of the range, or of the named palaces)
    equal to the computed ones, writing only what changed (a nightly re-run of an unchanged month
    writes nothing but the ledgers' stamps).

    Zeros are not stored: a metric without a row is 0 (the selectors read it so). Rows of open,
    submitted and returned ledgers whose figure is now 0 are deleted. Accepted ledgers keep every
    row (the snapshot is in `locked_value`): a figure now 0 gets `value` 0; a row new to an
    accepted ledger gets `locked_value` 0, since the month had no such figure when accepted.
    Returns the number of non-zero figures per month, and the palaces whose figures were written
    (inserted, changed or deleted) per month, or None when a figure of a ledger not among
    `ledgers` was deleted (SQLite reads the months' figures by their month).
    """
    scope = LedgerFigure.objects.filter(month__gte=tally.first, month__lte=tally.last)
    if named is not None:
        scope = scope.filter(palace_id__in=named)
    existing = writing.figures_existing(
        scope.values_list("pk", "ledger_id", "metric", "value"), ledger_ids=[ledger.pk for ledger in ledgers]
    )
    accepted = set(
        Ledger.objects.filter(
            month__gte=tally.first, month__lte=tally.last, status=Ledger.Status.ACCEPTED
        ).values_list("pk", flat=True)
    )

    inserts, updates = [], []
    written: dict[date, int] = defaultdict(int)
    touched: set[int] = set()  # the ledgers whose figures are written
    for ledger in ledgers:
        # Only the codes counted (non-zero) and the derived ones: a code absent from `counted` is 0
        # and stores no row, so the ~100 catalogue codes need not be walked for every ledger.
        counted = tally.figures.get((ledger.month, ledger.palace_id), {})
        values = {code: counted[code] for code in _STORED if code in counted} | finish(counted, _DERIVED)
        locked = ZERO if ledger.pk in accepted else None
        for code, unrounded in values.items():
            value = unrounded.quantize(_PLACES)
            if not value:
                continue
            written[ledger.month] += 1
            old = existing.pop((ledger.pk, code), None)  # what is left in `existing` is now 0
            if old is None:
                inserts.append((ledger.pk, ledger.palace_id, ledger.month, code, value, locked))
                touched.add(ledger.pk)
            elif old[1] != value:
                updates.append((old[0], value))
                touched.add(ledger.pk)
    gone, by_pk = [], {ledger.pk: ledger for ledger in ledgers}
    for (ledger_id, _code), (pk, value) in existing.items():
        if ledger_id not in accepted:
            gone.append(pk)
            touched.add(ledger_id)
        elif value and ledger_id in by_pk:  # keep the row and its snapshot; the latest value is 0
            updates.append((pk, ZERO))
            touched.add(ledger_id)
    writing.figures_delete(ids=gone)
    writing.figures_update(rows=updates)
    writing.figures_insert(rows=inserts)
    if not touched <= by_pk.keys():
        return written, None
    changed: dict[date, set[int]] = defaultdict(set)
    for ledger_id in touched:
        changed[by_pk[ledger_id].month].add(by_pk[ledger_id].palace_id)
    return written, changed


__all__ = ["AggregationResult", "ledger_aggregate_month", "ledger_aggregate_months"]
