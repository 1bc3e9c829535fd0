"""Shapes of the activity ledger endpoints (API.md, "Staff": `/activities/`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.ledger.models import Activity, ActivityKind, PartnerKind
from activities.series.models import Series
from venues.kinds import Centre
from venues.models import SatellitePoint, Venue


class ActivitySerializer(serializers.ModelSerializer):
    """One logged activity."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    venue = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    satellite_point = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    series = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    date = serializers.DateField(read_only=True, help_text=_("Local start date"))

    class Meta:
        model = Activity
        fields = [
            "id",
            "palace",
            "title",
            "kind",
            "centre",
            "venue",
            "satellite_point",
            "off_site",
            "date",
            "end_date",
            "participants",
            "online_viewers",
            "likes",
            "partner_kind",
            "partner_name",
            "programme",
            "series",
            "created_at",
        ]
        read_only_fields = fields


class ActivityCreateSerializer(serializers.Serializer):
    """What staff send to log an activity. The service checks the rules (palace, places, partner)."""

    palace = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("Palace id"))
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    centre = serializers.ChoiceField(choices=Centre.choices)
    date = serializers.DateField(help_text=_("Local start date"))
    end_date = serializers.DateField(required=False, allow_null=True, help_text=_("Last day, if several"))
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(), required=False, allow_null=True, help_text=_("A venue of the palace")
    )
    satellite_point = serializers.PrimaryKeyRelatedField(
        queryset=SatellitePoint.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("A satellite point of the palace"),
    )
    off_site = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("A place away from the palace")
    )
    participants = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, help_text=_("Person-times")
    )
    online_viewers = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    likes = serializers.IntegerField(min_value=0, max_value=2**31 - 1, required=False)
    partner_kind = serializers.ChoiceField(choices=PartnerKind.choices, required=False)
    partner_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text=_("Required unless partner_kind is none")
    )
    programme = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("e.g. a seasonal series")
    )
    series = serializers.PrimaryKeyRelatedField(
        queryset=Series.objects.all(), required=False, allow_null=True, help_text=_("A series of the palace")
    )
