"""Filters of the alliance lists. Bad values are bad input (400 with `fields`), never an empty
list; an empty parameter means "any", as everywhere in the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from palace_portal.months import MAX_YEAR, MIN_YEAR
from venues.filters import DateFilter
from venues.filters import IdFilter as _AnyId
from venues.models import Palace, Region

from ..models import Campaign, HostingApplication, HostingCall, Membership, Subsidy
from ..selectors import roster_at

# A city by its id or its 6-digit division code, as `/palaces/?city=`.
CITY_PATTERN = r"^[0-9]{0,18}$"
_city_ref = RegexValidator(CITY_PATTERN, _("Enter a city id or a 6-digit division code."))


def city_q(prefix: str, value: str) -> Q:
    """Palaces (at `prefix`) of the city given by its division code or id: city-level palaces
    of the city and county-level palaces of its counties."""
    value = value.strip()
    if len(value) == 6:
        city = Q(code=value, level=Region.Level.CITY)
    else:
        city = Q(pk=int(value), level=Region.Level.CITY)
    cities = Region.objects.filter(city).values("pk")
    return Q(**{f"{prefix}region__in": cities}) | Q(**{f"{prefix}region__parent__in": cities})


def _city_filter(**kwargs) -> django_filters.CharFilter:
    return django_filters.CharFilter(
        method="filter_city",
        label=_("City"),
        help_text=_("City id or 6-digit division code"),
        validators=[_city_ref],
        strip=False,
        **kwargs,
    )


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(_AnyId):
    """An id, documented with the bounds it is checked against (a schema-driven client then
    knows that `0` and `-1` are bad input, not ids)."""


class _YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)


@extend_schema_field({"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR})
class _YearFilter(django_filters.NumberFilter):
    """A year from `MIN_YEAR` to `MAX_YEAR`: NumberFilter alone would take `2024.5`."""

    field_class = _YearField


class _FromToForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and first > last:
            self.add_error("to", _("The last date is before the first."))
        return cleaned


def _rename_from(filterset: type[django_filters.FilterSet]) -> None:
    # `from` is a Python keyword: declared as `from_date`, published as `from`.
    filterset.base_filters = {
        ("from" if name == "from_date" else name): f for name, f in filterset.base_filters.items()
    }


class RosterFilter(django_filters.FilterSet):
    date = DateFilter(
        method="filter_date",
        input_formats=["%Y-%m-%d"],
        label=_("Date"),
        help_text=_("The roster on this date, YYYY-MM-DD; default: today"),
    )
    city = _city_filter()
    level = django_filters.ChoiceFilter(field_name="palace__level", choices=Palace.Level.choices)

    class Meta:
        model = Membership
        fields = ["date", "city", "level"]

    def filter_queryset(self, queryset: QuerySet[Membership]) -> QuerySet[Membership]:
        day = self.form.cleaned_data.get("date") or timezone.localdate()
        return super().filter_queryset(queryset & roster_at(day))

    def filter_date(self, qs, name, value):
        return qs  # applied in filter_queryset, with today as the default

    def filter_city(self, qs, name, value):
        return qs.filter(city_q("palace__", value)) if value.strip() else qs


class CampaignFilter(django_filters.FilterSet):
    rotation = IdFilter(method="filter_rotation", label=_("Rotation term"))
    palace = IdFilter(method="filter_palace", label=_("Palace taking part"))

    class Meta:
        model = Campaign
        fields = ["rotation", "palace"]

    def filter_rotation(self, qs, name, value: int):
        # The type hints tell the OpenAPI schema that the parameters are integers.
        return qs.filter(rotation_id=value)

    def filter_palace(self, qs, name, value: int):
        return qs.filter(participants=value)


class CallFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=HostingCall.Status.choices, label=_("Status"))
    campaign = IdFilter(method="filter_campaign", label=_("Campaign"))

    class Meta:
        model = HostingCall
        fields = ["status", "campaign"]

    def filter_campaign(self, qs, name, value: int):
        return qs.filter(campaign_id=value)


class ApplicationFilter(django_filters.FilterSet):
    call = IdFilter(method="filter_call", label=_("Hosting call"))
    palace = IdFilter(method="filter_palace", label=_("Palace"))
    status = django_filters.ChoiceFilter(choices=HostingApplication.Status.choices, label=_("Status"))

    class Meta:
        model = HostingApplication
        fields = ["call", "palace", "status"]

    def filter_call(self, qs, name, value: int):
        return qs.filter(call_id=value)

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)


class SubsidyFilter(django_filters.FilterSet):
    year = _YearFilter(method="filter_year", label=_("Year"), help_text=_("The event's year, YYYY"))
    palace = IdFilter(method="filter_palace", label=_("Palace"))
    call = IdFilter(method="filter_call", label=_("Hosting call"))

    class Meta:
        model = Subsidy
        fields = ["year", "palace", "call"]

    def filter_year(self, qs, name, value: int):
        return qs.filter(year=value)

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)

    def filter_call(self, qs, name, value: int):
        return qs.filter(call_id=value)


class CalendarFilter(django_filters.FilterSet):
    from_date = DateFilter(
        field_name="event_date",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        label=_("From"),
        help_text=_("Events on or after this date, YYYY-MM-DD; default: today"),
    )
    to = DateFilter(
        field_name="event_date",
        lookup_expr="lte",
        input_formats=["%Y-%m-%d"],
        label=_("To"),
        help_text=_("Events on or before this date, YYYY-MM-DD"),
    )
    city = _city_filter()

    class Meta:
        model = HostingApplication
        fields = ["to", "city"]
        form = _FromToForm

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("from"):
            queryset = queryset.filter(event_date__gte=timezone.localdate())
        return super().filter_queryset(queryset)

    def filter_city(self, qs, name, value):
        return qs.filter(city_q("palace__", value)) if value.strip() else qs


_rename_from(CalendarFilter)
