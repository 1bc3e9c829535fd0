"""Every route of the URL resolver, walked recursively (namespaces, includes, the API's routers).

A route's key is its namespaced URL name (`bookings:detail`, `bookings_api:booking-list`), or its
full pattern when it has no name (`favicon.ico`). Two kinds of route are left out, by rule:

- the Django admin (`admin/`): its own access check (`venues.access.may_use_admin`) guards every
  admin URL at once, and its per-model pages are tested in tests/<app>/test_admin.py;
- the uploaded-files route (`django.views.static.serve`), mounted only when DEBUG is on: in
  production the web server serves MEDIA_ROOT, so it is not a route of the portal.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.views.static import serve

UNSAFE = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class ResolvedRoute:
    key: str
    pattern: str
    callback: object

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/v1/")

    def api_methods(self) -> tuple[str, ...]:
        """The methods an API route answers (of GET and the unsafe ones), read from its view: the
        router's action map or the APIView's handlers, less what `http_method_names` leaves out."""
        view_class = getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)
        allowed = set(getattr(view_class, "http_method_names", ("get", *UNSAFE)))
        actions = getattr(self.callback, "actions", None)
        if actions is not None:
            handled = set(actions)
        else:
            # A plain function (health, the catch-all): asked with GET only.
            handled = {m for m in ("get", *UNSAFE) if hasattr(view_class, m)} if view_class else {"get"}
        return tuple(m for m in ("get", *UNSAFE) if m in handled and m in allowed)


def _is_excluded(entry) -> bool:
    if isinstance(entry, URLResolver):
        return entry.app_name == "admin"
    return entry.callback is serve


def _walk(patterns, prefix: str, namespace: str | None):
    for entry in patterns:
        if _is_excluded(entry):
            continue
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            pattern = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield ResolvedRoute(key=name or pattern, pattern=pattern, callback=entry.callback)


def resolver_routes() -> list[ResolvedRoute]:
    """Every route the portal answers, in the resolver's order (duplicates kept, for the check)."""
    return list(_walk(get_resolver().url_patterns, "", None))
