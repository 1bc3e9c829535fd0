"""Filters of the activity list: palace, month (YYYY-MM) and kind."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import Activity, ActivityKind
from palace_portal.months import month_range, parse_month


class _IdField(forms.IntegerField):
    # Ids fit a signed 64-bit column; a larger number would overflow the database driver.
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class _IdFilter(django_filters.NumberFilter):
    field_class = _IdField


class ActivityFilter(django_filters.FilterSet):
    palace = _IdFilter(field_name="palace_id", help_text=_("Palace id"))
    month = django_filters.CharFilter(
        method="filter_month", validators=[parse_month], help_text=_("Month of the start date, YYYY-MM")
    )
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices)

    class Meta:
        model = Activity
        fields = ["palace", "month", "kind"]

    def filter_month(self, queryset, name, value):
        # A month is a range of the indexed local date column, never a conversion per row.
        first, following = month_range(parse_month(value))
        return queryset.filter(date__gte=first, date__lt=following)
