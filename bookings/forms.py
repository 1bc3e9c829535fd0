"""Forms of the worker's booking pages: they parse input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palace_portal.months import check_year
from venues.kinds import BookingMode

from .models import BookingRule

TIME_FORMATS = ["%H:%M"]
# A select up to this many people; a number box above (group requests of a 600-seat theatre).
PARTY_SELECT_MAX = 20


def date_in_range(value) -> None:
    """A date in a year the portal accepts (palace_portal.months): a page asked for year 1 or
    9999 answers a clear form error instead of overflowing date arithmetic further on."""
    if value is not None:
        check_year(value.year)


class PortalDateField(forms.DateField):
    """A date field that refuses years outside MIN_YEAR..MAX_YEAR (`date_in_range`)."""

    default_validators = [date_in_range]


class GridForm(forms.Form):
    """The grid's query string: which day, and which slot was tapped (`at`, local HH:MM)."""

    date = PortalDateField(required=False)
    at = forms.TimeField(required=False, input_formats=TIME_FORMATS)


class BookingForm(forms.Form):
    """Tap 2: book the slot that starts at `at` on `date` (until `until`, for several slots)."""

    date = PortalDateField(widget=forms.HiddenInput)
    at = forms.TimeField(input_formats=TIME_FORMATS, widget=forms.HiddenInput)
    until = forms.TimeField(
        label=_("Until"), required=False, input_formats=TIME_FORMATS, widget=forms.HiddenInput
    )
    waitlist = forms.BooleanField(required=False, widget=forms.HiddenInput)
    party_size = forms.IntegerField(label=_("People"), min_value=1, max_value=9999, required=False)
    purpose = forms.CharField(
        label=_("What is it for?"),
        max_length=200,
        required=False,
        help_text=_("E.g. the annual staff meeting of a company union, a choir rehearsal."),
    )
    organisation = forms.CharField(
        label=_("Organisation (optional)"),
        max_length=100,
        required=False,
        help_text=_("The enterprise union or group you ask for, if any."),
    )
    matter = forms.CharField(
        label=_("Your matter"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only the service staff of this palace can read it."),
    )

    def __init__(self, *args, venue, rule: BookingRule, **kwargs):
        super().__init__(*args, **kwargs)
        mode = venue.booking_mode
        low, high = rule.min_party, rule.max_party
        party = self.fields["party_size"]
        party.initial = low
        if mode == BookingMode.EXCLUSIVE or low == high:
            # The whole venue is booked: how many come does not change what is taken.
            party.widget = forms.HiddenInput()
        elif mode == BookingMode.REQUEST or high > PARTY_SELECT_MAX:
            party.label = _("Headcount")
            party.widget = forms.NumberInput(attrs={"min": low, "max": high, "inputmode": "numeric"})
        else:
            party.label = _("Places") if mode == BookingMode.SHARED else _("People coming")
            party.widget = forms.Select(choices=[(n, str(n)) for n in range(low, high + 1)])
        if mode != BookingMode.REQUEST:
            del self.fields["purpose"]
            del self.fields["organisation"]
        if mode != BookingMode.APPOINTMENT:
            del self.fields["matter"]

    def clean_party_size(self):
        return self.cleaned_data.get("party_size") or self.fields["party_size"].initial


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Explain why you could not come or cancel in time. Staff read it and decide."),
    )
