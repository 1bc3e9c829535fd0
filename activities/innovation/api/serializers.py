"""The shapes of innovation over the API: mentors and the problem clinic."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.api.responses import api_error
from activities.innovation.models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    NOTE_MAX,
    TITLE_MAX,
    GuidanceForm,
    InnovationField,
    Mentor,
    PosterKind,
    Problem,
    ProblemStatus,
)

_ID = {"min_value": 1, "max_value": 2**63 - 1}

BAD_INPUT = api_error("`invalid`: bad input; `fields` says which.")
SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")
NO_SUCH_PAGE = api_error("`not_found`: the page is past the end of the list.")
NOT_LISTED = api_error("`not_found`: no such palace, or not listed.")
NO_MENTOR = api_error("`not_found`: no such mentor (or not active, or its palace is not listed).")
NO_PROBLEM = api_error("`not_found`: no such problem, or the caller may not see or act on it.")
REFUSED_MOVE = api_error(
    "`problem_taken`: another mentor took it first; `problem_closed`: it has ended; "
    "`problem_not_taken`: nobody has taken it yet; `mentor_unavailable`: the mentor is not taking problems."
)


class MentorSerializer(serializers.ModelSerializer):
    """A mentor as the palace publishes it (no account, no phone)."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    studio = serializers.SerializerMethodField(help_text=gettext_lazy("The studio's name, if any"))

    class Meta:
        model = Mentor
        fields = [
            "id",
            "palace",
            "palace_name",
            "name",
            "title",
            "field",
            "specialty",
            "studio",
            "available",
            "availability",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True})
    def get_studio(self, mentor: Mentor) -> str | None:
        return mentor.studio.name if mentor.studio_id else None


class GuidanceSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    form = serializers.ChoiceField(choices=GuidanceForm.choices)
    note = serializers.CharField()


class ProblemSerializer(serializers.ModelSerializer):
    """A problem. Those the caller may see in full carry every field (`full: true`); a solved
    problem its poster let show carries its title, field and dates only (the rest null)."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    full = serializers.SerializerMethodField(help_text=gettext_lazy("false: a public summary only"))
    mine = serializers.SerializerMethodField(help_text=gettext_lazy("Whether the caller posted it"))
    description = serializers.SerializerMethodField()
    enterprise = serializers.SerializerMethodField()
    poster_kind = serializers.SerializerMethodField()
    mentor = serializers.SerializerMethodField(help_text=gettext_lazy("The mentor's id"))
    mentor_name = serializers.SerializerMethodField()
    taken_at = serializers.SerializerMethodField()
    outcome = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "palace",
            "title",
            "field",
            "status",
            "posted_on",
            "closed_on",
            "full",
            "mine",
            "public",
            "poster_kind",
            "enterprise",
            "description",
            "mentor",
            "mentor_name",
            "taken_at",
            "outcome",
            "sessions",
        ]
        read_only_fields = fields

    def _full(self, problem: Problem) -> bool:
        return problem.pk in self.context.get("full_ids", ())

    def _if_full(self, problem: Problem, value):
        return value if self._full(problem) else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_full(self, problem: Problem) -> bool:
        return self._full(problem)

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_mine(self, problem: Problem) -> bool:
        user = self.context.get("user")
        return bool(user and user.is_authenticated and problem.poster_id == user.pk)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_description(self, problem: Problem) -> str | None:
        return self._if_full(problem, problem.description)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_enterprise(self, problem: Problem) -> str | None:
        return self._if_full(problem, problem.enterprise)

    @extend_schema_field({"type": "string", "nullable": True, "enum": [*PosterKind.values, None]})
    def get_poster_kind(self, problem: Problem) -> str | None:
        return self._if_full(problem, problem.poster_kind)

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_mentor(self, problem: Problem) -> int | None:
        return self._if_full(problem, problem.mentor_id)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_mentor_name(self, problem: Problem) -> str | None:
        return self._if_full(problem, problem.mentor.name if problem.mentor_id else None)

    @extend_schema_field({"type": "string", "format": "date-time", "nullable": True})
    def get_taken_at(self, problem: Problem):
        return self._if_full(problem, problem.taken_at.isoformat() if problem.taken_at else None)

    @extend_schema_field({"type": "string", "nullable": True})
    def get_outcome(self, problem: Problem) -> str | None:
        return self._if_full(problem, problem.outcome)

    @extend_schema_field(GuidanceSessionSerializer(many=True, allow_null=True))
    def get_sessions(self, problem: Problem):
        if not self._full(problem) or not self.context.get("with_sessions"):
            return None
        return GuidanceSessionSerializer(problem.sessions.all(), many=True).data


class ProblemCreateSerializer(serializers.Serializer):
    palace = serializers.IntegerField(**_ID, help_text=gettext_lazy("A listed palace's id"))
    title = serializers.CharField(max_length=TITLE_MAX)
    field = serializers.ChoiceField(choices=InnovationField.choices)
    description = serializers.CharField(max_length=DESCRIPTION_MAX)
    poster_kind = serializers.ChoiceField(
        choices=PosterKind.choices, required=False, default=PosterKind.WORKER
    )
    enterprise = serializers.CharField(
        max_length=NAME_MAX,
        required=False,
        allow_blank=True,
        default="",
        help_text=gettext_lazy("Required when posting for an enterprise"),
    )
    public = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("Once solved, show the title and field to everyone"),
    )


class ProblemTakeSerializer(serializers.Serializer):
    mentor = serializers.IntegerField(
        **_ID,
        required=False,
        help_text=gettext_lazy("Staff: the mentor who takes it. A mentor leaves it out (themselves)."),
    )


class GuidanceCreateSerializer(serializers.Serializer):
    date = serializers.DateField(help_text=gettext_lazy("From the day it was posted to today"))
    form = serializers.ChoiceField(choices=GuidanceForm.choices)
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class ProblemCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(
        max_length=NOTE_MAX, help_text=gettext_lazy("A short note on the outcome")
    )


STATUS_CHOICES = ProblemStatus.choices
