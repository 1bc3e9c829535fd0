"""Mentors (`/mentors/`, public) and the problem clinic (`/problems/`) over the API.

Problems: the list holds what the caller may see in full (their own; their mentor palace's; their
staff palaces') and, for everyone, the solved problems whose posters let them show (title and
field only). Posting needs a sign-in; `take`, `sessions`, `solve` and `close` are for the palace's
mentors and staff (404 to anyone else, before the body is read).
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.innovation import access, selectors, services
from activities.innovation.models import InnovationField, Mentor, Problem, ProblemStatus
from palace_portal.errors import InvalidInput, NotFound
from venues.filters import IdFilter, StrictBooleanFilter
from venues.models import Palace

from .serializers import (
    BAD_INPUT,
    NO_MENTOR,
    NO_PROBLEM,
    NO_SUCH_PAGE,
    NOT_LISTED,
    REFUSED_MOVE,
    SIGN_IN,
    GuidanceCreateSerializer,
    GuidanceSessionSerializer,
    MentorSerializer,
    ProblemCloseSerializer,
    ProblemCreateSerializer,
    ProblemSerializer,
    ProblemTakeSerializer,
)


class MentorFilter(django_filters.FilterSet):
    palace = IdFilter(field_name="palace_id", label=gettext_lazy("Palace"))
    field = django_filters.ChoiceFilter(choices=InnovationField.choices, label=gettext_lazy("Field"))

    class Meta:
        model = Mentor
        fields = ["palace", "field"]


class MentorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Innovation mentors of the listed palaces, as the palaces publish them."""

    permission_classes = [AllowAny]
    serializer_class = MentorSerializer
    filterset_class = MentorFilter
    queryset = Mentor.objects.none()
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Mentor]:
        if getattr(self, "swagger_fake_view", False):
            return Mentor.objects.none()
        return selectors.mentors_public()

    def get_object(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise NotFound()
        return super().get_object()

    @extend_schema(
        summary="List mentors",
        description="Active mentors of the listed palaces. Filters `palace`, `field`. No sign-in needed.",
        responses={200: MentorSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
    def list(self, request: Request, *args, **kwargs) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One mentor", responses={200: MentorSerializer, 404: NO_MENTOR})
    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return super().retrieve(request, *args, **kwargs)


class ProblemFilter(django_filters.FilterSet):
    palace = IdFilter(field_name="palace_id", label=gettext_lazy("Palace"))
    status = django_filters.ChoiceFilter(choices=ProblemStatus.choices, label=gettext_lazy("Status"))
    field = django_filters.ChoiceFilter(choices=InnovationField.choices, label=gettext_lazy("Field"))
    mine = StrictBooleanFilter(
        method="filter_mine",
        label=gettext_lazy("Only mine"),
        help_text=gettext_lazy("true: the caller's problems"),
    )

    class Meta:
        model = Problem
        fields = ["palace", "status", "field"]

    def filter_mine(self, qs, name, value):
        if value is None:
            return qs
        user = self.request.user
        if not user.is_authenticated:
            return qs.none() if value else qs
        return qs.filter(poster=user) if value else qs.exclude(poster=user)


class ProblemViewSet(viewsets.GenericViewSet):
    """The problem clinic (问诊平台)."""

    serializer_class = ProblemSerializer
    filterset_class = ProblemFilter
    queryset = Problem.objects.none()
    lookup_value_regex = "[^/]+"

    def get_permissions(self):
        # The list is public (solved problems shown with their posters' leave); one problem needs a
        # sign-in, so that an anonymous probe of ids meets the same 401 whatever the id.
        if self.action == "list":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Problem]:
        if getattr(self, "swagger_fake_view", False):
            return Problem.objects.none()
        user = self.request.user
        visible = access.problems_visible_to(user)
        if self.action in ("list", "retrieve"):
            shown = Problem.objects.shown_publicly().filter(palace__in=selectors.public_palaces())
            queryset = Problem.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=shown.values("pk")))
        else:
            queryset = visible
        return queryset.select_related("mentor").order_by("-created_at", "-pk")

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_object(self) -> Problem:
        pk = self.kwargs["pk"]
        if not str(pk).isdigit() or int(pk) > 2**63 - 1:
            raise NotFound()
        problem = self.get_queryset().filter(pk=int(pk)).first()
        if problem is None:
            raise NotFound()
        return problem

    def _context(self, problems, *, with_sessions=False) -> dict:
        ids = [p.pk for p in problems]
        full = set(
            access.problems_visible_to(self.request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        return {"user": self.request.user, "full_ids": full, "with_sessions": with_sessions}

    def _one(self, problem: Problem) -> Response:
        problem = Problem.objects.select_related("mentor").prefetch_related("sessions").get(pk=problem.pk)
        return Response(ProblemSerializer(problem, context=self._context([problem], with_sessions=True)).data)

    @extend_schema(
        summary="List problems",
        description=(
            "Problems the caller may see in full (`full: true`: their own, and for a palace's mentors "
            "and staff the palace's), and solved problems whose posters let them show (`full: false`: "
            "title, field and dates only). Newest first. Filters `palace`, `status`, `field`, `mine`."
        ),
        responses={200: ProblemSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(
            ProblemSerializer(page, many=True, context=self._context(page)).data
        )

    @extend_schema(
        summary="One problem",
        description="Signed in: in full if the caller may see it, a public summary if it is shown publicly.",
        responses={200: ProblemSerializer, 401: SIGN_IN, 404: NO_PROBLEM},
    )
    def retrieve(self, request: Request, pk=None) -> Response:
        return self._one(self.get_object())

    @extend_schema(
        summary="Post a problem",
        description=(
            "A signed-in worker (or an enterprise contact, naming the enterprise) posts a "
            "technical problem to a listed palace."
        ),
        request=ProblemCreateSerializer,
        responses={
            201: ProblemSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NOT_LISTED,
        },
        examples=[
            OpenApiExample(
                "A problem",
                value={
                    "palace": 3,
                    "title": "数控车床主轴异响",
                    "field": "machinery",
                    "description": "高速运转时周期性异响，已换轴承。",
                    "public": True,
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        incoming = ProblemCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        palace = Palace.objects.filter(pk=data.pop("palace")).first()
        if palace is None:
            raise NotFound()
        problem = services.problem_create(actor=request.user, palace=palace, **data)
        response = self._one(problem)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(
        summary="Take a problem (mentor or staff)",
        description=(
            "A mentor of the problem's palace takes an open problem for themselves; the palace's "
            "staff name the `mentor` they take it for. Of two at once exactly one wins."
        ),
        request=ProblemTakeSerializer,
        responses={200: ProblemSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_PROBLEM, 409: REFUSED_MOVE},
    )
    @action(detail=True, methods=["post"])
    def take(self, request: Request, pk=None) -> Response:
        problem = self.get_object()
        if not access.may_take(request.user, problem):
            raise NotFound()
        incoming = ProblemTakeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        mentor = None
        if "mentor" in incoming.validated_data:
            mentor = Mentor.objects.filter(
                palace_id=problem.palace_id, pk=incoming.validated_data["mentor"]
            ).first()
            if mentor is None:
                raise InvalidInput(fields={"mentor": [gettext_lazy("A mentor of this palace.")]})
        return self._one(services.problem_take(actor=request.user, problem=problem, mentor=mentor))

    @extend_schema(
        summary="Record a guidance session (the problem's mentor or staff)",
        request=GuidanceCreateSerializer,
        responses={
            201: GuidanceSessionSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NO_PROBLEM,
            409: REFUSED_MOVE,
        },
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk=None) -> Response:
        problem = self.get_object()
        if not access.may_act_on(request.user, problem):
            raise NotFound()
        incoming = GuidanceCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        session = services.guidance_record(
            actor=request.user, problem=problem, day=data["date"], form=data["form"], note=data["note"]
        )
        return Response(GuidanceSessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="End a problem as solved (the problem's mentor or staff)",
        request=ProblemCloseSerializer,
        responses={200: ProblemSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_PROBLEM, 409: REFUSED_MOVE},
    )
    @action(detail=True, methods=["post"])
    def solve(self, request: Request, pk=None) -> Response:
        return self._close(request, solved=True)

    @extend_schema(
        summary="End a problem as not solved (the problem's mentor or staff)",
        request=ProblemCloseSerializer,
        responses={200: ProblemSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_PROBLEM, 409: REFUSED_MOVE},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk=None) -> Response:
        return self._close(request, solved=False)

    def _close(self, request: Request, *, solved: bool) -> Response:
        problem = self.get_object()
        if not access.may_act_on(request.user, problem):
            raise NotFound()
        incoming = ProblemCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        problem = services.problem_close(
            actor=request.user, problem=problem, solved=solved, outcome=incoming.validated_data["outcome"]
        )
        return self._one(problem)
