"""Filters of the course catalogue (the workers' side).

Each form filters a queryset with what it cleaned (`apply`); an invalid value is shown beside its
field and the list is empty rather than unfiltered.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from activities.offerings.forms import CityField, in_city, palace_field
from bookings.models import Occurrence
from venues.kinds import Centre
from venues.models import OpeningHours, Palace

from .models import Course

EVENING_FROM = time(17, 0)


# Django's iso_week_day: 1 = Monday … 7 = Sunday; our weekdays: 0 = Monday … 6 = Sunday.
WEEKEND = (6, 7)


def _meets_on(days: tuple[int, ...]) -> Exists:
    """The course has a session on one of `days` (ISO week days): whatever database runs it."""
    return Exists(
        Occurrence.objects.filter(offering_id=OuterRef("offering_id"), local_date__iso_week_day__in=days)
    )


def enrolment_not_closed(now: datetime) -> Q:
    """The course's sign-up is open now or opens later."""
    return Q(offering__cancelled=False) & (
        Q(offering__closes_at__isnull=True) | Q(offering__closes_at__gt=now)
    )


def enrolment_order(now: datetime) -> Case:
    """0: sign-up open now, 1: opens later, 2: closed — the catalogue lists them in this order."""
    return Case(
        When(
            Q(offering__cancelled=False, offering__published=True)
            & (Q(offering__opens_at__isnull=True) | Q(offering__opens_at__lte=now))
            & (Q(offering__closes_at__isnull=True) | Q(offering__closes_at__gt=now)),
            then=Value(0),
        ),
        When(enrolment_not_closed(now), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


class CourseFilterForm(forms.Form):
    WHEN_CHOICES = [
        ("", _("Any time")),
        ("evening", _("Evenings (from 17:00)")),
        ("weekend", _("Weekends")),
        ("after_work", _("Evenings or weekends")),
    ]

    city = CityField()
    palace = forms.ModelChoiceField(queryset=Palace.objects.none())
    centre = forms.ChoiceField(
        label=_("Centre"), required=False, choices=[("", _("All centres")), *Centre.choices]
    )
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any day")), *OpeningHours.Weekday.choices],
    )
    when = forms.ChoiceField(label=_("Time"), required=False, choices=WHEN_CHOICES)
    open = forms.BooleanField(label=_("Open for enrolment now"), required=False)
    closed = forms.BooleanField(label=_("Include courses whose enrolment has closed"), required=False)

    def __init__(self, *args, palaces: QuerySet[Palace], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palace"] = palace_field(self, palaces)

    def apply(self, courses: QuerySet[Course], *, now: datetime) -> QuerySet[Course]:
        """`courses` narrowed by the valid filters; with any invalid one, no course at all.

        Without `closed`, only courses a worker can still sign up for (now or later) are listed:
        a running term whose enrolment has closed is of no use to someone looking for a class."""
        if not self.is_bound:
            return courses.filter(enrolment_not_closed(now))
        if not self.is_valid():
            return courses.none()
        data = self.cleaned_data
        if not data["closed"]:
            courses = courses.filter(enrolment_not_closed(now))
        if data["city"]:
            courses = courses.filter(in_city("palace__", data["city"]))
        if data["palace"]:
            courses = courses.filter(palace=data["palace"])
        if data["centre"]:
            courses = courses.filter(centre=data["centre"])
        if data["weekday"] is not None:
            courses = courses.filter(_meets_on((data["weekday"] + 1,)))
        when = data["when"]
        if when == "evening":
            courses = courses.filter(starts_at__gte=EVENING_FROM)
        elif when == "weekend":
            courses = courses.filter(_meets_on(WEEKEND))
        elif when == "after_work":
            courses = courses.filter(Q(starts_at__gte=EVENING_FROM) | _meets_on(WEEKEND))
        if data["open"]:
            courses = courses.filter(
                Q(offering__opens_at__isnull=True) | Q(offering__opens_at__lte=now),
                offering__closes_at__gt=now,
                offering__published=True,
                offering__cancelled=False,
            )
        return courses
