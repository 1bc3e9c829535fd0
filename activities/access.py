"""The access questions of what palaces run, built only from the scopes and questions of
`venues.access` (DESIGN.md, "Access policy"): no role is checked by hand anywhere else in activities.

Staff pages and staff endpoints scope palaces at the edge (`venues.pages.palace_or_404`,
`venues.api.access.PalaceScopedApiMixin`); services ask again here (defence in depth).
"""

from __future__ import annotations

from palace_portal.errors import NotFound
from venues import access
from venues.models import Palace


def may_manage(user, palace: Palace) -> bool:
    """Staff who may act on `palace`: log activities, run classes and events, answer wishes,
    build surveys, hide ratings."""
    return access.may_manage_palace(user, palace)


def require_manager(actor, palace: Palace) -> None:
    """Staff who may manage `palace` pass; for anyone else the palace's rows do not exist."""
    if not may_manage(actor, palace):
        raise NotFound()


def may_manage_listing(user, listing) -> bool:
    """A course or an event still a draft is seen by staff who may manage its palace only."""
    return bool(user.is_authenticated) and may_manage(user, listing.palace)


def may_read_certificate(user, enrolment) -> bool:
    """A course's certificate: its holder, and staff of the palace (who print it for them)."""
    return enrolment.user_id == user.pk or may_manage(user, enrolment.palace)
