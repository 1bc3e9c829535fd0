"""Public, read-only endpoints of the network (API.md, "Network and venues").

Anyone may read them: they show what the public directory shows, plus (for the provincial data
platform) palaces of every status in `/palaces/`. Views only translate: the reads live in
`venues.selectors`, the filters in `venues.filters` (shared with the pages).
"""

from datetime import datetime, time, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone, translation
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palace_portal.api import ErrorSerializer
from venues import directory_cache, page_cache
from venues.cache_versions import timed_value
from venues.circle.models import SATELLITE_KINDS
from venues.filters import PalaceFilter, VenueFilter
from venues.models import Closure, OpeningHours, Palace, SatellitePoint, Venue
from venues.selectors import network_by_city, network_summary, opening_status, palace_list

from .kept_lists import list_name, plain_number
from .serializers import (
    NetworkSummarySerializer,
    PalaceDetailSerializer,
    PalaceSerializer,
    VenueSerializer,
)

_BAD_INPUT = OpenApiResponse(ErrorSerializer, description="Invalid filter or query parameter.")
_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object.")
_NO_SUCH_PAGE = OpenApiResponse(ErrorSerializer, description="The page is past the end of the list.")
_REGION_REF = "^[0-9]{0,18}$"  # empty: no filter, as for every filter


def _region_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, pattern=_REGION_REF, description=description)


class _ListFiltersOnlyMixin:
    # Apply the filterset to the list only: a detail URL is found by its id alone.

    # Any id reaches the view, so that `/palaces/1.5/` is a JSON 404 like `/palaces/abc/`
    # (the router's default excludes dots, and Django's own 404 page is HTML).
    lookup_value_regex = "[^/]+"

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


@extend_schema_view(
    list=extend_schema(
        summary="List palaces",
        description=(
            "Palaces of every status (the directory on the site hides planned and closed ones), "
            "ordered by division code and name."
        ),
        parameters=[
            _region_parameter("city", "City: its id or 6-digit division code (e.g. 360100)."),
            _region_parameter("county", "County-level unit: its id or 6-digit division code."),
        ],
        responses={200: PalaceSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One palace",
        description="The list item plus description, building facts, satellite points and closures.",
        responses={200: PalaceDetailSerializer, 404: _NOT_FOUND},
    ),
)
class PalaceViewSet(_ListFiltersOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """Workers' cultural palaces (the tenant of the portal)."""

    permission_classes = [AllowAny]  # the public directory
    filterset_class = PalaceFilter
    queryset = Palace.objects.none()  # for the schema's model; the real one is below

    def get_queryset(self) -> QuerySet[Palace]:
        qs = palace_list(include_unlisted=True)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "satellite_points",
                    queryset=SatellitePoint.objects.filter(kind__in=SATELLITE_KINDS).order_by("kind", "name"),
                ),
                Prefetch(
                    "closures",
                    queryset=Closure.objects.filter(end_date__gte=timezone.localdate()).order_by(
                        "start_date", "end_date"
                    ),
                    to_attr="upcoming_closures",
                ),
            )
        return qs

    def get_serializer_class(self):
        return PalaceDetailSerializer if self.action == "retrieve" else PalaceSerializer

    def list(self, request, *args, **kwargs):
        """The palaces, kept serialised (`cache_versions.timed_value`) per query, language and
        address (the pages' and pictures' addresses are absolute) under the directory's version,
        which every write the list shows bumps (`venues/directory_cache.py`), for five minutes at
        most. Only the lists people browse are kept (`kept_lists.list_name`), and only when they have
        palaces: the keys stay bounded by the network, not by what a query string can hold."""
        name = list_name(request, filters=_KEPT_FILTERS, numbers=_KEPT_NUMBERS)
        if name is None:
            return super().list(request, *args, **kwargs)
        key = f"api-palaces:{directory_cache.directory_version()}:{translation.get_language()}:{name}"

        def build(now: datetime) -> tuple[dict, datetime | None]:
            data = super(PalaceViewSet, self).list(request, *args, **kwargs).data  # bad input: raised
            return data, (None if data["results"] else now)  # an empty list is shown, not kept

        return Response(timed_value(key, build, ttl=directory_cache.DIRECTORY_TTL))

    def retrieve(self, request, *args, **kwargs):
        """One palace, kept serialised (`cache_versions.timed_value`) per palace, language and
        address (the pictures' addresses are absolute) under the palace page's versions, which
        every write it shows bumps (`venues/page_cache.py`), until the local midnight (its closures
        are those not over yet) or five minutes. An id written otherwise (`0001`, `1.5`, `abc`) is
        looked up as before, never kept: the keys stay one per palace."""
        raw = str(self.kwargs.get(self.lookup_field, ""))
        if not plain_number(raw, digits=18):
            return super().retrieve(request, *args, **kwargs)
        pk = int(raw)
        version = page_cache.existing_palace_page_version(pk)
        if version is None:  # no such palace: its JSON 404, as before
            return super().retrieve(request, *args, **kwargs)
        key = (
            f"api-palace:{pk}:{version}:{translation.get_language()}:{request.scheme}://{request.get_host()}"
        )

        def build(now: datetime) -> tuple[dict, datetime]:
            data = super(PalaceViewSet, self).retrieve(request, *args, **kwargs).data  # NotFound: not kept
            tomorrow = timezone.localdate(now) + timedelta(days=1)
            return data, timezone.make_aware(datetime.combine(tomorrow, time.min))

        return Response(timed_value(key, build, ttl=page_cache.PALACE_PAGE_TTL))


# What a kept list of palaces may be filtered by (`kept_lists.list_name`).
_KEPT_FILTERS = {"city", "county", "level", "status", "alliance_member", "centre"}
_KEPT_NUMBERS = ("city", "county", "page")


def _venues_listed() -> QuerySet[Venue]:
    """Active venues of palaces the public directory lists."""
    return Venue.objects.listed().select_related("palace")


def _venue_is_open(venue: Venue, *, at: datetime) -> bool:
    """Active, no closure of the venue itself today, and its palace open at `at`.

    Reads the palace's prefetched `opening_hours` and `closures_today` (see the viewset), so a
    page of venues costs no query per venue.
    """
    if not venue.is_active:
        return False
    palace = venue.palace
    closures = palace.closures_today
    if any(c.venue_id == venue.pk for c in closures):
        return False
    return opening_status(palace, at=at, closures=closures, hours=list(palace.opening_hours.all())).is_open


@extend_schema_view(
    list=extend_schema(
        summary="List venues",
        description=(
            "Active venues of the palaces listed in the public directory (not planned, not closed), "
            "ordered by palace, centre and name."
        ),
        parameters=[_region_parameter("city", "City: its id or 6-digit division code (e.g. 360100).")],
        responses={200: VenueSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One venue",
        description="The list item of one venue.",
        responses={200: VenueSerializer, 404: _NOT_FOUND},
    ),
)
class VenueViewSet(_ListFiltersOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """The four centres' venues of the palaces."""

    permission_classes = [AllowAny]  # public, like the palaces' own notice boards
    serializer_class = VenueSerializer
    filterset_class = VenueFilter
    queryset = Venue.objects.none()  # for the schema's model; the real one is below

    def get_queryset(self) -> QuerySet[Venue]:
        qs = _venues_listed()
        if self.action in ("list", "retrieve"):
            today = timezone.localdate()
            # One query each for the whole page: the palaces' hours and today's closures.
            qs = qs.prefetch_related(
                Prefetch("palace__opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
                Prefetch(
                    "palace__closures", queryset=Closure.objects.covering(today), to_attr="closures_today"
                ),
            )
        return qs.order_by("palace__region__code", "palace__name", "centre", "name", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        now = timezone.now()
        context["is_open"] = lambda venue: _venue_is_open(venue, at=now)
        return context


class NetworkSummaryApi(APIView):
    """The province-wide network figures the union publishes: public, computed from the rows (two
    queries) and kept serialised under the directory's version, which every save of a palace or a
    region bumps (`venues/directory_cache.py`), per language, for five minutes at most (rows
    written in bulk announce nothing)."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Network figures",
        description=(
            "Palaces in service, of which county-level, the city/county coverage rate (a ratio "
            "0–1, four decimals) and the projects under way; the same figures per city in `by_city`."
        ),
        responses={200: NetworkSummarySerializer},
    )
    def get(self, request: Request) -> Response:
        key = f"api-network:{directory_cache.directory_version()}:{translation.get_language()}"
        return Response(
            timed_value(key, lambda now: (self._summary(), None), ttl=directory_cache.DIRECTORY_TTL)
        )

    @staticmethod
    def _summary() -> dict:
        rows = network_by_city()
        data = {
            **network_summary(rows),
            "by_city": [
                {
                    "city": row.city,
                    "palaces_in_service": row.palaces_in_service,
                    "county_level_in_service": row.county_level_in_service,
                    "coverage_rate": row.coverage_rate,
                    "projects_under_way": row.projects_under_way,
                    "units": row.units,
                    "units_covered": row.units_covered,
                }
                for row in rows
            ],
        }
        return NetworkSummarySerializer(data).data
