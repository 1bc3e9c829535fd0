"""The ledger's metric catalogue and figures, as the evaluation reads them (perf-ledgers' API)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from palace_portal.months import months_of_year


def metric_names() -> dict[str, str]:
    """Every metric code of the ledger's catalogue with its name, in catalogue order."""
    from performance.ledgers.metrics import METRICS

    return {m.code: str(m.name) for m in METRICS}


def year_figures(
    palace_ids: Iterable[int] | None, year: int, metrics: Iterable[str]
) -> dict[int, dict[str, Decimal]]:
    """The official ledger figures of `year` per palace ({palace_id: {code: value}}), summed over
    the twelve months by each metric's own rule (the ledgers' `figures_for`)."""
    from performance.ledgers.selectors import figures_for

    codes = sorted(set(metrics))
    if not codes:
        return {}
    ids = None if palace_ids is None else list(palace_ids)
    return figures_for(ids, months_of_year(year), codes)
