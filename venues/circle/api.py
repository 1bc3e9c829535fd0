"""`/api/v1/service-points/`: the service circle's points, public and read-only.

Filters: `city` and `district` (region ids), `kind`, `service`, `open` (true: open now, in
Asia/Shanghai time), `near=lat,lng` (results nearest first, each with `distance_m`, within
`radius` metres, default 5,000, at most 50,000; at most `limit` of them, default 20, at most 100,
all on one page).
Malformed values answer 400 with the fields in error, never 500.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from palace_portal.api import ErrorSerializer
from palace_portal.api_fields import HourMinuteField

from . import selectors
from .forms import NEAR_PATTERN, PointSearchForm
from .hours import is_open_at, local_now
from .models import PointKind, PointService, SatellitePoint, ServicePointHours
from .views import filtered_points


class ServicePointHoursSerializer(serializers.ModelSerializer):
    weekday = serializers.IntegerField(
        min_value=0, max_value=6, read_only=True, help_text=_("0 = Monday … 6 = Sunday")
    )
    opens = HourMinuteField(read_only=True, help_text=_("Local time, HH:MM"))
    closes = HourMinuteField(
        read_only=True,
        help_text=_("Local time, HH:MM; not after `opens`: the next day (00:00–00:00 is all day)"),
    )

    class Meta:
        model = ServicePointHours
        fields = ["weekday", "opens", "closes"]


class ServicePointSerializer(serializers.ModelSerializer):
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True, allow_null=True, default=None)
    services = serializers.ListField(
        child=serializers.ChoiceField(choices=PointService.choices),
        read_only=True,
        help_text=_("What the point offers"),
    )
    hours = ServicePointHoursSerializer(many=True, read_only=True)
    is_open = serializers.SerializerMethodField(help_text=_("Open now (Asia/Shanghai time)"))
    distance_m = serializers.SerializerMethodField(help_text=_("Metres from `near`; null without it"))

    class Meta:
        model = SatellitePoint
        fields = [
            "id",
            "name",
            "kind",
            "palace",
            "palace_name",
            "region",
            "region_name",
            "address",
            "phone",
            "latitude",
            "longitude",
            "services",
            "open_all_hours",
            "hours",
            "is_open",
            "distance_m",
        ]
        read_only_fields = fields

    def get_is_open(self, point) -> bool:
        return is_open_at(point, self.context["at"])

    def get_distance_m(self, point) -> int | None:
        distance = self.context.get("distances", {}).get(point.pk)
        return None if distance is None else round(distance)


_BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Invalid filter or query parameter.")
# Empty means "no filter" for every parameter, as for the other lists (venues.api.views), so the
# patterns admit it; what a pattern admits but the form refuses (0, a radius of 50) answers 400.
_PARAMETERS = [
    OpenApiParameter(
        "city", str, pattern="^[0-9]{0,18}$", description="City: region id; its points and its districts'."
    ),
    OpenApiParameter(
        "district",
        str,
        pattern="^[0-9]{0,18}$",
        description="District (county-level unit or city): region id.",
    ),
    OpenApiParameter("kind", str, enum=PointKind.values),
    OpenApiParameter("service", str, enum=PointService.values, description="Points offering this service."),
    OpenApiParameter("open", bool, description="true: only points open now (Asia/Shanghai time)."),
    OpenApiParameter(
        "near",
        str,
        pattern=NEAR_PATTERN,
        description=(
            "lat,lng in decimal degrees (within ±90, ±180): nearest first, each with distance_m, on one page."
        ),
    ),
    OpenApiParameter(
        "radius", str, pattern="^[0-9]{0,5}$", description="With near: metres, 100–50000 (default 5000)."
    ),
    OpenApiParameter(
        "limit", str, pattern="^[0-9]{0,3}$", description="With near: how many, 1–100 (default 20)."
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List service points (the 15-minute service circle)",
        parameters=_PARAMETERS,
        responses={200: ServicePointSerializer, 400: _BAD_INPUT},
    ),
    retrieve=extend_schema(
        summary="One service point",
        responses={
            200: ServicePointSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No such point."),
        },
    ),
)
class ServicePointViewSet(viewsets.ReadOnlyModelViewSet):
    """Union service points in service: palaces' satellite points, workers' homes, stations, libraries."""

    permission_classes = [AllowAny]
    serializer_class = ServicePointSerializer
    filter_backends: list = []
    queryset = SatellitePoint.objects.none()
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return selectors.points_for_workers()

    def get_object(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdigit() or len(str(pk)) > 18:
            raise exceptions.NotFound()
        return super().get_object()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context.setdefault("at", local_now())
        context.update(getattr(self, "_extra_context", {}))
        return context

    def list(self, request, *args, **kwargs):
        form = PointSearchForm(request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError({name: list(errors) for name, errors in form.errors.items()})
        data, at = form.cleaned_data, local_now()
        qs = filtered_points(data)
        open_only = bool(data["open"])
        self._extra_context = {"at": at}
        if data["near"]:
            lat, lng = data["near"]
            found = selectors.nearest_points(
                qs,
                lat=lat,
                lng=lng,
                at=at,
                radius_m=data["radius"] or selectors.DEFAULT_RADIUS_M,
                limit=data["limit"] or selectors.DEFAULT_LIMIT,
                open_only=open_only,
            )
            self._extra_context["distances"] = {r.point.pk: r.distance_m for r in found}
            # One page holds them all: `limit` bounds the answer, not the paginator.
            results = self.get_serializer([r.point for r in found], many=True).data
            return Response({"count": len(results), "next": None, "previous": None, "results": results})
        rows = selectors.listed_points(qs, at=at, open_only=open_only)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
