"""Filters of the ledger list: palace, city, month (YYYY-MM), year and status."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from palace_portal.months import MAX_YEAR, MIN_YEAR, parse_month

from ..models import Ledger

ID_MAX = 2**63 - 1  # ids fit a signed 64-bit column; a larger number would overflow the driver


class _MonthField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return parse_month(value) if value else None  # ValidationError: 400 with the field


class _MonthFilter(django_filters.Filter):
    field_class = _MonthField


class _IdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


class LedgerFilter(django_filters.FilterSet):
    palace = _IdFilter(field_name="palace_id", help_text=_("Palace id"))
    city = _IdFilter(method="filter_city", help_text=_("City (prefecture-level region) id"))
    month = _MonthFilter(field_name="month", help_text=_("Month, YYYY-MM"))
    year = django_filters.NumberFilter(
        method="filter_year", min_value=MIN_YEAR, max_value=MAX_YEAR, help_text=_("Year, YYYY")
    )
    status = django_filters.ChoiceFilter(choices=Ledger.Status.choices)

    class Meta:
        model = Ledger
        fields = ["palace", "city", "month", "year", "status"]

    def filter_city(self, queryset, name, value):
        return queryset.filter(Q(palace__region_id=value) | Q(palace__region__parent_id=value))

    def filter_year(self, queryset, name, value):
        return queryset.of_year(int(value))
