"""Ledgers written directly (as the aggregation would) for the workflow's tests."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from performance.ledgers import rollups
from performance.models import Ledger, LedgerFigure, LedgerStep, ManualLine

# A month that has ended whatever day the tests run (the workflow refuses to submit a running month).
PAST = date(2025, 3, 1)


def make_ledger(
    palace, month: date = PAST, *, computed=True, source_rows=120, status="open", **figures
) -> Ledger:
    """A ledger of `palace` and `month` with `figures` (metric=value); by default computed from 120
    rows, with a few activities and person-times."""
    if not figures:
        figures = {"activities": 20, "person_times": 2000, "utilisation": 55}
    ledger = Ledger.objects.create(
        palace=palace,
        month=month,
        status=status,
        computed_at=timezone.now() if computed else None,
        source_rows=source_rows if computed else 0,
    )
    LedgerFigure.objects.bulk_create(
        LedgerFigure(ledger=ledger, palace=palace, month=month, metric=code, value=Decimal(str(value)))
        for code, value in figures.items()
    )
    rollups.refresh(months=[month], palace_ids=[palace.pk])  # as the aggregation does after its writes
    return ledger


def local(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def submitted_step(ledger: Ledger, at: datetime, actor=None) -> LedgerStep:
    return LedgerStep.objects.create(ledger=ledger, action="submitted", at=at, actor=actor)


def line(ledger: Ledger, user, metric="volunteer_hours", value="120", note="志愿服务签到表") -> ManualLine:
    return ManualLine.objects.create(
        ledger=ledger,
        metric=metric,
        value=None if value is None else Decimal(value),
        note=note,
        created_by=user,
    )


def reload(ledger: Ledger) -> Ledger:
    return Ledger.objects.get(pk=ledger.pk)
