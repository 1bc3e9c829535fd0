"""The roster and its growth: public."""

from __future__ import annotations

from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palace_portal.months import month_ends

from ... import selectors
from ...models import Membership
from ..filters import CITY_PATTERN, RosterFilter
from ..serializers import AllianceGrowthSerializer, AllianceMemberSerializer, GrowthQuerySerializer
from .common import BAD_INPUT, NO_SUCH_PAGE


@extend_schema_view(
    list=extend_schema(
        summary="Alliance roster",
        description=(
            "The member palaces on a date (default: today): a palace is a member from the day it "
            "joined until the day it left. Public; ordered by division code and name."
        ),
        parameters=[
            OpenApiParameter("city", str, OpenApiParameter.QUERY, pattern=CITY_PATTERN),
        ],
        responses={200: AllianceMemberSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
)
class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = AllianceMemberSerializer
    filterset_class = RosterFilter
    queryset = Membership.objects.none()  # for the schema's model; the real one is below

    def get_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related(
            "palace", "palace__region", "palace__region__parent"
        ).order_by("palace__region__code", "palace__name", "pk")


class GrowthApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Alliance growth",
        description=(
            "Members at each month's end of `year` (the current month: today), or without `year` "
            "at each year's end from the first joining to today. Public."
        ),
        parameters=[GrowthQuerySerializer],
        responses={200: AllianceGrowthSerializer, 400: BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        query = GrowthQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year")
        today = timezone.localdate()
        if year is not None:
            if year > today.year:
                raise ValidationError({"year": [_("The year cannot be in the future.")]})
            points = month_ends(year, until=today)
        else:
            first = Membership.objects.aggregate(first=Min("joined_on"))["first"]
            points = selectors.year_ends(first.year, today.year) if first else []
        body = {"year": year, "points": [{"date": d, "members": n} for d, n in selectors.growth(points)]}
        return Response(AllianceGrowthSerializer(body).data)
