"""Legal-help cases over the API (`/legal-cases/`).

Only two kinds of caller ever get an answer about a case: the worker concerned (their own cases)
and the palace's legal-service staff (their palaces' cases). Everyone else gets an empty list and
404 for any case. Every case a list page or a detail shows is recorded as read (`CaseRead`, via
`api`). There is no province-wide or city list: they see counts in the monthly ledger.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from activities.api.responses import api_error
from palace_portal.errors import NotFound
from venues.access import legal_duty_palace_ids
from venues.filters import IdFilter
from venues.models import Palace

from .. import services
from ..access import cases_readable_by
from ..models import CaseRead, LegalCase, Stage
from .serializers import (
    BAD_INPUT,
    NO_CASE,
    SIGN_IN,
    CaseCreateSerializer,
    CaseSerializer,
    CaseStepCreateSerializer,
    CaseWithdrawSerializer,
)


class CaseFilter(django_filters.FilterSet):
    palace = IdFilter(field_name="palace_id", label=gettext_lazy("Palace"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=gettext_lazy("Stage"))

    class Meta:
        model = LegalCase
        fields = ["palace", "stage"]


class LegalCaseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Cases of legal help and mediation: the caller's own, or their palaces' for legal staff."""

    queryset = LegalCase.objects.none()
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[LegalCase]:
        if getattr(self, "swagger_fake_view", False):
            return LegalCase.objects.none()
        return (
            cases_readable_by(self.request.user)
            .select_related("palace", "user")
            .prefetch_related("steps")
            .order_by("-created_at", "-pk")
        )

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> LegalCase:
        pk = self.kwargs.get("pk", "")
        case = (
            self.get_queryset().filter(pk=int(pk)).first()
            if str(pk).isdigit() and len(str(pk)) < 10
            else None
        )
        if case is None:
            raise NotFound()
        return case

    @extend_schema(
        summary="List cases (the worker's own; legal-service staff: their palaces')",
        description=(
            "The caller's own cases and, for legal-service staff, their palaces' cases. Filters "
            "`palace`, `stage`. Every case shown is recorded as read."
        ),
        responses={200: CaseSerializer, 400: BAD_INPUT, 401: SIGN_IN},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        services.cases_read(reader=request.user, cases=page, via=CaseRead.Via.API)
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(
        summary="One case (recorded as read)", responses={200: CaseSerializer, 401: SIGN_IN, 404: NO_CASE}
    )
    def retrieve(self, request: Request, pk=None) -> Response:
        case = services.case_read(reader=request.user, case=self.get_object(), via=CaseRead.Via.API)
        return Response(CaseSerializer(case).data)

    @extend_schema(
        summary="Ask a palace for legal help or mediation",
        request=CaseCreateSerializer,
        responses={
            201: CaseSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: api_error("`not_found`: no such palace, or not listed."),
            409: api_error("`too_many_open_cases`: the caller has enough open cases there."),
        },
    )
    def create(self, request: Request) -> Response:
        incoming = CaseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        palace = Palace.objects.filter(pk=data.pop("palace")).first()
        if palace is None:
            raise NotFound()
        case = services.case_create(actor=request.user, palace=palace, **data)
        case = services.case_read(
            reader=request.user, case=self.get_queryset().get(pk=case.pk), via=CaseRead.Via.API
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Move a case on, or close it (legal-service staff)",
        description=(
            "To a later stage (`mediation`, `arbitration`, `litigation`) or `closed` with an "
            "`outcome` that fits the stage it closes from, dated `on` (not in the future, not "
            "before the previous step) with a `note`. Anyone but the palace's legal-service staff: 404."
        ),
        request=CaseStepCreateSerializer,
        responses={
            200: CaseSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NO_CASE,
            409: api_error("`illegal_transition` (not forward) or `case_closed`."),
        },
    )
    @action(detail=True, methods=["post"])
    def advance(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if case.palace_id not in legal_duty_palace_ids(request.user):
            raise NotFound()
        incoming = CaseStepCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = services.case_advance(actor=request.user, case=case, **incoming.validated_data)
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)

    @extend_schema(
        summary="Withdraw one's own case",
        request=CaseWithdrawSerializer,
        responses={200: CaseSerializer, 401: SIGN_IN, 404: NO_CASE, 409: api_error("`case_closed`.")},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk=None) -> Response:
        case = self.get_object()
        if case.user_id != request.user.pk:
            raise NotFound()
        incoming = CaseWithdrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        case = services.case_withdraw(actor=request.user, case=case, note=incoming.validated_data["note"])
        return Response(CaseSerializer(self.get_queryset().get(pk=case.pk)).data)
