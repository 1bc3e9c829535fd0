"""The shapes of worker voice over the API: wishes, surveys, responses and results, and the
error responses the schema names."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.api.responses import api_error
from activities.voice import services
from activities.voice.models import (
    TEXT_ANSWER_MAX,
    WISH_ANSWER_MAX,
    WISH_DESCRIPTION_MAX,
    WISH_TITLE_MAX,
    QuestionKind,
    Survey,
    SurveyChoice,
    SurveyQuestion,
    Wish,
)
from venues.kinds import Centre

_ID = {"min_value": 1, "max_value": 2**63 - 1}
# The statuses a palace may answer a wish with (named in the OpenAPI schema's enum overrides).
ANSWER_STATUSES = [(s.value, s.label) for s in services.ANSWER_STATUSES]


BAD_INPUT = api_error("`invalid`: bad input; `fields` says which.")
SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")
NO_SUCH_PAGE = api_error("`not_found`: the page is past the end of the list.")
NO_WISH = api_error("`not_found`: no such wish (or its palace is not listed).")
NO_SURVEY = api_error("`not_found`: no such survey, or not published.")


# --- Serializers ----------------------------------------------------------------------------------


class WishSerializer(serializers.ModelSerializer):
    """One wish as anyone sees it."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.SerializerMethodField(help_text=gettext_lazy("The author's name, masked (e.g. 王*)"))
    voted = serializers.SerializerMethodField(help_text=gettext_lazy("Whether the caller has voted"))
    course = serializers.SerializerMethodField(
        help_text=gettext_lazy("The course the wish became (status done), if linked")
    )
    # A wish need not name a centre: "" is a value, and the schema says so (the model field's
    # default mapping promised the centres only).
    centre = serializers.ChoiceField(
        choices=Centre.choices,
        allow_blank=True,
        read_only=True,
        help_text=gettext_lazy("Empty: no centre named"),
    )

    class Meta:
        model = Wish
        fields = [
            "id",
            "palace",
            "title",
            "description",
            "centre",
            "status",
            "vote_count",
            "voted",
            "author",
            "created_at",
            "answer",
            "answered_at",
            "course",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, wish: Wish) -> str | None:
        return wish.author.masked_name if wish.author_id else None

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_voted(self, wish: Wish) -> bool:
        return bool(getattr(wish, "voted", False))

    @extend_schema_field({"type": "integer", "nullable": True})
    def get_course(self, wish: Wish) -> int | None:
        return wish.course_id


class WishCreateSerializer(serializers.Serializer):
    palace = serializers.IntegerField(**_ID, help_text=gettext_lazy("A listed palace's id"))
    title = serializers.CharField(max_length=WISH_TITLE_MAX, help_text=gettext_lazy("A class or an activity"))
    description = serializers.CharField(max_length=WISH_DESCRIPTION_MAX, required=False, allow_blank=True)
    centre = serializers.ChoiceField(choices=[("", ""), *Centre.choices], required=False, allow_blank=True)


class WishAnswerSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ANSWER_STATUSES)
    answer = serializers.CharField(
        max_length=WISH_ANSWER_MAX,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Required for planned and declined; for done unless a course is linked"),
    )
    course = serializers.IntegerField(
        **_ID,
        required=False,
        allow_null=True,
        help_text=gettext_lazy("For done: a course of the same palace"),
    )


class SurveyChoiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyChoice
        fields = ["id", "text"]


class SurveyQuestionSerializer(serializers.ModelSerializer):
    choices = SurveyChoiceSerializer(many=True, read_only=True)

    class Meta:
        model = SurveyQuestion
        fields = ["id", "position", "kind", "text", "required", "choices"]


class SurveySerializer(serializers.ModelSerializer):
    """A survey in a list."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    is_open = serializers.SerializerMethodField(help_text=gettext_lazy("Taking answers today"))
    responded = serializers.SerializerMethodField(help_text=gettext_lazy("Whether the caller has answered"))

    class Meta:
        model = Survey
        fields = [
            "id",
            "palace",
            "title",
            "intro",
            "status",
            "opens_on",
            "closes_on",
            "is_open",
            "response_count",
            "responded",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_open(self, survey: Survey) -> bool:
        return survey.is_open

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_responded(self, survey: Survey) -> bool:
        return bool(getattr(survey, "responded", False))


class SurveyDetailSerializer(SurveySerializer):
    """A survey with its questions and their choices, in order."""

    questions = SurveyQuestionSerializer(many=True, read_only=True)

    class Meta(SurveySerializer.Meta):
        fields = [*SurveySerializer.Meta.fields, "questions"]
        read_only_fields = fields


class AnswerInSerializer(serializers.Serializer):
    question = serializers.IntegerField(**_ID)
    choices = serializers.ListField(
        child=serializers.IntegerField(**_ID),
        required=False,
        max_length=50,
        help_text=gettext_lazy("Chosen choice ids (one for single choice)"),
    )
    text = serializers.CharField(
        max_length=TEXT_ANSWER_MAX, required=False, allow_blank=True, help_text=gettext_lazy("For free text")
    )


class SurveyResponseCreateSerializer(serializers.Serializer):
    answers = AnswerInSerializer(many=True, help_text=gettext_lazy("One item per question answered"))

    def validate_answers(self, items):
        questions = [item["question"] for item in items]
        if len(questions) != len(set(questions)):
            raise serializers.ValidationError(_("Give each question once."))
        return items


class SurveyResponseCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survey = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class ChoiceResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="choice.id")
    text = serializers.CharField(source="choice.text")
    count = serializers.IntegerField()
    percent = serializers.FloatField(
        help_text=gettext_lazy("Share of those who answered the question, 0–100")
    )


class QuestionResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="question.id")
    number = serializers.IntegerField()
    kind = serializers.ChoiceField(source="question.kind", choices=QuestionKind.choices)
    text = serializers.CharField(source="question.text")
    answered = serializers.IntegerField(help_text=gettext_lazy("Respondents who answered this question"))
    choices = ChoiceResultSerializer(many=True)
    texts = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("Free-text answers, newest first, without names"),
    )


class SurveyResultsSerializer(serializers.Serializer):
    survey = serializers.IntegerField(source="survey.id")
    responses = serializers.IntegerField()
    questions = QuestionResultSerializer(many=True)
