"""The news endpoint (`/api/v1/news/`): published articles for everyone (filters `palace`,
`column`, `province`); writers create, change, publish and unpublish their own.

Writers: a palace's articles, those who may manage the palace; the province's own (no palace),
provincial officers. Access is decided before the body is read: an article or a palace out of
the caller's reach answers 404.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.api.responses import api_error
from activities.media import selectors, services
from activities.media.models import Article
from activities.series.models import Series
from palace_portal.errors import InvalidInput, NotFound
from palace_portal.images import prepare_picture
from venues.api.access import PalaceScopedApiMixin
from venues.filters import IdFilter, StrictBooleanFilter
from venues.models import Palace

from .serializers import ArticleSerializer, ArticleUpdateSerializer, ArticleWriteSerializer

BAD_INPUT = api_error("`invalid`: bad input; `fields` says which.")
SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")
NO_ARTICLE = api_error("`not_found`: no such article, or not yours to change.")


class NewsFilter(django_filters.FilterSet):
    palace = IdFilter(field_name="palace_id", label=gettext_lazy("Palace"))
    column = IdFilter(field_name="column_id", label=gettext_lazy("Column"))
    province = StrictBooleanFilter(
        method="filter_province",
        label=gettext_lazy("Province-wide"),
        help_text=gettext_lazy("true: only the province's own news; false: only the palaces'"),
    )

    class Meta:
        model = Article
        fields = ["palace", "column"]

    def filter_province(self, qs, name, value):
        if value is None:
            return qs
        return qs.filter(palace__isnull=value)


def _raw_palace_id(data) -> int | None:
    """The palace named in the body, read only to decide access (before any validation)."""
    value = data.get("palace") if hasattr(data, "get") else None
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return -1
    return number if 1 <= number <= 2**63 - 1 else -1


class NewsViewSet(PalaceScopedApiMixin, viewsets.GenericViewSet):
    """News articles of the palaces and of the province."""

    queryset = Article.objects.none()
    serializer_class = ArticleSerializer
    filterset_class = NewsFilter
    lookup_value_regex = "[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Article]:
        if getattr(self, "swagger_fake_view", False):
            return Article.objects.none()
        base = Article.objects.select_related("palace", "column")
        if self.action == "list":
            return base.published().order_by("-published_at", "-pk")
        if self.action == "retrieve":
            visible = Q(state=Article.State.PUBLISHED)
            if self.request.user.is_authenticated:
                visible |= Q(pk__in=selectors.articles_writable_by(self.request.user).values("pk"))
            return base.filter(visible)
        return base.filter(pk__in=selectors.articles_writable_by(self.request.user).values("pk"))

    def get_object(self) -> Article:
        pk = self.kwargs.get("pk")
        if not str(pk).isdigit() or not 1 <= int(pk) <= 2**63 - 1:
            raise NotFound()
        article = self.get_queryset().filter(pk=int(pk)).first()
        if article is None:
            raise NotFound()
        return article

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _owner(self, request) -> Palace | None:
        palace_id = _raw_palace_id(request.data)
        if palace_id is None:
            if not services.may_write(request.user, None):
                raise NotFound()
            return None
        return self.palace_or_404(palace_id, "manage")

    @staticmethod
    def _related(data: dict, palace: Palace | None) -> dict:
        """Column and series ids to rows of the article's owner; a picture prepared once."""
        errors: dict[str, list] = {}
        if data.get("column") is not None:
            column = selectors.columns_of(palace).filter(pk=data["column"]).first()
            if column is None:
                errors["column"] = [gettext_lazy("No such column on this news page.")]
            data["column"] = column
        if data.get("series") is not None:
            series = Series.objects.filter(palace=palace, pk=data["series"]).first() if palace else None
            if series is None:
                errors["series"] = [gettext_lazy("No such series at this palace.")]
            data["series"] = series
        if data.get("picture") is not None:
            try:
                data["picture"] = prepare_picture(data["picture"], prefix="news")
            except forms.ValidationError as error:
                errors["picture"] = list(error.messages)
        if errors:
            raise InvalidInput(fields=errors)
        return data

    @extend_schema(
        summary="List published news",
        description=(
            "Published articles, newest first. Filters `palace`, `column`, `province`. No sign-in needed."
        ),
        responses={200: ArticleSerializer, 400: BAD_INPUT},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ArticleSerializer(page, many=True).data)

    @extend_schema(
        summary="One article",
        description="A published article; a draft only for its writers.",
        responses={200: ArticleSerializer, 404: NO_ARTICLE},
    )
    def retrieve(self, request: Request, pk=None) -> Response:
        return Response(ArticleSerializer(self.get_object()).data)

    @extend_schema(
        summary="Write an article (a draft)",
        description=(
            "Staff of `palace` (or, without a palace, provincial officers for province-wide news) "
            "write a draft. Publish it with `POST /news/{id}/publish/`."
        ),
        request={"application/json": ArticleWriteSerializer, "multipart/form-data": ArticleWriteSerializer},
        responses={
            201: ArticleSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: api_error("`not_found`: no such palace, or not yours."),
        },
    )
    def create(self, request: Request) -> Response:
        palace = self._owner(request)
        incoming = ArticleWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        data.pop("palace", None)
        article = services.article_create(actor=request.user, palace=palace, **self._related(data, palace))
        return Response(ArticleSerializer(article).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change an article",
        request={"application/json": ArticleUpdateSerializer, "multipart/form-data": ArticleUpdateSerializer},
        responses={200: ArticleSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_ARTICLE},
    )
    def partial_update(self, request: Request, pk=None) -> Response:
        article = self.get_object()
        incoming = ArticleUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        data = self._related(dict(incoming.validated_data), article.palace)
        article = services.article_update(actor=request.user, article=article, **data)
        return Response(ArticleSerializer(article).data)

    @extend_schema(
        summary="Publish an article",
        request=None,
        responses={
            200: ArticleSerializer,
            401: SIGN_IN,
            404: NO_ARTICLE,
            409: api_error("`already_published`: the article is already published."),
        },
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk=None) -> Response:
        article = services.article_publish(actor=request.user, article=self.get_object())
        return Response(ArticleSerializer(article).data)

    @extend_schema(
        summary="Unpublish an article (back to draft)",
        request=None,
        responses={
            200: ArticleSerializer,
            401: SIGN_IN,
            404: NO_ARTICLE,
            409: api_error("`not_published`: the article is not published."),
        },
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request: Request, pk=None) -> Response:
        article = services.article_unpublish(actor=request.user, article=self.get_object())
        return Response(ArticleSerializer(article).data)
