"""The evaluation endpoints (API.md, "Staff"):

- `GET /api/v1/evaluations/schemes/` — schemes with their categories and indicators. Signed-in
  staff: provincial officers see every scheme (drafts too), other staff roles the published ones;
  a signed-in worker gets an empty list. Scheme texts are not secret, but they are the union's
  working documents, so the endpoint is not public.
- `GET /api/v1/evaluations/?year=&palace=&city=&status=&band=` — per palace and year: totals per
  category, the total, the band and the status. Scoped like every staff list
  (`PalaceScopedApiMixin`): a palace's staff see their palace, a city officer the city's palaces,
  the province every palace; workers an empty list. Totals and band are null until concluded.

Bad filters answer 400 with `fields`; never a 500.
"""

from __future__ import annotations

from collections import defaultdict

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from palace_portal.api import ErrorSerializer
from palace_portal.months import MAX_YEAR, MIN_YEAR, check_year
from venues.api.access import PalaceScopedApiMixin
from venues.filters import IdFilter
from venues.models import Region

from ..models import Band, Category, Evaluation, Scheme
from ..selectors import category_totals, schemes_visible_to, schemes_with_tree
from .serializers import EvaluationSerializer, SchemeSerializer

_BAD_INPUT = OpenApiResponse(ErrorSerializer, description="`invalid`: bad filter; `fields` says which.")
_SIGN_IN = OpenApiResponse(
    ErrorSerializer, description="`not_authenticated`: sign in (a token or a session)."
)
_NO_SUCH_PAGE = OpenApiResponse(
    ErrorSerializer, description="`not_found`: the page is past the end of the list."
)


class _YearField(forms.IntegerField):
    """A year within the portal's range (`palace_portal.months.check_year`)."""

    def __init__(self, **kwargs):
        # The bounds check_year enforces, for the schema (`palace_portal.schema`).
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value is not None:
            check_year(value)


class YearFilter(django_filters.NumberFilter):
    field_class = _YearField


class SchemeFilter(django_filters.FilterSet):
    year = YearFilter(field_name="year", label=_("Year"))
    status = django_filters.ChoiceFilter(choices=Scheme.Status.choices, label=_("Status"))

    class Meta:
        model = Scheme
        fields = ["year", "status"]


def _city_ref(value: str) -> None:
    if not value.isdigit() or len(value) > 18:
        raise ValidationError(_("Enter a city id or a 6-digit division code."))


class EvaluationFilter(django_filters.FilterSet):
    year = YearFilter(field_name="scheme__year", label=_("Year"))
    palace = IdFilter(field_name="palace", label=_("Palace"))
    city = django_filters.CharFilter(
        method="filter_city",
        label=_("City"),
        help_text=_("City id or 6-digit division code"),
        validators=[_city_ref],
    )
    status = django_filters.ChoiceFilter(choices=Evaluation.Status.choices, label=_("Status"))
    band = django_filters.ChoiceFilter(choices=Band.choices, label=_("Band"))

    class Meta:
        model = Evaluation
        fields = ["year", "palace", "city", "status", "band"]

    def filter_city(self, queryset, name, value):
        if not value:
            return queryset
        by = Q(code=value) if len(value) == 6 else Q(pk=int(value))
        cities = Region.objects.filter(by, level=Region.Level.CITY).values("pk")
        return queryset.filter(Q(palace__region__in=cities) | Q(palace__region__parent__in=cities))


@extend_schema_view(
    list=extend_schema(
        summary="Evaluation schemes",
        description=(
            "Schemes with their categories and indicators, newest year first. Provincial staff see "
            "drafts too; other staff the published schemes; workers nothing. A formula indicator "
            "carries its formula (one of four kinds, see the schema); a manual one null."
        ),
        responses={200: SchemeSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    )
)
class SchemeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = SchemeSerializer
    filterset_class = SchemeFilter
    queryset = Scheme.objects.none()

    def get_queryset(self) -> QuerySet[Scheme]:
        if getattr(self, "swagger_fake_view", False):
            return Scheme.objects.none()
        return schemes_with_tree(schemes_visible_to(self.request.user)).order_by("-year", "pk")


@extend_schema_view(
    list=extend_schema(
        summary="Evaluations per palace and year",
        description=(
            "Per palace and year: status, totals per category (self and final), the self total, the "
            "final total and the band (`standardised` ≥ the scheme's standard mark, `basic` ≥ its "
            "basic mark, else `not_yet`); final figures are null until concluded. Scoped: a "
            "palace's staff see their palace, a city officer the city's palaces, the province all."
        ),
        responses={200: EvaluationSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    )
)
class EvaluationViewSet(PalaceScopedApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = EvaluationSerializer
    filterset_class = EvaluationFilter
    queryset = Evaluation.objects.none()
    palace_scope = "view"

    def get_queryset(self) -> QuerySet[Evaluation]:
        if getattr(self, "swagger_fake_view", False):
            return Evaluation.objects.none()
        return self.scope_queryset(
            Evaluation.objects.select_related("palace", "scheme").order_by(
                "-scheme__year", "palace__name", "pk"
            )
        )

    def get_serializer(self, *args, **kwargs):
        rows = args[0] if args else []
        if isinstance(rows, list):
            context = self.get_serializer_context()
            context["totals"] = category_totals([e.pk for e in rows])
            schemes = {e.scheme_id for e in rows}
            categories = defaultdict(list)
            for category in Category.objects.filter(scheme__in=schemes).order_by("order", "pk"):
                categories[category.scheme_id].append(category)
            context["categories"] = categories
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)
