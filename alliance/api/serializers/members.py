"""The roster of members and its growth."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from palace_portal.months import MAX_YEAR, MIN_YEAR
from venues.models import Palace

from ...models import Membership
from .common import AllianceRegionRefSerializer


class AllianceMemberSerializer(serializers.ModelSerializer):
    """A member palace on the roster of a date (public: no reasons for leaving here)."""

    palace = serializers.IntegerField(source="palace_id", read_only=True, help_text=_("Palace id"))
    name = serializers.CharField(source="palace.name", read_only=True)
    city = AllianceRegionRefSerializer(
        source="palace.city", read_only=True, help_text=_("The prefecture-level city")
    )
    level = serializers.ChoiceField(source="palace.level", choices=Palace.Level.choices, read_only=True)
    founding = serializers.BooleanField(read_only=True, help_text=_("A founding member (end of 2022)"))

    class Meta:
        model = Membership
        fields = ["palace", "name", "city", "level", "joined_on", "founding"]
        read_only_fields = fields


class GrowthPointSerializer(serializers.Serializer):
    date = serializers.DateField(read_only=True, help_text=_("A month's or a year's last day (or today)"))
    members = serializers.IntegerField(read_only=True, help_text=_("Members on that day"))


class AllianceGrowthSerializer(serializers.Serializer):
    """Members over time: at each month's end of `year`, or at each year's end since the first."""

    year = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The year asked for, or null")
    )
    points = GrowthPointSerializer(many=True, read_only=True)


class GrowthQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)
