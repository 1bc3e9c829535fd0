"""How a catalogue metric is compared across palaces and periods.

The metric catalogue (`performance.ledgers.metrics`) says what a metric is and how it sums over
months and palaces; this module turns that into the one arithmetic rankings and dashboards
need: a numerator metric summed over the period, optionally divided by a denominator metric
(a ratio such as utilisation = booked hours ÷ open hours) or averaged with a weight metric (an
average rating weighted by the number of ratings).

`per_unit_fair` says whether dividing by venues or by floor area makes a fair comparison: it does
for volumes of work (activities, person-times, bookings, hours), not for ratios and averages,
which are already comparable between palaces of any size.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    unit: str
    numerator: str
    denominator: str | None = None  # ratio: numerator ÷ denominator × factor
    weight: str | None = None  # weighted average: Σ(value × weight) ÷ Σ weight
    factor: Decimal = Decimal(1)
    per_unit_fair: bool = False
    decimals: int = 0

    def combine(self, *, numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
        """The period's value from its sums; None when the period has no figure to speak of."""
        if self.denominator is None and self.weight is None:
            return numerator
        if numerator is None or not denominator:
            return None
        return numerator * self.factor / denominator


# The metrics rankings and dashboards compare, until the catalogue of perf-ledgers is merged
# (replaced by measures built from `performance.ledgers.metrics` then).
_KNOWN: dict[str, Measure] = {}


def _known(measure: Measure) -> None:
    _KNOWN[measure.code] = measure


for _code, _name, _unit in (
    ("activities", "activities", "activities"),
    ("person_times", "person-times", "person-times"),
    ("online_viewers", "online viewers", "viewers"),
    ("bookings", "bookings", "bookings"),
    ("no_shows", "no-shows", "bookings"),
    ("booked_hours", "booked hours", "hours"),
    ("open_hours", "open hours", "hours"),
    ("enrolments", "enrolments", "enrolments"),
    ("sessions", "sessions", "sessions"),
    ("attendance", "attendance", "person-times"),
    ("ratings", "ratings", "ratings"),
):
    _known(Measure(code=_code, name=_name, unit=_unit, numerator=_code, per_unit_fair=True))
_known(
    Measure(
        code="utilisation",
        name="utilisation",
        unit="%",
        numerator="booked_hours",
        denominator="open_hours",
        factor=Decimal(100),
        decimals=1,
    )
)
_known(
    Measure(
        code="rating_avg",
        name="average rating",
        unit="points",
        numerator="rating_avg",
        weight="ratings",
        decimals=1,
    )
)


def measure(code: str) -> Measure | None:
    return _KNOWN.get(code)


def rankable() -> list[Measure]:
    return list(_KNOWN.values())
