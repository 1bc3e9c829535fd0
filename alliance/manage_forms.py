"""Forms of the alliance workspace for provincial staff (/alliance/manage/).

They parse input into the services' values and nothing more: the rules (members only, no
overlapping rotations, never over the budget, a reason to decline…) live in `alliance.services`,
whose `InvalidInput.fields` are put back on these forms with `add_service_errors`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityKind
from palace_portal.months import MAX_YEAR
from palace_portal.service_forms import ServiceErrorsMixin
from venues.models import Palace

from .models import Campaign, HostingCall, Membership, RotationTerm

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
FIRST_YEAR = 2022  # the alliance began at the end of 2022


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT)


def _money_field(label, **kwargs):
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
        **kwargs,
    )


class PalaceChoiceField(forms.ModelChoiceField):
    """A palace, labelled with its name (its `str`)."""


class PalacesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


def member_palaces_with(*chosen: QuerySet | list) -> QuerySet[Palace]:
    """Today's members, plus any palace already chosen (a past lead who has since left)."""
    ids = set()
    for group in chosen:
        ids.update(p.pk for p in group)
    condition = Palace.objects.filter(alliance_member=True)
    if ids:
        condition = condition | Palace.objects.filter(pk__in=ids)
    return condition.select_related("region").order_by("region__code", "name").distinct()


def ever_members() -> QuerySet[Palace]:
    """Palaces that have been members at some time (leads and organisers of past terms)."""
    return (
        Palace.objects.filter(pk__in=Membership.objects.values("palace"))
        .select_related("region")
        .order_by("region__code", "name")
    )


# --- Roster ------------------------------------------------------------------------------------------


class RosterFilterForm(forms.Form):
    on = forms.DateField(label=_("Members on"), required=False, widget=_date_input())
    year = forms.IntegerField(label=_("Months of"), required=False, min_value=FIRST_YEAR, max_value=MAX_YEAR)

    def values(self) -> dict[str, Any]:
        today = timezone.localdate()
        data = self.cleaned_data if self.is_valid() else {}
        day = min(data.get("on") or today, today)
        year = min(data.get("year") or day.year, today.year)
        return {"on": day, "year": year}


class JoinForm(ServiceErrorsMixin, forms.Form):
    palace = PalaceChoiceField(label=_("Palace"), queryset=Palace.objects.none())
    joined_on = forms.DateField(label=_("Joined on"), widget=_date_input())
    founding = forms.BooleanField(
        label=_("Founding member"),
        required=False,
        help_text=_("One of the palaces that founded the alliance at the end of 2022."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        open_ones = Membership.objects.filter(left_on__isnull=True).values("palace")
        self.fields["palace"].queryset = (
            Palace.objects.exclude(pk__in=open_ones)
            .exclude(status__in=(Palace.Status.PLANNED, Palace.Status.CLOSED))
            .select_related("region")
            .order_by("region__code", "name")
        )
        self.fields["joined_on"].initial = timezone.localdate()


class LeaveForm(ServiceErrorsMixin, forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=_date_input())
    reason = forms.CharField(
        label=_("Reason for leaving"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=_("Yes, record that this palace leaves the alliance."),
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["left_on"].initial = timezone.localdate()

    def values(self) -> dict[str, Any]:
        return {"left_on": self.cleaned_data["left_on"], "reason": self.cleaned_data["reason"]}


# --- Rotations ----------------------------------------------------------------------------------------


class RotationForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Term name"), max_length=100, help_text=_("For example: 2025 first half"))
    starts_on = forms.DateField(label=_("From"), widget=_date_input())
    ends_on = forms.DateField(label=_("Until"), widget=_date_input())
    leads = PalacesField(
        label=_("Lead units"),
        queryset=Palace.objects.none(),
        help_text=_("Alliance members when the term starts."),
    )
    duties = forms.CharField(label=_("Duties"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, rotation: RotationTerm | None = None, **kwargs):
        if rotation is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": rotation.name,
                    "starts_on": rotation.starts_on,
                    "ends_on": rotation.ends_on,
                    "leads": list(rotation.leads.all()),
                    "duties": rotation.duties,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["leads"].queryset = ever_members()


# --- Campaigns ----------------------------------------------------------------------------------------


class CampaignForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("From"), widget=_date_input())
    ends_on = forms.DateField(label=_("Until"), widget=_date_input())
    organiser = PalaceChoiceField(
        label=_("Organiser (council unit)"), queryset=Palace.objects.none(), empty_label=_("— choose —")
    )
    rotation = forms.ModelChoiceField(
        label=_("Rotation term"), queryset=RotationTerm.objects.none(), required=False
    )
    participants = PalacesField(
        label=_("Palaces taking part"),
        queryset=Palace.objects.none(),
        required=False,
        help_text=_("Alliance members; the organiser always takes part."),
    )

    def __init__(self, *args, campaign: Campaign | None = None, **kwargs):
        chosen: list[Palace] = []
        if campaign is not None:
            chosen = [*campaign.participants.all(), campaign.organiser]
            kwargs.setdefault(
                "initial",
                {
                    "title": campaign.title,
                    "description": campaign.description,
                    "starts_on": campaign.starts_on,
                    "ends_on": campaign.ends_on,
                    "organiser": campaign.organiser,
                    "rotation": campaign.rotation,
                    "participants": chosen[:-1],
                },
            )
        super().__init__(*args, **kwargs)
        palaces = member_palaces_with(chosen)
        self.fields["organiser"].queryset = palaces
        self.fields["participants"].queryset = palaces
        self.fields["rotation"].queryset = RotationTerm.objects.order_by("-starts_on")


# --- Hosting calls ------------------------------------------------------------------------------------


class CallForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    event_kind = forms.ChoiceField(label=_("Event kind"), choices=ActivityKind.choices)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_on = forms.DateField(label=_("Event window from"), widget=_date_input())
    ends_on = forms.DateField(label=_("Event window until"), widget=_date_input())
    deadline = forms.DateTimeField(
        label=_("Applications close"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
    )
    budget = _money_field(_("Budget (yuan)"))
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none(), required=False)
    # Eligibility (the call's rules, stored as data on it).
    levels = forms.MultipleChoiceField(
        label=_("Palace levels"),
        choices=Palace.Level.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one level.")},
    )
    in_service = forms.BooleanField(label=_("Only palaces in service"), required=False)
    member = forms.BooleanField(label=_("Only alliance members"), required=False)
    min_capacity = forms.IntegerField(
        label=_("Smallest event capacity"),
        min_value=0,
        max_value=100000,
        required=False,
        help_text=_("People; 0 for no minimum."),
    )

    ELIGIBILITY = ("levels", "in_service", "member", "min_capacity")

    def __init__(self, *args, call: HostingCall | None = None, **kwargs):
        if call is not None:
            rules = call.eligibility or {}
            kwargs.setdefault(
                "initial",
                {
                    "title": call.title,
                    "event_kind": call.event_kind,
                    "description": call.description,
                    "starts_on": call.starts_on,
                    "ends_on": call.ends_on,
                    "deadline": timezone.localtime(call.deadline).replace(tzinfo=None),
                    "budget": call.budget,
                    "campaign": call.campaign,
                    "levels": rules.get("levels") or Palace.Level.values,
                    "in_service": rules.get("in_service", True),
                    "member": rules.get("member", True),
                    "min_capacity": rules.get("min_capacity") or 0,
                },
            )
        else:
            kwargs.setdefault(
                "initial",
                {"levels": Palace.Level.values, "in_service": True, "member": True, "min_capacity": 0},
            )
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-starts_on")

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["eligibility"] = {
            "levels": data.pop("levels"),
            "in_service": data.pop("in_service"),
            "member": data.pop("member"),
            "min_capacity": data.pop("min_capacity") or 0,
        }
        return data


class CriterionForm(forms.Form):
    name = forms.CharField(label=_("Criterion"), max_length=100)
    max = forms.IntegerField(label=_("Maximum"), min_value=1, max_value=100)


class BaseCriteriaFormSet(forms.BaseFormSet):
    """The call's review criteria: rows left empty are dropped; at least one is needed."""

    def clean(self):
        super().clean()
        if not any(self.errors) and not self.criteria():
            raise forms.ValidationError(_("Give at least one review criterion."))

    def criteria(self) -> list[dict]:
        return [
            {"name": f.cleaned_data["name"], "max": f.cleaned_data["max"]}
            for f in self.forms
            if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
        ]


CriteriaFormSet = forms.formset_factory(
    CriterionForm,
    formset=BaseCriteriaFormSet,
    extra=2,
    min_num=1,
    max_num=10,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


def criteria_formset(data=None, *, call: HostingCall | None = None) -> BaseCriteriaFormSet:
    initial = list(call.criteria) if call is not None else None
    return CriteriaFormSet(data, initial=initial, prefix="criteria")


# --- Reviews, decisions and subsidies -----------------------------------------------------------------


class ReviewForm(ServiceErrorsMixin, forms.Form):
    """One score per criterion of the call (0 to its maximum), and a comment."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, criteria: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        comment = self.fields.pop("comment")
        for index, criterion in enumerate(criteria):
            self.fields[f"score_{index}"] = forms.DecimalField(
                label=criterion["name"],
                min_value=Decimal(0),
                max_value=Decimal(criterion["max"]),
                max_digits=5,
                decimal_places=1,
                help_text=_("0 to %(max)s") % {"max": criterion["max"]},
                widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
            )
        self.fields["comment"] = comment

    def score_fields(self):
        return [self[f"score_{i}"] for i in range(len(self.criteria))]

    def values(self) -> dict[str, Any]:
        scores = [self.cleaned_data[f"score_{i}"] for i in range(len(self.criteria))]
        return {"scores": scores, "comment": self.cleaned_data["comment"]}


class ApproveForm(ServiceErrorsMixin, forms.Form):
    event_title = forms.CharField(
        label=_("Event title on the calendar"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the call's title."),
    )


class DeclineForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The palace will see it."),
    )


class GrantForm(ServiceErrorsMixin, forms.Form):
    amount = _money_field(_("Subsidy granted (yuan)"))


class PayForm(ServiceErrorsMixin, forms.Form):
    amount = _money_field(_("Amount paid (yuan)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=_date_input())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=MAX_YEAR)

    def chosen_year(self) -> int | None:
        """The year asked for; this year when none is asked for; None (every year) for `?year=`."""
        if not self.is_bound or "year" not in self.data:
            return timezone.localdate().year
        return self.cleaned_data["year"] if self.is_valid() else None
