"""Filters of the published postings: city and palace by id (bounded), kind."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.employment.models import JobKind, JobPosting
from venues.filters import IdFilter


class PostingFilter(django_filters.FilterSet):
    city = IdFilter(
        method="filter_city", label=_("City"), help_text=_("City id: its palaces and its counties'")
    )
    palace = IdFilter(method="filter_palace", label=_("Palace"), help_text=_("Palace id"))
    kind = django_filters.ChoiceFilter(choices=JobKind.choices, label=_("Kind"))

    class Meta:
        model = JobPosting
        fields = ["city", "palace", "kind"]

    def filter_city(self, qs, name, value: int):
        return qs.filter(Q(palace__region_id=value) | Q(palace__region__parent_id=value))

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)


class StaffPostingFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=_("Palace"), help_text=_("Palace id"))
    state = django_filters.ChoiceFilter(choices=JobPosting.State.choices, label=_("State"))

    class Meta:
        model = JobPosting
        fields = ["palace", "state"]

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)
