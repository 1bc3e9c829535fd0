"""Reads of legal help: the duty lawyers of a palace, its demonstration hearings, the case lists.

The case lists here only build querysets: the pages and the API record each showing through
`services.cases_read` / `services.case_read`.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, timedelta

from django.db.models import QuerySet

from activities.events.models import Event
from activities.ledger.models import ActivityKind
from activities.offerings.models import PublishState
from bookings.models import DutyShift
from venues.models import OpeningHours, Palace

from .models import CaseRead, LegalCase

# The service windows where lawyers and mediators sit (律师轮值, 调解室).
LEGAL_KINDS = ("legal_aid_window", "mediation_room")
DATED_AHEAD_DAYS = 28


def duty_lawyers(palace: Palace, *, today: date) -> list[dict]:
    """Who is on the legal rota of `palace`, as the palace publishes them ("王律师"), each with
    their weekly hours and dated shifts of the next four weeks, and the window they sit at.
    One query."""
    shifts = (
        DutyShift.objects.filter(palace=palace, venue__kind__in=LEGAL_KINDS, venue__is_active=True)
        .exclude(date__lt=today)
        .exclude(date__gt=today + timedelta(days=DATED_AHEAD_DAYS))
        .select_related("venue")
        .order_by("person", "weekday", "date", "starts")
    )
    people: OrderedDict[tuple[str, int], dict] = OrderedDict()
    for shift in shifts:
        entry = people.setdefault(
            (shift.person, shift.venue_id),
            {"person": shift.person, "role": shift.role, "venue": shift.venue, "slots": []},
        )
        when = OpeningHours.Weekday(shift.weekday).label if shift.weekday is not None else shift.date
        entry["slots"].append(
            {"when": when, "dated": shift.date is not None, "starts": shift.starts, "ends": shift.ends}
        )
    return list(people.values())


def demonstration_hearings(palace: Palace, *, today: date, limit: int = 5) -> list[Event]:
    """The palace's published demonstration hearings (示范性庭审) from today on."""
    return list(
        Event.objects.filter(
            palace=palace, kind=ActivityKind.DEMO_HEARING, state=PublishState.PUBLISHED, local_date__gte=today
        )
        .select_related("venue")
        .order_by("starts_at", "pk")[:limit]
    )


def cases_of_worker(user) -> QuerySet[LegalCase]:
    return LegalCase.objects.filter(user=user).select_related("palace").order_by("-created_at", "-pk")


def cases_of_palace(palace: Palace, *, stage: str = "") -> QuerySet[LegalCase]:
    cases = LegalCase.objects.for_palace(palace).select_related("user", "palace")
    if stage == "open":
        cases = cases.open()
    elif stage:
        cases = cases.filter(stage=stage)
    return cases.order_by("-created_at", "-pk")


def case_reads_of_palace(palace: Palace) -> QuerySet[CaseRead]:
    return CaseRead.objects.filter(palace=palace).select_related("reader", "case").order_by("-read_at", "-pk")
