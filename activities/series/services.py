"""State changes of series: a palace's staff name, describe and retire their series.

Only staff who may manage the palace (`activities.access.require_manager`) may; anyone else gets
`NotFound`. `series_check` is what the ledger, events and news ask before pointing at a series.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from activities.access import require_manager
from palace_portal.errors import InvalidInput
from venues.models import Palace

from .models import Series, SeriesKind

EDITABLE_FIELDS = frozenset({"name", "kind", "cadence", "description", "is_active"})
_MAX_LENGTHS = {"name": 100, "cadence": 50}


def series_check(*, palace: Palace | None, series: Series | None) -> str | None:
    """The message to show when `series` may not carry an item of `palace` (None when it may:
    no series, or one of the same palace)."""
    if series is None:
        return None
    if not isinstance(series, Series) or palace is None or series.palace_id != palace.pk:
        return str(_("Choose a series of this palace."))
    return None


def _validate(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"unknown series fields: {sorted(unknown)}")
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
    errors: dict[str, list[str]] = {}
    if not values.get("name"):
        errors["name"] = [_("Name the series.")]
    for name, limit in _MAX_LENGTHS.items():
        if len(values.get(name) or "") > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    if values.get("kind") not in SeriesKind.values:
        errors["kind"] = [_("Choose a kind of series.")]
    if errors:
        raise InvalidInput(_("Please correct the series."), fields=errors)
    values["is_active"] = bool(values.get("is_active"))
    return values


def _save(series: Series) -> Series:
    try:
        with transaction.atomic():
            series.save()
    except IntegrityError:
        # The unique constraint decides under concurrency; the message is the same either way.
        raise InvalidInput(
            _("This palace already has a series of that name."),
            fields={"name": [_("This palace already has a series of that name.")]},
        ) from None
    return series


@transaction.atomic
def series_create(*, actor, palace: Palace, **values: Any) -> Series:
    """A new series of `palace` (its staff, or the province)."""
    require_manager(actor, palace)
    clean = _validate(
        {"kind": SeriesKind.PROGRAMME, "cadence": "", "description": "", "is_active": True, **values}
    )
    return _save(Series(palace=palace, **clean))


@transaction.atomic
def series_update(*, actor, series: Series, **values: Any) -> Series:
    """Rename, describe, retire or revive a series; its palace never changes."""
    require_manager(actor, series.palace)
    series = Series.objects.select_for_update().select_related("palace").get(pk=series.pk)
    current = {name: getattr(series, name) for name in EDITABLE_FIELDS}
    for name, value in _validate({**current, **values}).items():
        setattr(series, name, value)
    return _save(series)
