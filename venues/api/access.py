"""The edge of the access policy for the API: one queryset mixin for every palace-scoped endpoint.

Every palace-scoped endpoint mixes in `PalaceScopedApiMixin`: its list is filtered to the palaces
of `palace_scope` for the caller and a palace named in the input is looked up inside that scope,
answering 404 (not 403) outside it. The API is closed by default (`IsAuthenticated` in settings);
public endpoints open themselves with `permission_classes = [AllowAny]`.
"""

from __future__ import annotations

from django.db.models import QuerySet

from palace_portal.errors import NotFound

from ..models import Palace
from ..pages import Scope, ScopeFunction, palaces_in_scope


class PalaceScopedApiMixin:
    """Scopes a view's rows to the caller's palaces. Set `palace_field` to the row's palace path."""

    palace_scope: Scope = "view"
    palace_field: str = "palace"

    def palaces(self, scope: Scope | ScopeFunction | None = None) -> QuerySet[Palace]:
        return palaces_in_scope(self.request.user, scope or self.palace_scope)

    def scope_queryset(self, queryset: QuerySet, scope: Scope | ScopeFunction | None = None) -> QuerySet:
        return queryset.filter(**{f"{self.palace_field}__in": self.palaces(scope)})

    def palace_or_404(self, palace_id, scope: Scope | ScopeFunction | None = None) -> Palace:
        """The palace named in the input if the caller may act on it (`scope`); 404 otherwise."""
        palace = self.palaces(scope).filter(pk=palace_id).first() if palace_id else None
        if palace is None:
            raise NotFound()
        return palace
