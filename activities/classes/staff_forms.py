"""Forms of the staff pages of the night school: they parse input into the services' values.

The rules (dates in order, places, a venue of this palace, closures…) live in
`activities.classes.services`; their `InvalidInput` errors are put back on these forms' fields with
`add_service_errors`. The cancel and roll-call forms are shared with events (`activities.offerings.forms`).
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.offerings.forms import (
    VenueChoiceField,
    datetime_input,
    palace_venues,
    time_input,
)
from bookings.models import Offering
from palace_portal.images import add_picture_fields
from palace_portal.service_forms import ServiceErrorsMixin
from venues.kinds import Centre
from venues.models import Palace, Venue

from .models import Course, PriorityRound, Term

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class TermForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("For example: 2026 autumn night school")
    )
    starts_on = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    ends_on = forms.DateField(
        label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    enrolment_opens = forms.DateTimeField(label=_("Enrolment opens"), widget=datetime_input())
    enrolment_closes = forms.DateTimeField(label=_("Enrolment closes"), widget=datetime_input())
    max_courses = forms.IntegerField(
        label=_("Courses per person"),
        min_value=1,
        max_value=20,
        initial=2,
        help_text=_("How many courses of this term one worker may hold (or apply for) at once."),
    )
    overflow_factor = forms.DecimalField(
        label=_("Overflow factor"),
        min_value=Decimal(1),
        max_value=Decimal("9.9"),
        decimal_places=1,
        initial=Decimal("1.5"),
        help_text=_(
            "A course is flagged when the people who want it reach this many times its places "
            "(1.5 = half as many again)."
        ),
    )

    @classmethod
    def initial_of(cls, term: Term) -> dict:
        return {name: getattr(term, name) for name in cls.base_fields}

    def values(self) -> dict:
        return dict(self.cleaned_data)


class CourseForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    centre = forms.ChoiceField(label=_("Centre"), choices=Centre.choices, initial=Centre.EDUCATION)
    venue = VenueChoiceField(label=_("Venue"), queryset=Venue.objects.none(), empty_label=None)
    teacher = forms.CharField(label=_("Teacher"), max_length=100, required=False)
    partner = forms.CharField(
        label=_("Partner organisation"),
        max_length=200,
        required=False,
        help_text=_("If a partner organisation teaches the course."),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choice"}),
    )
    starts_at = forms.TimeField(label=_("From"), widget=time_input(), initial=time(19))
    ends_at = forms.TimeField(label=_("Until"), widget=time_input(), initial=time(21))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000, initial=30)
    selection = forms.ChoiceField(
        label=_("Selection"),
        choices=Offering.Selection.choices,
        initial=Offering.Selection.FIRST_COME,
        widget=forms.RadioSelect(attrs={"class": "selection-choice"}),
        help_text=_(
            "First come: places go in order of sign-up, then a waitlist. Lottery: applications "
            "until enrolment closes, then a draw."
        ),
    )
    priority_rounds = forms.MultipleChoiceField(
        label=_("Priority rounds (lottery)"),
        choices=PriorityRound.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The ticked groups are drawn first, in the order listed; everyone else comes after."),
    )
    members_only = forms.BooleanField(label=_("Trade-union members only"), required=False)
    fee = forms.DecimalField(
        label=_("Fee (yuan)"),
        min_value=Decimal(0),
        max_value=Decimal(99999),
        decimal_places=2,
        initial=Decimal(0),
        help_text=_("Most courses are free: leave 0."),
    )
    skill_training = forms.BooleanField(
        label=_("Free skill training"),
        required=False,
        help_text=_("Counted in the monthly ledger as free skill training (person-times); no fee."),
    )
    completion_percent = forms.IntegerField(
        label=_("Attendance for completion (%)"),
        min_value=1,
        max_value=100,
        initial=75,
        help_text=_("Share of the sessions a person must attend to complete the course."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, palace: Palace, current_picture=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = palace_venues(palace)
        add_picture_fields(self, current=current_picture, prefix="course")

    @classmethod
    def initial_of(cls, course: Course) -> dict:
        offering = course.offering
        return {
            "title": course.title,
            "centre": course.centre,
            "venue": course.venue_id,
            "teacher": course.teacher,
            "partner": course.partner,
            "weekdays": course.weekdays,
            "starts_at": course.starts_at,
            "ends_at": course.ends_at,
            "capacity": offering.capacity,
            "selection": offering.selection,
            "priority_rounds": course.priority_rounds,
            "members_only": offering.members_only,
            "fee": offering.fee,
            "completion_percent": course.completion_percent,
            "skill_training": course.skill_training,
            "description": course.description,
            "picture_alt": course.picture_alt,
        }

    def values(self) -> dict:
        values = dict(self.cleaned_data)
        if values.get("fee") is None:
            values["fee"] = Decimal(0)
        return values


class SectionForm(ServiceErrorsMixin, forms.Form):
    """Another section of a course: same course, a new time or venue."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choice"}),
    )
    starts_at = forms.TimeField(label=_("From"), widget=time_input())
    ends_at = forms.TimeField(label=_("Until"), widget=time_input())
    venue = VenueChoiceField(label=_("Venue"), queryset=Venue.objects.none(), empty_label=None)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000)
    section_label = forms.CharField(
        label=_("Section name"),
        max_length=30,
        required=False,
        help_text=_("For example: Thursday class. Leave empty for “Section 2”."),
    )

    def __init__(self, *args, palace: Palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = palace_venues(palace)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and starts >= ends:
            self.add_error("ends_at", _("The end must be after the start."))
        return data
