"""Demand surveys over the API (`/surveys/`): published ones are public to read, members answer
them once, results are for those who may see the palace's staff-side data (404 otherwise)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.api.responses import api_error
from activities.voice import selectors, services
from activities.voice.models import (
    Survey,
)
from venues.api.access import PalaceScopedApiMixin
from venues.filters import IdFilter

from .serializers import (
    BAD_INPUT,
    NO_SUCH_PAGE,
    NO_SURVEY,
    SIGN_IN,
    SurveyDetailSerializer,
    SurveyResponseCreatedSerializer,
    SurveyResponseCreateSerializer,
    SurveyResultsSerializer,
    SurveySerializer,
)


class SurveyFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=gettext_lazy("Palace"))

    class Meta:
        model = Survey
        fields = ["palace"]

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)


# --- Surveys --------------------------------------------------------------------------------------


class SurveyViewSet(PalaceScopedApiMixin, viewsets.GenericViewSet):
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
            return self.scope_queryset(Survey.objects.all(), "view").select_related("palace")
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
        responses={200: SurveySerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(SurveySerializer(page, many=True).data)

    @extend_schema(
        summary="One survey with its questions",
        description="A published (or closed) survey, with its questions and choices in order.",
        responses={200: SurveyDetailSerializer, 404: NO_SURVEY},
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
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NO_SURVEY,
            409: api_error(
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
        responses={200: SurveyResultsSerializer, 401: SIGN_IN, 404: NO_SURVEY},
    )
    @action(detail=True, methods=["get"])
    def results(self, request: Request, pk=None) -> Response:
        survey = self.get_object()
        return Response(SurveyResultsSerializer(selectors.survey_results(survey, text_limit=None)).data)
