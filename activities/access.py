"""The one check every state change of what palaces run begins with."""

from palace_portal.errors import NotFound
from venues import access
from venues.models import Palace


def require_manager(actor, palace: Palace) -> None:
    """Staff who may manage `palace` pass; for anyone else the palace's rows do not exist."""
    if not access.may_manage_palace(actor, palace):
        raise NotFound()
