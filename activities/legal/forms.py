"""Forms of the legal-help pages: input shape only; the rules are `activities.legal.services`'."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from palace_portal.service_forms import ServiceErrorsMixin

from .models import STEP_STAGE_CHOICES, CaseKind, ContactPreference, Outcome


class CaseForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What is it about?"), choices=CaseKind.choices)
    description = forms.CharField(
        label=_("What happened"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences are enough: only you and the palace's legal-service staff read it."),
    )
    employer = forms.CharField(label=_("Employer (optional)"), max_length=100, required=False)
    contact = forms.ChoiceField(
        label=_("How should we reach you?"),
        choices=ContactPreference.choices,
        widget=forms.RadioSelect,
        initial=ContactPreference.PHONE,
    )


class StepForm(ServiceErrorsMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=STEP_STAGE_CHOICES)
    outcome = forms.ChoiceField(
        label=_("Outcome (when closing)"), required=False, choices=[("", "—"), *Outcome.choices]
    )
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
