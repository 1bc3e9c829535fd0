"""Reads of the media centre: the published news of a palace or of the province, the home page's
latest, and the articles a writer may work on. Fixed query counts."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from venues import access
from venues.models import Palace

from .models import Article, Channel, Column

HOME_LATEST = 4
PALACE_LATEST = 3


def published_news(palace: Palace | None) -> QuerySet[Article]:
    """A palace's published articles (or the province's own, palace None), newest first."""
    return (
        Article.objects.published()
        .of_owner(palace)
        .select_related("column", "palace")
        .order_by("-published_at", "-pk")
    )


def latest_news(limit: int = HOME_LATEST) -> list[Article]:
    """The newest published articles of the whole network, one query."""
    return list(
        Article.objects.published()
        .select_related("palace", "column")
        .order_by("-published_at", "-pk")[:limit]
    )


def columns_of(palace: Palace | None) -> QuerySet[Column]:
    return (
        Column.objects.filter(palace=palace)
        if palace is not None
        else Column.objects.filter(palace__isnull=True)
    )


def channels_of(palace: Palace | None) -> QuerySet[Channel]:
    return (
        Channel.objects.filter(palace=palace)
        if palace is not None
        else Channel.objects.filter(palace__isnull=True)
    )


def articles_writable_by(user) -> QuerySet[Article]:
    """Every article (draft or not) `user` may change: their palaces', and the province's own for
    provincial officers."""
    scope = Q(palace__in=access.palaces_managed_by(user))
    if access.is_province_officer(user):
        scope |= Q(palace__isnull=True)
    return Article.objects.filter(scope)


def article_visible(user, pk: int) -> Article | None:
    """A published article, or a draft its writers preview; None otherwise (the page's 404)."""
    article = Article.objects.select_related("palace", "column", "series").filter(pk=pk).first()
    if article is None:
        return None
    if article.is_published:
        return article
    if user.is_authenticated and articles_writable_by(user).filter(pk=pk).exists():
        return article
    return None
