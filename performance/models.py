"""The performance app's models, gathered for Django (the app label stays `performance`)."""

from .evaluation.models import (
    Category,
    Evaluation,
    EvaluationStep,
    Evidence,
    Indicator,
    Scheme,
    Score,
)
from .ledgers.models import (
    AggregationLock,
    CityMonthFigure,
    Ledger,
    LedgerFigure,
    LedgerStep,
    ManualLine,
    PalaceYearFigure,
)

__all__ = [
    "AggregationLock",
    "Category",
    "CityMonthFigure",
    "Evaluation",
    "EvaluationStep",
    "Evidence",
    "Indicator",
    "Ledger",
    "LedgerFigure",
    "LedgerStep",
    "ManualLine",
    "PalaceYearFigure",
    "Scheme",
    "Score",
]
