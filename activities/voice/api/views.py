"""Worker voice endpoints: wishes with votes and the palace's answers, demand surveys with their
responses and results. Included under `/api/v1/` by `activities.api.voice_urls`.

Who sees what:
- Wishes of listed palaces are public (`GET` needs no sign-in; authors are masked). Proposing,
  voting and withdrawing need a sign-in; answering needs staff of the wish's palace, and any other
  caller gets 404 (as for a wish that does not exist).
- Published surveys of listed palaces are public to read; members answer them once. Results are
  for those who may see the palace's staff-side data (`access.palaces_visible_to`): 404 otherwise.

Views only translate: rules live in `activities.voice_services`, reads in `voice_selectors`.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.classes.models import Course
from activities.voice import selectors, services
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
    WishStatus,
)
from palace_portal.api import ErrorSerializer
from palace_portal.errors import InvalidInput, NotFound
from venues import access
from venues.filters import IdFilter, StrictBooleanFilter
from venues.kinds import Centre
from venues.models import Palace

_ID = {"min_value": 1, "max_value": 2**63 - 1}
# The statuses a palace may answer a wish with (named in the OpenAPI schema's enum overrides).
ANSWER_STATUSES = [(s.value, s.label) for s in services.ANSWER_STATUSES]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


_BAD_INPUT = _error("`invalid`: bad input; `fields` says which.")
_SIGN_IN = _error("`not_authenticated`: sign in (a token or a session).")
_NO_SUCH_PAGE = _error("`not_found`: the page is past the end of the list.")
_NO_WISH = _error("`not_found`: no such wish (or its palace is not listed).")
_NO_SURVEY = _error("`not_found`: no such survey, or not published.")


# --- Serializers ----------------------------------------------------------------------------------


class WishSerializer(serializers.ModelSerializer):
    """One wish as anyone sees it."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    author = serializers.SerializerMethodField(help_text=gettext_lazy("The author's name, masked (e.g. 王*)"))
    voted = serializers.SerializerMethodField(help_text=gettext_lazy("Whether the caller has voted"))
    course = serializers.SerializerMethodField(
        help_text=gettext_lazy("The course the wish became (status done), if linked")
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


# --- Filters --------------------------------------------------------------------------------------


class WishFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=gettext_lazy("Palace"))
    status = django_filters.ChoiceFilter(choices=WishStatus.choices, label=gettext_lazy("Status"))
    centre = django_filters.ChoiceFilter(choices=Centre.choices, label=gettext_lazy("Centre"))
    mine = StrictBooleanFilter(
        method="filter_mine",
        label=gettext_lazy("Only mine"),
        help_text=gettext_lazy("true: the caller's wishes"),
    )
    ordering = django_filters.ChoiceFilter(
        choices=[("votes", gettext_lazy("Most votes first")), ("new", gettext_lazy("Newest first"))],
        method="filter_ordering",
        label=gettext_lazy("Order"),
        help_text=gettext_lazy("votes (the default): most votes first; new: newest first"),
    )

    class Meta:
        model = Wish
        fields = ["palace", "status", "centre"]

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)

    def filter_mine(self, qs, name, value: bool):
        if value is None:
            return qs
        user = self.request.user
        if not user.is_authenticated:
            return qs.none() if value else qs
        return qs.filter(author=user) if value else qs.exclude(author=user)

    def filter_ordering(self, qs, name, value: str):
        return qs.order_by(*selectors.WISH_ORDERS.get(value, selectors.WISH_ORDERS["votes"]))


class SurveyFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=gettext_lazy("Palace"))

    class Meta:
        model = Survey
        fields = ["palace"]

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)


# --- Wishes ---------------------------------------------------------------------------------------


class WishViewSet(viewsets.GenericViewSet):
    """Wishes workers propose to a palace, their votes, and the palace's answers."""

    queryset = Wish.objects.none()  # for the schema's model; the real one is below
    serializer_class = WishSerializer
    filterset_class = WishFilter
    # Any id reaches the view, so that `/wishes/abc/` is a JSON 404 too.
    lookup_value_regex = "[^/]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Wish]:
        if getattr(self, "swagger_fake_view", False):
            return Wish.objects.none()
        user = self.request.user
        # Answering starts from the palaces the caller manages: anyone else's wish is a 404.
        palaces = access.palaces_managed_by(user) if self.action == "answer" else selectors.public_palaces()
        return selectors.wish_list(palaces=palaces, user=user)

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a wish is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="List wishes",
        description=(
            "Wishes of the listed palaces, most votes first (ties: newest first) unless "
            "`ordering=new`. Filters `palace`, `status`, `centre`, `mine`. No sign-in needed; "
            "`voted` is the caller's own vote."
        ),
        responses={200: WishSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(WishSerializer(page, many=True).data)

    @extend_schema(summary="One wish", responses={200: WishSerializer, 404: _NO_WISH})
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(WishSerializer(self.get_object()).data)

    @extend_schema(
        summary="Propose a wish",
        description=(
            "A class or activity the caller would like a listed palace to offer. The caller's own "
            "vote is counted at once. Limited per person (by default 5 a day): 429 beyond."
        ),
        request=WishCreateSerializer,
        responses={
            201: WishSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _error("`not_found`: no such palace, or not listed."),
            429: _error("`rate_limited`: too many wishes recently."),
        },
        examples=[
            OpenApiExample(
                "A class",
                value={
                    "palace": 3,
                    "title": "工作日晚上的瑜伽课",
                    "description": "下班后七点",
                    "centre": "health",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        incoming = WishCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        palace = Palace.objects.filter(pk=data.pop("palace")).first()
        if palace is None:
            raise NotFound()
        wish = services.wish_create(actor=request.user, palace=palace, **data)
        wish.voted = True
        return Response(WishSerializer(wish).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Vote for a wish, or withdraw the vote",
        description=(
            "`POST` adds the caller's vote, `DELETE` withdraws it (also the author's own). Both are "
            "idempotent: a second vote is not counted twice. Answers the wish with its count."
        ),
        request=None,
        responses={
            200: WishSerializer,
            401: _SIGN_IN,
            404: _NO_WISH,
            409: _error("`wish_closed`: the wish is done or declined; its votes are closed."),
        },
    )
    @action(detail=True, methods=["post", "delete"])
    def vote(self, request: Request, pk=None) -> Response:
        wish = self.get_object()
        if request.method == "DELETE":
            wish = services.wish_unvote(actor=request.user, wish=wish)
            wish.voted = False
        else:
            wish = services.wish_vote(actor=request.user, wish=wish)
            wish.voted = True
        return Response(WishSerializer(wish).data)

    @extend_schema(
        summary="Answer a wish (staff)",
        description=(
            "Staff of the wish's palace answer: `planned` (say what and when), `done` (link the "
            "`course` it became, or say where it is), `declined` (the reason, required). May be "
            "given again. Anyone else: 404."
        ),
        request=WishAnswerSerializer,
        responses={200: WishSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_WISH},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk=None) -> Response:
        wish = self.get_object()
        incoming = WishAnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        course = None
        if data.get("course") is not None:
            course = _course(wish, data["course"])
        wish = services.wish_answer(
            actor=request.user, wish=wish, status=data["status"], answer=data.get("answer", ""), course=course
        )
        return Response(WishSerializer(selectors.wish_for_public(wish.pk, request.user)).data)


def _course(wish: Wish, course_id: int):
    """The course to link, found among the wish's palace's courses (bad input otherwise)."""
    course = Course.objects.filter(palace_id=wish.palace_id, pk=course_id).first()
    if course is None:
        raise InvalidInput(fields={"course": [_("No such course at this palace.")]})
    return course


# --- Surveys --------------------------------------------------------------------------------------


class SurveyViewSet(viewsets.GenericViewSet):
    """Demand surveys palaces put to their members."""

    queryset = Survey.objects.none()  # for the schema's model; the real one is below
    serializer_class = SurveySerializer
    filterset_class = SurveyFilter
    lookup_value_regex = "[^/]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Survey]:
        if getattr(self, "swagger_fake_view", False):
            return Survey.objects.none()
        user = self.request.user
        if self.action == "list":
            return selectors.surveys_open(palaces=selectors.public_palaces(), user=user)
        if self.action == "results":
            return Survey.objects.filter(palace__in=access.palaces_visible_to(user)).select_related("palace")
        queryset = (
            Survey.objects.published().filter(palace__in=selectors.public_palaces()).select_related("palace")
        )
        if self.action == "retrieve":
            queryset = queryset.prefetch_related(selectors.questions_prefetch())
        return selectors.with_responded(queryset, user)

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="List surveys taking answers",
        description=(
            "Published surveys of the listed palaces that take answers today, those closing "
            "soonest first. Filter `palace`. `responded` is whether the caller answered."
        ),
        responses={200: SurveySerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SurveySerializer(page, many=True).data)

    @extend_schema(
        summary="One survey with its questions",
        description="A published (or closed) survey, with its questions and choices in order.",
        responses={200: SurveyDetailSerializer, 404: _NO_SURVEY},
    )
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(SurveyDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="Answer a survey",
        description=(
            "Trade-union members answer once, while the survey is open. One item per question: "
            "`choices` (one id for single choice, any for multiple choice) or `text`. Every "
            "required question needs an answer; choices must be the question's own. Problems come "
            "back in `fields`, keyed `q<question id>`. Answers are counted without names."
        ),
        request=SurveyResponseCreateSerializer,
        responses={
            201: SurveyResponseCreatedSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _NO_SURVEY,
            409: _error(
                "`survey_not_open` (closed, or not yet or no longer open), `members_only` (add a "
                "membership number first), `already_responded`."
            ),
        },
        examples=[
            OpenApiExample(
                "Answers",
                value={
                    "answers": [{"question": 7, "choices": [21]}, {"question": 8, "text": "希望周末开课"}]
                },
                request_only=True,
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def responses(self, request: Request, pk=None) -> Response:
        survey = self.get_object()
        incoming = SurveyResponseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        answers = {}
        for item in incoming.validated_data["answers"]:
            answers[item["question"]] = (
                item["text"] if "text" in item and not item.get("choices") else item.get("choices", [])
            )
        response = services.survey_respond(actor=request.user, survey=survey, answers=answers)
        body = {"id": response.pk, "survey": survey.pk, "created_at": response.created_at}
        return Response(SurveyResponseCreatedSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Results of a survey (staff)",
        description=(
            "Counts and shares per choice (of those who answered the question), and the free-text "
            "answers without names, for staff of the palace and officers who may see it. Others: 404."
        ),
        responses={200: SurveyResultsSerializer, 401: _SIGN_IN, 404: _NO_SURVEY},
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk=None) -> Response:
        survey = self.get_object()
        return Response(SurveyResultsSerializer(selectors.survey_results(survey, text_limit=None)).data)
