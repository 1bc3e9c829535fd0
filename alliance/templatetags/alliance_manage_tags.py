"""`{% may_view_alliance_work as flag %}`: whether the site's menu shows the alliance workspace
(provincial and city officers; `alliance.access.may_view_alliance_work`). No query: the user's roles
are cached on the request's user by the access module."""

from django import template

from alliance import access

register = template.Library()


@register.simple_tag(takes_context=True)
def may_view_alliance_work(context) -> bool:
    request = context.get("request")
    return bool(request is not None and access.may_view_alliance_work(request.user))
