"""Reads of the alliance: the roster at a date, growth, rotations, campaign totals, the calendar,
budgets and subsidies. The number of queries never depends on the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, F, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from activities.models import Activity
from bookings.models import Attendance
from palace_portal.months import first_day, format_month, months_of_year
from venues.models import Palace, Region

from .models import Campaign, CampaignTag, HostingApplication, HostingCall, Membership, RotationTerm, Subsidy


def _covering(day: date) -> Q:
    return Q(joined_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def roster_at(day: date) -> QuerySet[Membership]:
    """Memberships in force on `day` (a member from the day it joined until the day it left)."""
    return Membership.objects.filter(_covering(day)).select_related(
        "palace", "palace__region", "palace__region__parent"
    )


def member_count_at(day: date) -> int:
    return Membership.objects.filter(_covering(day)).count()


def growth(points: list[date]) -> list[tuple[date, int]]:
    """Members at each of `points` (one query: the memberships' dates are few)."""
    spans = list(Membership.objects.values_list("joined_on", "left_on"))
    return [
        (day, sum(1 for joined, left in spans if joined <= day and (left is None or left > day)))
        for day in points
    ]


@dataclass(frozen=True)
class MonthChange:
    """One month of the roster: palaces that joined, that left, and the members at its end."""

    month: date
    joined: int
    left: int
    members: int


def month_changes(month_ends: list[date]) -> list[MonthChange]:
    """Joins and leaves in each month ending on one of `month_ends` (the last may be today, a
    month not yet over), with the members at that day. One query."""
    spans = list(Membership.objects.values_list("joined_on", "left_on"))
    changes = []
    for end in month_ends:
        first = first_day(end)
        changes.append(
            MonthChange(
                month=first,
                joined=sum(1 for joined, _left in spans if first <= joined <= end),
                left=sum(1 for _joined, left in spans if left is not None and first <= left <= end),
                members=sum(1 for joined, left in spans if joined <= end and (left is None or left > end)),
            )
        )
    return changes


@dataclass(frozen=True)
class Founders:
    """The founding members: how many there were, and how many of them are members on a day."""

    all: int
    still_members: int

    @property
    def gone(self) -> int:
        return self.all - self.still_members


def founders_on(day: date) -> Founders:
    """Founding palaces ever, and those of them in the roster on `day` (two queries)."""
    founding = Membership.objects.filter(founding=True)
    return Founders(
        all=founding.values("palace").distinct().count(),
        still_members=founding.filter(_covering(day)).values("palace").distinct().count(),
    )


def year_ends(first_year: int, last_year: int) -> list[date]:
    today = timezone.localdate()
    return [min(date(year, 12, 31), today) for year in range(first_year, last_year + 1)]


@dataclass(frozen=True)
class Rotations:
    current: RotationTerm | None
    next: RotationTerm | None


def rotations_now(today: date | None = None) -> Rotations:
    """The rotation leading today and the one after it (two queries, leads prefetched)."""
    today = today or timezone.localdate()
    terms = RotationTerm.objects.prefetch_related("leads")
    current = terms.filter(starts_on__lte=today, ends_on__gte=today).first()
    after = current.ends_on if current else today
    upcoming = terms.filter(starts_on__gt=after).order_by("starts_on").first()
    return Rotations(current, upcoming)


@dataclass(frozen=True)
class CampaignTotals:
    activities: int
    person_times: int
    online_viewers: int
    courses: int
    events: int


def campaign_totals(campaign: Campaign) -> CampaignTotals:
    """Totals from the tagged rows: logged activities count themselves (participants, viewers);
    tagged courses and events count their sessions with check-ins and the check-ins within the
    campaign's dates. Three queries."""
    logged = Activity.objects.filter(
        pk__in=CampaignTag.objects.filter(campaign=campaign, activity__isnull=False).values("activity")
    ).aggregate(
        n=Count("pk"), people=Coalesce(Sum("participants"), 0), viewers=Coalesce(Sum("online_viewers"), 0)
    )
    tags = CampaignTag.objects.filter(campaign=campaign).aggregate(
        courses=Count("pk", filter=Q(course__isnull=False)), events=Count("pk", filter=Q(event__isnull=False))
    )
    offerings = Q(
        occurrence__offering__course__in=CampaignTag.objects.filter(campaign=campaign).values("course")
    ) | Q(occurrence__offering__event__in=CampaignTag.objects.filter(campaign=campaign).values("event"))
    attended = Attendance.objects.filter(
        offerings, local_date__gte=campaign.starts_on, local_date__lte=campaign.ends_on
    ).aggregate(sessions=Count("occurrence", distinct=True), people=Count("pk"))
    return CampaignTotals(
        activities=logged["n"] + attended["sessions"],
        person_times=logged["people"] + attended["people"],
        online_viewers=logged["viewers"],
        courses=tags["courses"],
        events=tags["events"],
    )


def calendar_events(*, first: date | None = None, last: date | None = None) -> QuerySet[HostingApplication]:
    """Approved provincial events with their hosts, in date order (the public calendar)."""
    qs = HostingApplication.objects.filter(status=HostingApplication.Status.APPROVED).select_related(
        "palace", "palace__region", "venue", "call"
    )
    if first:
        qs = qs.filter(event_date__gte=first)
    if last:
        qs = qs.filter(event_date__lte=last)
    return qs.order_by("event_date", "pk")


@dataclass(frozen=True)
class Budget:
    budget: Decimal
    granted: Decimal
    paid: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.granted


def call_budget(call: HostingCall) -> Budget:
    totals = Subsidy.objects.filter(call=call).aggregate(
        granted=Coalesce(Sum("granted"), Decimal(0)), paid=Coalesce(Sum("paid"), Decimal(0))
    )
    return Budget(call.budget, totals["granted"], totals["paid"])


def subsidies_by_palace_and_year(year: int | None = None, *, subsidies=None) -> list[dict]:
    """Granted and paid per palace and year (one query), over `subsidies` (default: all of them;
    pages pass `alliance.access.subsidies_visible_to(user)`)."""
    qs = Subsidy.objects.all() if subsidies is None else subsidies
    if year:
        qs = qs.filter(year=year)
    return list(
        qs.values("palace_id", "palace__name", "year")
        .annotate(granted=Sum("granted"), paid=Sum("paid"), events=Count("pk"))
        .order_by("-year", "palace__name")
    )


def applications_of(call: HostingCall) -> QuerySet[HostingApplication]:
    """A call's applications with their review count and average total (one query)."""
    from django.db.models import Avg

    return (
        HostingApplication.objects.filter(call=call)
        .select_related("palace", "palace__region", "venue")
        .annotate(review_count=Count("reviews"), average=Avg("reviews__total"))
        .order_by("-average", "submitted_at")
    )


# --- The province's figures (API `GET /alliance/summary/`) --------------------------------------------


def _city_of(prefix: str) -> Case:
    """The prefecture-level city of the palace at `prefix` (its region, or the region's parent)."""
    return Case(
        When(**{f"{prefix}region__level": Region.Level.CITY}, then=F(f"{prefix}region_id")),
        default=F(f"{prefix}region__parent_id"),
    )


def alliance_summary(year: int, palaces: QuerySet[Palace] | None = None) -> dict:
    """The alliance's figures for `year`, over `palaces` (None: the whole province).

    - `members`: memberships in force at the year's end (today, for the current year);
    - `activities`, `person_times`, `online_viewers`: logged `Activity` rows dated in the year,
      of EVERY palace in scope, members or not. The published figures count the palaces' work
      province-wide (DOMAIN.md: 67,400 activities and 7,627,700 person-times in 2024), and the
      dashboard must reproduce them;
    - `events_hosted`: approved hosting applications whose event falls in the year;
    - `by_city`: members, activities and person-times per prefecture-level city (every city in
      scope, zeros included), `by_month`: all twelve months of the year, zeros included.

    Five queries whatever the data: the sums are the database's (no row is read into Python).
    """
    first, last = date(year, 1, 1), date(year, 12, 31)
    day = year_ends(year, year)[0]
    members = Membership.objects.filter(_covering(day))
    activities = Activity.objects.filter(date__gte=first, date__lte=last)
    hosted = HostingApplication.objects.filter(
        status=HostingApplication.Status.APPROVED, event_date__gte=first, event_date__lte=last
    )
    cities = Region.objects.filter(level=Region.Level.CITY)
    if palaces is not None:
        members = members.filter(palace__in=palaces)
        activities = activities.filter(palace__in=palaces)
        hosted = hosted.filter(palace__in=palaces)
        cities = cities.filter(
            Q(pk__in=palaces.filter(region__level=Region.Level.CITY).values("region_id"))
            | Q(pk__in=palaces.filter(region__level=Region.Level.COUNTY).values("region__parent_id"))
        )
    members_by_city = {
        row["city"]: row["n"]
        for row in members.annotate(city=_city_of("palace__"))
        .values("city")
        .annotate(n=Count("pk"))
        .order_by()
    }
    work_by_city = {
        row["city"]: row
        for row in activities.annotate(city=_city_of("palace__"))
        .values("city")
        .annotate(n=Count("pk"), people=Sum("participants"), viewers=Sum("online_viewers"))
        .order_by()
    }
    work_by_month = {
        row["month"]: row
        for row in activities.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(n=Count("pk"), people=Sum("participants"), viewers=Sum("online_viewers"))
        .order_by()
    }
    nothing = {"n": 0, "people": 0, "viewers": 0}
    months = months_of_year(year)
    return {
        "members": sum(members_by_city.values()),
        "activities": sum(row["n"] for row in work_by_city.values()),
        "person_times": sum(row["people"] or 0 for row in work_by_city.values()),
        "online_viewers": sum(row["viewers"] or 0 for row in work_by_city.values()),
        "events_hosted": hosted.count(),
        "by_city": [
            {
                "city": city,
                "members": members_by_city.get(city.pk, 0),
                "activities": work_by_city.get(city.pk, nothing)["n"],
                "person_times": work_by_city.get(city.pk, nothing)["people"] or 0,
            }
            for city in cities.order_by("code")
        ],
        "by_month": [
            {
                "month": format_month(month),
                "activities": work_by_month.get(month, nothing)["n"],
                "person_times": work_by_month.get(month, nothing)["people"] or 0,
                "online_viewers": work_by_month.get(month, nothing)["viewers"] or 0,
            }
            for month in months
        ],
    }
