"""Number formatting for the dashboards and rankings: thousands separators, one-decimal percents,
signed changes, and the SVG chart include."""

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from performance.dashboards.charts import format_number

register = template.Library()


@register.filter
def num(value, decimals=0):
    """7627700 → 7,627,700; None → –."""
    return format_number(value, int(decimals))


@register.filter
def pct(value):
    """A percentage with one decimal: 79.3%; None → –."""
    return "–" if value is None else f"{format_number(value, 1)}%"


@register.filter
def change(value):
    """A signed change in percent (+12.3% / −4.0%), or – when there is nothing to compare with."""
    if value is None:
        return "–"
    value = Decimal(value)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{format_number(abs(value), 1)}%"


@register.filter
def change_class(value):
    if value is None or Decimal(value) == 0:
        return "is-flat"
    return "is-up" if Decimal(value) > 0 else "is-down"


@register.simple_tag
def change_title(value, against):
    if value is None:
        return _("No figure to compare with %(against)s") % {"against": against}
    return _("Change on %(against)s") % {"against": against}


@register.simple_tag
def svg_chart(chart, chart_id):
    """The chart's SVG: rendered once with the cached dashboard data when it was
    (`Chart.rendered`, by id), rendered now otherwise."""
    return chart_html(chart, chart_id)


def chart_html(chart, chart_id: str) -> str:
    rendered = chart.rendered.get(chart_id)
    if rendered is not None:
        return mark_safe(rendered)  # noqa: S308 - our own template's output, escaped when rendered
    return render_to_string("performance/dashboards/_chart.html", {"chart": chart, "chart_id": chart_id})
