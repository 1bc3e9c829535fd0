"""The staff's series form; the rules live in `activities.series.services`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palace_portal.service_forms import ServiceErrorsMixin

from .models import Series, SeriesKind


class SeriesForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SeriesKind.choices, initial=SeriesKind.PROGRAMME)
    cadence = forms.CharField(
        label=_("How often"),
        max_length=50,
        required=False,
        help_text=_("For example: every month, every two years."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    is_active = forms.BooleanField(label=_("Running"), required=False, initial=True)

    @classmethod
    def initial_of(cls, series: Series) -> dict:
        return {
            name: getattr(series, name) for name in ("name", "kind", "cadence", "description", "is_active")
        }
