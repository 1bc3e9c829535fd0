"""Forms of the alliance's public calendar and palace pages. They parse input; the rules live in
`alliance.services`, whose errors the views put back on the fields (`add_service_errors`)."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Course, Event
from palace_portal.months import format_month
from palace_portal.service_forms import ServiceErrorsMixin
from venues.models import Region, Venue

from .models import HostingCall

# --- The public calendar -------------------------------------------------------------------------


class CalendarFilterForm(forms.Form):
    """Year, month and city of the provincial event calendar. Without a year: what is coming."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    month = forms.TypedChoiceField(label=_("Month"), required=False, coerce=int, empty_value=None)
    city = forms.ModelChoiceField(
        label=_("City"),
        required=False,
        queryset=Region.objects.filter(level=Region.Level.CITY).order_by("code"),
        to_field_name="code",
        empty_label=_("All cities"),
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        # Every year from the first with events (or two years ago) to the year after the last.
        this_year = timezone.localdate().year
        first, last = min([*years, this_year - 2]), max([*years, this_year + 1])
        self.fields["year"].choices = [
            ("", _("Coming events")),
            *((str(y), str(y)) for y in range(last, first - 1, -1)),
        ]
        self.fields["month"].choices = [("", _("All months")), *((str(n), MONTHS[n]) for n in range(1, 13))]

    def params(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        params = {}
        if data.get("year"):
            params["year"] = data["year"]
        if data.get("month"):
            params["month"] = data["month"]
        if data.get("city"):
            params["city"] = data["city"].code
        return params


# --- Palace staff: applying --------------------------------------------------------------------------


class ApplicationForm(ServiceErrorsMixin, forms.Form):
    plan = forms.CharField(
        label=_("Plan"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Programme, schedule, expected participants and how you will promote the event."),
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.none(), empty_label=_("Choose a venue")
    )
    capacity = forms.IntegerField(
        label=_("Capacity (people)"),
        min_value=1,
        max_value=1_000_000,
        help_text=_("How many people the event can take."),
    )
    support = forms.CharField(
        label=_("Support capability"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Staff, volunteers, equipment, partners."),
    )
    requested_subsidy = forms.DecimalField(
        label=_("Subsidy requested (yuan)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    event_date = forms.DateField(label=_("Proposed date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, call: HostingCall, venues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["event_date"].widget.attrs.update(
            {"min": call.starts_on.isoformat(), "max": call.ends_on.isoformat()}
        )
        self.fields["event_date"].help_text = _("Between %(start)s and %(end)s.") % {
            "start": call.starts_on.isoformat(),
            "end": call.ends_on.isoformat(),
        }
        self.fields["requested_subsidy"].help_text = _("The call's whole budget is %(budget)s yuan.") % {
            "budget": call.budget
        }


# --- Palace staff: tagging work to a campaign ---------------------------------------------------------


class TagMonthForm(forms.Form):
    """The month of the campaign whose rows the tag page lists."""

    month = forms.ChoiceField(label=_("Month"))

    def __init__(self, *args, months: list[date], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(format_month(m), format_month(m)) for m in months]


class _RowChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class TagForm(forms.Form):
    """Checkbox lists of one month's activities, courses and events of the palace. What is checked
    is counted in the campaign; what is unchecked is not (only for the rows listed)."""

    activities = _RowChoiceField(
        label=_("Logged activities"), required=False, queryset=Activity.objects.none()
    )
    courses = _RowChoiceField(label=_("Courses"), required=False, queryset=Course.objects.none())
    events = _RowChoiceField(label=_("Events"), required=False, queryset=Event.objects.none())

    def __init__(self, *args, activities, courses, events, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activities"].queryset = activities
        self.fields["courses"].queryset = courses
        self.fields["events"].queryset = events
