"""Small formatting helpers of the ledger pages."""

from django import template
from django.utils.formats import date_format

from performance.workflow import catalogue
from performance.workflow.formatting import number

register = template.Library()


@register.filter
def month_label(month) -> str:
    """A month as people say it: "2024年3月" in Chinese, "March 2024" in English."""
    return date_format(month, "YEAR_MONTH_FORMAT") if month else ""


@register.filter
def figure(value, places: int = 2) -> str:
    """A figure with thousands separators and no needless decimals: 7627700 → "7,627,700"."""
    if value is None or value == "":
        return "—"
    return number(value, places)


@register.filter
def signed(value, places: int = 2) -> str:
    """A difference with its sign: +150, −3.5."""
    if value is None:
        return ""
    text = number(abs(value), places)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"


BADGES = {
    "open": "badge-muted",
    "submitted": "badge-warn",
    "returned": "badge-red",
    "accepted": "badge-ok",
}


@register.filter
def status_badge(status: str) -> str:
    """The badge class of a ledger status."""
    return BADGES.get(status, "")


@register.filter
def manual_name(code: str) -> str:
    """The name of a manual line's code ("volunteer_hours" → "志愿服务时长")."""
    meta = catalogue.manual_metric(code)
    return str(meta.name) if meta else code


@register.filter
def manual_unit(code: str) -> str:
    meta = catalogue.manual_metric(code)
    return str(meta.unit) if meta else ""
