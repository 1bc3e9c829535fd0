"""Forms of the ledger pages. They shape input for the services, which hold the rules; a service's
`InvalidInput.fields` are put back on the form with `add_service_errors`."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palace_portal.months import format_month, parse_month
from palace_portal.service_forms import ServiceErrorsMixin

from ..ledgers.models import Ledger
from . import catalogue
from .selectors import REVIEW_FILTERS

TEXT_MAX = 2000


def _textarea(rows: int = 3, **attrs):
    return forms.Textarea(attrs={"rows": rows, "maxlength": TEXT_MAX, **attrs})


class ManualLineForm(ServiceErrorsMixin, forms.Form):
    metric = forms.ChoiceField(label=_("What"), choices=catalogue.manual_choices)
    # A text box, not a number box: the service checks the range and says so in words, and a
    # remark leaves it empty.
    value = forms.CharField(
        label=_("Value"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Leave empty for a remark."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=TEXT_MAX,
        widget=_textarea(),
        help_text=_("Where the figure comes from (sign-in sheets, case files…)."),
    )


class SubmitForm(ServiceErrorsMixin, forms.Form):
    flags_checked = forms.BooleanField(label=_("I have checked the flagged figures"), required=False)
    explanation = forms.CharField(
        label=_("Explanation for the reviewers (optional)"),
        required=False,
        max_length=TEXT_MAX,
        widget=_textarea(2),
    )


class ReturnForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=TEXT_MAX,
        widget=_textarea(3),
        help_text=_("The palace sees it: say what to correct."),
    )


class AcceptForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=TEXT_MAX, widget=_textarea(2)
    )


class ReopenForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"),
        max_length=TEXT_MAX,
        widget=_textarea(3),
        help_text=_("The month goes back to the palace with this reason; the snapshot is cleared."),
    )


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "pattern": "[0-9]{4}-[0-9]{2}"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        return parse_month(value)

    def prepare_value(self, value):
        return format_month(value) if hasattr(value, "year") else value


class ReviewFilterForm(forms.Form):
    month = MonthField(label=_("Month"), required=False)
    city = forms.ChoiceField(label=_("City"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    STATUS_LABELS = {
        "awaiting_city": pgettext_lazy("ledger workflow", "awaiting the city"),
        "awaiting_province": pgettext_lazy("ledger workflow", "awaiting the province"),
        "missing": _("not computed"),
    } | dict(Ledger.Status.choices)

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [("", _("All cities")), *((str(c.pk), c.name) for c in cities)]
        self.fields["status"].choices = [
            ("", _("Any status")),
            *((k, self.STATUS_LABELS[k]) for k in REVIEW_FILTERS),
        ]
        self._cities = {str(c.pk): c for c in cities}

    def clean_city(self):
        value = self.cleaned_data.get("city")
        if value and value not in self._cities:
            raise ValidationError(_("Choose a city from the list."))
        return self._cities.get(value)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
