"""Filters of the palace directory and the venue list, shared by the pages and the API."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .kinds import KIND_CHOICES, BookingMode, Centre
from .models import Palace, Region, Venue
from .selectors import palaces_offering

# A region is given by its id or its 6-digit division code; anything else is an input error
# (400 in the API) rather than a silently empty list. Empty means "any region" as usual.
_region_ref = RegexValidator(r"^[0-9]{1,18}$", _("Enter a region id or a 6-digit division code."))


class _StrictNullBooleanField(forms.NullBooleanField):
    """Yes / no / either, refusing anything else: Django's NullBooleanField turns `maybe` into
    "either" silently, so `?alliance_member=maybe` would list everything instead of failing."""

    default_error_messages = {"invalid": _("Enter true or false.")}
    _VALUES = {"true": True, "1": True, "false": False, "0": False}

    def to_python(self, value):
        if isinstance(value, bool) or value is None:
            return value
        value = str(value).strip().lower()
        if value in ("", "unknown"):
            return None
        if value in self._VALUES:
            return self._VALUES[value]
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        """Nothing left to check: to_python refused every value but true, false and "any"."""


class _RawNullBooleanSelect(forms.NullBooleanSelect):
    """The usual any/yes/no select, but handing the raw value to the field for validation."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictNullBooleanField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _RawNullBooleanSelect)
        super().__init__(*args, **kwargs)


class _IdField(forms.IntegerField):
    # Ids fit a signed 64-bit column; a larger number would overflow the database driver.
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """An id: NumberFilter would accept `1.5` (a decimal) and quietly match id 1."""

    field_class = _IdField


class _GivenDateField(forms.DateField):
    # Django reads `?date=` as "no date"; the schema says a given date is a date, so an empty
    # value is refused rather than quietly dropping the filter (issue 11). Absent stays "any".
    def to_python(self, value):
        if isinstance(value, str) and value.strip() == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DateFilter(django_filters.DateFilter):
    """A local date, YYYY-MM-DD; present but empty is bad input (400), not "any date"."""

    field_class = _GivenDateField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(*args, **kwargs)


def _region_q(prefix: str, value: str, level: str) -> Q:
    """Match a region given by its division code (6 digits) or its id."""
    value = value.strip()
    if len(value) == 6 and value.isdigit():
        return Q(**{f"{prefix}code": value, f"{prefix}level": level})
    if value.isdigit():
        return Q(**{f"{prefix}pk": int(value), f"{prefix}level": level})
    return Q(pk__in=[])


class PalaceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    city = django_filters.CharFilter(
        method="filter_city",
        label=_("City"),
        help_text=_("City id or 6-digit division code"),
        validators=[_region_ref],
        strip=False,
    )
    county = django_filters.CharFilter(
        method="filter_county",
        label=_("County"),
        help_text=_("County-level unit id or 6-digit division code"),
        validators=[_region_ref],
        strip=False,
    )
    level = django_filters.ChoiceFilter(choices=Palace.Level.choices, label=_("Level"))
    status = django_filters.ChoiceFilter(choices=Palace.Status.choices, label=_("Status"))
    alliance_member = StrictBooleanFilter(label=_("Alliance member"))
    centre = django_filters.ChoiceFilter(
        choices=Centre.choices, method="filter_centre", label=_("Centre offered")
    )

    class Meta:
        model = Palace
        fields = ["q", "city", "county", "level", "status", "alliance_member", "centre"]

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value)
            | Q(address__icontains=value)
            | Q(region__name__icontains=value)
            | Q(region__parent__name__icontains=value)
        )

    def filter_city(self, qs, name, value):
        return qs.filter(
            _region_q("region__", value, Region.Level.CITY)
            | _region_q("region__parent__", value, Region.Level.CITY)
        )

    def filter_county(self, qs, name, value):
        return qs.filter(_region_q("region__", value, Region.Level.COUNTY))

    def filter_centre(self, qs, name, value):
        return palaces_offering(qs, value)


class VenueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    palace = IdFilter(method="filter_palace", label=_("Palace"))
    centre = django_filters.ChoiceFilter(choices=Centre.choices, label=_("Centre"))
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, label=_("Kind"))
    booking_mode = django_filters.ChoiceFilter(choices=BookingMode.choices, label=_("Booking mode"))
    city = django_filters.CharFilter(
        method="filter_city",
        label=_("City"),
        help_text=_("City id or 6-digit division code"),
        validators=[_region_ref],
        strip=False,
    )

    class Meta:
        model = Venue
        fields = ["q", "palace", "centre", "kind", "booking_mode", "city"]

    def filter_palace(self, qs, name, value: int):
        # The type hint tells the OpenAPI schema that the parameter is an integer.
        return qs.filter(palace_id=value)

    def filter_q(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(palace__name__icontains=value) | Q(facilities__icontains=value)
        )

    def filter_city(self, qs, name, value):
        return qs.filter(
            _region_q("palace__region__", value, Region.Level.CITY)
            | _region_q("palace__region__parent__", value, Region.Level.CITY)
        )
