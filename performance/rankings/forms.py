"""The ranking's question, parsed once for the page and the API: metric, period, city, level, per.

Bad input is a clear message per field (the API answers 400 with `fields`), never a 500: the
metric must be in the catalogue, the period exactly one of month / quarter / year in the portal's
range, the city a prefecture-level city (id or 6-digit division code), `per` allowed only for
metrics that may fairly be divided by venues or floor area.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.models import Palace, Region

from . import measures
from .periods import MONTH, QUARTER, YEAR, Period, parse_period
from .selectors import PER_CHOICES, PER_SQM, PER_VENUE

PER_LABELS = {
    "": pgettext_lazy("ranking value", "total"),
    PER_VENUE: _("per venue"),
    PER_SQM: _("per m² of floor area"),
}


class RankingQueryForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=())
    month = forms.CharField(label=_("Month"), required=False, max_length=7)
    quarter = forms.CharField(label=_("Quarter"), required=False, max_length=7)
    year = forms.CharField(label=_("Year"), required=False, max_length=4)
    city = forms.CharField(label=_("City"), required=False, max_length=18)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Palace.Level.choices]
    )
    per = forms.ChoiceField(
        label=_("Compare"), required=False, choices=[(key, PER_LABELS[key]) for key in ("", *PER_CHOICES)]
    )

    def __init__(self, *args, default_period: Period | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_period = default_period
        self.fields["metric"].choices = [(m.code, m.name) for m in measures.rankable()]

    def clean_city(self) -> Region | None:
        value = (self.cleaned_data.get("city") or "").strip()
        if not value:
            return None
        lookup = {"code": value} if len(value) == 6 else {"pk": int(value)} if value.isdigit() else None
        city = Region.objects.filter(level=Region.Level.CITY, **lookup).first() if lookup else None
        if city is None:
            raise ValidationError(_("Enter a city id or a 6-digit division code."), code="invalid_city")
        return city

    def clean(self):
        data = super().clean()
        try:
            data["period"] = parse_period(self.data, default=self.default_period)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in (MONTH, QUARTER, YEAR) else None, messages)
        measure = measures.measure(data.get("metric") or "")
        data["measure"] = measure
        if measure is not None and data.get("per") and not measure.per_unit_fair:
            self.add_error(
                "per", _("This metric is already comparable between palaces of any size: it is not divided.")
            )
        return data
