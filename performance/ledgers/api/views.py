"""Ledger endpoints under /api/v1/ (API.md, "Staff"): the monthly ledgers and the metric catalogue.

Reads only, scoped by the access policy: palace staff see their palaces' ledgers, city officers
their city's, provincial staff all; anyone else signed in gets an empty list.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palace_portal.api import ErrorSerializer
from palace_portal.months import MAX_YEAR, MIN_YEAR, MONTH_PATTERN
from venues.access import scope_signature
from venues.api.access import PalaceScopedApiMixin
from venues.api.kept_lists import list_name

from ...dashboards import caching
from ..metrics import METRICS
from ..models import Ledger
from ..selectors import ledger_figures
from .filters import ID_MAX, LedgerFilter
from .serializers import LedgerSerializer, MetricSerializer

_BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Invalid filter.")
_NOT_SIGNED_IN = OpenApiResponse(ErrorSerializer, description="Not signed in.")


def _id_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        {"type": "integer", "minimum": 1, "maximum": ID_MAX},
        OpenApiParameter.QUERY,
        description=description,
    )


# What a kept page of ledgers may be asked with (`venues.api.kept_lists.list_name`).
_KEPT_FILTERS = {"palace", "city", "month", "year", "status"}
_KEPT_NUMBERS = ("palace", "city", "year", "page")


@extend_schema(
    summary="List monthly ledgers",
    description=(
        "Monthly ledgers of the palaces the caller may read, newest month first, each with its "
        "official figures by metric code (see /api/v1/ledgers/metrics/): the snapshot of an "
        "accepted month, the latest computation otherwise; `computed_at` and `source_rows` say "
        "when and from how many raw rows."
    ),
    parameters=[
        _id_parameter("palace", "Palace id."),
        _id_parameter("city", "City (prefecture-level region) id: its palaces, county-level ones included."),
        OpenApiParameter(
            "month",
            {"type": "string", "pattern": MONTH_PATTERN},
            OpenApiParameter.QUERY,
            description="YYYY-MM",
        ),
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
            OpenApiParameter.QUERY,
            description="YYYY",
        ),
    ],
    responses={200: LedgerSerializer(many=True), 400: _BAD_INPUT, 401: _NOT_SIGNED_IN},
)
class LedgerListApi(PalaceScopedApiMixin, generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LedgerSerializer
    filterset_class = LedgerFilter
    queryset = Ledger.objects.none()  # for the schema's model; the real one is below
    palace_scope = "view"

    def get_queryset(self):
        return self.scope_queryset(Ledger.objects.select_related("palace")).order_by("-month", "palace_id")

    def list(self, request: Request, *args, **kwargs) -> Response:
        """The page of ledgers, kept with the dashboards (`caching.cached`: under the data version,
        which every write to a ledger, its figures or its palace moves) per query, reader's scope
        (`venues.access.scope_signature`: readers with the same one see the same ledgers) and
        address (the page links are absolute), for the lists people browse
        (`venues.api.kept_lists`); any other query is answered for its request only."""
        asked = list_name(request, filters=_KEPT_FILTERS, numbers=_KEPT_NUMBERS)
        if asked is None:
            return Response(self._page())
        return Response(caching.cached(f"api-ledgers:{scope_signature(request.user)}:{asked}", self._page))

    def _page(self) -> dict:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        context = self.get_serializer_context() | {"figures": ledger_figures(page)}
        return self.get_paginated_response(LedgerSerializer(page, many=True, context=context).data).data


@extend_schema(
    summary="The ledger metric catalogue",
    description="Every metric a ledger holds: code, name, unit, the raw rows it counts, how it sums.",
    responses={200: MetricSerializer(many=True), 401: _NOT_SIGNED_IN},
)
class LedgerMetricsApi(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        rows = [
            {
                "code": m.code,
                "name": str(m.name),
                "unit": str(m.unit_label),
                "unit_code": m.unit,
                "source": str(m.source),
                "group": m.group,
                "group_name": str(m.group_label),
                "sums": m.rule.value,
                "inputs": list(m.inputs),
                "manual": m.manual,
            }
            for m in METRICS
        ]
        return Response(MetricSerializer(rows, many=True).data)
