"""`booking_create`'s common case in one round trip: a PostgreSQL function (docs/performance.md,
"Bookings: one round trip").

A worker booking a free place of a court or a shared slot, without waiting, used to take seven
statements in a transaction of its own: the person's lock, the facts, the range lock or the slot's
counter, the insert, the outbox rows, and the transaction's BEGIN and COMMIT. Python's share of
those round trips (building parameters, model instances, the transaction's bookkeeping) was more
than the database spent on them. Here the same statements run inside `bookings_book_fast`, one
call that is its own transaction; the function's plans are prepared once per connection.

What is decided where:
- Python decides everything the booking's own input and the venue's rule decide, with the same
  functions as `booking_create` (`match_slots`, `check_window`, the members-only rule): anything
  they would refuse is left to `booking_create`, which refuses it with its message.
- The function decides what the database's state decides, with the same conditions and in the same
  order as `booking_create`: the person's lock and suspension, the facts (`facts.booking_facts`'s
  counts), the range lock or the counter, the insert, the outbox rows. Its answer is `booked`, or
  one of the refusals it can name exactly (`slot_taken`, `slot_full`, `already_booked`, raised
  here with `booking_create`'s messages), or `ask`: something `booking_create` must look at (a
  suspension, a limit, a queue, a capacity changed since the venue was read, a counter to mend).
  It writes nothing before it knows it will book, and a failed constraint rolls the call back
  whole, so `ask` and errors leave no trace.

PostgreSQL only (`BOOKING_FAST_PATH`, on by default). `tests/bookings/test_fast_path_parity.py`
runs each case through both paths on identical data and compares the answers and every row.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import cache, partial

from django.conf import settings
from django.db import IntegrityError, ProgrammingError, connection, transaction

from palace_portal.errors import InvalidInput, RuleViolation
from venues.kinds import BookingMode
from venues.models import Venue

from .. import notifications
from ..models import Booking, BookingRule, Notification, SlotCounter
from ..outbox import outbox_enqueue_soon
from ..rules import in_member_hours
from .common import new_venue_booking
from .facts import facts_bounds, facts_select, person_lock_select
from .places import match_slots
from .refusals import already_booked, refuse_outside_window, slot_full, slot_taken

logger = logging.getLogger(__name__)
Status = Booking.Status
FUNCTION = "bookings_book_fast"
KIND = "booking_confirmed"


def function_sql() -> str:
    """The function's definition (CREATE OR REPLACE), written from the models' own names."""
    booking, counter = Booking._meta.db_table, SlotCounter._meta.db_table
    outbox, venues = Notification._meta.db_table, Venue._meta.db_table
    # Only our tables' names and status constants are interpolated.
    return f"""
CREATE OR REPLACE FUNCTION {FUNCTION}(
  p_user bigint, p_venue bigint, p_palace bigint, p_mode text, p_exclusive boolean,
  p_start timestamptz, p_end timestamptz, p_day date, p_monday date, p_next_monday date,
  p_party integer, p_fee numeric, p_code text, p_purpose text, p_organisation text,
  p_now timestamptz, p_reach timestamptz, p_since timestamptz,
  p_venue_capacity integer, p_slot_capacity integer,
  p_max_active integer, p_max_per_day integer, p_max_per_week integer,
  p_subject text, p_body text, p_channels text[],
  OUT outcome text, OUT ids bigint[]
) LANGUAGE plpgsql AS $fn$
DECLARE
  v_capacity integer; v_suspension bigint;
  f_already bigint; f_active bigint; f_day bigint; f_week bigint; f_queue bigint; f_busy bigint;
  c_taken integer; c_capacity integer;
  v_booking bigint; v_outbox bigint[];
BEGIN
  outcome := 'ask';
  -- facts.person_lock: the person's row, the venue's capacity now (held for a shared venue),
  -- a suspension in force.
  IF p_exclusive THEN
    {person_lock_select(lambda name: f"p_{name}", "FOR NO KEY UPDATE").strip()}
      INTO v_capacity, v_suspension;
  ELSE
    {person_lock_select(lambda name: f"p_{name}", "FOR NO KEY UPDATE", "FOR SHARE").strip()}
      INTO v_capacity, v_suspension;
  END IF;
  IF NOT FOUND OR v_suspension IS NOT NULL OR v_capacity IS DISTINCT FROM p_venue_capacity THEN
    RETURN;
  END IF;
  -- facts.booking_facts: the same statement.
  {facts_select(lambda name: f"p_{name}").strip()}
    INTO f_already, f_active, f_day, f_week, f_queue, f_busy, c_taken, c_capacity;
  IF f_already > 0 THEN
    outcome := 'already_booked';
    RETURN;
  END IF;
  IF f_active >= p_max_active OR f_day >= p_max_per_day OR f_week >= p_max_per_week OR f_queue > 0 THEN
    RETURN;
  END IF;
  IF p_exclusive THEN
    IF f_busy > 0 THEN
      outcome := 'slot_taken';
      RETURN;
    END IF;
    -- places.lock_ranges; a booking committed since the count fails the exclusion constraint.
    PERFORM 1 FROM {venues} WHERE id = p_venue FOR NO KEY UPDATE;
  ELSE
    IF c_capacity = p_slot_capacity AND c_taken + p_party > p_slot_capacity THEN
      outcome := 'slot_full';
      RETURN;
    END IF;
    -- places.take_places' common case; anything else (a counter to make or mend) is asked.
    UPDATE {counter} SET taken = taken + p_party, capacity = p_slot_capacity
     WHERE venue_id = p_venue AND "start" = p_start AND taken <= p_slot_capacity - p_party;
    IF NOT FOUND THEN
      IF c_taken IS NOT NULL OR p_party > p_slot_capacity THEN
        RETURN;
      END IF;
      INSERT INTO {counter} (venue_id, palace_id, "start", "end", capacity, taken)
        VALUES (p_venue, p_palace, p_start, p_end, p_slot_capacity, p_party)
        ON CONFLICT (venue_id, "start") DO NOTHING;
      IF NOT FOUND THEN
        RETURN;
      END IF;
    END IF;
  END IF;
  INSERT INTO {booking} (
    mode, exclusive, "start", "end", local_date, party_size, status, fee, check_in_code, purpose,
    organisation, decision_reason, created_at, updated_at, palace_id, user_id, venue_id)
  VALUES (
    p_mode, p_exclusive, p_start, p_end, p_day, p_party, '{Status.CONFIRMED}', p_fee, p_code,
    p_purpose, p_organisation, '', p_now, p_now, p_palace, p_user, p_venue)
  RETURNING id INTO v_booking;
  -- notifications.notify(first=True): one row per channel, keyed as `_dedupe_key` keys them.
  WITH written AS (
    INSERT INTO {outbox} (
      kind, channel, subject, body, dedupe_key, status, attempts, last_error, created_at,
      booking_id, user_id)
    SELECT '{KIND}', channel, p_subject, p_body, '{KIND}:' || v_booking || ':' || channel,
           '{Notification.Status.PENDING}', 0, '', p_now, v_booking, p_user
      FROM unnest(p_channels) WITH ORDINALITY AS c(channel, n) ORDER BY n
    RETURNING id)
  SELECT array_agg(id ORDER BY id) INTO v_outbox FROM written;
  outcome := 'booked';
  ids := ARRAY[v_booking] || v_outbox;
END
$fn$
"""  # noqa: S608


def install(using: str = "default") -> None:
    """Create (or replace) the function: after every `migrate` (`apps.py`), so that it follows the
    tables it writes and exists in test databases built without migrations."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "postgresql":
        return
    with target.cursor() as cursor:
        cursor.execute(function_sql())


_CALL = f"SELECT outcome, ids FROM {FUNCTION}({', '.join(['%s'] * 26)})"  # noqa: S608 - placeholders

_REFUSALS = {"slot_taken": slot_taken, "slot_full": slot_full, "already_booked": already_booked}


def fast_path_enabled() -> bool:
    return settings.BOOKING_FAST_PATH and connection.vendor == "postgresql"


def booking_create_fast(
    *,
    user,
    venue: Venue,
    rule: BookingRule,
    start: datetime,
    end: datetime,
    party_size: int,
    purpose: str,
    organisation: str,
    now: datetime,
) -> Booking | None:
    """The booking confirmed in one call, or a refusal the call names exactly; None: `booking_create`
    must decide (the caller's checks of the venue, the party and the person's posts are done)."""
    exclusive = venue.booking_mode == BookingMode.EXCLUSIVE
    try:
        rng = match_slots(venue, rule, start, end)
        refuse_outside_window(rule, start, now)
    except (RuleViolation, InvalidInput):
        return None
    if not user.is_member and (venue.member_only or in_member_hours(rule, start)):
        return None
    booking = new_venue_booking(
        user=user,
        venue=venue,
        exclusive=exclusive,
        start=start,
        end=end,
        party_size=party_size,
        purpose=purpose,
        organisation=organisation,
        now=now,
        status=Status.CONFIRMED,
        updated_at=now,
    )
    day = booking.local_date
    monday = day - timedelta(days=day.weekday())
    bounds = facts_bounds(start, now)
    subject, body, channels = notifications.notification_parts(user=user, kind=KIND, booking=booking)
    params = [
        user.pk, venue.pk, venue.palace_id, venue.booking_mode, exclusive,
        start, end, day, monday, monday + timedelta(days=7),
        party_size, venue.fee, booking.check_in_code, booking.purpose, booking.organisation,
        now, bounds["reach"], bounds["since"], venue.capacity, rng.capacity,
        rule.max_active, rule.max_per_day, rule.max_per_week,
        subject, body, channels,
    ]  # fmt: skip
    try:
        if connection.in_atomic_block:
            # Inside a caller's transaction (a test's, a page's): a failed constraint must leave it
            # usable for booking_create.
            with transaction.atomic():
                outcome, ids = _call(params)
        else:
            outcome, ids = _call(params)  # its own transaction
    except IntegrityError:
        # A range booked since the count (the exclusion constraint), or a check-in code drawn twice:
        # nothing was written; booking_create decides (and says `slot_taken`).
        return None
    except ProgrammingError as error:
        if getattr(error.__cause__, "pgcode", None) != UNDEFINED_FUNCTION:
            raise
        # Code deployed before its `migrate` (which installs the function): slower, not broken.
        _warn_missing()
        return None
    if outcome in _REFUSALS:
        raise _REFUSALS[outcome]()
    if outcome != "booked":
        return None
    booking.pk = ids[0]
    booking._state.adding = False
    booking._state.db = connection.alias
    transaction.on_commit(partial(outbox_enqueue_soon, list(ids[1:])))
    return booking


UNDEFINED_FUNCTION = "42883"


@cache
def _warn_missing() -> None:
    logger.warning("bookings: %s is missing (run migrate); bookings take the longer path", FUNCTION)


def _call(params: list) -> tuple[str, list[int] | None]:
    with connection.cursor() as cursor:
        cursor.execute(_CALL, params)
        return cursor.fetchone()
