"""How a catalogue metric is compared across palaces and periods.

The metric catalogue (`performance.ledgers.metrics`) says what a metric is and how it sums over
months and palaces; this module turns an entry into the one arithmetic rankings and dashboards
need: a numerator metric summed (or, for a `max` metric, maxed) over the period, optionally divided
by a denominator metric — a ratio (utilisation = booked hours ÷ open hours × 100) or a weighted
mean (the average rating = stars given ÷ ratings).

Unlike the catalogue's own selectors, a period without any figure is None here, not zero: a
ranking must tell "no ledger" from "nothing happened", and a change against a missing period is
no change at all (null), never −100%.

`per_unit_fair` (the catalogue has no such flag, so it is decided here): dividing by venues or by
floor area is a fair comparison for volumes of work a building produces (activities, person-times,
bookings, hours, attendance ...), not for ratios and means, which are already comparable between
palaces of any size, nor for money, manual lines or the largest single event.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation

from performance.ledgers import metrics as catalogue

# Groups whose summed metrics grow with the size of the building.
_PER_UNIT_GROUPS = {"activities", "centres", "kinds", "partners", "classes", "venues", "voice"}


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    unit: str
    numerator: str
    denominator: str | None = None  # ratio / weighted mean: Σ numerator ÷ Σ denominator × factor
    factor: Decimal = Decimal(1)
    per_unit_fair: bool = False
    decimals: int = 0
    largest: bool = False  # a `max` metric: the largest figure, not the sum
    group: str = ""
    percent: bool = False  # shown as 12.3%

    def combine(self, *, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
        """The period's value from its sums; None when the period has no figure to speak of."""
        if self.denominator is None:
            return numerator
        if numerator is None or not denominator:
            return None
        return numerator * self.factor / denominator


def from_catalogue(entry: catalogue.Metric) -> Measure:
    rule = catalogue.Rule
    common = {
        "code": entry.code,
        "name": str(entry.name),
        "unit": str(entry.unit_label),
        "group": entry.group,
        "percent": entry.unit == "percent",
    }
    if entry.rule == rule.RATIO:
        return Measure(
            numerator=entry.numerator,
            denominator=entry.denominator,
            factor=Decimal(entry.scale),
            decimals=1,
            **common,
        )
    if entry.rule == rule.AVG_WEIGHTED:
        return Measure(numerator=entry.total, denominator=entry.weight, decimals=2, **common)
    return Measure(
        numerator=entry.code,
        decimals=entry.decimals,
        largest=entry.rule == rule.MAX,
        per_unit_fair=(
            entry.rule == rule.SUM
            and not entry.manual
            and entry.group in _PER_UNIT_GROUPS
            and entry.unit != "stars"
        ),
        **common,
    )


def measure(code: str) -> Measure | None:
    """The measure of catalogue metric `code`, None for a code the catalogue does not know."""
    if not catalogue.is_metric(code):
        return None
    return from_catalogue(catalogue.metric(code))


def rankable() -> list[Measure]:
    """Every catalogue metric, the headline ones first (the rankings page's choices), named in the
    active language. The catalogue is code: built once per language (every ranking request's form
    asked for its eighty-odd measures, each name translated anew)."""
    return list(_rankable(translation.get_language()))


@functools.cache
def _rankable(language: str | None) -> tuple[Measure, ...]:
    headline = [measure(code) for code in catalogue.HEADLINE]
    rest = [from_catalogue(entry) for entry in catalogue.METRICS if entry.code not in catalogue.HEADLINE]
    return (*[m for m in headline if m is not None], *rest)
