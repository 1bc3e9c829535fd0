"""Writes of the service circle: a palace's staff keep their own points and the points' hours."""

from __future__ import annotations

from datetime import time

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from palace_portal.errors import InvalidInput, NotFound

from .. import access
from ..models import Palace
from ..page_cache import palace_page_changed
from .models import POINT_DETAILS, SatellitePoint, ServicePointHours


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


@transaction.atomic
def service_points_import(*, actor, palace: Palace, rows: list[dict]) -> tuple[int, int]:
    """Add or update `palace`'s points from checked rows (`importing.clean_rows` values): a row
    whose name is a point's updates it and replaces its hours, any other adds a point. All or
    nothing; returns (added, updated). Only those who manage the palace may. A fixed number of
    queries whatever the number of rows (bulk writes, so the palace page is told by hand)."""
    _assert_manages(actor, palace)
    names = [row["name"] for row in rows]
    if len(set(names)) != len(names):
        raise InvalidInput(_("Two rows name the same point."))
    existing = {
        point.name: point
        for point in SatellitePoint.objects.select_for_update().filter(palace=palace, name__in=names)
    }
    added, updated = [], []
    for row in rows:
        point = existing.get(row["name"]) or SatellitePoint(palace=palace, name=row["name"])
        for field in POINT_DETAILS:
            setattr(point, field, row[field])
        (updated if point.pk else added).append(point)
    try:
        with transaction.atomic():
            SatellitePoint.objects.bulk_create(added)
    except IntegrityError as error:
        # A point of one of these names was added meanwhile (another import, the form).
        raise InvalidInput(_("This palace already has a service point of that name.")) from error
    SatellitePoint.objects.bulk_update(updated, POINT_DETAILS, batch_size=500)
    points = [*added, *updated]
    ServicePointHours.objects.filter(point__in=[p.pk for p in updated]).delete()
    ServicePointHours.objects.bulk_create(
        ServicePointHours(point=point, weekday=weekday, opens=opens, closes=closes)
        for point, row in zip(points, [*_rows_of(added, rows), *_rows_of(updated, rows)], strict=True)
        for weekday, intervals in sorted(row["week"].items())
        for opens, closes in intervals
    )
    palace_page_changed(palace.pk)
    return len(added), len(updated)


def _rows_of(points: list[SatellitePoint], rows: list[dict]) -> list[dict]:
    by_name = {row["name"]: row for row in rows}
    return [by_name[point.name] for point in points]
