"""Forms of the team pages: input shape only; the rules are `activities.teams.services`'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palace_portal.service_forms import ServiceErrorsMixin

from .models import TeamKind


class TeamForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    field = forms.CharField(label=_("Field (optional)"), max_length=50, required=False)
    meets = forms.CharField(label=_("When it meets (optional)"), max_length=100, required=False)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    accepts_requests = forms.BooleanField(label=_("Takes requests to join"), required=False, initial=True)
    is_active = forms.BooleanField(label=_("Active (shown to workers)"), required=False, initial=True)


class JoinForm(forms.Form):
    message = forms.CharField(label=_("A word about yourself (optional)"), max_length=200, required=False)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])
    answer = forms.CharField(label=_("Answer (optional)"), max_length=200, required=False)


class HoursForm(ServiceErrorsMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None, empty_label=_("Choose a member"))
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), min_value=0.1, max_value=24, decimal_places=1, max_digits=4)
    activity = forms.CharField(label=_("Activity"), max_length=100)

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: m.user.real_name or m.user.phone
