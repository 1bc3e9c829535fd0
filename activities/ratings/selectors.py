"""Reads of ratings: what a worker may still rate, their own ratings, staff averages, the month line.

Every staff read starts from one palace and a range of the indexed (palace, local_date) columns;
the number of queries never depends on how many ratings there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.ratings.models import Rating
from activities.ratings.services import EDIT_WITHIN_DAYS, RATE_WITHIN_DAYS
from bookings.models import Attendance, Booking, Occurrence, Offering
from palace_portal.errors import InvalidInput, NotFound
from palace_portal.months import month_range, parse_month
from venues.models import Palace

Subject = Rating.Subject
STARS = (1, 2, 3, 4, 5)
# What the rating page offers at most per kind: a month of one person's visits fits easily.
RATABLE_LIMIT = 60


# --- The worker's side ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ratable:
    """Something the worker attended and has not rated yet."""

    kind: str
    booking: Booking
    occurrence: Occurrence | None
    title: str
    place: str
    palace_name: str
    start: datetime
    end: datetime
    # Class sessions: how many earlier sessions of the same class also wait (shown as one item).
    earlier: int = 0

    @property
    def key(self) -> str:
        return f"{self.booking.pk}-{self.occurrence.pk if self.occurrence else 0}"

    @property
    def kind_label(self) -> str:
        return Subject(self.kind).label


def ratables_of_user(user, *, now: datetime | None = None, one_per_class: bool = True) -> list[Ratable]:
    """What `user` attended from `RATE_WITHIN_DAYS` days ago until now and has not rated, newest
    first: venue bookings checked in, class sessions attended, events attended. Three queries.

    A night-school student attends a class two or three times a week: with `one_per_class`, only
    the latest unrated session of each class is listed, with the number of `earlier` ones."""
    now = now or timezone.now()
    since = now - timedelta(days=RATE_WITHIN_DAYS)
    items: list[Ratable] = []

    rated_whole = Rating.objects.filter(booking=OuterRef("pk"), occurrence__isnull=True)
    venue_bookings = (
        Booking.objects.of_venues()
        .filter(user=user, status=Booking.Status.CHECKED_IN, start__lte=now, end__gte=since)
        .filter(~Exists(rated_whole))
        .select_related("venue", "palace")
        .order_by("-start")[:RATABLE_LIMIT]
    )
    for booking in venue_bookings:
        items.append(
            Ratable(
                kind=Subject.VENUE,
                booking=booking,
                occurrence=None,
                title=booking.venue.name,
                place=booking.venue.name,
                palace_name=booking.palace.name,
                start=booking.start,
                end=booking.end,
            )
        )

    sessions = (
        Attendance.objects.filter(
            booking__user=user,
            booking__offering__kind=Offering.Kind.COURSE,
            occurrence__start__lte=now,
            occurrence__end__gte=since,
        )
        .filter(
            ~Exists(Rating.objects.filter(booking=OuterRef("booking"), occurrence=OuterRef("occurrence")))
        )
        .select_related("booking__offering__course__venue", "booking__palace", "occurrence__venue")
        .order_by("-occurrence__start")[:RATABLE_LIMIT]
    )
    latest: dict[int, int] = {}  # booking id → index in `items` of its latest session
    for attendance in sessions:
        booking, occurrence = attendance.booking, attendance.occurrence
        if one_per_class and booking.pk in latest:
            index = latest[booking.pk]
            items[index] = replace(items[index], earlier=items[index].earlier + 1)
            continue
        course = getattr(booking.offering, "course", None)
        venue = occurrence.venue or (course.venue if course else None)
        latest[booking.pk] = len(items)
        items.append(
            Ratable(
                kind=Subject.COURSE,
                booking=booking,
                occurrence=occurrence,
                title=str(course) if course else booking.offering.title,
                place=venue.name if venue else "",
                palace_name=booking.palace.name,
                start=occurrence.start,
                end=occurrence.end,
            )
        )

    events = (
        Booking.objects.filter(
            user=user,
            offering__kind=Offering.Kind.EVENT,
            offering__starts_at__lte=now,
            offering__ends_at__gte=since,
        )
        .filter(
            Q(status=Booking.Status.CHECKED_IN) | Exists(Attendance.objects.filter(booking=OuterRef("pk")))
        )
        .filter(~Exists(rated_whole))
        .select_related("offering__event", "venue", "palace")
        .order_by("-start")[:RATABLE_LIMIT]
    )
    for booking in events:
        offering = booking.offering
        event = getattr(offering, "event", None)
        items.append(
            Ratable(
                kind=Subject.EVENT,
                booking=booking,
                occurrence=None,
                title=event.title if event else offering.title,
                place=booking.venue.name if booking.venue else "",
                palace_name=booking.palace.name,
                start=offering.starts_at,
                end=offering.ends_at,
            )
        )
    items.sort(key=lambda item: item.start, reverse=True)
    return items


def rating_target(user, *, booking_id: int, occurrence_id: int | None) -> tuple[Booking, Occurrence | None]:
    """The caller's own booking (else `NotFound`) and the session of it they name (else `InvalidInput`)."""
    booking = Booking.objects.filter(user=user, pk=booking_id).select_related("offering").first()
    if booking is None:
        raise NotFound()
    if not occurrence_id:
        return booking, None
    occurrence = (
        Occurrence.objects.filter(pk=occurrence_id, offering_id=booking.offering_id).first()
        if booking.offering_id
        else None
    )
    if occurrence is None:
        message = _("That session is not part of what you signed up for.")
        raise InvalidInput(message, fields={"occurrence": [message]})
    return booking, occurrence


def ratings_of_user(user) -> QuerySet[Rating]:
    """The user's own ratings, newest first, with what they rated loaded."""
    return (
        Rating.objects.for_user(user)
        .select_related("palace", "venue", "course", "event", "occurrence")
        .order_by("-created_at", "-pk")
    )


def rating_editable(rating: Rating, *, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return now <= rating.created_at + timedelta(days=EDIT_WITHIN_DAYS)


def rating_title(rating: Rating) -> str:
    """What the rating is about, in words (the related rows loaded by the selector)."""
    if rating.course_id:
        return str(rating.course)
    if rating.event_id:
        return rating.event.title
    return rating.venue.name if rating.venue_id else ""


# --- Staff averages -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StarBar:
    stars: int
    count: int
    percent: int

    @property
    def width_class(self) -> str:
        """The nearest of portal.css's `w-0` … `w-100` (steps of 5)."""
        return f"w-{int(round(self.percent / 5) * 5)}"


@dataclass
class RatingSummary:
    start: date
    end: date
    count: int
    average: float | None
    distribution: list[StarBar]
    by_course: list[dict] = field(default_factory=list)
    by_teacher: list[dict] = field(default_factory=list)
    by_venue: list[dict] = field(default_factory=list)
    by_event: list[dict] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)


def _in_range(palace: Palace, start: date, end: date) -> QuerySet[Rating]:
    # A range of the indexed (palace, local_date) columns, never a time-zone conversion per row.
    return Rating.objects.filter(palace=palace, local_date__gte=start, local_date__lte=end)


def _figures() -> dict:
    return {"count": Count("pk"), "average": Avg("stars")}


def rating_summary(palace: Palace, *, start: date, end: date) -> RatingSummary:
    """Counts and average stars of `palace`'s ratings of things held from `start` to `end` (local
    dates, both included): overall with the 1–5 distribution, and per course, teacher, venue, event
    and month. Hidden comments' stars count. Six queries whatever the data."""
    ratings = _in_range(palace, start, end)
    totals = ratings.aggregate(**_figures(), **{f"s{n}": Count("pk", filter=Q(stars=n)) for n in STARS})
    count = totals["count"]
    distribution = [
        StarBar(stars=n, count=totals[f"s{n}"], percent=round(100 * totals[f"s{n}"] / count) if count else 0)
        for n in reversed(STARS)
    ]
    by_course = list(
        ratings.filter(course__isnull=False)
        .values("course", "course__title", "course__section_label", "course__teacher", "course__term__name")
        .annotate(**_figures())
        .order_by("course__title", "course__section_label", "course")
    )
    by_teacher = list(
        ratings.exclude(teacher="").values("teacher").annotate(**_figures()).order_by("teacher")
    )
    by_venue = list(
        ratings.filter(venue__isnull=False)
        .values("venue", "venue__name")
        .annotate(
            **_figures(),
            bookings=Count("pk", filter=Q(subject=Subject.VENUE)),
            bookings_average=Avg("stars", filter=Q(subject=Subject.VENUE)),
        )
        .order_by("venue__name", "venue")
    )
    by_event = list(
        ratings.filter(event__isnull=False)
        .values("event", "event__title", "local_date")
        .annotate(**_figures())
        .order_by("-local_date", "event")
    )
    by_month = list(
        ratings.annotate(month=TruncMonth("local_date"))
        .values("month")
        .annotate(**_figures())
        .order_by("month")
    )
    return RatingSummary(
        start=start,
        end=end,
        count=count,
        average=totals["average"],
        distribution=distribution,
        by_course=by_course,
        by_teacher=by_teacher,
        by_venue=by_venue,
        by_event=by_event,
        by_month=by_month,
    )


def rating_comments(palace: Palace, *, start: date, end: date) -> QuerySet[Rating]:
    """The palace's ratings with a comment in the range, newest first (hidden ones included, for staff)."""
    return (
        _in_range(palace, start, end)
        .exclude(comment="")
        .select_related("user", "venue", "course", "event", "hidden_by")
        .order_by("-created_at", "-pk")
    )


# --- The monthly ledger ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthFigures:
    month: date
    count: int
    average: float | None


def ratings_month_summary(palace: Palace, month: date | str | None = None) -> MonthFigures:
    """How many ratings `palace` got for things held in `month` and their average stars: what the
    monthly ledger counts. `month` is any day of it, "YYYY-MM", or None for this (local) month.
    One query over an index range of (palace, local_date)."""
    if month is None or month == "":
        month = timezone.localdate()
    elif isinstance(month, str):
        month = parse_month(month)
    first, following = month_range(month)
    figures = Rating.objects.filter(palace=palace, local_date__gte=first, local_date__lt=following).aggregate(
        **_figures()
    )
    return MonthFigures(month=first, count=figures["count"], average=figures["average"])
