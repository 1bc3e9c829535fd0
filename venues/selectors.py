"""Reads of the network: directory, palace pages, opening status, availability, the overview.

Every function here issues a fixed number of queries whatever the amount of data.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_time

from palace_portal import rows

from .circle.models import SATELLITE_KINDS
from .kinds import BookingMode, Centre
from .models import Closure, OpeningHours, Palace, Region, SatellitePoint, Venue

# --- Directory --------------------------------------------------------------------------------


def palace_list(*, include_unlisted: bool = False) -> QuerySet[Palace]:
    """Palaces for the public directory and the API, with what a list item shows.

    Planned and closed palaces are hidden from the public directory unless asked for (their
    status filter asks for them explicitly).
    """
    # The count is a subquery, computed for the page's rows only: joined and grouped, it made the
    # database count the venues of every palace before keeping one page (35 ms at ten times the
    # province), and the list's count grouped them all again.
    active_venues = (
        Venue.objects.filter(palace=OuterRef("pk"), is_active=True)
        .order_by()
        .values("palace")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Palace.objects.select_related("region", "region__parent").annotate(
        venue_count=Coalesce(Subquery(active_venues, output_field=IntegerField()), 0)
    )
    if not include_unlisted:
        qs = qs.listed()
    return qs.prefetch_related(
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))
    ).order_by("region__code", "name")


def palaces_offering(qs: QuerySet[Palace], centre: str) -> QuerySet[Palace]:
    """Palaces with at least one active venue of the given centre."""
    return qs.filter(Exists(Venue.objects.filter(palace=OuterRef("pk"), centre=centre, is_active=True)))


def cities() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.CITY).order_by("code")


def upcoming_closures_prefetch(today: date | None = None) -> Prefetch:
    """Current and future closures (palace-wide and per venue) as `palace.upcoming_closures`.

    `opening_status` reads this attribute, so a list of palaces costs one query for all of
    their closures (pass it to `prefetch_related` or `prefetch_related_objects`).
    """
    today = today or timezone.localdate()
    return Prefetch(
        "closures",
        queryset=Closure.objects.filter(end_date__gte=today)
        .select_related("venue")
        .order_by("start_date", "end_date"),
        to_attr="upcoming_closures",
    )


def palace_detail(pk: int) -> Palace:
    """One palace with its hours, venues, points and current/upcoming closures prefetched."""
    return (
        Palace.objects.select_related("region", "region__parent")
        .prefetch_related(
            Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
            Prefetch(
                "venues",
                queryset=Venue.objects.filter(is_active=True).order_by("centre", "name"),
                to_attr="active_venues",
            ),
            # The palace page lists its 一宫多点 points; the circle's other points are on /circle/.
            Prefetch(
                "satellite_points",
                queryset=SatellitePoint.objects.filter(kind__in=SATELLITE_KINDS).order_by("kind", "name"),
            ),
            upcoming_closures_prefetch(),
        )
        .get(pk=pk)
    )


@functools.cache
def _venue_detail_sql() -> tuple[str, str, str]:
    """The venue with its palace, region, the region's parent and the booking rule; the palace's
    opening hours; its closures not over yet, each with its venue. Only our tables' names and
    columns and the status constants are interpolated."""
    rule_model = Venue._meta.get_field("booking_rule").related_model
    hidden = rows.literals((Palace.Status.PLANNED, Palace.Status.CLOSED))
    venue = (
        f"SELECT {rows.columns(Venue, 'v')}, {rows.columns(Palace, 'p')}, {rows.columns(Region, 'r')}, "  # noqa: S608
        f"{rows.columns(Region, 'rp')}, {rows.columns(rule_model, 'br')} "
        f"FROM {Venue._meta.db_table} v JOIN {Palace._meta.db_table} p ON p.id = v.palace_id "
        f"JOIN {Region._meta.db_table} r ON r.id = p.region_id "
        f"LEFT JOIN {Region._meta.db_table} rp ON rp.id = r.parent_id "
        f"LEFT JOIN {rule_model._meta.db_table} br ON br.venue_id = v.id "
        f"WHERE v.id = %(venue)s AND v.is_active AND p.status NOT IN ({hidden})"
    )
    hours = (
        f"SELECT {rows.columns(OpeningHours, 'h')} FROM {OpeningHours._meta.db_table} h "  # noqa: S608
        "WHERE h.palace_id = %(palace)s ORDER BY h.weekday, h.opens"
    )
    closures = (
        f"SELECT {rows.columns(Closure, 'c')}, {rows.columns(Venue, 'cv')} "  # noqa: S608
        f"FROM {Closure._meta.db_table} c "
        f"LEFT JOIN {Venue._meta.db_table} cv ON cv.id = c.venue_id "
        "WHERE c.palace_id = %(palace)s AND c.end_date >= %(today)s ORDER BY c.start_date, c.end_date, c.id"
    )
    return venue, hours, closures


def _cached_prefetch(instance, name: str, objects: list) -> None:
    # What `prefetch_related` leaves on an instance: `instance.<name>.all()` answers `objects`.
    queryset = getattr(instance, name).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset


def venue_detail(pk: int) -> Venue:
    """One active venue with its palace (and region, its parent), the venue's booking rule
    (bookings' one-to-one, which the page's grid reads), the palace's hours (prefetched as
    `palace.opening_hours`) and its current and upcoming closures (`palace.upcoming_closures`,
    each with its venue): what `select_related` and two `Prefetch`es gave, in three statements
    of SQL written once. The venue page is read on every tap of a worker looking for a time, and
    the ORM took longer to build the three queries than the database took to answer them.

    Raises `Venue.DoesNotExist` for an unknown or inactive venue, or one of a palace the
    directory does not list (planned, closed): the API answers the same.
    """
    if not rows.is_id(pk):
        raise Venue.DoesNotExist("No listed venue with this id.")
    venue_sql, hours_sql, closures_sql = _venue_detail_sql()
    with connection.cursor() as cursor:
        cursor.execute(venue_sql, {"venue": pk})
        row = cursor.fetchone()
        if row is None:
            raise Venue.DoesNotExist("No listed venue with this id.")
        venue, offset = rows.instance(Venue, row)
        palace, offset = rows.instance(Palace, row, offset)
        region, offset = rows.instance(Region, row, offset)
        parent = None
        if row[offset] is not None:
            parent, _next = rows.instance(Region, row, offset)
        offset += len(Region._meta.concrete_fields)
        rule_model = Venue._meta.get_field("booking_rule").related_model
        rule = rows.instance(rule_model, row, offset)[0] if row[offset] is not None else None
        Region.parent.field.set_cached_value(region, parent)
        Palace.region.field.set_cached_value(palace, region)
        Venue.palace.field.set_cached_value(venue, palace)
        Venue.booking_rule.related.set_cached_value(venue, rule)
        if rule is not None:
            rule_model.venue.field.set_cached_value(rule, venue)

        cursor.execute(hours_sql, {"palace": palace.pk})
        hours = [rows.instance(OpeningHours, found)[0] for found in cursor.fetchall()]
        for interval in hours:
            OpeningHours.palace.field.set_cached_value(interval, palace)
        _cached_prefetch(palace, "opening_hours", hours)

        today = connection.ops.adapt_datefield_value(timezone.localdate())
        cursor.execute(closures_sql, {"palace": palace.pk, "today": today})
        closures = []
        for found in cursor.fetchall():
            closure, offset = rows.instance(Closure, found)
            closed_venue = None
            if closure.venue_id is not None:
                closed_venue = (
                    venue if closure.venue_id == venue.pk else rows.instance(Venue, found, offset)[0]
                )
            Closure.venue.field.set_cached_value(closure, closed_venue)
            closures.append(closure)
        palace.upcoming_closures = closures
    return venue


def venue_counts_by_centre() -> dict[str, int]:
    """Active venues of palaces in service, per centre code (one query); every centre present."""
    rows = (
        Venue.objects.active()
        .filter(palace__status=Palace.Status.IN_SERVICE)
        .values("centre")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = dict.fromkeys(Centre.values, 0)
    counts.update({row["centre"]: row["n"] for row in rows})
    return counts


def home_figures() -> dict:
    """The home page's network figures as plain values, from the shared cache when they are there
    (`venues/home_cache.py`: a palace, region or venue written moves the key); else three queries.

    Plain numbers, codes and names, no model instances: nothing that a deploy changing a model
    would unpickle wrongly.
    """
    from django.core.cache import cache

    from .home_cache import HOME_TTL, home_page_version

    key = f"home-page:figures:{home_page_version()}"
    figures = cache.get(key)
    if figures is None:
        by_city = network_by_city()
        summary = network_summary(by_city)
        figures = {
            "palaces_in_service": summary["palaces_in_service"],
            "county_level_in_service": summary["county_level_in_service"],
            "venue_counts": venue_counts_by_centre(),
            "cities_covered": sum(1 for row in by_city if row.palaces_in_service),
            "by_city": [
                {"code": row.city.code, "name": row.city.name, "palaces_in_service": row.palaces_in_service}
                for row in by_city
            ],
        }
        cache.set(key, figures, timeout=HOME_TTL)
    return figures


def venues_by_centre(venues) -> list[tuple[Centre, list[Venue]]]:
    """[(centre, venues)] in the canonical order of the four centres, empty centres left out."""
    grouped: dict[str, list[Venue]] = defaultdict(list)
    for venue in venues:
        grouped[venue.centre].append(venue)
    return [(centre, grouped[centre.value]) for centre in Centre if grouped.get(centre.value)]


# --- Opening hours ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningStatus:
    is_open: bool
    closure: Closure | None
    closes_at: time | None
    next_opening: datetime | None


def _closure_on(closures, day: date, venue_id: int | None = None) -> Closure | None:
    for closure in closures:
        if closure.start_date <= day <= closure.end_date and closure.venue_id in (None, venue_id):
            return closure
    return None


def opening_status(palace: Palace, *, at: datetime | None = None, closures=None, hours=None) -> OpeningStatus:
    """Is the palace open at `at` (local time), and if not, when does it next open?

    Uses the prefetched `opening_hours` and closures when given, so a list of palaces costs no
    extra queries per palace.
    """
    at = timezone.localtime(at)
    hours = list(palace.opening_hours.all()) if hours is None else hours
    if closures is None:
        closures = getattr(palace, "upcoming_closures", None)
        if closures is None:
            closures = list(palace.closures.filter(end_date__gte=at.date(), venue__isnull=True))
    palace_closures = [c for c in closures if c.venue_id is None]
    by_day: dict[int, list[OpeningHours]] = defaultdict(list)
    for h in hours:
        by_day[h.weekday].append(h)

    today = at.date()
    closure = _closure_on(palace_closures, today)
    if closure is None:
        for h in by_day.get(today.weekday(), []):
            if h.opens <= at.time() < h.closes:
                return OpeningStatus(True, None, h.closes, None)
    for offset in range(0, 15):
        day = today + timedelta(days=offset)
        if _closure_on(palace_closures, day):
            continue
        for h in sorted(by_day.get(day.weekday(), []), key=lambda h: h.opens):
            start = timezone.make_aware(datetime.combine(day, h.opens))
            if start > at:
                return OpeningStatus(False, closure, None, start)
    return OpeningStatus(False, closure, None, None)


# --- Availability -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime
    capacity: int
    taken: int

    @property
    def available(self) -> int:
        return max(self.capacity - self.taken, 0)


def venue_slot_capacity(venue: Venue) -> int:
    """Places one slot offers: a shared venue sells its capacity, every other mode is whole."""
    return venue.capacity if venue.booking_mode == BookingMode.SHARED else 1


# Whether a closure of the palace (or of the venue) covers %(day)s; `{palace}` and `{venue}` are
# the SQL expressions of the two ids (parameters here, a join's columns in `bookings.selectors`).
CLOSED_ON_DAY_SQL = """EXISTS (
        SELECT 1 FROM venues_closure c
        WHERE c.palace_id = {palace} AND c.start_date <= %(day)s AND c.end_date >= %(day)s
          AND (c.venue_id IS NULL OR c.venue_id = {venue})
    )"""

_DAY_HOURS_SQL = f"""
    SELECT h.opens, h.closes, {CLOSED_ON_DAY_SQL.format(palace="%(palace)s", venue="%(venue)s")}
    FROM venues_openinghours h WHERE h.palace_id = %(palace)s AND h.weekday = %(weekday)s
"""  # noqa: S608 - only our constant is interpolated


def day_hours_remember(venue: Venue, day: date, rows) -> None:
    """Keep on the venue object what `_day_hours` would read for `day`: `rows` of (opens, closes,
    closed), as read with the venue by a caller that asked for them in its own statement (the
    booking API: `bookings.selectors.listed_venue`). No row: no opening interval that day."""
    venue._day_hours = (day, *_hours_from_rows(venue, day, rows))


def _hours_from_rows(venue: Venue, day: date, rows) -> tuple[list[OpeningHours], bool]:
    hours = [
        OpeningHours(
            palace_id=venue.palace_id,
            weekday=day.weekday(),
            # SQLite may answer times as text.
            opens=parse_time(opens) if isinstance(opens, str) else opens,
            closes=parse_time(closes) if isinstance(closes, str) else closes,
        )
        for opens, closes, _closed in rows
    ]
    return hours, any(closed for _opens, _closes, closed in rows)


def _day_hours(venue: Venue, day: date) -> tuple[list[OpeningHours], bool]:
    """The palace's opening intervals on `day`, and whether a closure covers the day, in one round
    trip of SQL written once: every booking asks it, and the ORM took longer to build the query
    (with its closure subquery) than the database took to answer. No interval: closed anyway.
    Nothing at all when the caller already read them with the venue (`day_hours_remember`)."""
    remembered = getattr(venue, "_day_hours", None)
    if remembered is not None and remembered[0] == day:
        return remembered[1], remembered[2]
    params = {
        "palace": venue.palace_id,
        "venue": venue.pk,
        "day": connection.ops.adapt_datefield_value(day),
        "weekday": day.weekday(),
    }
    with connection.cursor() as cursor:
        cursor.execute(_DAY_HOURS_SQL, params)
        rows = cursor.fetchall()
    return _hours_from_rows(venue, day, rows)


def venue_slots(
    venue: Venue,
    day: date,
    *,
    taken: dict[datetime, int] | None = None,
    hours: list[OpeningHours] | None = None,
    closures: list[Closure] | None = None,
) -> list[Slot]:
    """The slots of a venue on a local date: the palace's opening intervals cut into slots of the
    venue's length, none on closure days. `taken` maps a slot start to the places already held
    (supplied by the bookings app; empty when nothing is booked).

    `hours` (the palace's opening hours) and `closures` (the palace's closures, any venue) may be
    passed when already loaded, e.g. for several days at once; otherwise two queries."""
    taken = taken or {}
    if not venue.is_active:
        return []
    palace_id = venue.palace_id
    if closures is None:
        if hours is None:
            hours, closed = _day_hours(venue, day)
        else:
            closed = (
                Closure.objects.filter(palace_id=palace_id)
                .covering(day)
                .filter(Q(venue__isnull=True) | Q(venue=venue))
                .exists()
            )
    else:
        closed = _closure_on(closures, day, venue.pk) is not None
    if closed:
        return []
    if hours is None:
        hours = list(OpeningHours.objects.filter(palace_id=palace_id, weekday=day.weekday()))
    length = timedelta(minutes=venue.slot_minutes)
    capacity = venue_slot_capacity(venue)
    slots: list[Slot] = []
    for h in sorted((h for h in hours if h.weekday == day.weekday()), key=lambda h: h.opens):
        start = timezone.make_aware(datetime.combine(day, h.opens))
        end_of_interval = timezone.make_aware(datetime.combine(day, h.closes))
        while start + length <= end_of_interval:
            slots.append(Slot(start, start + length, capacity, taken.get(start, 0)))
            start += length
    return slots


# --- Network overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class CityFigures:
    city: Region
    palaces_in_service: int
    county_level_in_service: int
    units: int
    units_covered: int
    projects_under_way: int

    @property
    def coverage_rate(self) -> Decimal:
        return _rate(self.units_covered, self.units)


def _rate(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.0000")
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def network_by_city() -> list[CityFigures]:
    """The overview's figures per prefecture-level city, computed from the rows (two queries)."""
    # The filters reach through the reverse relation: the annotated rows are regions.
    in_service = Q(palaces__status=Palace.Status.IN_SERVICE)
    units = (
        Region.objects.filter(level__in=[Region.Level.CITY, Region.Level.COUNTY])
        .annotate(
            in_service=Count("palaces", filter=in_service),
            county_in_service=Count("palaces", filter=in_service & Q(palaces__level=Palace.Level.COUNTY)),
            projects=Count("palaces", filter=Q(palaces__status__in=Palace.PROJECT_STATUSES)),
        )
        .values("id", "level", "parent_id", "in_service", "county_in_service", "projects")
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for unit in units:
        city_id = unit["id"] if unit["level"] == Region.Level.CITY else unit["parent_id"]
        t = totals[city_id]
        t["palaces"] += unit["in_service"]
        t["county"] += unit["county_in_service"]
        t["units"] += 1
        t["covered"] += 1 if unit["in_service"] else 0
        t["projects"] += unit["projects"]
    return [
        CityFigures(
            city=city,
            palaces_in_service=totals[city.id]["palaces"],
            county_level_in_service=totals[city.id]["county"],
            units=totals[city.id]["units"],
            units_covered=totals[city.id]["covered"],
            projects_under_way=totals[city.id]["projects"],
        )
        for city in cities()
    ]


def network_summary(by_city: list[CityFigures] | None = None) -> dict:
    """Province-wide figures (API `GET /network/summary/` and the overview page).

    coverage_rate = administrative units (cities + county-level units) with at least one palace
    in service ÷ all units, as a ratio with four decimals (0.7928 is shown as 79%).
    """
    rows = network_by_city() if by_city is None else by_city
    units = sum(r.units for r in rows)
    covered = sum(r.units_covered for r in rows)
    return {
        "palaces_in_service": sum(r.palaces_in_service for r in rows),
        "county_level_in_service": sum(r.county_level_in_service for r in rows),
        "coverage_rate": _rate(covered, units),
        "projects_under_way": sum(r.projects_under_way for r in rows),
        "units": units,
        "units_covered": covered,
    }
