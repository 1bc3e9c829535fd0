"""Hosting applications: withdrawing, reviews, decisions and the grant of a host's subsidy."""

from __future__ import annotations

from django.db.models import Avg, Count, QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ... import access, services
from ...models import HostingApplication, Subsidy
from ..filters import ApplicationFilter
from ..serializers import (
    ApplicationDecisionSerializer,
    ApplicationReviewSerializer,
    HostingApplicationSerializer,
    ReviewCreateSerializer,
    SubsidyGrantSerializer,
    SubsidySerializer,
)
from .common import (
    BAD_INPUT,
    NO_SUCH_PAGE,
    NOT_YOURS,
    PROVINCIAL,
    SIGN_IN,
    ListFiltersOnly,
    error_response,
    provincial_only,
)


def _visible_applications(user) -> QuerySet[HostingApplication]:
    """The applications `user` reads (`alliance.access`: a city officer their city's palaces',
    as on the workspace's pages), with their review count and average."""
    return (
        access.applications_visible_to(user)
        .select_related("call", "palace", "venue", "subsidy")
        .annotate(review_count=Count("reviews"), average=Avg("reviews__total"))
    )


def application_response(request: Request, application: HostingApplication, code: int = 200) -> Response:
    fresh = _visible_applications(request.user).get(pk=application.pk)
    context = {"reviewer_view": access.may_see_review_scores(request.user)}
    return Response(HostingApplicationSerializer(fresh, context=context).data, status=code)


@extend_schema_view(
    list=extend_schema(
        summary="Hosting applications",
        description=(
            "Applications of the palaces you may read (palace staff: their own; a city officer: "
            "the city's; provincial staff: all), latest first. `review_count` and `average_score` "
            "are null unless you are a provincial or city officer."
        ),
        responses={200: HostingApplicationSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One hosting application",
        responses={200: HostingApplicationSerializer, 401: SIGN_IN, 404: NOT_YOURS},
    ),
)
class ApplicationViewSet(ListFiltersOnly, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = HostingApplicationSerializer
    filterset_class = ApplicationFilter
    queryset = HostingApplication.objects.none()

    def get_queryset(self) -> QuerySet[HostingApplication]:
        if getattr(self, "swagger_fake_view", False):
            return HostingApplication.objects.none()
        return _visible_applications(self.request.user).order_by("-submitted_at", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["reviewer_view"] = access.may_see_review_scores(self.request.user)
        return context

    @extend_schema(
        summary="Withdraw an application",
        description="Staff of the palace, before the deadline; reviews given are dropped. Others: 404.",
        request=None,
        responses={
            200: HostingApplicationSerializer,
            401: SIGN_IN,
            404: NOT_YOURS,
            409: error_response("`not_withdrawable` (not submitted), `deadline_passed`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def withdraw(self, request: Request, pk=None) -> Response:
        application = services.application_withdraw(actor=request.user, application=self.get_object())
        return application_response(request, application)

    @extend_schema(
        summary="Review an application",
        description=(
            "Provincial staff score a submitted application against the call's criteria, after "
            "the deadline: one score per criterion, in order, from 0 to its maximum. A second "
            "review by the same reviewer replaces the first. Others: 404."
        ),
        request=ReviewCreateSerializer,
        responses={
            201: ApplicationReviewSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: PROVINCIAL,
            409: error_response("`not_under_review` (not submitted), `deadline_not_passed`."),
        },
        examples=[
            OpenApiExample("Scores", value={"scores": [32, 25.5], "comment": "方案完整"}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def reviews(self, request: Request, pk=None) -> Response:
        provincial_only(request.user)
        application = self.get_object()
        incoming = ReviewCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.application_review(
            actor=request.user,
            application=application,
            scores=incoming.validated_data["scores"],
            comment=incoming.validated_data["comment"],
        )
        return Response(ApplicationReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or decline an application",
        description=(
            "Provincial staff, once reviewed. Approved: the event joins the public calendar under "
            "`event_title` (default: the call's title). Declining needs a `reason`, which the "
            "palace sees. Others: 404."
        ),
        request=ApplicationDecisionSerializer,
        responses={
            200: HostingApplicationSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: PROVINCIAL,
            409: error_response("`not_reviewed`, `already_decided`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def decide(self, request: Request, pk=None) -> Response:
        provincial_only(request.user)
        incoming = ApplicationDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        application = services.application_decide(
            actor=request.user, application=self.get_object(), **incoming.validated_data
        )
        return application_response(request, application)

    @extend_schema(
        summary="Grant a host's subsidy",
        description=(
            "Provincial staff grant (or change the grant of) an approved host's subsidy. The "
            "call's grants together never exceed its budget. Others: 404."
        ),
        request=SubsidyGrantSerializer,
        responses={
            200: SubsidySerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: PROVINCIAL,
            409: error_response(
                "`not_approved`, `over_budget` (the detail says what is left), `below_paid` "
                "(more is paid already)."
            ),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def subsidy(self, request: Request, pk=None) -> Response:
        provincial_only(request.user)
        incoming = SubsidyGrantSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subsidy = services.subsidy_grant(
            actor=request.user, application=self.get_object(), amount=incoming.validated_data["amount"]
        )
        subsidy = Subsidy.objects.select_related("palace").get(pk=subsidy.pk)
        return Response(SubsidySerializer(subsidy).data)
