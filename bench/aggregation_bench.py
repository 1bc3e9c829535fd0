"""Ledger aggregation benchmark: a province-size month on a fresh PostgreSQL database.

    .venv/bin/python bench/aggregation_bench.py      (bench/run.py runs it after the booking one)

What it does, and undoes, by itself:
1. creates a database `palace_aggbench_<pid>` on PostgreSQL at 127.0.0.1:5432 (user postgres),
   migrates it and bulk-writes a province: 110 palaces in service (opening hours, a closure now
   and then), 12 venues each, and two months of raw rows at the province's pace (the month
   measured and the one before it, so that the month is an index range of a larger table):
   logged activities, venue bookings and appointments, class and event sessions, sign-ups,
   attendance and ratings;
2. measures, each the best of `RUNS` runs after a warm-up:
   - the aggregation of the whole month for the province (`ledger_aggregate_month`: lock, every
     grouped read, open hours, writing the ledgers and their figures, commit);
   - one hand-written SQL query reading the same totals from the same rows (per palace: the
     activity breakdowns, sessions, attendance, sign-ups, booked and open hours, ratings) — the
     floor for a computation that must read those rows — as written and with JIT compilation
     off for its transaction (as the aggregation runs); the ratios use the faster of the two.
     Both read the same tables with the same indexes (the covering (local date) indexes the
     aggregation's migrations add serve the hand query as well);
   and checks that both give the same headline totals;
3. prints the times and their ratio (goal: under 2×), drops the database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pg import database_url, psql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PALACES, VENUES_PER_PALACE = 110, 12  # at ×1; `--factor N` multiplies the palaces, so every row
ACTIVITIES_PER_MONTH = 5_600  # 67,400 a year across the province at ×1 (× the factor)
USERS = 3_000  # × the factor
FACTOR = 10  # the default: the province ten times the published size
CHUNK = 50_000  # rows built in Python before they are written (memory stays flat at ×10)
BOOKINGS_PER_VENUE = 90  # a month: about three a day on each bookable venue
SIGNUPS_PER_PALACE = 120
RATINGS_PER_PALACE = 40
RUNS = 5
MONTH = (2026, 3)
# --scale-db: the month measured in a database of bench/scale.py (passed to the measuring process).
MONTH_ENV = "AGGBENCH_MONTH"
STATUSES = ["confirmed", "checked_in", "checked_in", "checked_in", "no_show", "cancelled"]
UNUSABLE = "!"  # Django's mark of an unusable password: nobody signs in as these workers

# --- Inside Django (a child process with the benchmark's DATABASE_URL) ------------------------------


def _setup():
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


def seed(factor: int) -> None:
    """Bulk-write the province (`factor` × its size) and two months of raw rows; print the row
    counts as JSON. Deterministic: one seeded random generator, rows built in a fixed order."""
    _setup()
    import random
    import secrets
    from datetime import date, datetime, time, timedelta

    from django.utils import timezone

    from activities.models import Activity, ActivityKind, PartnerKind, Rating
    from bookings.models import Attendance, Booking, Occurrence, Offering
    from palace_portal.users.models import User
    from venues.kinds import KINDS_BY_CODE, Centre
    from venues.models import Closure, OpeningHours, Palace, Region, Venue

    rng = random.Random(2026)
    province = Region.objects.create(code="360000", name="江西省", level="province")
    cities = [
        Region.objects.create(code=f"36{n:02d}00", name=f"市{n}", level="city", parent=province)
        for n in range(1, 12)
    ]
    counties = [
        Region.objects.create(
            code=f"36{c:02d}{k:02d}", name=f"县{c}-{k}", level="county", parent=cities[c - 1]
        )
        for c in range(1, 12)
        for k in range(1, 10)
    ]
    palaces = Palace.objects.bulk_create(
        [
            Palace(name=f"市宫{n}", level="city", status="in_service", region=city)
            for n, city in enumerate(cities)
        ]
        + [
            # Past ×1, several county palaces share a county (the regions stay the province's).
            Palace(name=f"县宫{n}", level="county", status="in_service", region=counties[n % len(counties)])
            for n in range(PALACES * factor - len(cities))
        ]
    )
    OpeningHours.objects.bulk_create(
        [OpeningHours(palace=p, weekday=d, opens=time(9), closes=time(21)) for p in palaces for d in range(7)]
    )
    kinds = ["badminton", "table_tennis", "karaoke", "classroom", "gym", "swimming_pool", "library", "yoga",
             "chess_cards", "multi_function_hall", "legal_aid_window", "aid_window"]  # fmt: skip
    venues = Venue.objects.bulk_create(
        [
            Venue(
                palace=p, name=f"{kind}{n}", kind=kind, centre=KINDS_BY_CODE[kind].centre,
                booking_mode=KINDS_BY_CODE[kind].booking_mode, capacity=KINDS_BY_CODE[kind].capacity,
                fee=0 if n % 3 else 20,
            )
            for p in palaces
            for n, kind in enumerate(kinds[:VENUES_PER_PALACE])
        ]
    )  # fmt: skip
    users = User.objects.bulk_create(
        [User(phone=f"139{n:08d}", real_name=f"职工{n}", password=UNUSABLE) for n in range(USERS * factor)],
        batch_size=5000,
    )
    year, month_number = MONTH
    months = [date(year, month_number - 1, 1), date(year, month_number, 1)]
    Closure.objects.bulk_create(
        [
            Closure(
                palace=p, start_date=months[1] + timedelta(days=n % 20),
                end_date=months[1] + timedelta(days=n % 20 + 1), reason="检修",
            )
            for n, p in enumerate(palaces)
            if n % 4 == 0
        ]
    )  # fmt: skip

    def days_of(month: date) -> list[date]:
        return [
            month + timedelta(days=n) for n in range(31) if (month + timedelta(days=n)).month == month.month
        ]

    def at(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    activities, bookings, occurrences, offerings = [], [], [], []
    written = {"activities": 0, "bookings": 0}

    def flush(rows: list, model, name: str, *, at_least: int = CHUNK) -> None:
        # Written (and forgotten) a chunk at a time: at ×10 the bookings alone are 2.5 million.
        if len(rows) >= at_least:
            model.objects.bulk_create(rows, batch_size=5000)
            written[name] += len(rows)
            rows.clear()

    centres = [c.value for c in Centre]
    for month in months:
        days = days_of(month)
        for n in range(ACTIVITIES_PER_MONTH * factor):
            partner = rng.choice(
                [PartnerKind.NONE] * 5 + [PartnerKind.ENTERPRISE, PartnerKind.SCHOOL, PartnerKind.ASSOCIATION]
            )
            activities.append(
                Activity(
                    palace=palaces[n % len(palaces)], title=f"活动{n}", kind=rng.choice(ActivityKind.values),
                    centre=rng.choice(centres), date=rng.choice(days), participants=rng.randint(10, 300),
                    online_viewers=rng.choice([0] * 9 + [rng.randint(100, 30_000)]), partner_kind=partner,
                    partner_name="" if partner == PartnerKind.NONE else "伙伴",
                )
            )  # fmt: skip
        for venue in venues:
            for n in range(BOOKINGS_PER_VENUE):
                # Two hours apart on each day: held bookings of a venue booked whole never overlap
                # (the database's exclusion constraint would refuse them).
                start = at(days[n % len(days)], 9 + 2 * (n // len(days)))
                bookings.append(
                    Booking(
                        palace_id=venue.palace_id, venue=venue, user=rng.choice(users),
                        mode=venue.booking_mode,
                        exclusive=venue.booking_mode in ("exclusive", "request"), start=start,
                        end=start + timedelta(minutes=rng.choice([30, 60, 60, 90, 120])),
                        local_date=timezone.localtime(start).date(), party_size=rng.randint(1, 4),
                        status=rng.choice(STATUSES),
                        fee=venue.fee, check_in_code=secrets.token_hex(6),
                    )
                )  # fmt: skip
                flush(bookings, Booking, "bookings")
        flush(activities, Activity, "activities")
        for palace in palaces:
            offering = Offering(
                palace=palace, kind=rng.choice(["course", "event"]), title="课程", capacity=60,
                selection=rng.choice(["first_come", "lottery"]), closes_at=at(month, 8),
                starts_at=at(month, 19),
                ends_at=at(days[-1], 21),
            )  # fmt: skip
            offerings.append(offering)
    flush(activities, Activity, "activities", at_least=0)
    Offering.objects.bulk_create(offerings, batch_size=5000)
    for offering in offerings:
        month = timezone.localtime(offering.starts_at).date()
        for day in days_of(month)[::3]:
            occurrences.append(
                Occurrence(
                    offering=offering,
                    palace_id=offering.palace_id,
                    start=at(day, 19),
                    end=at(day, 21),
                    local_date=day,
                )
            )
        for n in range(SIGNUPS_PER_PALACE // 2):
            bookings.append(
                Booking(
                    palace_id=offering.palace_id, offering=offering, user=users[n], mode=offering.kind,
                    start=offering.starts_at, end=offering.ends_at, local_date=month,
                    status=rng.choice(["confirmed", "checked_in", "waitlisted", "cancelled"]),
                    check_in_code=secrets.token_hex(6),
                )
            )  # fmt: skip
            flush(bookings, Booking, "bookings")
    Occurrence.objects.bulk_create(occurrences, batch_size=5000)
    flush(bookings, Booking, "bookings", at_least=0)
    signups = Booking.objects.filter(offering__isnull=False, status__in=["confirmed", "checked_in"]).order_by(
        "pk"
    )
    by_offering: dict[int, list] = {}
    for occurrence in Occurrence.objects.order_by("pk"):
        by_offering.setdefault(occurrence.offering_id, []).append(occurrence)
    attendance = [
        Attendance(booking=s, occurrence=o, palace_id=s.palace_id, local_date=o.local_date, method="code")
        for s in signups
        for o in by_offering[s.offering_id]
        if rng.random() < 0.7
    ]
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    visits = list(
        Booking.objects.filter(offering__isnull=True, status="checked_in").order_by("pk")[
            : RATINGS_PER_PALACE * PALACES * factor * 2
        ]
    )
    Rating.objects.bulk_create(
        [
            Rating(
                palace_id=b.palace_id, user_id=b.user_id, subject="venue", booking=b, venue_id=b.venue_id,
                local_date=b.local_date, stars=rng.randint(1, 5),
            )
            for b in visits
        ],
        batch_size=5000,
    )  # fmt: skip
    print(
        json.dumps(
            {
                "factor": factor,
                "palaces": len(palaces),
                "venues": len(venues),
                "activities": written["activities"],
                "bookings": written["bookings"],
                "sessions": len(occurrences),
                "attendance": len(attendance),
                "ratings": len(visits),
            }
        )
    )


HAND_SQL = """
WITH act AS (
    SELECT palace_id, count(*) AS n, sum(participants) AS people, sum(online_viewers) AS viewers,
           sum(likes) AS likes, max(online_viewers) AS largest,
           count(*) FILTER (WHERE satellite_point_id IS NOT NULL) AS at_points,
           {activity_columns}
    FROM activities_activity WHERE date >= %(first)s AND date < %(after)s GROUP BY palace_id
), ses AS (
    SELECT o.palace_id, f.kind, count(*) FILTER (WHERE NOT o.cancelled AND o.start <= %(now)s) AS held
    FROM bookings_occurrence o JOIN bookings_offering f ON f.id = o.offering_id
    WHERE o.local_date >= %(first)s AND o.local_date < %(after)s GROUP BY 1, 2
), att AS (
    SELECT a.palace_id, f.kind, count(*) AS n
    FROM bookings_attendance a JOIN bookings_occurrence o ON o.id = a.occurrence_id
    JOIN bookings_offering f ON f.id = o.offering_id
    WHERE a.local_date >= %(first)s AND a.local_date < %(after)s GROUP BY 1, 2
), sig AS (
    SELECT b.palace_id, f.kind, f.selection, b.status, count(*) AS n
    FROM bookings_booking b JOIN bookings_offering f ON f.id = b.offering_id
    WHERE b.local_date >= %(first)s AND b.local_date < %(after)s GROUP BY 1, 2, 3, 4
), bk AS (
    SELECT b.palace_id, v.centre, b.mode, b.status, count(*) AS n,
           sum(extract(epoch FROM b."end" - b.start) / 3600
               * CASE WHEN b.exclusive THEN 1 ELSE b.party_size::numeric / v.capacity END) AS hours,
           sum(extract(epoch FROM b."end" - b.start) / 3600
               * CASE WHEN b.exclusive THEN 1 ELSE b.party_size::numeric / v.capacity END)
               FILTER (WHERE b.fee = 0) AS free_hours
    FROM bookings_booking b JOIN venues_venue v ON v.id = b.venue_id
    WHERE b.offering_id IS NULL AND b.local_date >= %(first)s AND b.local_date < %(after)s GROUP BY 1, 2, 3, 4
), oh AS (
    SELECT v.palace_id, v.centre, sum(extract(epoch FROM h.closes - h.opens) / 3600) AS hours
    FROM venues_venue v
    CROSS JOIN generate_series(%(first)s::date, %(after)s::date - 1, interval '1 day') AS d(day)
    JOIN venues_openinghours h ON h.palace_id = v.palace_id AND h.weekday = extract(isodow FROM d.day) - 1
    WHERE v.is_active AND NOT EXISTS (
        SELECT 1 FROM venues_closure c WHERE c.palace_id = v.palace_id
        AND (c.venue_id IS NULL OR c.venue_id = v.id) AND d.day BETWEEN c.start_date AND c.end_date)
    GROUP BY 1, 2
), rat AS (
    SELECT palace_id, count(*) AS n, sum(stars) AS stars FROM activities_rating
    WHERE local_date >= %(first)s AND local_date < %(after)s GROUP BY palace_id
)
SELECT (SELECT json_agg(act) FROM act), (SELECT json_agg(ses) FROM ses), (SELECT json_agg(att) FROM att),
       (SELECT json_agg(sig) FROM sig), (SELECT json_agg(bk) FROM bk), (SELECT json_agg(oh) FROM oh),
       (SELECT json_agg(rat) FROM rat)
"""


def _activity_columns() -> str:
    from activities.models import ActivityKind
    from venues.kinds import Centre

    parts = []
    breakdowns = (
        [("centre", c.value) for c in Centre]
        + [("kind", k.value) for k in ActivityKind]
        + [("partner_kind", p) for p in ("enterprise", "school", "association")]
    )
    for column, value in breakdowns:
        parts.append(f"count(*) FILTER (WHERE {column} = '{value}') AS n_{column}_{value}")
        parts.append(f"sum(participants) FILTER (WHERE {column} = '{value}') AS p_{column}_{value}")
    return ",\n           ".join(parts)


def measure() -> None:
    """Time the aggregation and the hand-written query; print the figures as JSON."""
    _setup()
    from datetime import date, datetime
    from datetime import time as time_of_day

    from django.db import connection, transaction
    from django.utils import timezone

    from palace_portal.months import month_range
    from performance.ledgers.models import Ledger
    from performance.ledgers.selectors import province_totals
    from performance.ledgers.services import ledger_aggregate_month

    year, number = (int(part) for part in os.environ.get(MONTH_ENV, f"{MONTH[0]}-{MONTH[1]}").split("-"))
    month = date(year, number, 1)
    first, after = month_range(month)
    now = timezone.make_aware(datetime.combine(date(year, number, 28), time_of_day(12)))
    sql = HAND_SQL.replace("{activity_columns}", _activity_columns())  # trusted text, no input

    def aggregate():
        return ledger_aggregate_month(month=month, now=now)

    def aggregate_afresh():
        # The month's first computation: no ledger yet, every figure inserted.
        Ledger.objects.filter(month=month).delete()
        started = time.perf_counter()
        result = ledger_aggregate_month(month=month, now=now)
        return time.perf_counter() - started, result

    def hand(*, jit: bool = True):
        # As written, with the server's settings; and with JIT compilation off for its transaction,
        # as the aggregation runs (services.SESSION_SETTINGS): the stricter floor, used for the ratio.
        with transaction.atomic(), connection.cursor() as cursor:
            if not jit:
                cursor.execute("SET LOCAL jit = off")
            cursor.execute(sql, {"first": first, "after": after, "now": now})
            return cursor.fetchone()

    def best(work) -> tuple[float, object]:
        work()  # warm-up: caches, plans, the first run's ledger creation
        times, result = [], None
        for _ in range(RUNS):
            started = time.perf_counter()
            result = work()
            times.append(time.perf_counter() - started)
        return min(times), result

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    first_time = min(aggregate_afresh()[0] for _ in range(3))
    aggregation_time, result = best(aggregate)
    hand_time, rows = best(hand)
    hand_no_jit_time, _ = best(lambda: hand(jit=False))
    totals = province_totals(
        [month], ["activities", "person_times", "bookings", "booked_hours", "open_hours"]
    )
    act, _ses, _att, _sig, bk, oh, _rat = rows
    held = ("confirmed", "checked_in", "no_show")
    hand_totals = {
        "activities": sum(r["n"] for r in act),
        "person_times": sum(r["people"] for r in act),
        "bookings": sum(r["n"] for r in bk if r["status"] in held and r["mode"] != "appointment"),
        "booked_hours": round(sum(r["hours"] for r in bk if r["status"] in held), 2),
        "open_hours": round(sum(r["hours"] for r in oh), 2),
    }
    ours = {code: round(float(value), 2) for code, value in totals.items()}
    print(
        json.dumps(
            {
                "aggregation_s": aggregation_time,
                "first_s": first_time,
                "hand_sql_s": min(hand_time, hand_no_jit_time),
                "hand_sql_jit_s": hand_time,
                "hand_sql_no_jit_s": hand_no_jit_time,
                "load": [round(x, 2) for x in os.getloadavg()],
                "ledgers": result.ledgers,
                "figures": result.figures,
                "source_rows": result.source_rows,
                "ours": ours,
                "hand": hand_totals,
                # Each ledger's figure is kept to four places, so sums over the province may differ from
                # one exact sum by up to half a unit of the fourth place per ledger.
                "same": all(
                    abs(ours[k] - float(hand_totals[k])) <= 0.01 + 0.00005 * result.ledgers
                    for k in hand_totals
                ),
                "postgres": connection.cursor().connection.server_version,
            }
        )
    )


# --- Plumbing ---------------------------------------------------------------------------------------


NOT_ROWS = ("palaces", "venues", "factor", "seconds")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=FACTOR, help="the province × N (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--reuse", metavar="DB", help="measure an already seeded (kept) database")
    parser.add_argument(
        "--scale-db",
        metavar="DB",
        help="measure a database built by bench/scale.py (e.g. palace_scale_x10) instead of seeding one",
    )
    parser.add_argument("--month", default="2026-11", help="with --scale-db: the month measured (YYYY-MM)")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.seed:
        seed(args.factor)
        return 0
    if args.measure:
        measure()
        return 0

    db = args.scale_db or args.reuse or f"palace_aggbench_{os.getpid()}"
    env = {
        **os.environ,
        MONTH_ENV: args.month if args.scale_db else f"{MONTH[0]}-{MONTH[1]}",
        "DATABASE_URL": database_url(db),
        "DJANGO_SETTINGS_MODULE": "palace_portal.settings.base",
        "CELERY_BROKER_URL": "",
    }
    if not (args.reuse or args.scale_db):
        psql("postgres", f"CREATE DATABASE {db}")
    try:
        what = "migrating" if args.scale_db else f"migrating and seeding a province ×{args.factor}"
        print(f"database {db}: {what} …", flush=True)
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            timeout=300,
        )
        started = time.perf_counter()
        if args.scale_db:
            # Counts of the whole database (a year of rows), for the heading.
            seeded = {
                "seconds": 0,
                "palaces": int(psql(db, "SELECT count(*) FROM venues_palace")),
                "venues": int(psql(db, "SELECT count(*) FROM venues_venue")),
                "bookings in the year": int(psql(db, "SELECT count(*) FROM bookings_booking")),
            }
        elif args.reuse:
            seeded = json.loads(psql(db, "SELECT value FROM aggbench_seeded"))
        else:
            seeded = json.loads(
                subprocess.run(
                    [PYTHON, __file__, "--seed", "--factor", str(args.factor)],
                    cwd=BASE_DIR,
                    env=env,
                    check=True,
                    timeout=600 + 400 * args.factor,
                    capture_output=True,
                ).stdout
            )
            seeded["seconds"] = round(time.perf_counter() - started)
            # Row counts of our own seeding (numbers): no outside input in this statement.
            record = json.dumps(seeded)
            table = "CREATE TABLE aggbench_seeded (value text); INSERT INTO aggbench_seeded VALUES"
            psql(db, f"{table} ('{record}')")
        print(f"measuring ({RUNS} runs each, best kept; seeded in {seeded['seconds']} s) …", flush=True)
        figures = json.loads(
            subprocess.run(
                [PYTHON, __file__, "--measure"],
                cwd=BASE_DIR,
                env=env,
                check=True,
                timeout=300 + 120 * args.factor,
                capture_output=True,
            ).stdout
        )
    finally:
        if args.keep or args.reuse or args.scale_db:
            print(f"database {db} kept (drop it with: DROP DATABASE {db})")
        else:
            psql("postgres", f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")

    version = figures["postgres"]
    ratio = figures["aggregation_s"] / figures["hand_sql_s"]
    first_ratio = figures["first_s"] / figures["hand_sql_s"]
    print()
    if args.scale_db:
        source = f"{db} (bench/scale.py), month {args.month}; rows of the database"
    else:
        factor = seeded.get("factor", "?")
        source = f"province ×{factor}, seeded in {seeded['seconds']} s; two months of raw rows"
    print(
        f"Ledger aggregation benchmark: PostgreSQL {version // 10000}.{version % 100}, "
        f"{os.cpu_count()} CPU(s); {seeded['palaces']:,} palaces, {seeded['venues']:,} venues; {source} "
        f"({', '.join(f'{n:,} {k}' for k, n in seeded.items() if k not in NOT_ROWS)})"
    )
    rows = [
        ("aggregate the month, whole province (re-run)", f"{figures['aggregation_s'] * 1000:,.0f} ms"),
        ("  the month's first computation (all inserts)", f"{figures['first_s'] * 1000:,.0f} ms"),
        ("  ledgers / non-zero figures", f"{figures['ledgers']:,} / {figures['figures']:,}"),
        ("  raw rows read", f"{figures['source_rows']:,}"),
        ("one hand-written SQL query, same totals", f"{figures['hand_sql_jit_s'] * 1000:,.0f} ms"),
        ("  the same, JIT off for its transaction", f"{figures['hand_sql_no_jit_s'] * 1000:,.0f} ms"),
        ("ratios against the faster of the two", f"{figures['hand_sql_s'] * 1000:,.0f} ms"),
        ("ratio, re-run (goal: under 2×)", f"{ratio:.2f}×"),
        ("ratio, first computation", f"{first_ratio:.2f}×"),
        ("same headline totals", "yes" if figures["same"] else f"NO: {figures['ours']} vs {figures['hand']}"),
    ]
    rows.append(("load average at the end (1, 5, 15 min)", ", ".join(f"{x:.2f}" for x in figures["load"])))
    width = max(len(label) for label, _ in rows)
    print("\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows))
    return 0 if figures["same"] else 1


if __name__ == "__main__":
    sys.exit(main())
