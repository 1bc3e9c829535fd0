"""Shapes of the network endpoints (API.md, "Network and venues"). Output only: no writes here."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from palace_portal.api_fields import HourMinuteField, PictureAltField, PictureUrlField
from venues.models import Closure, OpeningHours, Palace, Region, SatellitePoint, Venue


class RegionRefSerializer(serializers.ModelSerializer):
    """A city or county-level unit: id, 6-digit division code, name."""

    class Meta:
        model = Region
        fields = ["id", "code", "name"]
        read_only_fields = fields


class OpeningHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, read_only=True, help_text=_("0 = Monday … 6 = Sunday")
    )
    opens = HourMinuteField(read_only=True, help_text=_("Local time, HH:MM"))
    closes = HourMinuteField(read_only=True, help_text=_("Local time, HH:MM"))

    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class PalaceSerializer(serializers.ModelSerializer):
    """A workers' cultural palace."""

    # Reads what `palace_list()` loads: region and its parent, opening hours, venue_count.

    city = RegionRefSerializer(read_only=True, help_text=_("The prefecture-level city"))
    county = RegionRefSerializer(
        read_only=True, allow_null=True, help_text=_("The county-level unit; null for a city-level palace")
    )
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    venue_count = serializers.IntegerField(read_only=True, help_text=_("Active venues"))
    picture = PictureUrlField()
    picture_alt = PictureAltField()

    class Meta:
        model = Palace
        fields = [
            "id",
            "name",
            "level",
            "status",
            "city",
            "county",
            "address",
            "phone",
            "opening_hours",
            "alliance_member",
            "venue_count",
            "picture",
            "picture_alt",
        ]
        read_only_fields = fields


class SatellitePointSerializer(serializers.ModelSerializer):
    class Meta:
        model = SatellitePoint
        fields = ["id", "kind", "name", "address"]
        read_only_fields = fields


class ClosureSerializer(serializers.ModelSerializer):
    venue = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("The closed venue; null: the whole palace")
    )

    class Meta:
        model = Closure
        fields = ["start_date", "end_date", "venue", "reason"]
        read_only_fields = fields


class PalaceDetailSerializer(PalaceSerializer):
    """A palace with its description, building facts, satellite points and closures."""

    satellite_points = SatellitePointSerializer(many=True, read_only=True)
    closures = ClosureSerializer(
        many=True, read_only=True, source="upcoming_closures", help_text=_("Current and future closures")
    )

    class Meta(PalaceSerializer.Meta):
        fields = [
            *PalaceSerializer.Meta.fields,
            "description",
            "directions",
            "floor_area",
            "floors",
            "year_built",
            "satellite_points",
            "closures",
        ]
        read_only_fields = fields


class VenueSerializer(serializers.ModelSerializer):
    """A venue of one of the four centres."""

    # `is_open` asks the view (context["is_open"]), which knows the time and has the palaces'
    # hours and today's closures prefetched for the whole page.

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    is_open = serializers.SerializerMethodField(
        help_text=_("The venue is active and its palace is open right now")
    )
    picture = PictureUrlField()
    picture_alt = PictureAltField()

    class Meta:
        model = Venue
        fields = [
            "id",
            "palace",
            "name",
            "centre",
            "kind",
            "booking_mode",
            "capacity",
            "fee",
            "member_only",
            "is_open",
            "picture",
            "picture_alt",
        ]
        read_only_fields = fields

    def get_is_open(self, venue: Venue) -> bool:
        return self.context["is_open"](venue)


# The coverage rate is a number (a ratio, 4 decimals), not DRF's default decimal string.
def _rate_field(**kwargs):
    return serializers.DecimalField(
        max_digits=5,
        decimal_places=4,
        coerce_to_string=False,
        min_value=0,
        max_value=1,
        **kwargs,
    )


class _NetworkFiguresSerializer(serializers.Serializer):
    palaces_in_service = serializers.IntegerField(help_text=_("City- and county-level palaces in service"))
    county_level_in_service = serializers.IntegerField(help_text=_("Of which county-level"))
    coverage_rate = _rate_field(
        help_text=_("Units (cities and county-level units) with a palace in service ÷ all units, 0–1")
    )
    projects_under_way = serializers.IntegerField(
        help_text=_("New, rebuilt or extended palaces under construction or being equipped")
    )
    units = serializers.IntegerField(help_text=_("Cities and county-level units"))
    units_covered = serializers.IntegerField(help_text=_("Units with at least one palace in service"))


class CityFiguresSerializer(_NetworkFiguresSerializer):
    city = RegionRefSerializer()


class NetworkSummarySerializer(_NetworkFiguresSerializer):
    by_city = CityFiguresSerializer(many=True, help_text=_("The same figures per prefecture-level city"))
