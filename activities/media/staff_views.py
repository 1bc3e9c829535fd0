"""Staff pages of the media centre: a palace's news desk (`/staff/news/<palace_id>/...`) and the
province's (`/staff/news/province/...`): articles with their draft/publish step, columns and
channel links. A palace's desk is read by those who may read the palace and changed by those who
may manage it; the province's by provincial officers. Anything else answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from palace_portal.errors import PortalError
from palace_portal.service_forms import save_with
from venues.models import Palace
from venues.pages import palace_or_404, staff_page

from . import selectors, services
from .forms import ArticleForm, ChannelForm, ColumnForm
from .models import Article, Channel

DESK_SIZE = 50


def _province_or_404(request) -> None:
    if not services.may_write(request.user, None):
        raise Http404


def _desk_url(palace: Palace | None) -> str:
    return reverse("news_staff:list", args=[palace.pk]) if palace else reverse("news_staff:province")


def _desk(request, palace: Palace | None, *, may_write: bool, status: int = 200, **forms):
    articles = (
        Article.objects.of_owner(palace).select_related("column").order_by("-updated_at", "-pk")[:DESK_SIZE]
    )
    context = {
        "palace": palace,
        "articles": list(articles),
        "columns": list(selectors.columns_of(palace)),
        "channels": list(selectors.channels_of(palace)),
        "may_write": may_write,
        "column_form": forms.get("column_form") or (ColumnForm() if may_write else None),
        "channel_form": forms.get("channel_form") or (ChannelForm() if may_write and palace else None),
    }
    return render(request, "activities/media/staff_desk.html", context, status=status)


@staff_page
@require_http_methods(["GET"])
def desk(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="view")
    return _desk(request, palace, may_write=services.may_write(request.user, palace))


@staff_page
@require_http_methods(["GET"])
def province_desk(request):
    _province_or_404(request)
    return _desk(request, None, may_write=True)


def _article_form_page(request, palace: Palace | None, article: Article | None):
    initial = ArticleForm.initial_of(article) if article else None
    form = ArticleForm(
        request.POST or None, request.FILES or None, palace=palace, article=article, initial=initial
    )
    if request.method == "POST":
        if article is None:
            saved = save_with(
                form, lambda values: services.article_create(actor=request.user, palace=palace, **values)
            )
        else:
            saved = save_with(
                form, lambda values: services.article_update(actor=request.user, article=article, **values)
            )
        if saved is not None:
            messages.success(request, _("Article saved.") if saved.is_published else _("Saved as a draft."))
            return redirect("news_staff:edit", saved.pk)
    context = {"palace": palace, "article": article, "form": form, "desk_url": _desk_url(palace)}
    return render(request, "activities/media/staff_form.html", context, status=400 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def article_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    return _article_form_page(request, palace, None)


@staff_page
@require_http_methods(["GET", "POST"])
def province_article_new(request):
    _province_or_404(request)
    return _article_form_page(request, None, None)


def _writable(request, article_id: int) -> Article:
    return get_object_or_404(
        selectors.articles_writable_by(request.user).select_related("palace", "column"), pk=article_id
    )


@staff_page
@require_http_methods(["GET", "POST"])
def article_edit(request, article_id: int):
    article = _writable(request, article_id)
    return _article_form_page(request, article.palace, article)


def _state_change(request, article_id: int, change, done: str):
    article = _writable(request, article_id)
    try:
        change(article)
    except PortalError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("news_staff:edit", article.pk)


@staff_page
@require_POST
def article_publish(request, article_id: int):
    return _state_change(
        request,
        article_id,
        lambda a: services.article_publish(actor=request.user, article=a),
        _("Published: everyone can read the article."),
    )


@staff_page
@require_POST
def article_unpublish(request, article_id: int):
    return _state_change(
        request,
        article_id,
        lambda a: services.article_unpublish(actor=request.user, article=a),
        _("Taken back to draft: the article is no longer shown."),
    )


@staff_page
@require_POST
def column_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = ColumnForm(request.POST)
    if save_with(form, lambda v: services.column_create(actor=request.user, palace=palace, **v)) is None:
        return _desk(request, palace, may_write=True, status=400, column_form=form)
    messages.success(request, _("Column added."))
    return redirect(_desk_url(palace))


@staff_page
@require_POST
def province_column_new(request):
    _province_or_404(request)
    form = ColumnForm(request.POST)
    if save_with(form, lambda v: services.column_create(actor=request.user, palace=None, **v)) is None:
        return _desk(request, None, may_write=True, status=400, column_form=form)
    messages.success(request, _("Column added."))
    return redirect(_desk_url(None))


@staff_page
@require_POST
def channel_new(request, palace_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    form = ChannelForm(request.POST)
    if save_with(form, lambda v: services.channel_create(actor=request.user, palace=palace, **v)) is None:
        return _desk(request, palace, may_write=True, status=400, channel_form=form)
    messages.success(request, _("Channel linked."))
    return redirect(_desk_url(palace))


@staff_page
@require_POST
def channel_delete(request, palace_id: int, channel_id: int):
    palace = palace_or_404(request, palace_id, scope="manage")
    channel = get_object_or_404(Channel.objects.filter(palace=palace), pk=channel_id)
    services.channel_delete(actor=request.user, channel=channel)
    messages.success(request, _("Channel removed."))
    return redirect(_desk_url(palace))
