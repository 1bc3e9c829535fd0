"""The raw-row side of the aggregation for the union services: legal-help cases and teams.

Like `counting`, one grouped query per source over the (palace, local date) index range of the
months, adding figures to the `Tally`. Only counts and sums leave the database: no case, no
person is named in a figure.
"""

from __future__ import annotations

from django.db.models import Q, Sum

from activities.legal.models import LegalCase, Outcome
from activities.teams.models import JoinRequest, TeamMember, VolunteerHours

from .counting import Tally, _count_by_moment, _month, month_of_day, row_count


def _grouped(tally: Tally, queryset, day_field: str, **columns):
    return (
        tally.scoped(queryset.filter(**tally.by_day(day_field)))
        .values("palace_id", m=month_of_day(day_field))
        .annotate(n=row_count(), **columns)
        .order_by()
    )


def count_legal_cases(tally: Tally) -> None:
    for row in _grouped(tally, LegalCase.objects.all(), "opened_on"):
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "legal_cases_opened", row["n"])
    outcomes = {f"o_{o.value}": row_count(filter=Q(outcome=o.value)) for o in Outcome}
    for row in _grouped(tally, LegalCase.objects.filter(closed_on__isnull=False), "closed_on", **outcomes):
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "legal_cases_closed", row["n"])
        tally.add(key, "legal_cases_mediated", row[f"o_{Outcome.MEDIATED.value}"])
        for outcome in Outcome:
            if outcome != Outcome.MEDIATED:
                tally.add(key, f"legal_outcome_{outcome.value}", row[f"o_{outcome.value}"])


def count_teams(tally: Tally) -> None:
    for row in _grouped(tally, VolunteerHours.objects.all(), "date", hours=Sum("hours")):
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "team_volunteer_hours", row["hours"])
    for row in _grouped(tally, TeamMember.objects.all(), "joined_on"):
        key = (_month(row["m"]), row["palace_id"])
        tally.read(key, row["n"])
        tally.add(key, "team_members_joined", row["n"])
    _count_by_moment(tally, JoinRequest.objects.all(), "created_at", "team_join_requests")
