"""Forms of the innovation pages. They parse input; the rules live in `services`, whose errors
the views put back on the fields (`add_refusal`)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from palace_portal.service_forms import ServiceErrorsMixin
from venues.models import Palace

from .models import (
    DESCRIPTION_MAX,
    FIRST_YEAR,
    NAME_MAX,
    NOTE_MAX,
    TITLE_MAX,
    GuidanceForm,
    InnovationField,
    Mentor,
    PosterKind,
    Studio,
    StudioKind,
)

DATE = {"type": "date"}


class PalaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Palace) -> str:
        return obj.name


class ProblemForm(ServiceErrorsMixin, forms.Form):
    palace = PalaceChoiceField(label=_("Palace"), queryset=Palace.objects.none())
    title = forms.CharField(
        label=_("The problem, in a line"),
        max_length=TITLE_MAX,
        help_text=_("E.g. a CNC lathe spindle rattles at high speed."),
    )
    field = forms.ChoiceField(label=_("Field"), choices=InnovationField.choices)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happens, what you have tried, the equipment and materials involved."),
    )
    poster_kind = forms.ChoiceField(
        label=_("You post as"),
        choices=PosterKind.choices,
        initial=PosterKind.WORKER,
        widget=forms.RadioSelect,
    )
    enterprise = forms.CharField(
        label=_("Enterprise"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Required when you post for an enterprise."),
    )
    public = forms.BooleanField(
        label=_("Once solved, the title and field may be shown publicly"),
        required=False,
        help_text=_("The description, your name and the enterprise are never shown."),
    )

    def __init__(self, *args, palaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palace"].queryset = palaces

    def values(self) -> dict:
        return dict(self.cleaned_data)


class TakeForm(ServiceErrorsMixin, forms.Form):
    mentor = forms.ModelChoiceField(label=_("Mentor"), queryset=Mentor.objects.none(), required=False)

    def __init__(self, *args, palace=None, **kwargs):
        super().__init__(*args, **kwargs)
        if palace is not None:
            self.fields["mentor"].queryset = Mentor.objects.active().filter(palace=palace, available=True)


class GuidanceRecordForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), initial=timezone.localdate
    )
    form = forms.ChoiceField(
        label=_("Form"), choices=GuidanceForm.choices, initial=GuidanceForm.ON_SITE, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Short note"), max_length=NOTE_MAX, required=False)

    def add_service_errors(self, fields, message=""):
        fields = {("day" if name == "date" else name): value for name, value in fields.items()}
        super().add_service_errors(fields, message)


class CloseForm(ServiceErrorsMixin, forms.Form):
    solved = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("solved")), ("0", _("not solved"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label=_("Short note"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class MentorFilterForm(forms.Form):
    palace = PalaceChoiceField(label=_("Palace"), queryset=Palace.objects.none(), required=False)
    field = forms.ChoiceField(
        label=_("Field"), choices=[("", _("All fields")), *InnovationField.choices], required=False
    )

    def __init__(self, *args, palaces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palace"].queryset = palaces


# --- Staff ----------------------------------------------------------------------------------------


class StudioForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    kind = forms.ChoiceField(label=_("Kind"), choices=StudioKind.choices)
    leader_title = forms.CharField(
        label=_("Leader's title"),
        max_length=60,
        required=False,
        help_text=_("As published, e.g. 全国劳动模范"),
    )
    leader_name = forms.CharField(label=_("Leader"), max_length=40)
    enterprise = forms.CharField(
        label=_("Enterprise"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("Empty: the palace's own studio."),
    )
    field = forms.ChoiceField(label=_("Field"), choices=InnovationField.choices)
    founded_year = forms.IntegerField(label=_("Founded in"), min_value=FIRST_YEAR, max_value=2100)

    @classmethod
    def initial_of(cls, studio: Studio) -> dict:
        return {name: getattr(studio, name) for name in cls.base_fields}


class MembershipForm(ServiceErrorsMixin, forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"), initial=timezone.localdate
    )

    def add_service_errors(self, fields, message=""):
        super().add_service_errors(
            {"day": [m for v in fields.values() for m in v]} if fields else {}, message
        )


class MentorForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name as published"), max_length=40)
    title = forms.CharField(label=_("Title"), max_length=60, required=False)
    field = forms.ChoiceField(label=_("Field"), choices=InnovationField.choices)
    specialty = forms.CharField(label=_("Specialty"), max_length=200, required=False)
    studio = forms.ModelChoiceField(label=_("Studio"), queryset=Studio.objects.none(), required=False)
    available = forms.BooleanField(label=_("Taking problems"), required=False, initial=True)
    availability = forms.CharField(
        label=_("Availability"), max_length=100, required=False, help_text=_("E.g. 每周二、四下午")
    )
    account_phone = forms.CharField(
        label=_("Account (mobile number)"),
        max_length=20,
        required=False,
        help_text=_(
            "The mentor's own account, so that they sign in and take problems. Empty: staff act for them."
        ),
    )
    appointed_on = forms.DateField(
        label=_("Appointed on"), required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["studio"].queryset = Studio.objects.filter(palace=palace)

    @classmethod
    def initial_of(cls, mentor: Mentor) -> dict:
        initial = {name: getattr(mentor, name) for name in cls.base_fields if name != "account_phone"}
        initial["account_phone"] = mentor.user.phone if mentor.user_id else ""
        return initial
