"""Public pages of the media centre: the province's news, a palace's news (both with a column
filter and pages) and one article. Drafts exist only for their writers (404 for anyone else)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from venues.models import Palace

from . import selectors
from .forms import ColumnFilterForm

PAGE_SIZE = 12


def _news_page(request, palace: Palace | None):
    form = ColumnFilterForm(request.GET or None, palace=palace)
    articles = selectors.published_news(palace)
    if form.is_bound:
        articles = form.apply(articles)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    column = form.cleaned_data.get("column") if form.is_bound and form.is_valid() else None
    return render(
        request,
        "activities/media/news_list.html",
        {
            "palace": palace,
            "form": form,
            "columns": list(form.fields["column"].queryset),
            "column": column,
            "page_obj": page,
            "channels": list(selectors.channels_of(palace)),
            "query": f"column={column.pk}" if column else "",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def news(request):
    """The province's own news."""
    return _news_page(request, None)


@require_GET
def palace_news(request, palace_id: int):
    return _news_page(request, get_object_or_404(Palace, pk=palace_id))


@require_GET
def article(request, pk: int):
    found = selectors.article_visible(request.user, pk)
    if found is None:
        raise Http404
    return render(request, "activities/media/article.html", {"article": found, "palace": found.palace})
