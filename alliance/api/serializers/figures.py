"""The public calendar of provincial events and the province's alliance figures."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.models import ActivityKind
from palace_portal.months import MAX_YEAR, MIN_YEAR, MONTH_PATTERN
from venues.models import Palace

from ...models import HostingApplication
from .common import AllianceRegionRefSerializer, VenueRefSerializer


class CalendarHostSerializer(serializers.ModelSerializer):
    city = AllianceRegionRefSerializer(read_only=True)

    class Meta:
        model = Palace
        fields = ["id", "name", "city"]
        read_only_fields = fields


class CalendarEventSerializer(serializers.ModelSerializer):
    """An approved provincial event (public)."""

    title = serializers.CharField(source="event_title", read_only=True)
    date = serializers.DateField(source="event_date", read_only=True)
    kind = serializers.ChoiceField(source="call.event_kind", choices=ActivityKind.choices, read_only=True)
    call = serializers.PrimaryKeyRelatedField(read_only=True)
    host = CalendarHostSerializer(source="palace", read_only=True)
    venue = VenueRefSerializer(read_only=True)

    class Meta:
        model = HostingApplication
        fields = ["id", "title", "date", "kind", "call", "host", "venue", "capacity"]
        read_only_fields = fields


class SummaryQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)


class CitySummarySerializer(serializers.Serializer):
    city = AllianceRegionRefSerializer(read_only=True)
    members = serializers.IntegerField(read_only=True)
    activities = serializers.IntegerField(read_only=True)
    person_times = serializers.IntegerField(read_only=True)


class MonthSummarySerializer(serializers.Serializer):
    month = serializers.RegexField(MONTH_PATTERN, read_only=True, help_text=_("YYYY-MM"))
    activities = serializers.IntegerField(read_only=True)
    person_times = serializers.IntegerField(read_only=True)
    online_viewers = serializers.IntegerField(read_only=True)


class AllianceSummarySerializer(serializers.Serializer):
    """API.md's keys, exactly."""

    members = serializers.IntegerField(
        read_only=True, help_text=_("Members at the year's end (today, this year)")
    )
    activities = serializers.IntegerField(read_only=True, help_text=_("Logged activities of every palace"))
    person_times = serializers.IntegerField(read_only=True)
    online_viewers = serializers.IntegerField(read_only=True)
    events_hosted = serializers.IntegerField(read_only=True, help_text=_("Approved provincial events held"))
    by_city = CitySummarySerializer(many=True, read_only=True)
    by_month = MonthSummarySerializer(many=True, read_only=True)
