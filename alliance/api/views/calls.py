"""Hosting calls: provincial staff write them; palace staff read them and apply."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from venues.api.access import PalaceScopedApiMixin

from ... import access, selectors, services
from ...models import HostingApplication, HostingCall
from ..filters import CallFilter
from ..serializers import (
    ApplicationCreateSerializer,
    HostingApplicationSerializer,
    HostingCallDetailSerializer,
    HostingCallSerializer,
    HostingCallWriteSerializer,
)
from .applications import application_response
from .common import (
    BAD_INPUT,
    NO_SUCH_CALL,
    NO_SUCH_PAGE,
    PROVINCIAL,
    SIGN_IN,
    ListFiltersOnly,
    acting_for_a_palace,
    error_response,
    provincial_only,
)

_CALL_WRITE_REFUSALS = error_response(
    "`call_locked` (palaces have applied: eligibility and criteria no longer change), "
    "`over_budget` (the budget would drop below what is granted)."
)
_APPLY_REFUSALS = error_response(
    "`call_not_open`, `deadline_passed`, `not_eligible` (the detail says why), `already_applied` "
    "(one application per palace and call; a withdrawn one may be submitted again)."
)


@extend_schema_view(
    list=extend_schema(
        summary="Hosting calls",
        description=(
            "Calls for palaces to host provincial events, latest deadline first: open and closed "
            "ones for signed-in staff, drafts too for provincial staff (others: an empty list)."
        ),
        responses={200: HostingCallSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One hosting call",
        description=(
            "The call with its eligibility rules and review criteria. For palace staff, "
            "`my_palaces`: each palace they run, whether the rules let it apply (`eligible`), why "
            "not (`reasons`) and its application, if any. For provincial and city officers, "
            "`budget_used` (granted, paid, left); null for others."
        ),
        responses={200: HostingCallDetailSerializer, 401: SIGN_IN, 404: NO_SUCH_CALL},
    ),
    create=extend_schema(
        summary="Create a hosting call",
        description=(
            "Provincial staff; the call starts as a draft (open it with `/open/`). Applications "
            "must close by the first day of the event window; `eligibility` left out: every "
            "level, in service, members only. Others: 404."
        ),
        request=HostingCallWriteSerializer,
        responses={201: HostingCallDetailSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: PROVINCIAL},
        examples=[
            OpenApiExample(
                "A call",
                value={
                    "title": "全省职工篮球友谊赛承办",
                    "event_kind": "competition",
                    "starts_on": "2026-05-01",
                    "ends_on": "2026-06-30",
                    "deadline": "2026-04-01T17:00:00+08:00",
                    "budget": "200000.00",
                    "eligibility": {"levels": ["city", "county"], "in_service": True, "member": True},
                    "criteria": [{"name": "活动方案", "max": 40}, {"name": "场地条件", "max": 30}],
                },
                request_only=True,
            )
        ],
    ),
    update=extend_schema(
        summary="Change a hosting call",
        description="Provincial staff; the whole call, as for creating it. Others: 404.",
        request=HostingCallWriteSerializer,
        responses={
            200: HostingCallDetailSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NO_SUCH_CALL,
            409: _CALL_WRITE_REFUSALS,
        },
    ),
)
class CallViewSet(
    PalaceScopedApiMixin,
    ListFiltersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    serializer_class = HostingCallSerializer
    filterset_class = CallFilter
    queryset = HostingCall.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[HostingCall]:
        if getattr(self, "swagger_fake_view", False):
            return HostingCall.objects.none()
        return access.calls_visible_to(self.request.user).order_by("-deadline", "pk")

    def _detail(self, call: HostingCall, status_code: int = status.HTTP_200_OK) -> Response:
        user = self.request.user
        call.budget_used = selectors.call_budget(call) if access.may_view_alliance_work(user) else None
        # A few queries per palace (membership, venues): staff run one palace, or a handful.
        palaces = list(access.palaces_applying_for(user).order_by("name"))
        applied = dict(
            HostingApplication.objects.filter(call=call, palace__in=palaces).values_list("palace_id", "pk")
        )
        call.my_palaces = []
        for palace in palaces:
            reasons = services.call_ineligibility(call, palace)
            call.my_palaces.append(
                {
                    "palace": palace.pk,
                    "name": palace.name,
                    "eligible": not reasons,
                    "reasons": [str(r) for r in reasons],
                    "application": applied.get(palace.pk),
                }
            )
        return Response(HostingCallDetailSerializer(call).data, status=status_code)

    def _write(self, request: Request, call: HostingCall | None) -> HostingCall:
        provincial_only(request.user)
        incoming = HostingCallWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        eligibility = values.pop("eligibility", None)
        values["criteria"] = [dict(c) for c in values["criteria"]]
        return services.call_save(
            actor=request.user,
            call=call,
            eligibility=dict(eligibility) if eligibility is not None else None,
            **values,
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return self._detail(self.get_object())

    def create(self, request: Request, *args, **kwargs) -> Response:
        return self._detail(self._write(request, None), status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        return self._detail(self._write(request, self.get_object()))

    @extend_schema(
        summary="Open a call for applications",
        description="Provincial staff. Others: 404.",
        request=None,
        responses={
            200: HostingCallDetailSerializer,
            401: SIGN_IN,
            404: NO_SUCH_CALL,
            409: error_response(
                "Calls move draft → open → closed only. `deadline_passed`: set a later deadline "
                "first; `call_already_open`; `call_closed`: a closed call is not reopened (publish "
                "a new call)."
            ),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def open(self, request: Request, pk=None) -> Response:
        return self._detail(services.call_open(actor=request.user, call=self.get_object()))

    @extend_schema(
        summary="Close a call",
        description="Provincial staff; no more applications. Others: 404.",
        request=None,
        responses={
            200: HostingCallDetailSerializer,
            401: SIGN_IN,
            404: NO_SUCH_CALL,
            409: error_response("`call_not_open`: only an open call closes (not a draft, not twice)."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def close(self, request: Request, pk=None) -> Response:
        return self._detail(services.call_close(actor=request.user, call=self.get_object()))

    @extend_schema(
        summary="Apply to host",
        description=(
            "Staff of `palace` apply with a plan, one of the palace's venues, the capacity, their "
            "support capability, the subsidy requested and a date within the event window. A "
            "palace not yours (or none): 404."
        ),
        request=ApplicationCreateSerializer,
        responses={
            201: HostingApplicationSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: error_response("`not_found`: no such call, or no such palace of yours."),
            409: _APPLY_REFUSALS,
        },
        examples=[
            OpenApiExample(
                "Apply",
                value={
                    "palace": 3,
                    "plan": "三天赛程，16支队伍",
                    "venue": 12,
                    "capacity": 300,
                    "support": "志愿者30人，医疗点一处",
                    "requested_subsidy": "40000.00",
                    "event_date": "2026-05-16",
                },
                request_only=True,
            ),
            OpenApiExample(
                "Applied already",
                value={"code": "already_applied", "detail": "Your palace has already applied to this call."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def applications(self, request: Request, pk=None) -> Response:
        call = self.get_object()
        acting_for_a_palace(request.user)
        incoming = ApplicationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        # Staff apply for their own palaces only: any other id names nothing (404).
        palace = self.palace_or_404(values.pop("palace"), scope=access.palaces_applying_for)
        application = services.application_submit(actor=request.user, call=call, palace=palace, **values)
        return application_response(request, application, status.HTTP_201_CREATED)
