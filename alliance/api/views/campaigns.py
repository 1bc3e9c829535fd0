"""Campaigns (public) and the tags that count palaces' work towards them (staff)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.models import Activity, Course, Event
from palace_portal.errors import NotFound

from ... import access, selectors, services
from ...models import Campaign, CampaignTag
from ..filters import CampaignFilter
from ..serializers import (
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignTagCreateSerializer,
    CampaignTagSerializer,
)
from .common import (
    BAD_INPUT,
    NO_SUCH_CAMPAIGN,
    NO_SUCH_PAGE,
    SIGN_IN,
    ListFiltersOnly,
    acting_for_a_palace,
    error_response,
    whole_number,
)

_TAG_REFUSALS = error_response(
    "`not_taking_part` (your palace is not in the campaign), `outside_campaign` (the row's dates "
    "miss the campaign's), `already_tagged`."
)


@extend_schema_view(
    list=extend_schema(
        summary="Campaigns",
        description="Themed province-wide series, latest first. Public.",
        responses={200: CampaignSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One campaign, with its totals",
        description=(
            "The palaces taking part and the totals computed from the tagged rows: logged "
            "activities count their participants and online viewers; tagged courses and events "
            "count their sessions held and the check-ins within the campaign's dates. Public."
        ),
        responses={200: CampaignDetailSerializer, 404: NO_SUCH_CAMPAIGN},
    ),
)
class CampaignViewSet(ListFiltersOnly, viewsets.ReadOnlyModelViewSet):
    filterset_class = CampaignFilter
    queryset = Campaign.objects.none()

    def get_permissions(self):
        return [AllowAny()] if self.action in ("list", "retrieve") else [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Campaign]:
        qs = Campaign.objects.select_related("organiser")
        if self.action == "list":
            return qs.annotate(participant_count=Count("participants", distinct=True)).order_by(
                "-starts_on", "pk"
            )
        if self.action == "retrieve":
            qs = qs.prefetch_related("participants").annotate(
                participant_count=Count("participants", distinct=True)
            )
        return qs.order_by("-starts_on", "pk")

    def get_serializer_class(self):
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        campaign = self.get_object()
        campaign.totals = selectors.campaign_totals(campaign)
        return Response(CampaignDetailSerializer(campaign).data)

    @extend_schema(
        summary="Tags of a campaign",
        description=(
            "The activities, courses and events counted towards the campaign, of the palaces you "
            "may read (your own; a city officer's city; every palace for the province); latest first."
        ),
        responses={200: CampaignTagSerializer(many=True), 401: SIGN_IN, 404: NO_SUCH_CAMPAIGN},
    )
    @action(detail=True, methods=["get"], url_path="tags", filterset_class=None)
    def tags(self, request: Request, pk=None) -> Response:
        campaign = self.get_object()
        tags = (
            access.campaign_tags_visible_to(request.user)
            .filter(campaign=campaign)
            .select_related("activity", "course", "event")
            .order_by("-tagged_at", "-pk")
        )
        page = self.paginate_queryset(tags)
        return self.get_paginated_response(CampaignTagSerializer(page, many=True).data)

    @extend_schema(
        summary="Tag a row to a campaign",
        description=(
            "Staff of the row's palace count one of its logged activities, courses or events "
            "towards the campaign: exactly one of `activity`, `course`, `event`. A row of another "
            "palace, or none: 404."
        ),
        request=CampaignTagCreateSerializer,
        responses={
            201: CampaignTagSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: error_response("`not_found`: no such campaign, or no such row of your palaces."),
            409: _TAG_REFUSALS,
        },
        examples=[OpenApiExample("An activity", value={"activity": 4021}, request_only=True)],
    )
    @tags.mapping.post
    def tag_create(self, request: Request, pk=None) -> Response:
        campaign = self.get_object()
        acting_for_a_palace(request.user)
        incoming = CampaignTagCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ((kind, row_id),) = incoming.validated_data.items()
        model = {"activity": Activity, "course": Course, "event": Event}[kind]
        related = ["palace", "term"] if kind == "course" else ["palace"]
        row = model.objects.select_related(*related).filter(pk=row_id).first()
        if row is None:
            raise NotFound()
        tag = services.campaign_tag(actor=request.user, campaign=campaign, **{kind: row})
        return Response(CampaignTagSerializer(tag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a tag",
        description="Staff of the tag's palace, or provincial staff. Others: 404.",
        parameters=[OpenApiParameter("tag_id", int, OpenApiParameter.PATH, description="The tag's id.")],
        request=None,
        responses={
            204: None,
            401: SIGN_IN,
            404: error_response("`not_found`: no such tag of this campaign, or not yours."),
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"tags/(?P<tag_id>[^/]+)", url_name="tag-detail")
    def tag_delete(self, request: Request, pk=None, tag_id: str = "") -> Response:
        campaign = self.get_object()
        tag = CampaignTag.objects.filter(campaign=campaign, pk=whole_number(tag_id)).first()
        if tag is None:
            raise NotFound()
        services.campaign_untag(actor=request.user, tag=tag)
        return Response(status=status.HTTP_204_NO_CONTENT)
