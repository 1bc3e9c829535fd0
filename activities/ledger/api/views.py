"""The activity ledger endpoint (API.md, "Staff"): staff log activities, officers read them.

Reads are scoped to the palaces the caller may read (`PalaceScopedApiMixin`, scope `view`;
workers see an empty list); writes to a palace the caller may manage (404 otherwise), through
`activities.ledger.services`, which asks again.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.ledger.api.filters import ActivityFilter
from activities.ledger.api.serializers import ActivityCreateSerializer, ActivitySerializer
from activities.ledger.models import Activity
from activities.ledger.services import activity_create
from palace_portal.api import ErrorSerializer
from palace_portal.errors import NotFound
from palace_portal.months import MONTH_PATTERN
from palace_portal.schema import ID_SCHEMA
from venues.api.access import PalaceScopedApiMixin

_BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Invalid input or filter.")
_NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="Not signed in.")


@extend_schema_view(
    get=extend_schema(
        summary="List logged activities",
        description=(
            "Activities of the palaces the caller may read (their palaces; a city officer's city; "
            "every palace for the province), newest start date first."
        ),
        parameters=[
            OpenApiParameter(
                "palace",
                ID_SCHEMA,
                OpenApiParameter.QUERY,
                description="Palace id (one of those you may read).",
            ),
            OpenApiParameter(
                "month",
                str,
                OpenApiParameter.QUERY,
                pattern=MONTH_PATTERN,
                description="Month of the local start date, YYYY-MM.",
            ),
        ],
        responses={200: ActivitySerializer, 400: _BAD_INPUT, 401: _NOT_SIGNED_IN},
    ),
    post=extend_schema(
        summary="Log an activity",
        description=(
            "Staff of the palace (or the province) log one activity. `date` is the local start "
            "date; at most one of venue, satellite_point and off_site; partner_name is required "
            "unless partner_kind is none."
        ),
        request=ActivityCreateSerializer,
        responses={
            201: ActivitySerializer,
            400: _BAD_INPUT,
            401: _NOT_SIGNED_IN,
            404: OpenApiResponse(ErrorSerializer, description="No such palace, or not yours to log for."),
        },
    ),
)
class ActivityListCreateApi(PalaceScopedApiMixin, generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    palace_scope = "view"  # reads; logging asks for `manage` below
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    queryset = Activity.objects.none()  # for the schema's model; the real one is below

    def get_queryset(self) -> QuerySet[Activity]:
        return self.scope_queryset(Activity.objects.all()).order_by("-date", "-pk")

    def create(self, request: Request, *args, **kwargs) -> Response:
        # Staff only, and 404 to others before the input is read (a 400 would show them the form).
        if not self.palaces(scope="manage").exists():
            raise NotFound()
        incoming = ActivityCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        # A palace the caller may not log for does not exist for them (404), as in the service.
        palace = self.palace_or_404(fields.pop("palace"), scope="manage")
        activity = activity_create(actor=request.user, palace=palace, **fields)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)
