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
from .ledgers.models import AggregationLock, Ledger, LedgerFigure, LedgerStep, ManualLine

__all__ = [
    "AggregationLock",
    "Category",
    "Evaluation",
    "EvaluationStep",
    "Evidence",
    "Indicator",
    "Ledger",
    "LedgerFigure",
    "LedgerStep",
    "ManualLine",
    "Scheme",
    "Score",
]
