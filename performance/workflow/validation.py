"""Validation rules: figures that look wrong, flagged for the manager before submitting and for the
city when reviewing. A flag never blocks anything by itself: the manager confirms having checked
them (and may explain) when submitting, and the reviewer sees the same flags.

Each rule is registered with a code, a severity and a description, and produces `Flag`s whose
message names the numbers. Rules read `LedgerFacts`: the month's computed figures, the palace's
previous twelve months (official values) and the manual lines. `flags_for_ledgers` gathers the facts
of any number of ledgers in four queries, so a city's review queue costs the same for 5 palaces or 500.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from palace_portal.months import add_months

from ..ledgers.models import Ledger, LedgerFigure, ManualLine
from . import catalogue
from .formatting import number

HISTORY_MONTHS = 12
# Fewer months of history than this and "usual" means nothing: the history rules stay silent.
MIN_HISTORY = 3
FAR_FACTOR = Decimal(3)

WARNING = "warning"
NOTICE = "notice"


@dataclass(frozen=True)
class Flag:
    code: str
    severity: str
    message: str
    metric: str = ""


@dataclass
class LedgerFacts:
    ledger: Ledger
    figures: dict[str, Decimal]
    # Previous months (up to twelve) that were computed: month -> {metric: official value}.
    history: dict[date, dict[str, Decimal]] = field(default_factory=dict)
    manual: list[ManualLine] = field(default_factory=list)
    # Manual lines of the previous twelve months: code -> the monthly totals.
    manual_history: dict[str, list[Decimal]] = field(default_factory=dict)

    def past(self, metric: str) -> list[Decimal]:
        return [values[metric] for values in self.history.values() if metric in values]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    description: str | Promise
    check: Callable[[LedgerFacts], Iterable[Flag]]


RULES: list[Rule] = []


def rule(code: str, severity: str, description: str | Promise):
    """Register `check` as a rule; the order of registration is the order flags are shown in."""

    def register(check: Callable[[LedgerFacts], Iterable[Flag]]):
        RULES.append(Rule(code, severity, description, check))
        return check

    return register


def _median(values: list[Decimal]) -> Decimal | None:
    return Decimal(statistics.median(values)) if len(values) >= MIN_HISTORY else None


@rule(
    "no_rows",
    WARNING,
    gettext_lazy("The month was computed from no rows at all."),
)
def _no_rows(facts: LedgerFacts):
    ledger = facts.ledger
    if ledger.computed_at is not None and ledger.source_rows == 0:
        yield Flag(
            "no_rows",
            WARNING,
            _(
                "No record at all was found for this month (0 rows): no activity, booking, class or "
                "appointment. Check that nothing is missing before submitting."
            ),
        )


@rule(
    "person_times_per_activity",
    WARNING,
    gettext_lazy("Person-times per activity far above the palace's usual (over 3× its 12-month median)."),
)
def _per_activity(facts: LedgerFacts):
    activities = facts.figures.get("activities") or Decimal(0)
    if activities <= 0:
        return
    ratio = facts.figures.get("person_times", Decimal(0)) / activities
    past = [
        values["person_times"] / values["activities"]
        for values in facts.history.values()
        if values.get("activities") and "person_times" in values
    ]
    median = _median(past)
    if median is None or median <= 0 or ratio <= FAR_FACTOR * median:
        return
    yield Flag(
        "person_times_per_activity",
        WARNING,
        _(
            "%(ratio)s person-times per activity this month, %(times)s times the palace's usual "
            "%(median)s (median of the last %(months)s months)."
        )
        % {
            "ratio": number(ratio, 1),
            "times": number(ratio / median, 1),
            "median": number(median, 1),
            "months": len(past),
        },
        "person_times",
    )


@rule(
    "month_far_from_usual",
    WARNING,
    gettext_lazy("Person-times of the month outside a third to three times the median of the last twelve."),
)
def _far_from_usual(facts: LedgerFacts):
    if "person_times" not in facts.figures:
        return
    value = facts.figures["person_times"]
    past = facts.past("person_times")
    median = _median(past)
    if median is None or median <= 0:
        return
    low, high = median / FAR_FACTOR, median * FAR_FACTOR
    if low <= value <= high:
        return
    yield Flag(
        "month_far_from_usual",
        WARNING,
        _(
            "%(value)s person-times this month, far from the usual %(median)s (median of the last "
            "%(months)s months; expected between %(low)s and %(high)s)."
        )
        % {
            "value": number(value),
            "median": number(median),
            "months": len(past),
            "low": number(low),
            "high": number(high),
        },
        "person_times",
    )


@rule("utilisation_over_100", WARNING, gettext_lazy("A utilisation above 100%."))
def _utilisation(facts: LedgerFacts):
    for code in sorted(catalogue.utilisation_codes(facts.figures)):
        value = facts.figures[code]
        if value > 100:
            yield Flag(
                "utilisation_over_100",
                WARNING,
                _("%(metric)s is %(value)s%%: more hours booked than the venues were open.")
                % {"metric": catalogue.figure_meta(code).name, "value": number(value, 1)},
                code,
            )


@rule(
    "manual_value_implausible",
    WARNING,
    gettext_lazy("A manual line far above what is plausible for a month, or 3× the palace's usual."),
)
def _manual_values(facts: LedgerFacts):
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in facts.manual:
        if line.value is not None:
            totals[line.metric] += line.value
    for code, total in totals.items():
        meta = catalogue.manual_metric(code)
        if meta is None:
            continue
        if meta.plausible_max is not None and total > meta.plausible_max:
            yield Flag(
                "manual_value_implausible",
                WARNING,
                _("%(metric)s: %(value)s %(unit)s in one month is more than the plausible %(max)s.")
                % {
                    "metric": meta.name,
                    "value": number(total),
                    "unit": meta.unit,
                    "max": number(meta.plausible_max),
                },
                code,
            )
            continue
        past = facts.manual_history.get(code, [])
        median = _median(past)
        if median is not None and median > 0 and total > FAR_FACTOR * median:
            yield Flag(
                "manual_value_implausible",
                WARNING,
                _(
                    "%(metric)s: %(value)s %(unit)s, over three times the usual %(median)s "
                    "(median of %(months)s months)."
                )
                % {
                    "metric": meta.name,
                    "value": number(total),
                    "unit": meta.unit,
                    "median": number(median),
                    "months": len(past),
                },
                code,
            )


# --- Gathering the facts --------------------------------------------------------------------------

HISTORY_METRICS = ("activities", "person_times")


def facts_for_ledgers(
    ledgers: Sequence[Ledger],
    *,
    figures: Iterable[LedgerFigure] | None = None,
    lines: Iterable[ManualLine] | None = None,
) -> dict[int, LedgerFacts]:
    """The facts of each ledger, in four queries whatever the number of ledgers; two when the
    caller has already loaded all of their `figures` and manual `lines` (in creation order)."""
    if not ledgers:
        return {}
    by_id = {ledger.pk: LedgerFacts(ledger=ledger, figures={}) for ledger in ledgers}
    if figures is None:
        figures_rows = LedgerFigure.objects.filter(ledger_id__in=by_id).values_list(
            "ledger_id", "metric", "value"
        )
    else:
        figures_rows = [(f.ledger_id, f.metric, f.value) for f in figures]
    for ledger_id, metric, value in figures_rows:
        by_id[ledger_id].figures[metric] = value
    if lines is None:
        lines = ManualLine.objects.filter(ledger_id__in=by_id).order_by("created_at", "pk")
    for line in lines:
        by_id[line.ledger_id].manual.append(line)

    palace_ids = {ledger.palace_id for ledger in ledgers}
    first = add_months(min(ledger.month for ledger in ledgers), -HISTORY_MONTHS)
    last = max(ledger.month for ledger in ledgers)
    # (palace, month) -> {metric: official value}, only months that were computed.
    past: dict[tuple[int, date], dict[str, Decimal]] = defaultdict(dict)
    rows = (
        LedgerFigure.objects.filter(
            palace_id__in=palace_ids,
            month__gte=first,
            month__lt=last,
            metric__in=HISTORY_METRICS,
            ledger__computed_at__isnull=False,
        )
        .with_official()
        .values_list("palace_id", "month", "metric", "official")
    )
    for palace_id, month, metric, official in rows:
        past[(palace_id, month)][metric] = official
    manual_past: dict[tuple[int, date], dict[str, Decimal]] = defaultdict(dict)
    manual_rows = (
        ManualLine.objects.filter(
            ledger__palace_id__in=palace_ids,
            ledger__month__gte=first,
            ledger__month__lt=last,
            value__isnull=False,
        )
        .values_list("ledger__palace_id", "ledger__month", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    for palace_id, month, metric, total in manual_rows:
        manual_past[(palace_id, month)][metric] = total

    for facts in by_id.values():
        ledger = facts.ledger
        window = (add_months(ledger.month, -HISTORY_MONTHS), ledger.month)
        facts.history = {
            month: values
            for (palace_id, month), values in past.items()
            if palace_id == ledger.palace_id and window[0] <= month < window[1]
        }
        history: dict[str, list[Decimal]] = defaultdict(list)
        for (palace_id, month), values in manual_past.items():
            if palace_id == ledger.palace_id and window[0] <= month < window[1]:
                for code, total in values.items():
                    history[code].append(total)
        facts.manual_history = dict(history)
    return by_id


def flags_of(facts: LedgerFacts) -> list[Flag]:
    return [flag for registered in RULES for flag in registered.check(facts)]


def flags_for_ledgers(ledgers: Sequence[Ledger], **loaded) -> dict[int, list[Flag]]:
    """Every rule's flags for each ledger (by id); a ledger that looks fine has an empty list.
    `loaded`: the `figures` and `lines` already read (see `facts_for_ledgers`)."""
    return {ledger_id: flags_of(facts) for ledger_id, facts in facts_for_ledgers(ledgers, **loaded).items()}


def ledger_flags(ledger: Ledger) -> list[Flag]:
    return flags_for_ledgers([ledger])[ledger.pk]
