"""Subsidies of approved hosts and their payments."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from ... import access, services
from ...models import Subsidy
from ..filters import SubsidyFilter
from ..serializers import PaymentSerializer, SubsidySerializer
from .common import (
    BAD_INPUT,
    NO_SUCH_PAGE,
    PROVINCIAL,
    SIGN_IN,
    ListFiltersOnly,
    error_response,
    provincial_only,
)


@extend_schema_view(
    list=extend_schema(
        summary="Subsidies",
        description=(
            "Granted and paid per host, of the palaces you may read, latest year first. Filters "
            "`year` (of the event), `palace`, `call`."
        ),
        responses={200: SubsidySerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_SUCH_PAGE},
    ),
)
class SubsidyViewSet(ListFiltersOnly, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = SubsidySerializer
    filterset_class = SubsidyFilter
    queryset = Subsidy.objects.none()

    def get_queryset(self) -> QuerySet[Subsidy]:
        if getattr(self, "swagger_fake_view", False):
            return Subsidy.objects.none()
        return (
            access.subsidies_visible_to(self.request.user)
            .select_related("palace")
            .order_by("-year", "palace__name", "pk")
        )

    @extend_schema(
        summary="Record a payment",
        description="Provincial staff; payments together never exceed the grant. Others: 404.",
        request=PaymentSerializer,
        responses={
            200: SubsidySerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: PROVINCIAL,
            409: error_response("`over_granted`: more than is left of the grant."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def payments(self, request: Request, pk=None) -> Response:
        provincial_only(request.user)
        incoming = PaymentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subsidy = services.subsidy_pay(
            actor=request.user, subsidy=self.get_object(), **incoming.validated_data
        )
        return Response(SubsidySerializer(subsidy).data)
