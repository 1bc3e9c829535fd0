"""State changes of the media centre: columns, articles (draft → published → unpublished) and
channel links.

Who may: a palace's rows, those who may manage the palace (`activities.access.require_manager`);
the province's own rows (no palace), provincial officers. Anyone else gets `NotFound`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.access import require_manager
from activities.series.services import series_check
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from venues import access
from venues.home_cache import home_page_changed
from venues.models import Palace
from venues.page_cache import palace_page_changed

from .models import Article, ArticleState, Channel, ChannelKind, Column

ARTICLE_FIELDS = frozenset({"title", "summary", "body", "column", "series", "picture", "picture_alt"})
_LIMITS = {"title": 200, "summary": 300, "picture_alt": 200}
MAX_BODY_CHARS = 20000


def may_write(user, palace: Palace | None) -> bool:
    """Who writes a palace's news (those who may manage it) or the province's (provincial officers)."""
    if palace is None:
        return bool(user and user.is_authenticated) and access.is_province_officer(user)
    return bool(user and user.is_authenticated) and access.may_manage_palace(user, palace)


def require_writer(actor, palace: Palace | None) -> None:
    if palace is None:
        if not may_write(actor, None):
            raise NotFound()
    else:
        require_manager(actor, palace)


def _valid_url(url: str) -> bool:
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return False
    return True


# --- Columns -------------------------------------------------------------------------------------


@transaction.atomic
def column_create(*, actor, palace: Palace | None, name: str) -> Column:
    """A new column, placed last."""
    require_writer(actor, palace)
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise InvalidInput(fields={"name": [_("Name the column (at most 50 characters).")]})
    last = (
        Column.objects.filter(palace=palace).order_by("-position").values_list("position", flat=True).first()
    )
    try:
        with transaction.atomic():
            return Column.objects.create(palace=palace, name=name, position=(last or 0) + 1)
    except IntegrityError:
        raise InvalidInput(fields={"name": [_("There is already a column of that name.")]}) from None


# --- Articles ------------------------------------------------------------------------------------


def _article_values(*, palace: Palace | None, values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    errors: dict[str, list] = {}
    if not values.get("title"):
        errors["title"] = [_("Give the article a title.")]
    if not values.get("body"):
        errors["body"] = [_("Write the article's text.")]
    elif len(values["body"]) > MAX_BODY_CHARS:
        errors["body"] = [_("At most %(limit)d characters.") % {"limit": MAX_BODY_CHARS}]
    for name, limit in _LIMITS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    column = values.get("column")
    if column is not None and (
        not isinstance(column, Column) or column.palace_id != (palace.pk if palace else None)
    ):
        errors["column"] = [_("Choose a column of this news page.")]
    series_error = series_check(palace=palace, series=values.get("series"))
    if series_error:
        errors["series"] = [series_error]
    if values.get("picture") and not values.get("picture_alt"):
        errors["picture_alt"] = [_("Describe the picture for people who cannot see it.")]
    if errors:
        raise InvalidInput(_("Please correct the article."), fields=errors)
    return values


def _set_picture(article: Article, picture: File | None) -> None:
    if picture:
        article.picture.save(picture.name, picture, save=False)


@transaction.atomic
def article_create(*, actor, palace: Palace | None, **values: Any) -> Article:
    """A new article of `palace` (or of the province when None), as a draft."""
    require_writer(actor, palace)
    defaults = {"summary": "", "column": None, "series": None, "picture": None, "picture_alt": ""}
    clean = _article_values(palace=palace, values={**defaults, **values})
    picture = clean.pop("picture")
    article = Article(palace=palace, created_by=actor, state=ArticleState.DRAFT, **clean)
    _set_picture(article, picture)
    article.save()
    return article


@transaction.atomic
def article_update(*, actor, article: Article, **values: Any) -> Article:
    """Change an article (draft or published); a new picture replaces the old one. `picture=None`
    keeps it; to drop it give `picture=False`."""
    require_writer(actor, article.palace)
    article = Article.objects.select_for_update(of=("self",)).select_related("palace").get(pk=article.pk)
    current = {name: getattr(article, name) for name in ARTICLE_FIELDS - {"picture"}}
    picture = values.pop("picture", None)
    current["picture"] = picture if picture else (article.picture if picture is None else None)
    clean = _article_values(palace=article.palace, values={**current, **values})
    clean.pop("picture")
    for name, value in clean.items():
        setattr(article, name, value)
    if picture is False:
        article.picture = ""
        article.picture_alt = ""
    elif picture:
        _set_picture(article, picture)
    article.save()
    return article


@transaction.atomic
def article_publish(*, actor, article: Article, now: datetime | None = None) -> Article:
    """Publish a draft: everyone sees it from now on. Publishing twice is refused."""
    require_writer(actor, article.palace)
    now = now or timezone.now()
    # A conditional update: of two publishers at once, one wins and the other is told.
    done = Article.objects.filter(pk=article.pk, state=ArticleState.DRAFT).update(
        state=ArticleState.PUBLISHED, published_at=now
    )
    if not done:
        raise RuleViolation(_("The article is already published."), code="already_published")
    palace_page_changed(article.palace_id)
    home_page_changed()  # the home page's latest news (venues/home_cache.py)
    article.refresh_from_db()
    return article


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    """Take a published article back to draft: it disappears from the public pages."""
    require_writer(actor, article.palace)
    done = Article.objects.filter(pk=article.pk, state=ArticleState.PUBLISHED).update(
        state=ArticleState.DRAFT, published_at=None
    )
    if not done:
        raise RuleViolation(_("The article is not published."), code="not_published")
    palace_page_changed(article.palace_id)
    home_page_changed()  # the home page's latest news (venues/home_cache.py)
    article.refresh_from_db()
    return article


# --- Channels ------------------------------------------------------------------------------------


@transaction.atomic
def channel_create(*, actor, palace: Palace | None, kind: str, name: str, url: str) -> Channel:
    """Link a video channel or a livestream page (http or https only)."""
    require_writer(actor, palace)
    name, url = (name or "").strip(), (url or "").strip()
    errors: dict[str, list] = {}
    if kind not in ChannelKind.values:
        errors["kind"] = [_("Choose a kind of channel.")]
    if not name or len(name) > 100:
        errors["name"] = [_("Name the channel (at most 100 characters).")]
    if len(url) > 500 or not _valid_url(url):
        errors["url"] = [_("Give a web address starting with http:// or https://.")]
    if errors:
        raise InvalidInput(_("Please correct the channel."), fields=errors)
    return Channel.objects.create(palace=palace, kind=kind, name=name, url=url)


@transaction.atomic
def channel_delete(*, actor, channel: Channel) -> None:
    require_writer(actor, channel.palace)
    Channel.objects.filter(pk=channel.pk).delete()
