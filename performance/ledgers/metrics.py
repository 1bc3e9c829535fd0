"""The metric catalogue of the monthly ledgers: the one place that says what each figure is.

Every figure a ledger holds has an entry here: its code (what `LedgerFigure.metric` stores and the
API shows), its name and unit (translated), the raw rows it is counted from (`source`), how it sums
over months and over palaces (`rule`) and the display group it belongs to. The aggregation service
writes one figure per catalogue metric and ledger; the selectors sum them by `rule`; pages, the API,
rankings, evaluation formulas and exports read names and units from here.

Summing rules (`Rule`):
- `sum`: add the months' and palaces' figures (counts, person-times, hours, yuan).
- `max`: the largest of them (the largest single online event).
- `ratio`: never an average of ratios — recomputed as `scale × Σ numerator / Σ denominator`
  from the two metrics named (utilisation = booked hours / open hours, a share of free hours).
- `avg_weighted`: a mean weighted by another metric (`weight`): recomputed as
  `Σ total / Σ weight`, where `total` is the metric holding the sum of what is averaged (the
  average rating = Σ stars / Σ ratings, which is Σ(average × count) / Σ count).
A ratio or mean whose denominator is zero is 0 (nothing was open, nobody rated).

Manual metrics (`manual=True`) are not counted from rows: the palace's manager adds `ManualLine`s
(perf-workflow); the aggregation sums the month's lines per metric into the figure of that code,
so dashboards read one table.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from .metric_definitions import (
    CENTRE_NAMES,
    CENTRE_VENUE_NAMES,
    PARTNER_NAMES,
    PARTNERS,
    activity_metrics,
    alliance_metrics,
    class_metrics,
    employment_metrics,
    innovation_metrics,
    legal_metrics,
    manual_metrics,
    team_metrics,
    venue_metrics,
    voice_metrics,
)
from .metric_types import GROUPS, UNITS, Metric, Rule

__all__ = [
    "CENTRE_NAMES",
    "CENTRE_VENUE_NAMES",
    "GROUPS",
    "PARTNERS",
    "PARTNER_NAMES",
    "UNITS",
    "Metric",
    "Rule",
]

METRICS: tuple[Metric, ...] = tuple(
    activity_metrics()
    + class_metrics()
    + venue_metrics()
    + voice_metrics()
    + innovation_metrics()
    + employment_metrics()
    + alliance_metrics()
    + legal_metrics()
    + team_metrics()
    + manual_metrics()
)
METRICS_BY_CODE: dict[str, Metric] = {m.code: m for m in METRICS}
CODES: tuple[str, ...] = tuple(METRICS_BY_CODE)
MANUAL_CODES: tuple[str, ...] = tuple(m.code for m in METRICS if m.manual)
# What a ledger's page and the API list first, in this order.
HEADLINE: tuple[str, ...] = (
    "activities",
    "person_times",
    "online_viewers",
    "bookings",
    "no_shows",
    "booked_hours",
    "open_hours",
    "utilisation",
    "enrolments",
    "sessions",
    "attendance",
    "ratings",
    "rating_avg",
)

if len(METRICS_BY_CODE) != len(METRICS):  # a typo here would silently merge two figures
    raise ImproperlyConfigured("Ledger metric codes must be unique.")


def metric(code: str) -> Metric:
    """The catalogue entry of `code`; `KeyError` for an unknown code (callers validate input first)."""
    return METRICS_BY_CODE[code]


def is_metric(code: str) -> bool:
    return code in METRICS_BY_CODE


def metrics_of_group(group: str) -> list[Metric]:
    return [m for m in METRICS if m.group == group]


def inputs_of(codes) -> set[str]:
    """`codes` and every metric their derived values are computed from (what a reader must fetch)."""
    needed = set()
    for code in codes:
        entry = METRICS_BY_CODE[code]
        needed.add(code)
        needed.update(entry.inputs)
    return needed
