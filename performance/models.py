"""The performance app's models, gathered for Django (the app label stays `performance`)."""

from .ledgers.models import Ledger, LedgerFigure, LedgerStep, ManualLine

__all__ = ["Ledger", "LedgerFigure", "LedgerStep", "ManualLine"]
