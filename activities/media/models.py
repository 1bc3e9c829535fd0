"""The media centre's tables: columns (栏目), articles and the video channels and livestreams a
palace links to. A row without a palace belongs to the province (province-wide news)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.series.models import Series
from venues.models import Palace


class Column(models.Model):
    """A fixed column (栏目) of a palace's news, or of the province's (no palace)."""

    palace = models.ForeignKey(
        Palace,
        verbose_name=_("palace"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="news_columns",
    )
    name = models.CharField(_("name"), max_length=50)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("news column")
        verbose_name_plural = _("news columns")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["palace", "name"],
                condition=Q(palace__isnull=False),
                name="column_name_unique_per_palace",
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(palace__isnull=True), name="column_name_unique_in_province"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ArticleState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        return self.filter(state=ArticleState.PUBLISHED)

    def of_owner(self, palace: Palace | None) -> ArticleQuerySet:
        """A palace's articles, or the province's own (palace None)."""
        return self.filter(palace=palace) if palace is not None else self.filter(palace__isnull=True)


class Article(models.Model):
    """A news or programme article, written as a draft and published by staff (then shown to all).

    The body is plain text: paragraphs separated by a blank line, web addresses become links when
    shown; no markup from staff is ever rendered as HTML.
    """

    State = ArticleState

    palace = models.ForeignKey(
        Palace,
        verbose_name=_("palace"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="articles",
        help_text=_("Empty for the province's own news."),
    )
    column = models.ForeignKey(
        Column,
        verbose_name=_("column"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    picture = models.ImageField(_("picture"), upload_to="news/", blank=True)
    picture_alt = models.CharField(_("picture description"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=ArticleState.choices, default=ArticleState.DRAFT
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=ArticleState.values), name="article_state_valid"),
            models.CheckConstraint(
                condition=~Q(state=ArticleState.PUBLISHED) | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(picture="") | ~Q(picture_alt=""), name="article_picture_has_alt"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "published_at"]),
            models.Index(fields=["palace", "state", "published_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.state == ArticleState.PUBLISHED


class ChannelKind(models.TextChoices):
    VIDEO_CHANNEL = "video_channel", _("WeChat video channel")
    DOUYIN = "douyin", _("Douyin")
    LIVESTREAM = "livestream", _("livestream")
    OTHER = "other", _("other")


class Channel(models.Model):
    """A link to a palace's (or the province's) video channel or livestream page."""

    Kind = ChannelKind

    palace = models.ForeignKey(
        Palace,
        verbose_name=_("palace"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="media_channels",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ChannelKind.choices)
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("web address"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("media channel")
        verbose_name_plural = _("media channels")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChannelKind.values), name="channel_kind_valid"),
            models.CheckConstraint(
                condition=Q(url__startswith="http://") | Q(url__startswith="https://"),
                name="channel_url_http",
            ),
        ]

    def __str__(self) -> str:
        return self.name
