"""Ledger figures written directly for the rankings' and dashboards' tests (the aggregation has its
own tests): a ledger per palace and month, a figure per metric."""

from datetime import date
from decimal import Decimal

from performance.ledgers import rollups
from performance.ledgers.models import Ledger, LedgerFigure
from performance.rankings.measures import Measure

SUM = Measure(code="person_times", name="人次", unit="人次", numerator="person_times", per_unit_fair=True)
UTILISATION = Measure(
    code="utilisation",
    name="利用率",
    unit="%",
    numerator="booked_hours",
    denominator="open_hours",
    factor=Decimal(100),
    decimals=1,
)
RATING = Measure(
    code="rating_avg", name="平均评分", unit="分", numerator="rating_stars", denominator="ratings", decimals=2
)


def figures(
    palace, month: date, status: str = Ledger.Status.OPEN, locked: dict | None = None, **values
) -> Ledger:
    """The palace's ledger of `month` with `values` as its figures (`locked` as locked values).
    The rollups of the month are refreshed once, at the end (the model signals note the month)."""
    with rollups.batch():
        return _figures(palace, month, status, locked, **values)


def _figures(palace, month: date, status: str, locked: dict | None, **values) -> Ledger:
    ledger, created = Ledger.objects.get_or_create(palace=palace, month=month, defaults={"status": status})
    locked = locked or {}
    if created:
        # A new ledger has no figures yet: one INSERT for them all (no signal: the ledger's own
        # save has noted its palace-month for the batch's refresh).
        LedgerFigure.objects.bulk_create(
            LedgerFigure(
                ledger=ledger,
                palace=palace,
                month=month,
                metric=metric,
                value=Decimal(value),
                locked_value=Decimal(locked[metric]) if metric in locked else None,
            )
            for metric, value in values.items()
        )
        return ledger
    for metric, value in values.items():
        LedgerFigure.objects.update_or_create(
            ledger=ledger,
            metric=metric,
            defaults={
                "palace": palace,
                "month": month,
                "value": Decimal(value),
                "locked_value": Decimal(locked[metric]) if metric in locked else None,
            },
        )
    return ledger
