"""Council rotations (轮值理事单位): terms that never overlap, led by member palaces.

Provincial staff only (`alliance.access.may_run_alliance`); everyone else: `NotFound`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, RuleViolation

from ..models import RotationTerm
from .common import Errors, require_provincial, span_values, text_value
from .membership import is_member_on


def _rotation_values(values: dict[str, Any]) -> dict[str, Any]:
    errors: Errors = {}
    name = text_value(values, "name", errors, _("Give the rotation a name."))
    starts, ends = span_values(values, errors, _("Give the dates."))
    leads = list(values.get("leads") or [])
    if not leads:
        errors["leads"] = [_("Choose at least one lead unit.")]
    elif isinstance(starts, date) and not errors:
        outsiders = [p.name for p in leads if not is_member_on(p, starts)]
        if outsiders:
            errors["leads"] = [
                _("Not alliance members at the start: %(names)s.") % {"names": "、".join(outsiders)}
            ]
    if errors:
        raise InvalidInput(_("Please correct the rotation."), fields=errors)
    return {
        "name": name[:100],
        "starts_on": starts,
        "ends_on": ends,
        "leads": leads,
        "duties": values.get("duties") or "",
    }


def rotation_save(*, actor, rotation: RotationTerm | None = None, **values: Any) -> RotationTerm:
    """Create or change a rotation term; terms may not overlap (`rotation_overlaps`); its lead
    units must be members when it starts."""
    require_provincial(actor)
    clean = _rotation_values(values)
    with transaction.atomic():
        overlapping = RotationTerm.objects.select_for_update().filter(
            starts_on__lte=clean["ends_on"], ends_on__gte=clean["starts_on"]
        )
        if rotation is not None:
            overlapping = overlapping.exclude(pk=rotation.pk)
        clash = overlapping.first()
        if clash is not None:
            raise RuleViolation(
                _("It overlaps the rotation “%(name)s”.") % {"name": clash.name}, code="rotation_overlaps"
            )
        rotation = rotation or RotationTerm()
        for name in ("name", "starts_on", "ends_on", "duties"):
            setattr(rotation, name, clean[name])
        rotation.save()
        rotation.leads.set(clean["leads"])
    return rotation
