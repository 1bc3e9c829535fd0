"""The raw-row side of the aggregation: grouped SQL counts of one month, per palace.

Each function reads one source with one grouped query over the month's index range and adds its
figures to a `Tally` (`{palace id: {metric code: Decimal}}`) along with
how many raw rows it read per palace. Python only walks the grouped rows (a few per palace and
group), never the raw rows. The big sources (bookings, attendance, activities, ratings) are read
through covering (local date) indexes, index-only scans of the month (every count is
`row_count()`, never `COUNT(id)`), and bookings and attendance are grouped by what their row holds
before their groups are joined to the small tables (`_grouped_then_joined`). Called by
`services.ledger_aggregate_month` only, inside its transaction and lock.

Which rows count where (the catalogue's `source` says the same to people):
- activities by their `date`; sessions, attendance and ratings by the local date of the session
  or of what was rated; bookings and sign-ups by their `local_date` (the local start day; a
  sign-up's is the first day of its class or event);
- wishes by the local day they were proposed / answered, hosting applications by the day of
  submission / decision, subsidies by the day their application was approved (granted) and by
  their latest payment (paid: the model keeps the total paid and the last payment date only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    DateField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from activities.classes.models import Course
from activities.models import Activity, ActivityKind, JobApplication, JobPosting, Rating, Wish, WishStatus
from alliance.models import HostingApplication, Subsidy
from bookings.models import Attendance, Booking, Occurrence, Offering
from palace_portal.months import months_between, next_month
from venues.kinds import BookingMode, Centre
from venues.models import Venue

from .metrics import PARTNERS
from .models import ManualLine

Status = Booking.Status
ZERO = Decimal(0)
HOUR = Decimal(3600)
# Bookings that held their time or place: what booked hours and the booking count count.
HELD = (Status.CONFIRMED, Status.CHECKED_IN, Status.NO_SHOW)
SIGNUP_HELD = (Status.CONFIRMED, Status.CHECKED_IN)
VENUE_MODES = (BookingMode.EXCLUSIVE, BookingMode.SHARED, BookingMode.REQUEST)
PARTNER_CODES = {p.value for p in PARTNERS}


@dataclass
class Tally:
    """Figures and rows read per (month, palace), filled source by source, for the months from
    `first` to `last` (first days) of `palace_ids` (None: the whole province)."""

    palace_ids: list[int] | None
    first: date
    last: date
    figures: dict[tuple[date, int], dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))
    rows: dict[tuple[date, int], int] = field(default_factory=lambda: defaultdict(int))

    def add(self, key: tuple[date, int], code: str, value) -> None:
        if value:
            bucket = self.figures[key]
            bucket[code] = bucket.get(code, ZERO) + Decimal(value)

    def largest(self, key: tuple[date, int], code: str, value) -> None:
        if value:
            bucket = self.figures[key]
            bucket[code] = max(bucket.get(code, ZERO), Decimal(value))

    def read(self, key: tuple[date, int], n: int) -> None:
        self.rows[key] += n

    def scoped(self, queryset, field_name: str = "palace_id"):
        if self.palace_ids is None:
            return queryset
        return queryset.filter(**{f"{field_name}__in": self.palace_ids})

    @property
    def months(self) -> list[date]:
        return list(months_between(self.first, self.last))

    @property
    def days(self) -> tuple[date, date]:
        """[first day, first day after the last month): a half-open range of local dates."""
        return self.first, next_month(self.last)

    @property
    def moments(self) -> tuple[datetime, datetime]:
        """The same range as aware local datetimes [first midnight, midnight after the last day)."""
        first, after = self.days
        zone = timezone.get_current_timezone()
        return (
            timezone.make_aware(datetime.combine(first, time.min), zone),
            timezone.make_aware(datetime.combine(after, time.min), zone),
        )

    def by_day(self, local_date_field: str) -> dict:
        """Filter kwargs for the range on a local date column (an index range), and the month."""
        first, after = self.days
        return {f"{local_date_field}__gte": first, f"{local_date_field}__lt": after}


class _MonthOfDate(Func):
    """The first day of the month of a date column, on PostgreSQL: `date_trunc` over the date
    cast to a plain timestamp. Django's `TruncMonth` casts a date to `timestamptz`, a time-zone
    conversion per row that cost more than the rest of the grouping on a month of bookings."""

    arity = 1
    output_field = DateField()

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date_trunc('month', ({sql})::timestamp)::date", params


def month_of_day(local_date_field: str):
    """The month of a local date column, as a grouping expression. On SQLite, where dates are
    'YYYY-MM-DD' text, its first seven characters: TruncMonth there is a Python function called
    once per row, the slowest part of a multi-year run; on PostgreSQL `_MonthOfDate`."""
    if connection.vendor == "sqlite":
        return Substr(local_date_field, 1, 7)
    return _MonthOfDate(local_date_field)


def row_count(filter: Q | None = None) -> Count:
    """Rows of the group (with `filter`: those that match it), as `COUNT(*)` / `COUNT(1) FILTER`:
    never `COUNT(id)`, which names a column the covering indexes of the month's range (e.g.
    `bookings_booking_day_covering`) do not hold and so turns an index-only scan into a read of the
    table's rows."""
    if filter is None:
        return Count("*")
    return Count(Value(1), filter=filter)


@lru_cache(maxsize=2048)
def _month_of_text(value: str) -> date:
    return date(int(value[:4]), int(value[5:7]), 1)


def _month(value) -> date:
    """The month of a grouped month value: 'YYYY-MM' text (SQLite), a date, or an aware datetime
    (a datetime column truncated in the local time zone)."""
    if isinstance(value, str):
        return _month_of_text(value[:7])
    if isinstance(value, datetime):
        return timezone.localtime(value).date().replace(day=1)
    return value


def _activity_columns() -> dict:
    """One row per palace and month, the breakdowns as filtered aggregates (columns), so Python
    reads a handful of rows per palace instead of one per combination of centre, kind, partner."""
    columns = {
        "n": row_count(),
        "people": Sum("participants"),
        "viewers": Sum("online_viewers"),
        "likes": Sum("likes"),
        "largest": Max("online_viewers"),
        "satellite_activities": row_count(filter=Q(satellite_point__isnull=False)),
        "satellite_person_times": Sum("participants", filter=Q(satellite_point__isnull=False)),
    }
    breakdowns = (
        [(c.value, "", Q(centre=c.value)) for c in Centre]
        + [(k.value, "kind_", Q(kind=k.value)) for k in ActivityKind]
        + [(p, "partner_", Q(partner_kind=p)) for p in sorted(PARTNER_CODES)]
    )
    for value, prefix, condition in breakdowns:
        columns[f"activities_{prefix}{value}"] = row_count(filter=condition)
        columns[f"person_times_{prefix}{value}"] = Sum("participants", filter=condition)
    return columns


_ACTIVITY_COLUMNS = _activity_columns()
_ACTIVITY_DIRECT = [
    c for c in _ACTIVITY_COLUMNS if c.startswith(("activities_", "person_times_", "satellite_"))
]


def count_activities(tally: Tally) -> None:
    rows = (
        tally.scoped(Activity.objects.filter(**tally.by_day("date")))
        .values("palace_id", m=month_of_day("date"))
        .annotate(**_ACTIVITY_COLUMNS)
        .order_by()
    )
    for row in rows:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "activities", row["n"])
        tally.add(key, "person_times", row["people"])
        tally.add(key, "online_viewers", row["viewers"])
        tally.add(key, "likes", row["likes"])
        tally.largest(key, "online_viewers_max", row["largest"])
        for code in _ACTIVITY_DIRECT:
            tally.add(key, code, row[code])


def count_sessions(tally: Tally, *, now: datetime) -> None:
    """Sessions held: not cancelled and already begun when the aggregation runs (a nightly re-run
    of the current month picks up the sessions held since)."""
    rows = (
        tally.scoped(Occurrence.objects.filter(**tally.by_day("local_date")))
        .values("palace_id", "offering__kind", m=month_of_day("local_date"))
        .annotate(n=row_count(), held=row_count(filter=Q(cancelled=False, start__lte=now)))
        .order_by()
    )
    for row in rows:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "sessions", row["held"])
        code = "class_sessions" if row["offering__kind"] == Offering.Kind.COURSE else "event_sessions"
        tally.add(key, code, row["held"])


def _grouped_then_joined(
    grouped, select: str, joins: str, group_by: str, *, select_params: list | None = None
) -> list[tuple]:
    """Rows of `SELECT {select} FROM (grouped) g {joins} GROUP BY {group_by}`: `grouped`, a grouped
    queryset of one table (its columns named as in its `values()`), counted first over the
    month's covering index; only its groups, not its rows, are joined to the small tables that
    `joins` names. The planner otherwise joins every row first, or prefers a foreign key's index and
    reads the table itself (a sign-up read went from 360 to 120 ms)."""
    inner, params = grouped.query.sql_with_params()
    sql = f"SELECT {select} FROM ({inner}) g {joins} GROUP BY {group_by}"  # noqa: S608 - no input
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(select_params or []), *params])
        return cursor.fetchall()


def count_attendance(tally: Tally) -> None:
    """Attendance by the session's local date: class and event attendance, and (the innovation
    programme's) skill-training person-times, in one pass over the month's attendance rows.

    The rows are first counted per palace, session and month over the (local date) covering index
    (an index-only scan: ~420,000 rows in a month at ×10 become ~22,000 groups); only those groups
    are joined to their session, offering and course for the kind and the skill-training mark. Joining
    every row first, and reading the rows a second time for skill training, took most of the
    aggregation's time. The skill-training rows are counted as read twice, as they were when they had
    a pass of their own (a ledger's `source_rows` does not move)."""
    grouped = (
        tally.scoped(Attendance.objects.filter(**tally.by_day("local_date")))
        .values("palace_id", "occurrence_id", m=month_of_day("local_date"))
        .annotate(n=row_count())
        .order_by()
    )
    course = Course._meta
    rows = _grouped_then_joined(
        grouped,
        "g.palace_id, g.m, f.kind, c.skill_training, SUM(g.n)",
        f"JOIN {Occurrence._meta.db_table} o ON o.id = g.occurrence_id "
        f"JOIN {Offering._meta.db_table} f ON f.id = o.offering_id "
        f"LEFT JOIN {course.db_table} c ON c.{course.get_field('offering').column} = f.id",
        "g.palace_id, g.m, f.kind, c.skill_training",
    )
    for palace_id, month, kind, skill_training, n in rows:
        key, n = (_month(month), palace_id), int(n)
        tally.read(key, n)
        tally.add(key, "attendance", n)
        is_course = kind == Offering.Kind.COURSE
        tally.add(key, "class_attendance" if is_course else "event_attendance", n)
        if skill_training:
            tally.read(key, n)
            tally.add(key, "skill_training_person_times", n)


def count_signups(tally: Tally) -> None:
    """Sign-ups for classes and events by their local date (the first day of the class or event),
    counted per palace, offering and status before the offering's kind and selection are joined."""
    grouped = (
        tally.scoped(Booking.objects.filter(offering__isnull=False, **tally.by_day("local_date")))
        .values("palace_id", "offering_id", "status", m=month_of_day("local_date"))
        .annotate(n=row_count())
        .order_by()
    )
    rows = _grouped_then_joined(
        grouped,
        "g.palace_id, g.m, f.kind, f.selection, g.status, SUM(g.n)",
        f"JOIN {Offering._meta.db_table} f ON f.id = g.offering_id",
        "g.palace_id, g.m, f.kind, f.selection, g.status",
    )
    for palace_id, month, kind, selection, status, n in rows:
        key, n = (_month(month), palace_id), int(n)
        is_course = kind == Offering.Kind.COURSE
        tally.read(key, n)
        if status in SIGNUP_HELD:
            tally.add(key, "enrolments" if is_course else "event_registrations", n)
        if status == Status.WAITLISTED:
            tally.add(key, "waitlisted", n)
        if is_course and selection == Offering.Selection.LOTTERY:
            tally.add(key, "lottery_applications", n)


class SecondsBetween(Func):
    """The whole seconds from `start` to `end` (two datetime columns), in SQL: PostgreSQL's
    `date_part('epoch', …)` (a double: booking times are whole minutes, so the value and any sum
    of them below 2**53 are exact integers, and much cheaper than the numeric that
    `EXTRACT` returns); on SQLite the difference of the Unix times."""

    arity = 2
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params) = (compiler.compile(e) for e in self.source_expressions)
        return f"date_part('epoch', {end} - {start})", (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (start, start_params), (end, end_params) = (compiler.compile(e) for e in self.source_expressions)
        sql = f"(CAST(strftime('%%s', {end}) AS INTEGER) - CAST(strftime('%%s', {start}) AS INTEGER))"
        return sql, (*end_params, *start_params)


def _seconds(value) -> Decimal:
    return Decimal(int(value)) if value else ZERO


def count_bookings(tally: Tally) -> None:
    """Venue bookings and appointments (sign-ups for classes and events are `count_signups`').

    Booked hours: a booking that takes the venue whole (`exclusive`: venues booked whole, approved
    group requests) counts its hours; one that takes places of a venue sold by places (shared
    venues, service windows) counts hours × party size ÷ the venue's capacity, so a gym full for
    an hour is one booked hour, like a court booked for an hour.

    The database sums whole seconds (exclusive) and seconds × party size (by places) of the held
    bookings per palace, centre and venue capacity; Python divides those few sums (exact decimals). The
    per-row work in SQL is thus integer arithmetic, never a numeric division per booking: on a
    province's month (125,000 bookings at ×1, 1.25 million at ×10) that division was most of the
    aggregation's time.
    """
    seconds = SecondsBetween("start", "end")
    # First per palace, venue, mode, status, whole or by places, free or not, and month (~31,000
    # groups of ~123,000 bookings at ×10), each booking's seconds computed once; then per palace,
    # centre and venue capacity (~10,000 rows for Python), the counts by mode and status as
    # filtered sums of those groups. Summing the seconds under four filters of every booking
    # computed them four times.
    grouped = (
        tally.scoped(Booking.objects.filter(offering__isnull=True, **tally.by_day("local_date")))
        .values(
            "palace_id", "venue_id", "mode", "status", "exclusive",
            free=ExpressionWrapper(Q(fee=0), output_field=BooleanField()), m=month_of_day("local_date"),
        )
        .annotate(n=row_count(), s=Sum(seconds), sp=Sum(seconds * F("party_size")))
        .order_by()
    )  # fmt: skip
    venue_mode, held = "g.mode IN (%s, %s, %s)", "g.status IN (%s, %s, %s)"
    columns = [
        ("SUM(g.n)", []),
        (f"SUM(g.n) FILTER (WHERE {venue_mode} AND {held})", [*VENUE_MODES, *HELD]),
        (f"SUM(g.n) FILTER (WHERE {venue_mode} AND g.status = %s)", [*VENUE_MODES, Status.CHECKED_IN]),
        (f"SUM(g.n) FILTER (WHERE {venue_mode} AND g.status = %s)", [*VENUE_MODES, Status.NO_SHOW]),
        (f"SUM(g.n) FILTER (WHERE {venue_mode} AND g.status = %s)", [*VENUE_MODES, Status.CANCELLED]),
        (f"SUM(g.n) FILTER (WHERE g.mode = %s AND {held})", [BookingMode.APPOINTMENT, *HELD]),
        (f"SUM(g.s) FILTER (WHERE {held} AND g.exclusive)", [*HELD]),
        (f"SUM(g.sp) FILTER (WHERE {held} AND NOT g.exclusive)", [*HELD]),
        (f"SUM(g.s) FILTER (WHERE {held} AND g.exclusive AND g.free)", [*HELD]),
        (f"SUM(g.sp) FILTER (WHERE {held} AND NOT g.exclusive AND g.free)", [*HELD]),
    ]
    rows = _grouped_then_joined(
        grouped,
        "g.palace_id, g.m, v.centre, v.capacity, " + ", ".join(sql for sql, _ in columns),
        f"LEFT JOIN {Venue._meta.db_table} v ON v.id = g.venue_id",
        "g.palace_id, g.m, v.centre, v.capacity",
        select_params=[str(p) for _, params in columns for p in params],
    )
    for palace_id, month, centre, capacity, n, *counts, whole, places, free_whole, free_places in rows:
        key = (_month(month), palace_id)
        tally.read(key, int(n))
        for code, count in zip(BOOKING_COUNTS, counts, strict=True):
            tally.add(key, code, count)
        # capacity is None without a venue: only bookings taken whole count there

        def hours_of(whole, places, capacity=capacity) -> Decimal:
            by_places = _seconds(places) / capacity if capacity else ZERO
            return (_seconds(whole) + by_places) / HOUR

        hours = hours_of(whole, places)
        if hours:
            free = hours_of(free_whole, free_places)
            tally.add(key, "booked_hours", hours)
            tally.add(key, f"booked_hours_{centre}", hours)
            tally.add(key, "free_hours", free)


BOOKING_COUNTS = ("bookings", "checkins", "no_shows", "cancellations", "appointments")


def count_ratings(tally: Tally) -> None:
    rows = (
        tally.scoped(Rating.objects.filter(**tally.by_day("local_date")))
        .values("palace_id", m=month_of_day("local_date"))
        .annotate(n=row_count(), stars=Sum("stars"))
        .order_by()
    )
    for row in rows:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "ratings", row["n"])
        tally.add(key, "rating_stars", row["stars"])


def _count_by_moment(tally: Tally, queryset, moment: str, code: str, total: str | None = None) -> None:
    """Rows of a datetime column grouped by local month: a count (or the sum of `total`) into `code`."""
    start, end = tally.moments
    zone = timezone.get_current_timezone()
    rows = (
        tally.scoped(queryset.filter(**{f"{moment}__gte": start, f"{moment}__lt": end}))
        .values("palace_id", m=TruncMonth(moment, tzinfo=zone))
        .annotate(n=row_count(), **({"total": Sum(total)} if total else {}))
        .order_by()
    )
    for row in rows:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, code, row["total"] if total else row["n"])


def count_wishes(tally: Tally) -> None:
    _count_by_moment(tally, Wish.objects.all(), "created_at", "wishes")
    _count_by_moment(tally, Wish.objects.exclude(status=WishStatus.OPEN), "answered_at", "wishes_answered")


def count_hosting(tally: Tally) -> None:
    approved = HostingApplication.Status.APPROVED
    _count_by_moment(tally, HostingApplication.objects.all(), "submitted_at", "hosting_applications")
    _count_by_moment(
        tally, HostingApplication.objects.filter(status=approved), "decided_at", "hosting_approved"
    )
    _count_by_moment(
        tally, Subsidy.objects.all(), "application__decided_at", "subsidy_granted", total="granted"
    )
    rows = (
        tally.scoped(Subsidy.objects.filter(**tally.by_day("paid_on")))
        .values("palace_id", m=month_of_day("paid_on"))
        .annotate(n=row_count(), paid=Sum("paid"))
        .order_by()
    )
    for row in rows:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "subsidy_paid", row["paid"])


def count_employment(tally: Tally) -> None:
    """Postings (and their openings) by the day published, applications by the day of applying,
    placements by the day placed: three grouped queries over (palace, local date) indexes. Counts
    only, never a person."""
    published = (
        tally.scoped(JobPosting.objects.filter(published_on__isnull=False, **tally.by_day("published_on")))
        .values("palace_id", m=month_of_day("published_on"))
        .annotate(n=row_count(), openings=Sum("openings"))
        .order_by()
    )
    for row in published:
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "job_postings", row["n"])
        tally.add(key, "job_openings", row["openings"])
    for day, code, rows in (
        ("local_date", "job_applications", JobApplication.objects.all()),
        ("placed_on", "job_placements", JobApplication.objects.filter(status="placed")),
    ):
        grouped = (
            tally.scoped(rows.filter(**tally.by_day(day)))
            .values("palace_id", m=month_of_day(day))
            .annotate(n=row_count())
            .order_by()
        )
        for row in grouped:
            key = (_month(row["m"]), row["palace_id"])
            tally.read(key, row["n"])
            tally.add(key, code, row["n"])


def count_manual_lines(tally: Tally, codes: tuple[str, ...]) -> None:
    """The month's manual lines (perf-workflow writes them) summed per metric: one table to read."""
    first, after = tally.days
    rows = (
        tally.scoped(
            ManualLine.objects.filter(
                ledger__month__gte=first, ledger__month__lt=after, metric__in=codes, value__isnull=False
            ),
            "ledger__palace_id",
        )
        .values("ledger__palace_id", "ledger__month", "metric")
        .annotate(n=row_count(), total=Sum("value"))
        .order_by()
    )
    for row in rows:
        key = (row["ledger__month"], row["ledger__palace_id"])
        tally.read(key, row["n"])
        tally.add(key, row["metric"], row["total"])
