"""The dashboards' panels that are not ledger figures: alliance members and provincial events
hosted, the year's largest online event, campaigns and hosting calls, evaluation results.

Small tables read with counts (and one raw row through an index, the largest online event); a
fixed number of queries each. Called by `performance.dashboards.selectors.dashboard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DateField, F, Func, Q, QuerySet, Subquery, Sum, Value
from django.utils import timezone

from activities.models import Activity
from alliance.models import Campaign, HostingApplication, HostingCall, Membership
from palace_portal import months as m
from venues.models import Palace

from ..evaluation.models import Band, Evaluation, Scheme
from ..ledgers.models import LedgerFigure
from ..rankings.periods import Period


def alliance_counts(palaces: QuerySet[Palace], period: Period) -> tuple[int, int]:
    """Members at the period's end (today for a period under way) and approved provincial events
    hosted in the period: one query (two counts joined by UNION ALL, each tagged)."""
    end = min(m.last_day(period.last), timezone.localdate())
    members = Membership.objects.filter(
        Q(joined_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end)), palace__in=palaces
    )
    hosted = HostingApplication.objects.filter(
        status=HostingApplication.Status.APPROVED,
        event_date__gte=period.first,
        event_date__lte=m.last_day(period.last),
        palace__in=palaces,
    )

    def tagged(rows, tag: int):
        return (
            rows.annotate(tag=Value(tag)).values("tag").annotate(n=Count("pk")).values("tag", "n").order_by()
        )

    counts = dict(tagged(members, 1).union(tagged(hosted, 2), all=True).values_list("tag", "n"))
    return counts.get(1, 0), counts.get(2, 0)


class _NextMonth(Func):
    """The first day of the month after a first-of-month date column, in SQL."""

    output_field = DateField()

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + INTERVAL '1 month')::date", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '+1 month')", params


def largest_online_event(
    palaces: QuerySet[Palace] | None, period: Period, *, at: tuple[date, Decimal] | None = None
) -> Activity | None:
    """The period's logged activity with the most online viewers, without scanning the period's
    activities: the ledgers keep each palace-month's largest audience (`online_viewers_max`), so
    one indexed query finds the palace and month, and one more reads that palace-month's top row
    through the activities' (palace, date) index.

    `at`: the month and the audience of the period's largest figure when the caller knows them
    (the dashboards, from the city-month rollup: the earliest month holding the period's largest):
    only that month's figures are read to find the palace. The same activity either way."""
    if at is not None:
        month, audience = at
        if audience is None or audience <= 0:
            return None
        figures = LedgerFigure.objects.with_official().filter(
            metric="online_viewers_max", month=month, official=audience
        )
    else:
        figures = LedgerFigure.objects.with_official().filter(
            metric="online_viewers_max", month__in=period.months, official__gt=0
        )
    if palaces is not None:
        figures = figures.filter(palace__in=palaces)
    top = figures.order_by("-official", "month", "palace_id")
    # One query: the activity read through the (palace, date) index of the palace-month that the
    # top figure names (three scalar subqueries of the same ordered figure).
    return (
        Activity.objects.filter(
            palace_id=Subquery(top.values("palace_id")[:1]),
            date__gte=Subquery(top.values("month")[:1]),
            date__lt=Subquery(top.annotate(after=_NextMonth("month")).values("after")[:1]),
        )
        .select_related("palace")
        .order_by("-online_viewers", "date", "pk")
        .first()
    )


@dataclass(frozen=True)
class EvaluationResults:
    """The standardisation evaluation of the period's year over the scope (perf-eval's models)."""

    year: int
    scheme: Scheme | None
    expected: int  # palaces in service in the scope
    concluded: int
    by_band: list[tuple[str, int]]
    average: Decimal | None
    best: list[Evaluation]  # concluded, best total first (at most five)


def evaluation_results(palaces: QuerySet[Palace], year: int) -> EvaluationResults:
    """Concluded evaluations of `year`'s published scheme within `palaces`: counts per band, the
    average total and the five best. Three queries."""
    scheme = Scheme.objects.filter(year=year, status=Scheme.Status.PUBLISHED).first()
    expected = palaces.filter(status=Palace.Status.IN_SERVICE).count()
    if scheme is None:
        return EvaluationResults(year, None, expected, 0, [], None, [])
    concluded = Evaluation.objects.filter(
        scheme=scheme, palace__in=palaces, status=Evaluation.Status.CONCLUDED
    )
    # Per band: how many, and the sum and count of their totals (the average over all of them
    # is then exact without a query of its own).
    grouped = list(
        concluded.values("band")
        .annotate(n=Count("pk"), points=Sum("total"), scored=Count("total"))
        .order_by()
    )
    bands = {row["band"]: row["n"] for row in grouped}
    best = list(
        concluded.select_related("palace").order_by(F("total").desc(nulls_last=True), "palace__name")[:5]
    )
    count = sum(bands.values())
    scored = sum(row["scored"] for row in grouped)
    average = sum((row["points"] or Decimal(0) for row in grouped), Decimal(0)) / scored if scored else None
    return EvaluationResults(
        year=year,
        scheme=scheme,
        expected=expected,
        concluded=count,
        by_band=[(str(label), bands.get(value, 0)) for value, label in Band.choices],
        average=average.quantize(Decimal("0.1")) if average is not None else None,
        best=best,
    )


def campaigns_and_calls(period: Period, palaces: QuerySet[Palace] | None):
    """Campaigns running in the period (with the scope's palaces taking part, for a city or a
    palace) and the hosting calls of the period with their applications counted."""
    first, last = period.first, m.last_day(period.last)
    campaigns = Campaign.objects.filter(starts_on__lte=last, ends_on__gte=first).select_related("organiser")
    if palaces is not None:
        campaigns = campaigns.filter(Q(participants__in=palaces) | Q(organiser__in=palaces)).distinct()
    calls = (
        HostingCall.objects.exclude(status=HostingCall.Status.DRAFT)
        .filter(starts_on__lte=last, ends_on__gte=first)
        .annotate(
            applied=Count(
                "applications", filter=~Q(applications__status=HostingApplication.Status.WITHDRAWN)
            ),
            approved=Count("applications", filter=Q(applications__status=HostingApplication.Status.APPROVED)),
        )
        .order_by("-deadline", "pk")
    )
    return list(campaigns.order_by("-starts_on", "pk")[:6]), list(calls[:6])
