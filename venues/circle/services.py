"""Writes of the service circle: a palace's staff keep their own points and the points' hours."""

from __future__ import annotations

from datetime import time

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound

from .. import access
from ..models import Palace
from .models import SatellitePoint, ServicePointHours


def _assert_manages(actor, palace: Palace) -> None:
    if not access.may_manage_palace(actor, palace):
        raise NotFound()


@transaction.atomic
def service_point_save(
    *, actor, palace: Palace, point: SatellitePoint, week: dict[int, list[tuple[time, time]]]
) -> SatellitePoint:
    """Create or update `point` (validated by the form, not yet saved) of `palace` and replace its
    weekly hours with `week` (weekday → intervals). Only those who manage the palace may."""
    _assert_manages(actor, palace)
    if point.pk and point.palace_id != palace.pk:
        raise NotFound()
    point.palace = palace
    point.services = sorted(set(point.services or []))
    try:
        with transaction.atomic():
            point.save()
    except IntegrityError as error:
        raise InvalidInput(_("This palace already has a service point of that name.")) from error
    ServicePointHours.objects.filter(point=point).delete()
    ServicePointHours.objects.bulk_create(
        ServicePointHours(point=point, weekday=weekday, opens=opens, closes=closes)
        for weekday, intervals in sorted(week.items())
        for opens, closes in intervals
    )
    return point


@transaction.atomic
def service_point_delete(*, actor, point: SatellitePoint) -> None:
    """Remove a point. Refused while the activity ledger refers to it (keep the history)."""
    _assert_manages(actor, point.palace)
    try:
        with transaction.atomic():
            point.delete()
    except IntegrityError as error:
        raise InvalidInput(
            _("Activities were logged at this point: mark it out of service instead.")
        ) from error
