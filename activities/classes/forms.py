"""Filters of the workers' class catalogue and event list (activities.class_views).

Each form filters a queryset with what it cleaned (`apply`); an invalid value is shown beside its
field and the page lists nothing rather than everything, as the palace directory does.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activities.classes.models import Course
from activities.events.models import Event
from activities.ledger.models import ActivityKind
from bookings.models import Occurrence
from venues.kinds import Centre
from venues.models import OpeningHours, Palace, Region

EVENING_FROM = time(17, 0)
# Django's iso_week_day: 1 = Monday … 7 = Sunday; our weekdays: 0 = Monday … 6 = Sunday.
WEEKEND = (6, 7)


class _CityField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Region.objects.filter(level=Region.Level.CITY).order_by("code"),
            to_field_name="code",
            required=False,
            label=_("City"),
            empty_label=_("All cities"),
            **kwargs,
        )


def _palace_field(form: forms.Form, palaces: QuerySet[Palace]) -> forms.ModelChoiceField:
    """The palaces that have something to list, plus the one asked for if it is listed (a link
    from a palace's page keeps working when that palace has nothing at the moment)."""
    raw = form.data.get("palace", "") if form.is_bound else ""
    if raw.isdigit() and len(raw) < 19:
        palaces = Palace.objects.listed().filter(Q(pk__in=palaces.values("pk")) | Q(pk=int(raw)))
    return forms.ModelChoiceField(
        queryset=palaces.order_by("region__code", "name"),
        required=False,
        label=_("Palace"),
        empty_label=_("All palaces"),
    )


def _in_city(prefix: str, city: Region) -> Q:
    return Q(**{f"{prefix}region": city}) | Q(**{f"{prefix}region__parent": city})


def _meets_on(days: tuple[int, ...]) -> Exists:
    """The course has a session on one of `days` (ISO week days): whatever database runs it."""
    return Exists(
        Occurrence.objects.filter(offering_id=OuterRef("offering_id"), local_date__iso_week_day__in=days)
    )


class CourseFilterForm(forms.Form):
    WHEN_CHOICES = [
        ("", _("Any time")),
        ("evening", _("Evenings (from 17:00)")),
        ("weekend", _("Weekends")),
        ("after_work", _("Evenings or weekends")),
    ]

    city = _CityField()
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

    def __init__(self, *args, palaces: QuerySet[Palace], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palace"] = _palace_field(self, palaces)

    def apply(self, courses: QuerySet[Course], *, now: datetime) -> QuerySet[Course]:
        """`courses` narrowed by the valid filters; with any invalid one, no course at all."""
        if not self.is_valid():
            return courses.none()
        data = self.cleaned_data
        if data["city"]:
            courses = courses.filter(_in_city("palace__", data["city"]))
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


class EventFilterForm(forms.Form):
    PLACE_CHOICES = [("", _("On site or online")), ("online", _("Online")), ("on_site", _("On site"))]

    city = _CityField()
    palace = forms.ModelChoiceField(queryset=Palace.objects.none())
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices]
    )
    centre = forms.ChoiceField(
        label=_("Centre"), required=False, choices=[("", _("All centres")), *Centre.choices]
    )
    place = forms.ChoiceField(label=_("Where"), required=False, choices=PLACE_CHOICES)

    def __init__(self, *args, palaces: QuerySet[Palace], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["palace"] = _palace_field(self, palaces)

    def apply(self, events: QuerySet[Event]) -> QuerySet[Event]:
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["city"]:
            events = events.filter(_in_city("palace__", data["city"]))
        if data["palace"]:
            events = events.filter(palace=data["palace"])
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["centre"]:
            events = events.filter(centre=data["centre"])
        if data["place"] == "online":
            events = events.exclude(online_url="")
        elif data["place"] == "on_site":
            events = events.filter(venue__isnull=False)
        return events
