"""The performance app's models, gathered for Django (the app label stays `performance`)."""

from .ledgers.models import AggregationLock, Ledger, LedgerFigure, LedgerStep, ManualLine

__all__ = ["AggregationLock", "Ledger", "LedgerFigure", "LedgerStep", "ManualLine"]
