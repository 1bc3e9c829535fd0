"""Council rotations, campaigns with their totals, and campaign tags."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ...models import Campaign, CampaignTag, RotationTerm
from .common import ID, AlliancePalaceRefSerializer


class RotationSerializer(serializers.ModelSerializer):
    """A council rotation term (轮值理事单位) with its lead units."""

    leads = AlliancePalaceRefSerializer(many=True, read_only=True)
    current = serializers.SerializerMethodField(help_text=_("The term leading today"))
    next = serializers.SerializerMethodField(
        help_text=_("The term after the current one (or the next to start)")
    )

    class Meta:
        model = RotationTerm
        fields = ["id", "name", "starts_on", "ends_on", "leads", "duties", "current", "next"]
        read_only_fields = fields

    def get_current(self, rotation: RotationTerm) -> bool:
        return rotation.pk == self.context.get("current_id")

    def get_next(self, rotation: RotationTerm) -> bool:
        return rotation.pk == self.context.get("next_id")


class CampaignSerializer(serializers.ModelSerializer):
    """A themed province-wide series."""

    organiser = AlliancePalaceRefSerializer(read_only=True, help_text=_("The organising council unit"))
    rotation = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("The rotation term, if any")
    )
    participant_count = serializers.IntegerField(read_only=True, help_text=_("Palaces taking part"))

    class Meta:
        model = Campaign
        fields = [
            "id",
            "title",
            "description",
            "starts_on",
            "ends_on",
            "organiser",
            "rotation",
            "participant_count",
        ]
        read_only_fields = fields


class CampaignTotalsSerializer(serializers.Serializer):
    activities = serializers.IntegerField(
        read_only=True,
        help_text=_("Tagged logged activities, plus sessions of tagged courses and events held"),
    )
    person_times = serializers.IntegerField(read_only=True)
    online_viewers = serializers.IntegerField(read_only=True)
    courses = serializers.IntegerField(read_only=True, help_text=_("Courses tagged"))
    events = serializers.IntegerField(read_only=True, help_text=_("Events tagged"))


class CampaignDetailSerializer(CampaignSerializer):
    """The campaign with the palaces taking part and its totals from the tagged rows."""

    participants = AlliancePalaceRefSerializer(many=True, read_only=True)
    totals = CampaignTotalsSerializer(read_only=True)

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "participants", "totals"]
        read_only_fields = fields


class CampaignTagSerializer(serializers.ModelSerializer):
    """One activity, course or event counted towards a campaign (exactly one of the three is set)."""

    campaign = serializers.PrimaryKeyRelatedField(read_only=True)
    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    activity = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    course = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    event = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    title = serializers.SerializerMethodField(help_text=_("The tagged row's title"))

    class Meta:
        model = CampaignTag
        fields = ["id", "campaign", "palace", "activity", "course", "event", "title", "tagged_at"]
        read_only_fields = fields

    def get_title(self, tag: CampaignTag) -> str:
        row = tag.activity or tag.course or tag.event
        return row.title if row is not None else ""


class CampaignTagCreateSerializer(serializers.Serializer):
    """Exactly one of `activity`, `course`, `event`: the id of a row of your palace."""

    activity = serializers.IntegerField(required=False, **ID, help_text=_("A logged activity's id"))
    course = serializers.IntegerField(required=False, **ID, help_text=_("A course's id"))
    event = serializers.IntegerField(required=False, **ID, help_text=_("An event's id"))

    def validate(self, attrs):
        if len(attrs) != 1:
            raise serializers.ValidationError(_("Give exactly one of activity, course and event."))
        return attrs
