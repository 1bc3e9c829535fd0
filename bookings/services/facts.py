"""The two reads of `booking_create`'s transaction, in SQL written once (the booking's hot path).

Profiled (docs/performance.md, "Bookings"), building these two statements through the ORM cost
more Python than the database spent answering them: six filtered counts and two correlated
subqueries are compiled afresh on every request. Here they are plain SQL that both PostgreSQL
and SQLite (3.30+: `COUNT(*) FILTER`) run as is; parameters go through the backend's adapters
(SQLite keeps aware date-times as UTC text). What each figure means is the ORM's meaning, and the
booking tests run both backends' paths.

Helpers of `booking.py`: they run inside its transaction and assert nothing about the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import cache

from django.db import connection
from django.utils import timezone

from palace_portal.rows import literals as _listed
from venues.models import Venue

from ..models import Booking, SlotCounter, Suspension
from ..models.booking import MAX_VENUE_BOOKING

Status = Booking.Status
# Statuses a day's and a week's limits count: checked-in bookings still count, over or not.
COUNTED = (*Booking.ACTIVE, Status.CHECKED_IN)


FACT_NAMES = ("already", "active", "on_day", "in_week", "queue", "busy", "counter_taken", "counter_capacity")


def facts_select(value: Callable[[str], str]) -> str:
    """The facts' SELECT, its inputs written by `value(name)`: a placeholder here, a PL/pgSQL
    parameter in the one-round-trip function (`fast.py`), which asks the same. The inputs: `user`,
    `venue`, `start`, `end`, `now`, `day`, `monday`, `next_monday`, and the bounds `reach` and
    `since` (`facts_bounds`). Its columns: `FACT_NAMES`.

    The rows it reads do not grow with history: a venue booking covers one day's slots (a
    constraint, `MAX_VENUE_BOOKING`), so the venue's rows overlapping the time start after `reach`
    (a day before the start), and the person's rows the limits count start after `since`; the
    venue's sign-ups of offerings, which may span a term, are read by their end
    (`booking_signup_venue_end`). Each count's own condition is unchanged."""
    user, venue, start, end, now = (value(name) for name in ("user", "venue", "start", "end", "now"))
    mine = f"user_id = {user} AND offering_id IS NULL"
    week = f"local_date >= {value('monday')} AND local_date < {value('next_monday')}"
    here = f'venue_id = {venue} AND "start" < {end} AND "end" > {start}'
    # What the WHERE reads: every row a count below counts, by an index range each.
    person = (
        f'{mine} AND status IN ({_listed(COUNTED)}) AND "start" >= {value("since")} '
        f'AND ("end" > {now} OR {week})'
    )
    venue_rows = f'{here} AND offering_id IS NULL AND "start" >= {value("reach")}'
    sign_ups = f"{here} AND offering_id IS NOT NULL"
    counter = f'FROM {SlotCounter._meta.db_table} WHERE venue_id = {venue} AND "start" = {start}'
    # Only our tables' names, status constants and the callers' placeholders are interpolated.
    return f"""
        SELECT
          COUNT(*) FILTER (WHERE user_id = {user} AND status IN ({_listed(Booking.OPEN)}) AND {here}),
          COUNT(*) FILTER (WHERE {mine} AND status IN ({_listed(Booking.ACTIVE)}) AND "end" > {now}),
          COUNT(*) FILTER (WHERE {mine} AND status IN ({_listed(COUNTED)}) AND local_date = {value("day")}),
          COUNT(*) FILTER (WHERE {mine} AND status IN ({_listed(COUNTED)}) AND {week}),
          COUNT(*) FILTER (WHERE status = '{Status.WAITLISTED}' AND {here}),
          COUNT(*) FILTER (WHERE exclusive AND status IN ({_listed(Booking.HOLDING)}) AND {here}),
          (SELECT taken {counter}),
          (SELECT capacity {counter})
        FROM {Booking._meta.db_table}
        WHERE ({person}) OR ({venue_rows}) OR ({sign_ups})
    """  # noqa: S608


def booking_facts(
    *, user_id: int, venue_id: int, start: datetime, end: datetime, now: datetime
) -> dict[str, int]:
    """What booking_create asks of the bookings table, in one query of conditional counts.

    `already`: the person's open bookings of this venue overlapping the time (`already_booked`);
    `active`, `on_day`, `in_week`: the per-person limits (venue bookings only, every palace);
    `queue`: people waiting for an overlapping time here; `busy`: bookings holding an overlapping
    range of a venue booked whole. Asked after the venue's range lock (exclusive venues), so
    `busy` is exact there. `counter_taken`, `counter_capacity`: the slot's counter starting at
    `start` (shared venues; None when there is none yet), so that a full slot is refused without
    queueing for the counter's row behind the bookings that fill it.
    """
    day = timezone.localtime(start).date()
    monday = day - timedelta(days=day.weekday())
    ops = connection.ops
    params = {
        "user": user_id,
        "venue": venue_id,
        "start": ops.adapt_datetimefield_value(start),
        "end": ops.adapt_datetimefield_value(end),
        "now": ops.adapt_datetimefield_value(now),
        "day": ops.adapt_datefield_value(day),
        "monday": ops.adapt_datefield_value(monday),
        "next_monday": ops.adapt_datefield_value(monday + timedelta(days=7)),
        **{name: ops.adapt_datetimefield_value(bound) for name, bound in facts_bounds(start, now).items()},
    }
    with connection.cursor() as cursor:
        cursor.execute(_facts_sql(), params)
        row = cursor.fetchone()
    return dict(zip(FACT_NAMES, row, strict=True))


def facts_bounds(start: datetime, now: datetime) -> dict[str, datetime]:
    """`reach`: no venue booking overlapping `start` starts before it; `since`: none the person's
    limits count at `now` (ending after it, or in the start's week) starts before it."""
    monday = timezone.localtime(start).date() - timedelta(days=timezone.localtime(start).weekday())
    week_began = timezone.make_aware(datetime.combine(monday, time.min))
    return {"reach": start - MAX_VENUE_BOOKING, "since": min(now - MAX_VENUE_BOOKING, week_began)}


@cache
def _facts_sql() -> str:
    return facts_select(lambda name: f"%({name})s")


def person_lock_select(value: Callable[[str], str], lock: str, venue_lock: str = "") -> str:
    """`person_lock`'s statement, its inputs (`user`, `venue`, `now`) written by `value(name)`, as
    `facts_select`'s: the one-round-trip function (`fast.py`) locks the person with it too.
    `lock` locks the person's row, `venue_lock` the venue's (or nothing)."""
    user, venue, now = value("user"), value("venue"), value("now")
    # Only our tables' names, the callers' placeholders and the lock clauses are interpolated.
    return f"""
        SELECT
          (SELECT capacity FROM {Venue._meta.db_table} WHERE id = {venue} {venue_lock}),
          (SELECT id FROM {Suspension._meta.db_table}
            WHERE user_id = {user} AND lifted_at IS NULL AND starts_at <= {now} AND ends_at > {now}
            ORDER BY ends_at DESC LIMIT 1)
        FROM {Booking.user.field.related_model._meta.db_table} WHERE id = {user} {lock}
    """  # noqa: S608


def person_lock(*, user_id: int, venue_id: int, now: datetime, hold_capacity: bool) -> tuple[int, int | None]:
    """Lock the person's row; answer the venue's capacity and the person's suspension in force.

    The lock serialises one person's bookings so that two at once cannot both pass a limit
    (`common.lock_user`, whose FOR NO KEY UPDATE this keeps: rows merely referring to the user
    must not wait). The suspension: the latest-ending one in force
    (`suspension.suspension_in_force`), its id or None.

    `hold_capacity` (venues counted per slot): the venue's row is also held FOR SHARE until the
    commit, so the capacity read here stays the venue's while take_places sets the slot's counter
    by it. Read without it, staff lowering the capacity in between (rule_update holds the venue
    FOR NO KEY UPDATE, which now waits) had a booking write the old capacity back over the
    counter, or take a place the counter no longer had (its CHECK failed: a 500; the racing tests
    showed it). Shares do not wait for each other. Not for venues booked whole: their range lock
    takes the same row FOR NO KEY UPDATE later, and two bookings upgrading a share would deadlock.
    """
    features = connection.features
    lock = ""
    if features.has_select_for_no_key_update:
        lock = "FOR NO KEY UPDATE"
    elif features.has_select_for_update:
        lock = "FOR UPDATE"
    venue_lock = "FOR SHARE" if hold_capacity and features.has_select_for_update else ""
    sql = person_lock_select(lambda name: f"%({name})s", lock, venue_lock)
    params = {"user": user_id, "venue": venue_id, "now": connection.ops.adapt_datetimefield_value(now)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Booking.user.field.related_model.DoesNotExist("the booking's user is gone")
    return row[0], row[1]
