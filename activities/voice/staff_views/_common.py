"""What the palace's pages of worker voice share: the header (with the open wishes' count)."""

from __future__ import annotations

from activities import access
from activities.voice.models import Wish
from venues.models import Palace

PAGE_SIZE = 30


def _head(request, palace: Palace, tab: str) -> dict:
    return {
        "palace": palace,
        "tab": tab,
        "may_manage": access.may_manage(request.user, palace),
        "open_count": Wish.objects.filter(palace=palace, status=Wish.Status.OPEN).count(),
    }
