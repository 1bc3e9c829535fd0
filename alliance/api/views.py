"""Alliance endpoints under `/api/v1/alliance/`: the roster and its growth, council rotations,
campaigns and their tags, hosting calls, applications, reviews, decisions, subsidies, the public
calendar of provincial events, and the province's figures (API.md, "Province").

Who sees what (`venues.access` decides; the services check every write again):
- Anyone: the roster and its growth, rotations, campaigns with their totals, the calendar.
- Signed-in staff (palace staff and managers, city and provincial officers): open and closed
  calls; provincial officers also drafts. A call's detail tells palace staff, for each palace
  they run, whether it may apply and why not (`my_palaces`); provincial and city officers see
  how much of the budget is granted (`budget_used`).
- Applications, subsidies and campaign tags: those of the palaces the caller may read
  (`palaces_visible_to`: their own; a city officer's city; every palace for the province).
  Review counts and average scores are for provincial and city officers only.
- Writes: provincial officers run calls, reviews, decisions, grants and payments; palace staff
  apply for, withdraw, and tag the work of their own palace only. Anyone else: 404 (401 when not
  signed in), so that ids cannot be probed.

Views only translate: the rules live in `alliance.services`, the reads in `alliance.selectors`.
"""

from __future__ import annotations

import calendar
from datetime import date

from django.db.models import Avg, Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models import Activity, Course, Event
from palace_portal.api import ErrorSerializer
from palace_portal.errors import NotFound
from venues import access
from venues.models import Palace

from .. import selectors, services
from ..models import Campaign, CampaignTag, HostingApplication, HostingCall, Membership, RotationTerm, Subsidy
from .filters import (
    CITY_PATTERN,
    ApplicationFilter,
    CalendarFilter,
    CallFilter,
    CampaignFilter,
    RosterFilter,
    SubsidyFilter,
)
from .serializers import (
    AllianceGrowthSerializer,
    AllianceMemberSerializer,
    AllianceSummarySerializer,
    ApplicationCreateSerializer,
    ApplicationDecisionSerializer,
    ApplicationReviewSerializer,
    CalendarEventSerializer,
    CampaignDetailSerializer,
    CampaignSerializer,
    CampaignTagCreateSerializer,
    CampaignTagSerializer,
    GrowthQuerySerializer,
    HostingApplicationSerializer,
    HostingCallDetailSerializer,
    HostingCallSerializer,
    HostingCallWriteSerializer,
    PaymentSerializer,
    ReviewCreateSerializer,
    RotationSerializer,
    SubsidyGrantSerializer,
    SubsidySerializer,
    SummaryQuerySerializer,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


_BAD_INPUT = _error("`invalid`: bad input or filter; `fields` says which.")
_SIGN_IN = _error("`not_authenticated`: sign in (a token or a session).")
_NO_SUCH_PAGE = _error("`not_found`: the page is past the end of the list.")
_NO_SUCH_CAMPAIGN = _error("`not_found`: no such campaign.")
_NO_SUCH_CALL = _error("`not_found`: no such call, or not one you may see (drafts: provincial staff only).")
_PROVINCIAL = _error(
    "`not_found`: no such object, or not yours to act on (provincial staff only): never told apart."
)
_NOT_YOURS = _error("`not_found`: no such application, or not one of your palaces'.")
_ID = "[^/]+"  # any id reaches the view, so that `/calls/1.5/` is a JSON 404 like `/calls/abc/`


class _ListFiltersOnly:
    lookup_value_regex = _ID

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a detail URL is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def _provincial_only(user) -> None:
    """Provincial work answers 404 to anyone else before the input is read: a 400 would show them
    the form of a door they may not open (the services check again)."""
    if not access.may_run_alliance(user):
        raise NotFound()


def _acting_for_a_palace(user) -> None:
    """Applying and tagging are done for one of the user's palaces (named in the body): 404,
    before the input is read, for anyone who runs none."""
    if not access.palaces_applying_for(user).exists():
        raise NotFound()


def _whole_number(value: str) -> int:
    """A path id as a number; anything else is an id that names nothing (404)."""
    if not value.isdigit() or len(value) > 18:
        raise NotFound()
    return int(value)


# --- Roster -------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Alliance roster",
        description=(
            "The member palaces on a date (default: today): a palace is a member from the day it "
            "joined until the day it left. Public; ordered by division code and name."
        ),
        parameters=[
            OpenApiParameter("city", str, OpenApiParameter.QUERY, pattern=CITY_PATTERN),
        ],
        responses={200: AllianceMemberSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    )
)
class MemberViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = AllianceMemberSerializer
    filterset_class = RosterFilter
    queryset = Membership.objects.none()  # for the schema's model; the real one is below

    def get_queryset(self) -> QuerySet[Membership]:
        return Membership.objects.select_related(
            "palace", "palace__region", "palace__region__parent"
        ).order_by("palace__region__code", "palace__name", "pk")


def _month_ends(year: int, today: date) -> list[date]:
    ends = []
    for month in range(1, 13):
        if date(year, month, 1) > today:
            break
        ends.append(min(date(year, month, calendar.monthrange(year, month)[1]), today))
    return ends


class GrowthApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Alliance growth",
        description=(
            "Members at each month's end of `year` (the current month: today), or without `year` "
            "at each year's end from the first joining to today. Public."
        ),
        parameters=[GrowthQuerySerializer],
        responses={200: AllianceGrowthSerializer, 400: _BAD_INPUT},
    )
    def get(self, request: Request) -> Response:
        query = GrowthQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        year = query.validated_data.get("year")
        today = timezone.localdate()
        if year is not None:
            if year > today.year:
                raise ValidationError({"year": [_("The year cannot be in the future.")]})
            points = _month_ends(year, today)
        else:
            first = Membership.objects.aggregate(first=Min("joined_on"))["first"]
            points = selectors.year_ends(first.year, today.year) if first else []
        body = {"year": year, "points": [{"date": d, "members": n} for d, n in selectors.growth(points)]}
        return Response(AllianceGrowthSerializer(body).data)


# --- Rotations ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Council rotations",
        description=(
            "The rotating council units' terms (轮值理事单位), earliest first, with their lead units "
            "and duties; `current` marks the term leading today, `next` the one after it. Public."
        ),
        responses={200: RotationSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One council rotation",
        responses={200: RotationSerializer, 404: _error("`not_found`: no such rotation.")},
    ),
)
class RotationViewSet(_ListFiltersOnly, viewsets.ReadOnlyModelViewSet):
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


# --- Campaigns ----------------------------------------------------------------------------------------------


_TAG_REFUSALS = _error(
    "`not_taking_part` (your palace is not in the campaign), `outside_campaign` (the row's dates "
    "miss the campaign's), `already_tagged`."
)


@extend_schema_view(
    list=extend_schema(
        summary="Campaigns",
        description="Themed province-wide series, latest first. Public.",
        responses={200: CampaignSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One campaign, with its totals",
        description=(
            "The palaces taking part and the totals computed from the tagged rows: logged "
            "activities count their participants and online viewers; tagged courses and events "
            "count their sessions held and the check-ins within the campaign's dates. Public."
        ),
        responses={200: CampaignDetailSerializer, 404: _NO_SUCH_CAMPAIGN},
    ),
)
class CampaignViewSet(_ListFiltersOnly, viewsets.ReadOnlyModelViewSet):
    filterset_class = CampaignFilter
    queryset = Campaign.objects.none()

    def get_permissions(self):
        return [AllowAny()] if self.action in ("list", "retrieve") else [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Campaign]:
        qs = Campaign.objects.select_related("organiser")
        if self.action == "list":
            return qs.annotate(participant_count=Count("participants", distinct=True)).order_by(
                "-starts_on", "pk"
            )
        if self.action == "retrieve":
            qs = qs.prefetch_related("participants").annotate(
                participant_count=Count("participants", distinct=True)
            )
        return qs.order_by("-starts_on", "pk")

    def get_serializer_class(self):
        return CampaignDetailSerializer if self.action == "retrieve" else CampaignSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        campaign = self.get_object()
        campaign.totals = selectors.campaign_totals(campaign)
        return Response(CampaignDetailSerializer(campaign).data)

    @extend_schema(
        summary="Tags of a campaign",
        description=(
            "The activities, courses and events counted towards the campaign, of the palaces you "
            "may read (your own; a city officer's city; every palace for the province); latest first."
        ),
        responses={200: CampaignTagSerializer(many=True), 401: _SIGN_IN, 404: _NO_SUCH_CAMPAIGN},
    )
    @action(detail=True, methods=["get"], url_path="tags", filterset_class=None)
    def tags(self, request: Request, pk=None) -> Response:
        campaign = self.get_object()
        tags = (
            CampaignTag.objects.filter(campaign=campaign, palace__in=access.palaces_visible_to(request.user))
            .select_related("activity", "course", "event")
            .order_by("-tagged_at", "-pk")
        )
        page = self.paginate_queryset(tags)
        return self.get_paginated_response(CampaignTagSerializer(page, many=True).data)

    @extend_schema(
        summary="Tag a row to a campaign",
        description=(
            "Staff of the row's palace count one of its logged activities, courses or events "
            "towards the campaign: exactly one of `activity`, `course`, `event`. A row of another "
            "palace, or none: 404."
        ),
        request=CampaignTagCreateSerializer,
        responses={
            201: CampaignTagSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _error("`not_found`: no such campaign, or no such row of your palaces."),
            409: _TAG_REFUSALS,
        },
        examples=[OpenApiExample("An activity", value={"activity": 4021}, request_only=True)],
    )
    @tags.mapping.post
    def tag_create(self, request: Request, pk=None) -> Response:
        campaign = self.get_object()
        _acting_for_a_palace(request.user)
        incoming = CampaignTagCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        ((kind, row_id),) = incoming.validated_data.items()
        model = {"activity": Activity, "course": Course, "event": Event}[kind]
        related = ["palace", "term"] if kind == "course" else ["palace"]
        row = model.objects.select_related(*related).filter(pk=row_id).first()
        if row is None:
            raise NotFound()
        tag = services.campaign_tag(actor=request.user, campaign=campaign, **{kind: row})
        return Response(CampaignTagSerializer(tag).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a tag",
        description="Staff of the tag's palace, or provincial staff. Others: 404.",
        parameters=[OpenApiParameter("tag_id", int, OpenApiParameter.PATH, description="The tag's id.")],
        request=None,
        responses={
            204: None,
            401: _SIGN_IN,
            404: _error("`not_found`: no such tag of this campaign, or not yours."),
        },
    )
    @action(detail=True, methods=["delete"], url_path=r"tags/(?P<tag_id>[^/]+)", url_name="tag-detail")
    def tag_delete(self, request: Request, pk=None, tag_id: str = "") -> Response:
        campaign = self.get_object()
        tag = CampaignTag.objects.filter(campaign=campaign, pk=_whole_number(tag_id)).first()
        if tag is None:
            raise NotFound()
        services.campaign_untag(actor=request.user, tag=tag)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Hosting calls ------------------------------------------------------------------------------------------


_CALL_WRITE_REFUSALS = _error(
    "`call_locked` (palaces have applied: eligibility and criteria no longer change), "
    "`over_budget` (the budget would drop below what is granted)."
)
_APPLY_REFUSALS = _error(
    "`call_not_open`, `deadline_passed`, `not_eligible` (the detail says why), `already_applied` "
    "(one application per palace and call; a withdrawn one may be submitted again)."
)


def _visible_calls(user) -> QuerySet[HostingCall]:
    if access.may_run_alliance(user):
        return HostingCall.objects.all()
    if access.is_staff_of_any_palace(user) or access.may_view_alliance_work(user):
        return HostingCall.objects.exclude(status=HostingCall.Status.DRAFT)
    return HostingCall.objects.none()


@extend_schema_view(
    list=extend_schema(
        summary="Hosting calls",
        description=(
            "Calls for palaces to host provincial events, latest deadline first: open and closed "
            "ones for signed-in staff, drafts too for provincial staff (others: an empty list)."
        ),
        responses={200: HostingCallSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One hosting call",
        description=(
            "The call with its eligibility rules and review criteria. For palace staff, "
            "`my_palaces`: each palace they run, whether the rules let it apply (`eligible`), why "
            "not (`reasons`) and its application, if any. For provincial and city officers, "
            "`budget_used` (granted, paid, left); null for others."
        ),
        responses={200: HostingCallDetailSerializer, 401: _SIGN_IN, 404: _NO_SUCH_CALL},
    ),
    create=extend_schema(
        summary="Create a hosting call",
        description=(
            "Provincial staff; the call starts as a draft (open it with `/open/`). Applications "
            "must close by the first day of the event window; `eligibility` left out: every "
            "level, in service, members only. Others: 404."
        ),
        request=HostingCallWriteSerializer,
        responses={201: HostingCallDetailSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _PROVINCIAL},
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
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _NO_SUCH_CALL,
            409: _CALL_WRITE_REFUSALS,
        },
    ),
)
class CallViewSet(
    _ListFiltersOnly,
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
        return _visible_calls(self.request.user).order_by("-deadline", "pk")

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
        _provincial_only(request.user)
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
            401: _SIGN_IN,
            404: _NO_SUCH_CALL,
            409: _error("`deadline_passed`: set a later deadline first."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def open(self, request: Request, pk=None) -> Response:
        return self._detail(services.call_open(actor=request.user, call=self.get_object()))

    @extend_schema(
        summary="Close a call",
        description="Provincial staff; no more applications. Others: 404.",
        request=None,
        responses={200: HostingCallDetailSerializer, 401: _SIGN_IN, 404: _NO_SUCH_CALL},
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
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _error("`not_found`: no such call, or no such palace of yours."),
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
        _acting_for_a_palace(request.user)
        incoming = ApplicationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        palace = Palace.objects.filter(pk=values.pop("palace")).first()
        if palace is None:
            raise NotFound()
        application = services.application_submit(actor=request.user, call=call, palace=palace, **values)
        return _application_response(request, application, status.HTTP_201_CREATED)


# --- Applications and subsidies -------------------------------------------------------------------------


def _visible_applications(user) -> QuerySet[HostingApplication]:
    return (
        HostingApplication.objects.filter(palace__in=access.palaces_visible_to(user))
        .select_related("call", "palace", "venue", "subsidy")
        .annotate(review_count=Count("reviews"), average=Avg("reviews__total"))
    )


def _application_response(request: Request, application: HostingApplication, code: int = 200) -> Response:
    fresh = _visible_applications(request.user).get(pk=application.pk)
    context = {"reviewer_view": access.may_view_alliance_work(request.user)}
    return Response(HostingApplicationSerializer(fresh, context=context).data, status=code)


@extend_schema_view(
    list=extend_schema(
        summary="Hosting applications",
        description=(
            "Applications of the palaces you may read (palace staff: their own; a city officer: "
            "the city's; provincial staff: all), latest first. `review_count` and `average_score` "
            "are null unless you are a provincial or city officer."
        ),
        responses={200: HostingApplicationSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One hosting application",
        responses={200: HostingApplicationSerializer, 401: _SIGN_IN, 404: _NOT_YOURS},
    ),
)
class ApplicationViewSet(_ListFiltersOnly, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = HostingApplicationSerializer
    filterset_class = ApplicationFilter
    queryset = HostingApplication.objects.none()

    def get_queryset(self) -> QuerySet[HostingApplication]:
        if getattr(self, "swagger_fake_view", False):
            return HostingApplication.objects.none()
        return _visible_applications(self.request.user).order_by("-submitted_at", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["reviewer_view"] = access.may_view_alliance_work(self.request.user)
        return context

    @extend_schema(
        summary="Withdraw an application",
        description="Staff of the palace, before the deadline; reviews given are dropped. Others: 404.",
        request=None,
        responses={
            200: HostingApplicationSerializer,
            401: _SIGN_IN,
            404: _NOT_YOURS,
            409: _error("`not_withdrawable` (not submitted), `deadline_passed`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def withdraw(self, request: Request, pk=None) -> Response:
        application = services.application_withdraw(actor=request.user, application=self.get_object())
        return _application_response(request, application)

    @extend_schema(
        summary="Review an application",
        description=(
            "Provincial staff score a submitted application against the call's criteria, after "
            "the deadline: one score per criterion, in order, from 0 to its maximum. A second "
            "review by the same reviewer replaces the first. Others: 404."
        ),
        request=ReviewCreateSerializer,
        responses={
            201: ApplicationReviewSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _PROVINCIAL,
            409: _error("`not_under_review` (not submitted), `deadline_not_passed`."),
        },
        examples=[
            OpenApiExample("Scores", value={"scores": [32, 25.5], "comment": "方案完整"}, request_only=True)
        ],
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def reviews(self, request: Request, pk=None) -> Response:
        _provincial_only(request.user)
        application = self.get_object()
        incoming = ReviewCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        review = services.application_review(
            actor=request.user,
            application=application,
            scores=incoming.validated_data["scores"],
            comment=incoming.validated_data["comment"],
        )
        return Response(ApplicationReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or decline an application",
        description=(
            "Provincial staff, once reviewed. Approved: the event joins the public calendar under "
            "`event_title` (default: the call's title). Declining needs a `reason`, which the "
            "palace sees. Others: 404."
        ),
        request=ApplicationDecisionSerializer,
        responses={
            200: HostingApplicationSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _PROVINCIAL,
            409: _error("`not_reviewed`, `already_decided`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def decide(self, request: Request, pk=None) -> Response:
        _provincial_only(request.user)
        incoming = ApplicationDecisionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        application = services.application_decide(
            actor=request.user, application=self.get_object(), **incoming.validated_data
        )
        return _application_response(request, application)

    @extend_schema(
        summary="Grant a host's subsidy",
        description=(
            "Provincial staff grant (or change the grant of) an approved host's subsidy. The "
            "call's grants together never exceed its budget. Others: 404."
        ),
        request=SubsidyGrantSerializer,
        responses={
            200: SubsidySerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _PROVINCIAL,
            409: _error(
                "`not_approved`, `over_budget` (the detail says what is left), `below_paid` "
                "(more is paid already)."
            ),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def subsidy(self, request: Request, pk=None) -> Response:
        _provincial_only(request.user)
        incoming = SubsidyGrantSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subsidy = services.subsidy_grant(
            actor=request.user, application=self.get_object(), amount=incoming.validated_data["amount"]
        )
        subsidy = Subsidy.objects.select_related("palace").get(pk=subsidy.pk)
        return Response(SubsidySerializer(subsidy).data)


@extend_schema_view(
    list=extend_schema(
        summary="Subsidies",
        description=(
            "Granted and paid per host, of the palaces you may read, latest year first. Filters "
            "`year` (of the event), `palace`, `call`."
        ),
        responses={200: SubsidySerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    ),
)
class SubsidyViewSet(_ListFiltersOnly, mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = SubsidySerializer
    filterset_class = SubsidyFilter
    queryset = Subsidy.objects.none()

    def get_queryset(self) -> QuerySet[Subsidy]:
        if getattr(self, "swagger_fake_view", False):
            return Subsidy.objects.none()
        return (
            Subsidy.objects.filter(palace__in=access.palaces_visible_to(self.request.user))
            .select_related("palace")
            .order_by("-year", "palace__name", "pk")
        )

    @extend_schema(
        summary="Record a payment",
        description="Provincial staff; payments together never exceed the grant. Others: 404.",
        request=PaymentSerializer,
        responses={
            200: SubsidySerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _PROVINCIAL,
            409: _error("`over_granted`: more than is left of the grant."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def payments(self, request: Request, pk=None) -> Response:
        _provincial_only(request.user)
        incoming = PaymentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        subsidy = services.subsidy_pay(
            actor=request.user, subsidy=self.get_object(), **incoming.validated_data
        )
        return Response(SubsidySerializer(subsidy).data)


# --- The public calendar and the province's figures ------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Provincial event calendar",
        description=(
            "Approved provincial events with their host palace, soonest first; from today on "
            "unless `from` is given. Public."
        ),
        parameters=[
            OpenApiParameter("city", str, OpenApiParameter.QUERY, pattern=CITY_PATTERN),
        ],
        responses={200: CalendarEventSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    )
)
class CalendarViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [AllowAny]
    serializer_class = CalendarEventSerializer
    filterset_class = CalendarFilter
    queryset = HostingApplication.objects.none()

    def get_queryset(self) -> QuerySet[HostingApplication]:
        return selectors.calendar_events().select_related("palace__region__parent")


class SummaryApi(APIView):
    """The province's alliance figures (API.md, "Province")."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Alliance figures of a year",
        description=(
            "For provincial officers, province-wide; for city officers, their city's palaces. "
            "`members`: at the year's end (today, for the current year). `activities`, "
            "`person_times`, `online_viewers`: logged activities of the year of EVERY palace in "
            "scope, members or not (the published figures count all palaces' work). "
            "`events_hosted`: approved provincial events held in the year. `by_city`: every city "
            "in scope; `by_month`: all twelve months. Default year: the current one. Anyone else: 404."
        ),
        parameters=[SummaryQuerySerializer],
        responses={
            200: AllianceSummarySerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _error("`not_found`: for provincial and city officers only."),
        },
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not access.may_view_alliance_work(user):
            raise NotFound()
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        today = timezone.localdate()
        year = query.validated_data.get("year", today.year)
        if year > today.year:
            raise ValidationError({"year": [_("The year cannot be in the future.")]})
        scope = None if access.may_run_alliance(user) else access.palaces_visible_to(user)
        return Response(AllianceSummarySerializer(selectors.alliance_summary(year, scope)).data)


__all__ = [
    "ApplicationViewSet",
    "CalendarViewSet",
    "CallViewSet",
    "CampaignViewSet",
    "GrowthApi",
    "MemberViewSet",
    "RotationViewSet",
    "SubsidyViewSet",
    "SummaryApi",
]
