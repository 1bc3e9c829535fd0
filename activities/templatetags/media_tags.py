"""The media centre in other pages' templates:

- `{{ article.body|article_body }}`: an article's plain text as paragraphs with its web addresses
  as links. Everything else is escaped: staff never put HTML on a page.
- `{% latest_news %}`: the home page's small news block (one query, then kept in the cache until a
  write moves the home page's version: venues/home_cache.py).
- `{% palace_news palace %}`: the palace page's latest articles and channel links (two queries).
"""

from __future__ import annotations

import re

from django import template
from django.template.loader import render_to_string
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe

from activities.media import selectors
from venues.home_cache import home_block

register = template.Library()

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@register.filter
def article_body(text: str) -> SafeString:
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split((text or "").replace("\r\n", "\n")) if p.strip()]
    # urlize with autoescape escapes every piece of text it does not turn into a link, and links
    # only http(s) addresses (and www.), so the result holds no markup but <a>, <p> and <br>.
    html = "".join(
        "<p>" + urlize(p, nofollow=True, autoescape=True).replace("\n", "<br>") + "</p>" for p in paragraphs
    )
    return mark_safe(html)  # noqa: S308 - built from escaped text only (see above)


@register.simple_tag(takes_context=True)
def latest_news(context):
    province_name = context.get("province_name", "")

    def build(now):
        articles = selectors.latest_news()
        html = render_to_string(
            "activities/media/_home_latest.html", {"articles": articles, "province_name": province_name}
        )
        return html, None

    return home_block("news", build)


@register.inclusion_tag("activities/media/_palace_section.html")
def palace_news(palace):
    return {
        "palace": palace,
        "articles": list(selectors.published_news(palace)[: selectors.PALACE_LATEST]),
        "channels": list(selectors.channels_of(palace)),
    }
