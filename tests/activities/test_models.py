"""The database's own guards on the activity ledger."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from activities.models import Activity
from tests.factories import SatellitePointFactory


def _row(world, **fields):
    values = {
        "palace": world.palace_a,
        "title": "四季有约·春",
        "kind": Activity.Kind.PERFORMANCE,
        "centre": "culture",
        "date": date(2026, 3, 4),
    }
    values.update(fields)
    return Activity(**values)


def _refused(activity):
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()


def test_a_plain_row_saves(world):
    activity = _row(world, venue=world.venue_a)
    activity.save()
    assert Activity.objects.get().venue == world.venue_a


def test_venue_and_off_site_together_are_refused(world):
    _refused(_row(world, venue=world.venue_a, off_site="人民广场"))


def test_venue_and_satellite_point_together_are_refused(world):
    point = SatellitePointFactory(palace=world.palace_a)
    _refused(_row(world, venue=world.venue_a, satellite_point=point))


def test_end_before_start_is_refused(world):
    _refused(_row(world, end_date=date(2026, 3, 3)))


def test_unknown_kind_is_refused(world):
    _refused(_row(world, kind="party"))


def test_unknown_partner_kind_is_refused(world):
    _refused(_row(world, partner_kind="government"))


def test_negative_figures_are_refused(world):
    _refused(_row(world, likes=-1))


def test_palace_and_date_are_indexed_together(world):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Activity._meta.db_table)
    assert any(c["index"] and c["columns"] == ["palace_id", "date"] for c in constraints.values())
