"""What the workflow needs to know about metrics, read from the ledgers' catalogue
(`performance/ledgers/metrics.py`, the one place that defines them).

The workflow adds two things of its own: the remark (a manual line with a note and no value, which
is no metric), and how much of each manual metric is plausible in a month (validation flags above
it; the input itself is refused only above `MANUAL_VALUE_MAX`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..ledgers import metrics as catalogue

# The most a manual line may say for one month: well above anything real, below absurd.
MANUAL_VALUE_MAX = Decimal("1000000")
REMARK = "remark"

# A month above these is flagged for a second look (never refused): a county palace places a few
# dozen people in jobs a month, Huaibei's big palace ≈ 4,000 a year.
PLAUSIBLE_MONTHLY = {
    "volunteer_hours": Decimal(20000),
    "jobs_placed": Decimal(3000),
    "legal_aid_cases": Decimal(500),
    "bought_services": Decimal(200),
}


@dataclass(frozen=True)
class ManualMetric:
    code: str
    name: str | Promise
    unit: str | Promise
    plausible_max: Decimal | None
    has_value: bool = True


def _manual_metrics() -> tuple[ManualMetric, ...]:
    lines = [
        ManualMetric(
            code, catalogue.metric(code).name, catalogue.metric(code).unit_label, PLAUSIBLE_MONTHLY.get(code)
        )
        for code in catalogue.MANUAL_CODES
    ]
    return (*lines, ManualMetric(REMARK, _("Remark"), "", None, has_value=False))


MANUAL_METRICS: tuple[ManualMetric, ...] = _manual_metrics()
MANUAL_BY_CODE = {m.code: m for m in MANUAL_METRICS}


@dataclass(frozen=True)
class FigureMeta:
    code: str
    name: str | Promise
    unit: str | Promise
    group: str
    group_name: str | Promise
    percent: bool = False
    decimals: int = 0


_ORDER = {code: i for i, code in enumerate(catalogue.CODES)}
_GROUP_ORDER = {group: i for i, group in enumerate(catalogue.GROUPS)}


def manual_metric(code: str) -> ManualMetric | None:
    return MANUAL_BY_CODE.get(code)


def manual_choices() -> list[tuple[str, str | Promise]]:
    return [(m.code, m.name) for m in MANUAL_METRICS]


def is_summed_manual(code: str) -> bool:
    """A manual code whose lines add up into the ledger figure of the same code (not a remark)."""
    return code in catalogue.MANUAL_CODES


def figure_meta(code: str) -> FigureMeta:
    if not catalogue.is_metric(code):
        # A code the catalogue no longer has (figures of an older version): shown under its code.
        return FigureMeta(code, code, "", "other", _("Other figures"))
    entry = catalogue.metric(code)
    return FigureMeta(
        code,
        entry.name,
        entry.unit_label,
        entry.group,
        entry.group_label,
        percent=entry.unit == "percent",
        decimals=entry.decimals,
    )


def figure_order(code: str) -> tuple[int, int, str]:
    meta = figure_meta(code)
    return (_GROUP_ORDER.get(meta.group, len(_GROUP_ORDER)), _ORDER.get(code, len(_ORDER)), code)


def headline_codes() -> tuple[str, ...]:
    return catalogue.HEADLINE


def utilisation_codes(codes) -> list[str]:
    """The venue utilisation figures (percent): never above 100 when counted right."""
    return [c for c in codes if c.startswith("utilisation") and figure_meta(c).percent]
