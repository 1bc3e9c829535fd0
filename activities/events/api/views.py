"""Events over the API (API.md, "Classes and events"): the list of published events with sign-up
and registering (`/events/`). The status words and error shapes are `activities.offerings.api.common`'s."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.events.models import Event
from activities.events.selectors import events_with_counts
from activities.events.services import event_register
from activities.ledger.models import ActivityKind
from activities.offerings.api.common import (
    BAD_INPUT,
    NO_SUCH_PAGE,
    SIGN_IN,
    SIGN_UP_REFUSALS,
    EnrolmentStatusField,
    ListFiltersOnlyMixin,
    PageByIdsMixin,
    api_error,
)
from bookings.models import Booking
from bookings.services.offering import offering_is_open
from palace_portal.api_fields import PictureAltField, PictureUrlField
from venues.filters import DateFilter, IdFilter, StrictBooleanFilter
from venues.kinds import Centre

Status = Booking.Status


class EventSerializer(serializers.ModelSerializer):
    """A published event. Without registration (`registration` false) people just come: then
    `capacity`, `registration_closes` are null and the counts 0."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    venue = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Venue id; null for an event held online only")
    )
    online_url = serializers.CharField(read_only=True, help_text=_("The online link, or empty"))
    start = serializers.DateTimeField(source="starts_at", read_only=True)
    end = serializers.DateTimeField(source="ends_at", read_only=True)
    date = serializers.DateField(source="local_date", read_only=True, help_text=_("Local date of the start"))
    registration = serializers.BooleanField(
        source="has_registration", read_only=True, help_text=_("People register (sign up) to come")
    )
    capacity = serializers.SerializerMethodField(help_text=_("Places; null: no limit, or no registration"))
    enrolled = serializers.IntegerField(
        source="registered", read_only=True, help_text=_("People registered (or checked in)")
    )
    waitlisted = serializers.IntegerField(read_only=True, help_text=_("People on the waitlist"))
    registration_closes = serializers.SerializerMethodField(help_text=_("null without registration"))
    members_only = serializers.SerializerMethodField(help_text=_("Only trade-union members may register"))
    open = serializers.SerializerMethodField(help_text=_("Registration is open now"))
    picture = PictureUrlField()
    picture_alt = PictureAltField()

    class Meta:
        model = Event
        fields = [
            "id",
            "palace",
            "title",
            "kind",
            "centre",
            "venue",
            "online_url",
            "start",
            "end",
            "date",
            "speaker",
            "registration",
            "capacity",
            "enrolled",
            "waitlisted",
            "registration_closes",
            "members_only",
            "open",
            "picture",
            "picture_alt",
        ]
        read_only_fields = fields

    def get_capacity(self, event: Event) -> int | None:
        return event.offering.capacity if event.offering else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_registration_closes(self, event: Event):
        if event.offering is None:
            return None
        return serializers.DateTimeField().to_representation(event.offering.closes_at)

    def get_members_only(self, event: Event) -> bool:
        return bool(event.offering and event.offering.members_only)

    def get_open(self, event: Event) -> bool:
        return bool(event.offering and offering_is_open(event.offering, now=timezone.now()))


class EventDetailSerializer(EventSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True, allow_null=True, default=None)

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "venue_name",
            "programme",
            "series",
            "partner_kind",
            "partner_name",
            "description",
        ]
        read_only_fields = fields


class EventRegisteredSerializer(serializers.Serializer):
    """The answer to `POST /events/{id}/register/`: as for courses, with `event`."""

    id = serializers.IntegerField(help_text=_("The enrolment's id (GET /api/v1/enrolments/{id}/)"))
    event = serializers.IntegerField(help_text=_("Event id"))
    status = EnrolmentStatusField(help_text=_("enrolled (registered: a place is yours); waitlisted (full)"))


class _EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and first > last:
            self.add_error("to", _("The last date is before the first."))
        return cleaned


class EventFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=_("Palace"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    centre = django_filters.ChoiceFilter(choices=Centre.choices, label=_("Centre"))
    # `from` is a Python keyword: declared under another name and renamed below.
    from_date = DateFilter(
        field_name="local_date",
        lookup_expr="gte",
        label=_("From"),
        help_text=_("Events on or after this local date, YYYY-MM-DD (past ones too); default: not yet ended"),
    )
    to = DateFilter(
        field_name="local_date",
        lookup_expr="lte",
        label=_("To"),
        help_text=_("Events on or before this local date, YYYY-MM-DD"),
    )
    registration = StrictBooleanFilter(
        field_name="offering",
        lookup_expr="isnull",
        exclude=True,
        label=_("With registration"),
        help_text=_("true: only events people register for; false: only those without"),
    )

    class Meta:
        model = Event
        fields = ["palace", "kind", "centre", "to", "registration"]
        form = _EventFilterForm

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("from"):
            # Upcoming by default: not yet ended.
            queryset = queryset.filter(ends_at__gt=timezone.now())
        return super().filter_queryset(queryset)


EventFilter.base_filters = {
    ("from" if name == "from_date" else name): f for name, f in EventFilter.base_filters.items()
}


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description=(
            "Published events, soonest first; those not yet ended unless `from` is given. "
            "`registration=true`: only events people register for."
        ),
        responses={200: EventSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One event",
        description="The list item plus the programme, partner and description (past events too).",
        responses={200: EventDetailSerializer, 404: api_error("`not_found`: no such published event.")},
    ),
)
class EventViewSet(ListFiltersOnlyMixin, PageByIdsMixin, viewsets.ReadOnlyModelViewSet):
    """Events (public) and registering for those with registration (signed in)."""

    filterset_class = EventFilter
    queryset = Event.objects.none()

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "register" else [AllowAny()]

    def get_queryset(self) -> QuerySet[Event]:
        published = Event.objects.filter(state=Event.State.PUBLISHED)
        if self.action == "register":
            return published.select_related("offering")
        return events_with_counts(published).order_by("starts_at", "pk")

    def get_serializer_class(self):
        return EventDetailSerializer if self.action == "retrieve" else EventSerializer

    @extend_schema(
        summary="Register for an event",
        description=(
            "The signed-in caller registers, with the same status words as courses: `enrolled` "
            "(registered: a place is yours) or `waitlisted` (full). Events without registration "
            "answer 409 `no_registration`: just come."
        ),
        request=None,
        responses={
            201: EventRegisteredSerializer,
            401: SIGN_IN,
            404: api_error("`not_found`: no such published event."),
            409: api_error(f"A rule said no: `no_registration` (no sign-up needed), {SIGN_UP_REFUSALS}."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def register(self, request: Request, pk=None) -> Response:
        event = self.get_object()
        enrolment = event_register(user=request.user, event=event)
        body = {"id": enrolment.pk, "event": event.pk, "status": enrolment.status}
        return Response(EventRegisteredSerializer(body).data, status=status.HTTP_201_CREATED)
