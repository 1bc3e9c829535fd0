"""What the workflow needs to know about metrics, in one place.

The metric catalogue (`performance/ledgers/metrics.py`) belongs to the ledgers sub-package. Until
it is in this branch, this module keeps the few facts the workflow uses: which codes palaces enter
by hand, and how to name, unit and group a computed figure on the ledger page. When the catalogue
arrives, these functions read it and nothing else in the workflow changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The most a manual line may say for one month: well above anything real, below absurd.
MANUAL_VALUE_MAX = Decimal("1000000")


@dataclass(frozen=True)
class ManualMetric:
    code: str
    name: str | Promise
    unit: str | Promise
    # Above this a monthly value is flagged for a second look (never refused): see validation.py.
    plausible_max: Decimal | None
    has_value: bool = True


MANUAL_METRICS: tuple[ManualMetric, ...] = (
    ManualMetric("volunteer_hours", _("Volunteer hours"), pgettext_lazy("unit", "hours"), Decimal(20000)),
    ManualMetric("jobs_placed", _("People placed in jobs"), pgettext_lazy("unit", "people"), Decimal(3000)),
    ManualMetric("legal_aid_cases", _("Legal-aid cases"), pgettext_lazy("unit", "cases"), Decimal(500)),
    ManualMetric("bought_services", _("Bought-in services"), pgettext_lazy("unit", "services"), Decimal(200)),
    ManualMetric("remark", _("Remark"), "", None, has_value=False),
)
MANUAL_BY_CODE = {m.code: m for m in MANUAL_METRICS}


@dataclass(frozen=True)
class FigureMeta:
    code: str
    name: str | Promise
    unit: str | Promise
    group: str | Promise
    percent: bool = False


_GROUP_ACTIVITIES = _("Activities")
_GROUP_CLASSES = _("Classes and events")
_GROUP_VENUES = _("Venues")
_GROUP_SERVICE = _("Services and worker voice")

# The computed figures the workflow names; an unknown code is shown under its code, last.
_FIGURES: tuple[FigureMeta, ...] = (
    FigureMeta("activities", _("Activities"), pgettext_lazy("unit", "activities"), _GROUP_ACTIVITIES),
    FigureMeta("person_times", _("Person-times"), pgettext_lazy("unit", "person-times"), _GROUP_ACTIVITIES),
    FigureMeta("online_viewers", _("Online viewers"), pgettext_lazy("unit", "viewers"), _GROUP_ACTIVITIES),
    FigureMeta("sessions", _("Sessions held"), pgettext_lazy("unit", "sessions"), _GROUP_CLASSES),
    FigureMeta("attendance", _("Attendance"), pgettext_lazy("unit", "person-times"), _GROUP_CLASSES),
    FigureMeta("enrolments", _("Enrolments"), pgettext_lazy("unit", "people"), _GROUP_CLASSES),
    FigureMeta("bookings", _("Venue bookings"), pgettext_lazy("unit", "bookings"), _GROUP_VENUES),
    FigureMeta("no_shows", _("No-shows"), pgettext_lazy("unit", "bookings"), _GROUP_VENUES),
    FigureMeta("booked_hours", _("Booked hours"), pgettext_lazy("unit", "hours"), _GROUP_VENUES),
    FigureMeta("open_hours", _("Open hours"), pgettext_lazy("unit", "hours"), _GROUP_VENUES),
    FigureMeta("utilisation", _("Utilisation"), "%", _GROUP_VENUES, percent=True),
    FigureMeta("ratings", _("Ratings"), pgettext_lazy("unit", "ratings"), _GROUP_SERVICE),
    FigureMeta("rating_avg", _("Average rating"), pgettext_lazy("unit", "stars"), _GROUP_SERVICE),
)
_FIGURES_BY_CODE = {f.code: f for f in _FIGURES}
_ORDER = {f.code: i for i, f in enumerate(_FIGURES)}


def manual_metric(code: str) -> ManualMetric | None:
    return MANUAL_BY_CODE.get(code)


def manual_choices() -> list[tuple[str, str | Promise]]:
    return [(m.code, m.name) for m in MANUAL_METRICS]


def figure_meta(code: str) -> FigureMeta:
    return _FIGURES_BY_CODE.get(code) or FigureMeta(code, code, "", _("Other figures"))


def figure_order(code: str) -> tuple[int, str]:
    return (_ORDER.get(code, len(_ORDER)), code)


def utilisation_codes(codes) -> list[str]:
    """The figures that are a utilisation share (percent): never above 100 when counted right."""
    return [c for c in codes if figure_meta(c).percent]
