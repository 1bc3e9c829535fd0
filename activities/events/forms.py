"""Forms of events: the workers' list filters and the staff's event form. The rules live in
`activities.events.services`; its `InvalidInput` errors land on the fields (`add_service_errors`)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import ActivityKind, PartnerKind
from activities.offerings.forms import (
    CityField,
    VenueChoiceField,
    datetime_input,
    in_city,
    palace_field,
    palace_venues,
)
from activities.series.models import Series
from palace_portal.images import add_picture_fields
from palace_portal.service_forms import ServiceErrorsMixin
from venues.kinds import Centre
from venues.models import Palace, Venue

from .models import Event


class EventFilterForm(forms.Form):
    PLACE_CHOICES = [("", _("Anywhere")), ("online", _("Online")), ("on_site", _("On site"))]

    city = CityField()
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
        self.fields["palace"] = palace_field(self, palaces)

    def apply(self, events: QuerySet[Event]) -> QuerySet[Event]:
        if not self.is_valid():
            return events.none()
        data = self.cleaned_data
        if data["city"]:
            events = events.filter(in_city("palace__", data["city"]))
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


class EventForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices, initial=ActivityKind.LECTURE)
    centre = forms.ChoiceField(label=_("Centre"), choices=Centre.choices, initial=Centre.EDUCATION)
    starts_at = forms.DateTimeField(label=_("Starts"), widget=datetime_input())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=datetime_input())
    venue = VenueChoiceField(
        label=_("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        empty_label=_("— online only —"),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        assume_scheme="https",
        help_text=_("A livestream or meeting link; needed when there is no venue."),
    )
    speaker = forms.CharField(label=_("Speaker or performers"), max_length=200, required=False)
    partner_kind = forms.ChoiceField(
        label=_("Partner kind"), choices=PartnerKind.choices, initial=PartnerKind.NONE
    )
    partner_name = forms.CharField(label=_("Partner name"), max_length=200, required=False)
    programme = forms.CharField(label=_("Programme"), max_length=100, required=False)
    series = forms.ModelChoiceField(
        label=_("Series"),
        queryset=Series.objects.none(),
        required=False,
        empty_label=_("— no series —"),
        help_text=_("A brand or recurring programme of this palace; its page adds this event up."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    registration = forms.BooleanField(
        label=_("People register"),
        required=False,
        initial=True,
        help_text=_("Without registration the event is only announced: people just come."),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    members_only = forms.BooleanField(label=_("Trade-union members only"), required=False)
    registration_closes = forms.DateTimeField(
        label=_("Registration closes"),
        required=False,
        widget=datetime_input(),
        help_text=_("Leave empty: at the start."),
    )

    def __init__(self, *args, palace: Palace, current_picture=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = palace_venues(palace)
        self.fields["series"].queryset = Series.objects.filter(palace=palace).order_by("kind", "name")
        add_picture_fields(self, current=current_picture, prefix="event")

    @classmethod
    def initial_of(cls, event: Event) -> dict:
        offering = event.offering
        initial = {
            name: getattr(event, name)
            for name in (
                "title",
                "kind",
                "centre",
                "starts_at",
                "ends_at",
                "online_url",
                "speaker",
                "partner_kind",
                "partner_name",
                "programme",
                "description",
                "picture_alt",
            )
        }
        initial["venue"] = event.venue_id
        initial["series"] = event.series_id
        initial["registration"] = offering is not None
        if offering is not None:
            initial["capacity"] = offering.capacity
            initial["members_only"] = offering.members_only
            initial["registration_closes"] = offering.closes_at
        return initial

    def values(self) -> dict:
        return dict(self.cleaned_data)
