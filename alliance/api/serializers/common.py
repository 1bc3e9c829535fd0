"""What the alliance's shapes share: id and money field options, and the small references to a
palace, a region and a venue (the alliance's own: no app imports another app's serializers)."""

from __future__ import annotations

from rest_framework import serializers

from venues.models import Palace, Region, Venue

ID = {"min_value": 1, "max_value": 2**63 - 1}
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": 0, "coerce_to_string": True}


class AlliancePalaceRefSerializer(serializers.ModelSerializer):
    """A palace by its id and name."""

    class Meta:
        model = Palace
        fields = ["id", "name"]
        read_only_fields = fields


class AllianceRegionRefSerializer(serializers.ModelSerializer):
    """A city or county-level unit: id, 6-digit division code, name."""

    class Meta:
        model = Region
        fields = ["id", "code", "name"]
        read_only_fields = fields


class VenueRefSerializer(serializers.ModelSerializer):
    """A venue by its id and name."""

    class Meta:
        model = Venue
        fields = ["id", "name"]
        read_only_fields = fields
