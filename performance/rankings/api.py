"""`GET /api/v1/rankings/`: palaces ranked on a catalogue metric for a month, quarter or year.

Who may call: any staff role (palace staff and managers, city and provincial officers); the whole
ranking asked for is shown to each of them, because comparing with the others is what a ranking
is for (比学赶超), and a row holds only the palace, its city and one total per period (see
`performance.rankings.selectors`). Workers get 404 like strangers to a staff resource; anonymous
callers 401.
"""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palace_portal.api import ErrorSerializer, KeptJSONRenderer
from palace_portal.errors import InvalidInput, NotFound
from palace_portal.months import MAX_YEAR, MIN_YEAR

from ..dashboards import caching
from ..dashboards.access import may_view_rankings
from . import selectors
from .forms import RankingQueryForm


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    palace = serializers.IntegerField()
    palace_name = serializers.CharField()
    city = serializers.CharField(allow_null=True, help_text="6-digit division code")
    city_name = serializers.CharField(allow_null=True)
    value = serializers.FloatField()
    change_mom = serializers.FloatField(
        allow_null=True,
        help_text="Percent against the previous month/quarter; null for a year or without a base",
    )
    change_yoy = serializers.FloatField(
        allow_null=True, help_text="Percent against the same period a year earlier; null without a base"
    )


class RankingApi(APIView):
    renderer_classes = [KeptJSONRenderer]  # the answer is kept encoded

    @extend_schema(
        summary="Rankings of palaces",
        description=(
            "Palaces ranked on one catalogue metric (`metric`, see `/ledgers/metrics/`) for exactly "
            "one of `month` (YYYY-MM), `quarter` (YYYY-Qn) or `year` (YYYY), province-wide or within "
            "a `city` (id or division code) and/or a `level` (`city`|`county`). Ties share a rank "
            "(1, 2, 2, 4). `change_mom` and `change_yoy` are percentages (one decimal) against the "
            "previous period and the same period a year earlier, null when there is no figure to "
            "compare with. `per=venue|sqm` divides by active venues or floor area for the metrics "
            "where that is fair. Read from the monthly ledgers (official figures: the locked "
            "snapshot of an accepted month)."
        ),
        parameters=[
            OpenApiParameter("metric", str, required=True),
            OpenApiParameter("month", str, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
            OpenApiParameter("quarter", str, pattern=r"^[0-9]{4}-Q[1-4]$"),
            OpenApiParameter(
                "year", {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR}, description="YYYY"
            ),
            OpenApiParameter("city", str),
            OpenApiParameter("level", str, enum=["city", "county"]),
            OpenApiParameter("per", str, enum=["venue", "sqm"]),
        ],
        responses={
            200: RankingRowSerializer(many=True),
            400: OpenApiResponse(ErrorSerializer, description="`invalid`: bad input; `fields` says which."),
            401: OpenApiResponse(ErrorSerializer, description="`not_authenticated`: sign in."),
            404: OpenApiResponse(ErrorSerializer, description="`not_found`: not staff (workers)."),
        },
    )
    def get(self, request: Request) -> Response:
        if not may_view_rankings(request.user):
            raise NotFound()
        form = RankingQueryForm(request.query_params)
        if not form.is_valid():
            fields = {
                ("period" if key == "__all__" else key): list(messages)
                for key, messages in form.errors.items()
            }
            raise InvalidInput(fields=fields)
        data = form.cleaned_data
        city, level, per = data["city"], data["level"] or None, data["per"] or ""
        # The same answer for every caller (no `may_open`): kept encoded under the data version
        # with the dashboards (`caching.cached`: every ledger write moves it), per valid query.
        name = (
            f"api-ranking:{data['measure'].code}:{caching.period_name(data['period'])}:"
            f"{city.pk if city else '-'}:{level or '-'}:{per or '-'}"
        )
        return Response(
            caching.cached(name, lambda: KeptJSONRenderer.encode(self._rows(data, city, level, per)))
        )

    def _rows(self, data: dict, city, level: str | None, per: str) -> list[dict]:
        result = selectors.ranking(
            user=self.request.user,
            measure=data["measure"],
            period=data["period"],
            city=city,
            level=level,
            per=per,
            palace_list=caching.ranking_palaces(city, level),
            visible=frozenset(),  # `may_open` is not part of the answer: no query for it
        )
        return [
            {
                "rank": row.rank,
                "palace": row.palace.pk,
                "palace_name": row.palace.name,
                "city": row.city.code if row.city else None,
                "city_name": row.city.name if row.city else None,
                "value": _number(row.value),
                "change_mom": _number(row.change_mom),
                "change_yoy": _number(row.change_yoy),
            }
            for row in result.rows
        ]
