"""Filters of the bookings list: `venue`, `date` (local date), `status`, `mine`, `ordering`."""

import django_filters
from django.utils.translation import gettext_lazy as _

from venues.filters import DateFilter, IdFilter, StrictBooleanFilter

from ..models import Booking


class BookingFilter(django_filters.FilterSet):
    venue = IdFilter(method="filter_venue", label=_("Venue"))
    date = DateFilter(
        field_name="local_date",
        label=_("Date"),
        help_text=_("Local date of the start, YYYY-MM-DD"),
    )
    status = django_filters.ChoiceFilter(choices=Booking.Status.choices, label=_("Status"))
    mine = StrictBooleanFilter(
        method="filter_mine",
        label=_("Only mine"),
        help_text=_("true: only the caller's own bookings (for staff, who also see their palaces')"),
    )
    ordering = django_filters.ChoiceFilter(
        choices=[("start", _("Earliest first")), ("-start", _("Latest first"))],
        method="filter_ordering",
        label=_("Order"),
        help_text=_("start: earliest first; -start (the default): latest first"),
    )

    class Meta:
        model = Booking
        fields = ["venue", "date", "status", "mine"]

    def filter_venue(self, qs, name, value: int):
        # The type hint tells the OpenAPI schema that the parameter is an integer.
        return qs.filter(venue_id=value)

    def filter_mine(self, qs, name, value: bool):
        if value is None:
            return qs
        user = self.request.user
        return qs.filter(user=user) if value else qs.exclude(user=user)

    def filter_ordering(self, qs, name, value: str):
        # The id breaks ties so that pages never overlap.
        return qs.order_by("start", "id") if value == "start" else qs.order_by("-start", "-id")
