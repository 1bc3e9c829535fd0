"""The shapes of the metric catalogue (see `metrics.py`): summing rules, units, groups, `Metric`."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Rule(StrEnum):
    SUM = "sum"
    MAX = "max"
    RATIO = "ratio"
    AVG_WEIGHTED = "avg_weighted"


# Units: a code (stable, for clients) and the label people read.
UNITS: dict[str, Promise] = {
    "times": pgettext_lazy("unit", "times"),  # 次
    "person_times": pgettext_lazy("unit", "person-times"),  # 人次
    "people": pgettext_lazy("unit", "people"),  # 人
    "hours": pgettext_lazy("unit", "hours"),  # 小时
    "percent": pgettext_lazy("unit", "%"),
    "yuan": pgettext_lazy("unit", "yuan"),  # 元
    "stars": pgettext_lazy("unit", "points"),  # 分
    "cases": pgettext_lazy("unit", "cases"),  # 件
    "items": pgettext_lazy("unit", "items"),  # 项
}

GROUPS: dict[str, Promise] = {
    "activities": _("Activities"),
    "centres": _("Activities by centre"),
    "kinds": _("Activities by kind"),
    "partners": _("Partnerships"),
    "classes": _("Classes and events"),
    "venues": _("Venues"),
    "voice": _("Worker voice"),
    "innovation": _("Innovation and skills"),
    "employment": _("Employment"),
    "alliance": _("Alliance"),
    "legal": _("Legal help"),
    "teams": _("Teams and volunteers"),
    "manual": _("Added by hand"),
}


@dataclass(frozen=True)
class Metric:
    code: str
    name: Promise
    unit: str  # a key of UNITS
    source: Promise
    group: str  # a key of GROUPS
    rule: Rule = Rule.SUM
    numerator: str = ""  # ratio
    denominator: str = ""  # ratio
    scale: int = 1  # ratio: 100 for a percentage
    weight: str = ""  # avg_weighted: the metric weighting the mean
    total: str = ""  # avg_weighted: the metric holding Σ (value × weight)
    manual: bool = False
    decimals: int = 0  # how many decimal places are meaningful (display)
    # Codes of the metrics this one is computed from (ratio / avg_weighted), for readers.
    inputs: tuple[str, ...] = field(default=())

    @property
    def unit_label(self) -> Promise:
        return UNITS[self.unit]

    @property
    def group_label(self) -> Promise:
        return GROUPS[self.group]

    @property
    def is_derived(self) -> bool:
        return self.rule in (Rule.RATIO, Rule.AVG_WEIGHTED)


def ratio_metric(code, name, numerator, denominator, source, group, *, scale=100, unit="percent") -> Metric:
    return Metric(
        code,
        name,
        unit,
        source,
        group,
        rule=Rule.RATIO,
        numerator=numerator,
        denominator=denominator,
        scale=scale,
        decimals=1,
        inputs=(numerator, denominator),
    )
