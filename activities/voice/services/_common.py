"""What the services of worker voice share: who counts as signed in, text cleaning, limits."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from activities.voice.models import (
    WishStatus,
)
from palace_portal.errors import NotFound

# Wishes one person may propose per period (seconds), across every palace; settings may override.
DEFAULT_WISH_RATE = (5, 24 * 3600)
MAX_QUESTIONS = 40
MAX_CHOICES = 20
ANSWER_STATUSES = (WishStatus.PLANNED, WishStatus.DONE, WishStatus.DECLINED)


def _signed_in(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise NotFound()


def _clean_text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _too_long(limit: int) -> str:
    return _("At most %(limit)d characters.") % {"limit": limit}
