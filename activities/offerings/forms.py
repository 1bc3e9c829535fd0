"""Form parts that the pages of courses and of events share: the catalogue filters' city and
palace fields, and on the staff side the venue field, the service-error hand-over, the cancel and
the roll-call forms."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from venues.models import Palace, Region, Venue


class CityField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=Region.objects.filter(level=Region.Level.CITY).order_by("code"),
            to_field_name="code",
            required=False,
            label=_("City"),
            empty_label=_("All cities"),
            **kwargs,
        )


def palace_field(form: forms.Form, palaces: QuerySet[Palace]) -> forms.ModelChoiceField:
    """The palaces of the chosen city that have something to list, plus the one asked for if it
    is listed (a link from a palace's page keeps working when that palace has nothing at the
    moment). Until a city is chosen only the one asked for is offered: the province's thousand
    palaces in one list would be most of the page's weight and rendering time, and the filters
    submit themselves when the city changes."""
    raw = form.data.get("palace", "") if form.is_bound else ""
    city = form.data.get("city", "") if form.is_bound else ""
    if city:
        palaces = palaces.filter(Q(region__code=city) | Q(region__parent__code=city))
        empty_label = _("All palaces")
    else:
        palaces = palaces.none()
        empty_label = _("All palaces (pick a city first)")
    if raw.isdigit() and len(raw) < 19:
        palaces = Palace.objects.listed().filter(Q(pk__in=palaces.values("pk")) | Q(pk=int(raw)))
    return forms.ModelChoiceField(
        queryset=palaces.order_by("region__code", "name"),
        required=False,
        label=_("Palace"),
        empty_label=empty_label,
    )


def in_city(prefix: str, city: Region) -> Q:
    return Q(**{f"{prefix}region": city}) | Q(**{f"{prefix}region__parent": city})


DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_input():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)


def time_input():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VenueChoiceField(forms.ModelChoiceField):
    """A venue of the palace, labelled by its name alone (its `str` reads the palace)."""

    def label_from_instance(self, obj: Venue) -> str:
        return obj.name


def palace_venues(palace: Palace):
    return Venue.objects.filter(palace=palace).order_by("centre", "name")


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone signed up is told, with this reason."),
    )


class RollCallForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(b.pk, b.user.real_name) for b in enrolments]
