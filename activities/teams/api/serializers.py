"""Shapes of the team endpoints: public information, members' names masked for non-staff."""

from __future__ import annotations

from rest_framework import serializers

from palace_portal.users.models import mask_name

from ..models import JoinRequest, Team


class TeamSerializer(serializers.ModelSerializer):
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "palace", "palace_name", "name", "kind", "field", "description", "meets",
                  "accepts_requests", "member_count"]  # fmt: skip
        read_only_fields = fields


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="Masked (张*) unless the caller is staff of the palace.")
    role = serializers.CharField()
    joined_on = serializers.DateField()


class TeamDetailSerializer(TeamSerializer):
    members = serializers.SerializerMethodField()

    class Meta(TeamSerializer.Meta):
        fields = [*TeamSerializer.Meta.fields, "members"]
        read_only_fields = fields

    def get_members(self, team: Team) -> list[dict]:
        unmasked = self.context.get("unmasked", False)
        return MemberSerializer(
            [
                {
                    "name": m.user.real_name if unmasked else mask_name(m.user.real_name),
                    "role": m.role,
                    "joined_on": m.joined_on,
                }
                for m in self.context["members"]
            ],
            many=True,
        ).data


class TeamJoinInputSerializer(serializers.Serializer):
    message = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class JoinRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = JoinRequest
        fields = ["id", "team", "status", "message", "answer", "created_at", "decided_at"]
        read_only_fields = fields
