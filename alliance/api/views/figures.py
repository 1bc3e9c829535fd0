"""The public calendar of provincial events and the province's alliance figures."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palace_portal.errors import NotFound

from ... import access, selectors
from ...models import HostingApplication
from ..filters import CITY_PATTERN, CalendarFilter
from ..serializers import AllianceSummarySerializer, CalendarEventSerializer, SummaryQuerySerializer
from .common import BAD_INPUT, NO_SUCH_PAGE, SIGN_IN, error_response


@extend_schema_view(
    list=extend_schema(
        summary="Provincial event calendar",
        description=(
            "Approved provincial events with their host palace, soonest first; from today on "
            "unless `from` is given. Public."
        ),
        parameters=[
            OpenApiParameter("city", str, OpenApiParameter.QUERY, pattern=CITY_PATTERN),
        ],
        responses={200: CalendarEventSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
)
class CalendarViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = CalendarEventSerializer
    filterset_class = CalendarFilter
    queryset = HostingApplication.objects.none()

    def get_queryset(self) -> QuerySet[HostingApplication]:
        return selectors.calendar_events().select_related("palace__region__parent")


class SummaryApi(APIView):
    """The province's alliance figures (API.md, "Province")."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Alliance figures of a year",
        description=(
            "For provincial officers, province-wide; for city officers, their city's palaces. "
            "`members`: at the year's end (today, for the current year). `activities`, "
            "`person_times`, `online_viewers`: logged activities of the year of EVERY palace in "
            "scope, members or not (the published figures count all palaces' work). "
            "`events_hosted`: approved provincial events held in the year. `by_city`: every city "
            "in scope; `by_month`: all twelve months. Default year: the current one. Anyone else: 404."
        ),
        parameters=[SummaryQuerySerializer],
        responses={
            200: AllianceSummarySerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: error_response("`not_found`: for provincial and city officers only."),
        },
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not access.may_view_alliance_work(user):
            raise NotFound()
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        year = query.validated_data.get("year", today.year)
        if year > today.year:
            raise ValidationError({"year": [_("The year cannot be in the future.")]})
        scope = None if access.may_run_alliance(user) else access.palaces_read_by(user)
        return Response(AllianceSummarySerializer(selectors.alliance_summary(year, scope)).data)
