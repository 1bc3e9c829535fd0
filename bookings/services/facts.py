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

from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from ..models import Booking

Status = Booking.Status
# Statuses a day's and a week's limits count: checked-in bookings still count, over or not.
COUNTED = (*Booking.ACTIVE, Status.CHECKED_IN)


def _in(name: str, values) -> tuple[str, dict]:
    keys = {f"{name}{i}": value for i, value in enumerate(values)}
    return ", ".join(f"%({key})s" for key in keys), keys


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
    open_, p_open = _in("open", Booking.OPEN)
    active, p_active = _in("active", Booking.ACTIVE)
    counted, p_counted = _in("counted", COUNTED)
    holding, p_holding = _in("holding", Booking.HOLDING)
    params = {
        "user": user_id,
        "venue": venue_id,
        "start": ops.adapt_datetimefield_value(start),
        "end": ops.adapt_datetimefield_value(end),
        "now": ops.adapt_datetimefield_value(now),
        "day": ops.adapt_datefield_value(day),
        "monday": ops.adapt_datefield_value(monday),
        "next_monday": ops.adapt_datefield_value(monday + timedelta(days=7)),
        "waitlisted": Status.WAITLISTED,
        **p_open,
        **p_active,
        **p_counted,
        **p_holding,
    }
    mine = "user_id = %(user)s AND offering_id IS NULL"
    week = "local_date >= %(monday)s AND local_date < %(next_monday)s"
    here = 'venue_id = %(venue)s AND "start" < %(end)s AND "end" > %(start)s'
    sql = f"""
        SELECT
          COUNT(*) FILTER (WHERE user_id = %(user)s AND status IN ({open_}) AND {here}),
          COUNT(*) FILTER (WHERE {mine} AND status IN ({active}) AND "end" > %(now)s),
          COUNT(*) FILTER (WHERE {mine} AND status IN ({counted}) AND local_date = %(day)s),
          COUNT(*) FILTER (WHERE {mine} AND status IN ({counted}) AND {week}),
          COUNT(*) FILTER (WHERE status = %(waitlisted)s AND {here}),
          COUNT(*) FILTER (WHERE exclusive AND status IN ({holding}) AND {here}),
          (SELECT taken FROM bookings_slotcounter WHERE venue_id = %(venue)s AND "start" = %(start)s),
          (SELECT capacity FROM bookings_slotcounter WHERE venue_id = %(venue)s AND "start" = %(start)s)
        FROM bookings_booking
        WHERE (user_id = %(user)s AND ("end" > %(now)s OR {week})) OR ({here})
    """  # noqa: S608 - only placeholders are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    names = ("already", "active", "on_day", "in_week", "queue", "busy", "counter_taken", "counter_capacity")
    return dict(zip(names, row, strict=True))


def person_lock(*, user_id: int, venue_id: int, now: datetime) -> tuple[int, int | None]:
    """Lock the person's row; answer the venue's capacity and the person's suspension in force.

    The lock serialises one person's bookings so that two at once cannot both pass a limit
    (`common.lock_user`, whose FOR NO KEY UPDATE this keeps: rows merely referring to the user
    must not wait). The capacity is read inside the transaction: one staff changed since the venue
    was loaded must not be written back over the slot's counter by take_places. The suspension:
    the latest-ending one in force (`suspension.suspension_in_force`), its id or None.
    """
    features = connection.features
    lock = ""
    if features.has_select_for_no_key_update:
        lock = "FOR NO KEY UPDATE"
    elif features.has_select_for_update:
        lock = "FOR UPDATE"
    sql = f"""
        SELECT
          (SELECT capacity FROM venues_venue WHERE id = %(venue)s),
          (SELECT id FROM bookings_suspension
            WHERE user_id = %(user)s AND lifted_at IS NULL AND starts_at <= %(now)s AND ends_at > %(now)s
            ORDER BY ends_at DESC LIMIT 1)
        FROM users_user WHERE id = %(user)s {lock}
    """  # noqa: S608 - only the lock clause is interpolated
    params = {"user": user_id, "venue": venue_id, "now": connection.ops.adapt_datetimefield_value(now)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Booking.user.field.related_model.DoesNotExist("the booking's user is gone")
    return row[0], row[1]
