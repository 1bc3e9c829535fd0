"""Forms of employment's pages: the workers' job filters, applying, the residency application; on
the staff side employers, postings, interviews, decisions, job fairs, livestreams, residency
decisions and support. The rules live in the services; their refusals land on the fields."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activities.offerings.forms import CityField, datetime_input, in_city, palace_field
from palace_portal.service_forms import ServiceErrorsMixin
from venues.models import Palace

from .models import (
    MAX_OPENINGS,
    MAX_PAY,
    Employer,
    InterviewOutcome,
    JobKind,
    JobPosting,
    PostingState,
    SupportKind,
)


def date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JobFilterForm(forms.Form):
    city = CityField()
    palace = forms.ModelChoiceField(queryset=Palace.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *JobKind.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=50)

    def __init__(self, *args, palaces: QuerySet[Palace], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palace"] = palace_field(self, palaces)

    def apply(self, postings: QuerySet[JobPosting]) -> QuerySet[JobPosting]:
        if not self.is_valid():
            return postings.none()
        data = self.cleaned_data
        if data["city"]:
            postings = postings.filter(in_city("palace__", data["city"]))
        if data["palace"]:
            postings = postings.filter(palace=data["palace"])
        if data["kind"]:
            postings = postings.filter(kind=data["kind"])
        words = (data["q"] or "").strip()
        if words:
            postings = postings.filter(
                Q(title__icontains=words) | Q(employer__name__icontains=words) | Q(place__icontains=words)
            )
        return postings


class ApplyForm(forms.Form):
    note = forms.CharField(
        label=_("A note to the employer (optional)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResidencyApplyForm(ServiceErrorsMixin, forms.Form):
    project = forms.CharField(label=_("Your project"), max_length=200)
    description = forms.CharField(
        label=_("What it does and what you need"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    team_size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=100, initial=1)


class EmployerForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("Active partner"), required=False, initial=True)

    @classmethod
    def initial_of(cls, employer: Employer) -> dict:
        return {name: getattr(employer, name) for name in cls.base_fields}


class PostingForm(ServiceErrorsMixin, forms.Form):
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())
    title = forms.CharField(label=_("Job title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=JobKind.choices)
    pay_min = forms.IntegerField(label=_("Pay from (yuan a month)"), min_value=0, max_value=MAX_PAY)
    pay_max = forms.IntegerField(label=_("Pay up to (yuan a month)"), min_value=0, max_value=MAX_PAY)
    place = forms.CharField(label=_("Place of work"), max_length=200)
    openings = forms.IntegerField(label=_("Openings"), min_value=1, max_value=MAX_OPENINGS, initial=1)
    valid_until = forms.DateField(label=_("Valid until"), widget=date_input())
    requirements = forms.CharField(
        label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, palace: Palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(palace=palace, active=True)

    @classmethod
    def initial_of(cls, posting: JobPosting) -> dict:
        initial = {name: getattr(posting, name) for name in cls.base_fields if name != "employer"}
        initial["employer"] = posting.employer_id
        return initial


class InterviewForm(ServiceErrorsMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=date_input())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=InterviewOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class DecisionForm(ServiceErrorsMixin, forms.Form):
    DECISIONS = [("placed", _("Placed: the person got the job")), ("rejected", _("Not taken"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    placed_on = forms.DateField(
        label=_("Placed on"), required=False, widget=date_input(), help_text=_("The first day at work.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def values(self) -> dict:
        data = self.cleaned_data
        return {"placed": data["decision"] == "placed", "placed_on": data["placed_on"], "note": data["note"]}


class PostingsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: JobPosting) -> str:
        return f"{obj.title} · {obj.employer.name}"


def _shown_postings(palace: Palace) -> QuerySet[JobPosting]:
    return (
        JobPosting.objects.filter(palace=palace)
        .exclude(state=PostingState.DRAFT)
        .select_related("employer")
        .order_by("-published_at", "-pk")
    )


class JobFairForm(ServiceErrorsMixin, forms.Form):
    postings = PostingsChoiceField(
        label=_("Postings at the fair"),
        queryset=JobPosting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, palace: Palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postings"].queryset = _shown_postings(palace)


class LivestreamForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    stream_url = forms.URLField(
        label=_("Stream link"), max_length=500, assume_scheme="https", help_text=_("http:// or https://")
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=datetime_input())
    viewers = forms.IntegerField(label=_("Viewers"), min_value=0, max_value=100_000_000, initial=0)
    postings = PostingsChoiceField(
        label=_("Postings recommended"),
        queryset=JobPosting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, palace: Palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["postings"].queryset = _shown_postings(palace)


class ResidencyDecisionForm(ServiceErrorsMixin, forms.Form):
    DECISIONS = [("accept", _("Accept, for a period")), ("refuse", _("Refuse, with a reason"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    starts_on = forms.DateField(label=_("Resident from"), required=False, widget=date_input())
    ends_on = forms.DateField(label=_("Resident until"), required=False, widget=date_input())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Needed to refuse; the applicant reads it."),
    )

    def values(self) -> dict:
        data = self.cleaned_data
        return {
            "accept": data["decision"] == "accept",
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "reason": data["reason"],
        }


class SupportForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of support"), choices=SupportKind.choices)
    amount = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=0, max_value=10_000_000, decimal_places=2, max_digits=10
    )
    granted_on = forms.DateField(label=_("Granted on"), widget=date_input())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
