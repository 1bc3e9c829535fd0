"""Wishes over the API (`/wishes/`): the list and one wish (public), proposing, voting and
withdrawing a vote (signed in), answering (staff of the wish's palace; anyone else gets 404)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.api.responses import api_error
from activities.classes.models import Course
from activities.voice import selectors, services
from activities.voice.models import (
    Wish,
    WishStatus,
)
from palace_portal.errors import InvalidInput, NotFound
from venues.api.access import PalaceScopedApiMixin
from venues.filters import IdFilter, StrictBooleanFilter
from venues.kinds import Centre
from venues.models import Palace

from .serializers import (
    BAD_INPUT,
    NO_SUCH_PAGE,
    NO_WISH,
    SIGN_IN,
    WishAnswerSerializer,
    WishCreateSerializer,
    WishSerializer,
)

# --- Filters --------------------------------------------------------------------------------------


class WishFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=gettext_lazy("Palace"))
    status = django_filters.ChoiceFilter(choices=WishStatus.choices, label=gettext_lazy("Status"))
    centre = django_filters.ChoiceFilter(choices=Centre.choices, label=gettext_lazy("Centre"))
    mine = StrictBooleanFilter(
        method="filter_mine",
        label=gettext_lazy("Only mine"),
        help_text=gettext_lazy("true: the caller's wishes"),
    )
    ordering = django_filters.ChoiceFilter(
        choices=[("votes", gettext_lazy("Most votes first")), ("new", gettext_lazy("Newest first"))],
        method="filter_ordering",
        label=gettext_lazy("Order"),
        help_text=gettext_lazy("votes (the default): most votes first; new: newest first"),
    )

    class Meta:
        model = Wish
        fields = ["palace", "status", "centre"]

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)

    def filter_mine(self, qs, name, value: bool):
        if value is None:
            return qs
        user = self.request.user
        if not user.is_authenticated:
            return qs.none() if value else qs
        return qs.filter(author=user) if value else qs.exclude(author=user)

    def filter_ordering(self, qs, name, value: str):
        return qs.order_by(*selectors.WISH_ORDERS.get(value, selectors.WISH_ORDERS["votes"]))


# --- Wishes ---------------------------------------------------------------------------------------


class WishViewSet(PalaceScopedApiMixin, viewsets.GenericViewSet):
    """Wishes workers propose to a palace, their votes, and the palace's answers."""

    queryset = Wish.objects.none()  # for the schema's model; the real one is below
    serializer_class = WishSerializer
    filterset_class = WishFilter
    # Any id reaches the view, so that `/wishes/abc/` is a JSON 404 too.
    lookup_value_regex = "[^/]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Wish]:
        if getattr(self, "swagger_fake_view", False):
            return Wish.objects.none()
        user = self.request.user
        # Answering starts from the palaces the caller manages: anyone else's wish is a 404.
        palaces = self.palaces("manage") if self.action == "answer" else selectors.public_palaces()
        return selectors.wish_list(palaces=palaces, user=user)

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a wish is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="List wishes",
        description=(
            "Wishes of the listed palaces, most votes first (ties: newest first) unless "
            "`ordering=new`. Filters `palace`, `status`, `centre`, `mine`. No sign-in needed; "
            "`voted` is the caller's own vote."
        ),
        responses={200: WishSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(WishSerializer(page, many=True).data)

    @extend_schema(summary="One wish", responses={200: WishSerializer, 404: NO_WISH})
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(WishSerializer(self.get_object()).data)

    @extend_schema(
        summary="Propose a wish",
        description=(
            "A class or activity the caller would like a listed palace to offer. The caller's own "
            "vote is counted at once. Limited per person (by default 5 a day): 429 beyond."
        ),
        request=WishCreateSerializer,
        responses={
            201: WishSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: api_error("`not_found`: no such palace, or not listed."),
            429: api_error("`rate_limited`: too many wishes recently."),
        },
        examples=[
            OpenApiExample(
                "A class",
                value={
                    "palace": 3,
                    "title": "工作日晚上的瑜伽课",
                    "description": "下班后七点",
                    "centre": "health",
                },
                request_only=True,
            )
        ],
    )
    def create(self, request: Request) -> Response:
        incoming = WishCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        palace = Palace.objects.filter(pk=data.pop("palace")).first()
        if palace is None:
            raise NotFound()
        wish = services.wish_create(actor=request.user, palace=palace, **data)
        wish.voted = True
        return Response(WishSerializer(wish).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Vote for a wish, or withdraw the vote",
        description=(
            "`POST` adds the caller's vote, `DELETE` withdraws it (also the author's own). Both are "
            "idempotent: a second vote is not counted twice. Answers the wish with its count."
        ),
        request=None,
        responses={
            200: WishSerializer,
            401: SIGN_IN,
            404: NO_WISH,
            409: api_error("`wish_closed`: the wish is done or declined; its votes are closed."),
        },
    )
    @action(detail=True, methods=["post", "delete"])
    def vote(self, request: Request, pk=None) -> Response:
        wish = self.get_object()
        if request.method == "DELETE":
            wish = services.wish_unvote(actor=request.user, wish=wish)
            wish.voted = False
        else:
            wish = services.wish_vote(actor=request.user, wish=wish)
            wish.voted = True
        return Response(WishSerializer(wish).data)

    @extend_schema(
        summary="Answer a wish (staff)",
        description=(
            "Staff of the wish's palace answer: `planned` (say what and when), `done` (link the "
            "`course` it became, or say where it is), `declined` (the reason, required). May be "
            "given again. Anyone else: 404."
        ),
        request=WishAnswerSerializer,
        responses={200: WishSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_WISH},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk=None) -> Response:
        wish = self.get_object()
        incoming = WishAnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        course = None
        if data.get("course") is not None:
            course = _course(wish, data["course"])
        wish = services.wish_answer(
            actor=request.user, wish=wish, status=data["status"], answer=data.get("answer", ""), course=course
        )
        return Response(WishSerializer(selectors.wish_for_public(wish.pk, request.user)).data)


def _course(wish: Wish, course_id: int):
    """The course to link, found among the wish's palace's courses (bad input otherwise)."""
    course = Course.objects.filter(palace_id=wish.palace_id, pk=course_id).first()
    if course is None:
        raise InvalidInput(fields={"course": [_("No such course at this palace.")]})
    return course
