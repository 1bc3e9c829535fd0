"""The portal's Chinese formats (palace_portal/formats): month-days without a leading zero and
numbers grouped by thousands wherever a template asks for grouping."""

from datetime import date
from decimal import Decimal

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format


def test_it_writes_month_days_without_a_leading_zero_in_chinese():
    with translation.override("zh-hans"):
        assert date_format(date(2026, 3, 4), "MONTH_DAY_FORMAT") == "3月4日"
        assert date_format(date(2027, 1, 3), "MONTH_DAY_FORMAT") == "1月3日"
        assert date_format(date(2026, 12, 7), "DATE_FORMAT") == "2026年12月7日"


def test_it_groups_counts_and_money_by_thousands_in_chinese():
    template = Template('{% load humanize %}{{ n|intcomma }} · {{ money|floatformat:"2g" }} · {{ n }}')
    with translation.override("zh-hans"):
        assert intcomma(1118385) == "1,118,385"
        rendered = template.render(Context({"n": 1118385, "money": Decimal("40000")}))
    # Grouping only where asked: a bare number (an id in a URL, a form value) stays as it is.
    assert rendered == "1,118,385 · 40,000.00 · 1118385"


def test_a_closure_across_the_new_year_reads_the_chinese_way():
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    closure = SimpleNamespace(
        start_date=date(2026, 12, 28), end_date=date(2027, 1, 3), venue=None, reason="检修"
    )
    with translation.override("zh-hans"):
        html = render_to_string(
            "venues/_closure_list.html", {"closures": [{"closure": closure, "is_current": False}]}
        )
    assert "12月28日至1月3日" in html
    assert "01月" not in html
