"""Council rotations (轮值理事单位): public."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from ... import selectors
from ...models import RotationTerm
from ..serializers import RotationSerializer
from .common import BAD_INPUT, NO_SUCH_PAGE, ListFiltersOnly, error_response


@extend_schema_view(
    list=extend_schema(
        summary="Council rotations",
        description=(
            "The rotating council units' terms (轮值理事单位), earliest first, with their lead units "
            "and duties; `current` marks the term leading today, `next` the one after it. Public."
        ),
        responses={200: RotationSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One council rotation",
        responses={200: RotationSerializer, 404: error_response("`not_found`: no such rotation.")},
    ),
)
class RotationViewSet(ListFiltersOnly, viewsets.ReadOnlyModelViewSet):
    permission_classes = [AllowAny]
    serializer_class = RotationSerializer
    queryset = RotationTerm.objects.none()

    def get_queryset(self) -> QuerySet[RotationTerm]:
        return RotationTerm.objects.prefetch_related("leads").order_by("starts_on", "pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            now = selectors.rotations_now()
            context["current_id"] = now.current.pk if now.current else None
            context["next_id"] = now.next.pk if now.next else None
        return context
