"""The circle's forms: the search (pages and API share it) and the staff's point form."""

from __future__ import annotations

import math
import re
from datetime import time

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..models import Region
from .models import POINT_DETAILS, PointKind, PointService, SatellitePoint

_ID = {"min_value": 1, "max_value": 2**63 - 1, "required": False}
NEAR_PATTERN = r"^(-?[0-9]{1,3}(\.[0-9]{1,10})?,-?[0-9]{1,3}(\.[0-9]{1,10})?)?$"
_NEAR = re.compile(r"(-?[0-9]{1,3}(?:\.[0-9]{1,10})?),(-?[0-9]{1,3}(?:\.[0-9]{1,10})?)")
_TRUE, _FALSE = {"true", "1", "on", "yes"}, {"false", "0", "no", ""}


def parse_near(value: str) -> tuple[float, float]:
    """'lat,lng' in decimal degrees, within range; anything else is a ValidationError."""
    match = _NEAR.fullmatch(value or "")
    if not match:
        raise ValidationError(
            _("Enter a location as latitude,longitude (e.g. 28.68,115.86)."), code="invalid"
        )
    lat, lng = float(match[1]), float(match[2])
    if not (math.isfinite(lat) and -90 <= lat <= 90 and math.isfinite(lng) and -180 <= lng <= 180):
        raise ValidationError(
            _("The latitude must be within ±90 and the longitude within ±180."), code="range"
        )
    return lat, lng


class _OpenField(forms.CharField):
    """true / false / empty (either); anything else is refused."""

    def to_python(self, value):
        value = (value or "").strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValidationError(_("Enter true or false."), code="invalid")


class PointSearchForm(forms.Form):
    near = forms.CharField(label=_("Near"), required=False, max_length=60, strip=False)
    radius = forms.IntegerField(label=_("Radius (m)"), required=False, min_value=100, max_value=50_000)
    limit = forms.IntegerField(label=_("How many"), required=False, min_value=1, max_value=100)
    city = forms.IntegerField(label=_("City"), **_ID)
    district = forms.IntegerField(label=_("District"), **_ID)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *PointKind.choices]
    )
    service = forms.ChoiceField(
        label=_("Service"), required=False, choices=[("", _("Any service")), *PointService.choices]
    )
    open = _OpenField(label=_("Open now"), required=False)

    def clean_near(self):
        value = self.cleaned_data.get("near", "")
        return parse_near(value) if value else None


class StaffPointFilterForm(forms.Form):
    """The staff list of a palace's points: by name or address, and by kind."""

    q = forms.CharField(label=_("Name or address"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *PointKind.choices]
    )


_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})$")


def parse_intervals(text: str) -> list[tuple[time, time]]:
    """'08:00-12:00, 14:00-02:00' → intervals; 24:00 is midnight; empty = closed that day."""
    intervals = []
    for part in re.split(r"[,，;；\s]+", (text or "").strip()):
        if not part:
            continue
        match = _INTERVAL.match(part)
        if not match:
            raise ValidationError(_("Write hours like 08:00-20:00; several separated by commas."))
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h2 == 24 and m2 == 0:
            h2 = 0
        if not (h1 < 24 and h2 < 24 and m1 < 60 and m2 < 60):
            raise ValidationError(_("%(value)s is not a time of day.") % {"value": part})
        intervals.append((time(h1, m1), time(h2, m2)))
    if len({opens for opens, _closes in intervals}) != len(intervals):
        raise ValidationError(_("Two intervals of a day cannot start at the same time."))
    return intervals


WEEKDAY_FIELDS = [
    ("hours_0", _("Monday")),
    ("hours_1", _("Tuesday")),
    ("hours_2", _("Wednesday")),
    ("hours_3", _("Thursday")),
    ("hours_4", _("Friday")),
    ("hours_5", _("Saturday")),
    ("hours_6", _("Sunday")),
]


class ServicePointForm(forms.ModelForm):
    services = forms.MultipleChoiceField(
        label=_("Services"), required=False, choices=PointService.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = SatellitePoint
        fields = ["name", *POINT_DETAILS]

    def __init__(self, *args, palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.palace = palace
        self.instance.palace = palace
        city = palace.region if palace.region.level == Region.Level.CITY else palace.region.parent
        self.fields["region"].queryset = Region.objects.filter(pk=city.pk) | Region.objects.filter(
            parent=city
        )
        self.fields["region"].required = True
        for name, label in WEEKDAY_FIELDS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=100,
                help_text=_("e.g. 08:00-20:00; empty: closed; 20:00-02:00 runs past midnight"),
            )
        if self.instance.pk and not self.is_bound:
            for weekday, (name, _label) in enumerate(WEEKDAY_FIELDS):
                self.initial[name] = ", ".join(
                    f"{h.opens:%H:%M}-{h.closes:%H:%M}"
                    for h in self.instance.hours.all()
                    if h.weekday == weekday
                )

    def clean(self):
        cleaned = super().clean()
        week = {}
        for weekday, (name, _label) in enumerate(WEEKDAY_FIELDS):
            try:
                week[weekday] = parse_intervals(cleaned.get(name, ""))
            except ValidationError as error:
                self.add_error(name, error)
        cleaned["week"] = week
        lat, lng = cleaned.get("latitude"), cleaned.get("longitude")
        if (lat is None) != (lng is None):
            self.add_error("longitude", _("Give both the latitude and the longitude, or neither."))
        return cleaned
