"""Reads of the activity ledger beside the logged rows: the sessions of courses and events that
count themselves from their check-ins (bookings' `Attendance`), so staff do not log them twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from activities.ledger.models import Activity, ActivityKind
from bookings.models import Attendance


def counted_from_offerings(palace, *, first, last, limit: int | None = None) -> list[dict]:
    """Sessions of courses and events with check-ins, as ledger rows: they count themselves.

    One row per session that someone attended (title, date, person-times), the latest first, at
    most `limit`. One query.
    """
    rows = (
        Attendance.objects.filter(palace=palace, local_date__gte=first, local_date__lte=last)
        .values("occurrence_id", "occurrence__offering__title", "occurrence__offering__kind", "local_date")
        .annotate(participants=Count("pk"))
        .order_by("-local_date", "occurrence_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {
            "occurrence": row["occurrence_id"],
            "title": row["occurrence__offering__title"],
            "kind": row["occurrence__offering__kind"],
            "date": row["local_date"],
            "participants": row["participants"],
        }
        for row in rows
    ]


def counted_totals(palace, *, first, last) -> dict[str, int]:
    """How many sessions those are and their person-times, counted by the database. One query."""
    return Attendance.objects.filter(palace=palace, local_date__gte=first, local_date__lte=last).aggregate(
        sessions=Count("occurrence", distinct=True), participants=Count("pk")
    )


@dataclass(frozen=True)
class YearFigures:
    """A palace's last twelve months from its ledger: the period named, the counts that a palace
    publishes (lectures, reading exchanges), all activities and their person-times."""

    first: date
    last: date
    lectures: int
    reading_exchanges: int
    activities: int
    participants: int


def palace_year_figures(palace, *, today: date) -> YearFigures:
    """The 365 days before `today` (today itself is not over), one grouped query."""
    last = today - timedelta(days=1)
    first = today - timedelta(days=365)
    row = Activity.objects.filter(palace=palace, date__gte=first, date__lte=last).aggregate(
        lectures=Count("pk", filter=Q(kind=ActivityKind.LECTURE)),
        reading_exchanges=Count("pk", filter=Q(kind=ActivityKind.READING_EXCHANGE)),
        activities=Count("pk"),
        participants=Sum("participants"),
    )
    return YearFigures(
        first=first,
        last=last,
        lectures=row["lectures"],
        reading_exchanges=row["reading_exchanges"],
        activities=row["activities"],
        participants=row["participants"] or 0,
    )
