"""Logging, correcting and removing activities: who may, and what bad input gets."""

from datetime import date

import pytest

from activities.ledger.services import activity_create, activity_delete, activity_update
from activities.models import Activity
from palace_portal.errors import InvalidInput, NotFound
from tests.factories import SatellitePointFactory

DAY = date(2026, 3, 4)


def _fields(**extra):
    fields = {"title": "职工读书分享会", "kind": "reading_exchange", "centre": "education", "date": DAY}
    fields.update(extra)
    return fields


@pytest.mark.parametrize("who", ["staff_a", "manager_a", "province_officer"])
def test_staff_of_the_palace_and_the_province_may_log(world, who):
    actor = getattr(world, who)
    activity = activity_create(actor=actor, palace=world.palace_a, **_fields(participants=35))
    activity.refresh_from_db()
    assert (activity.palace, activity.created_by, activity.participants) == (world.palace_a, actor, 35)
    assert activity.partner_kind == "none"


@pytest.mark.parametrize("who", ["staff_b", "manager_b", "city_officer", "worker"])
def test_others_may_not_log_and_get_not_found(world, who):
    with pytest.raises(NotFound):
        activity_create(actor=getattr(world, who), palace=world.palace_a, **_fields())
    assert not Activity.objects.exists()


def test_anonymous_may_not_log(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        activity_create(actor=AnonymousUser(), palace=world.palace_a, **_fields())


def test_a_partner_needs_a_name(world):
    with pytest.raises(InvalidInput) as caught:
        activity_create(actor=world.staff_a, palace=world.palace_a, **_fields(partner_kind="enterprise"))
    assert set(caught.value.fields) == {"partner_name"}
    assert not Activity.objects.exists()


def test_a_partner_with_a_name_is_kept(world):
    activity = activity_create(
        actor=world.staff_a,
        palace=world.palace_a,
        **_fields(partner_kind="school", partner_name="南昌职业技术学院", programme="四季有约"),
    )
    assert (activity.partner_name, activity.programme) == ("南昌职业技术学院", "四季有约")


def test_bad_input_names_every_field_and_changes_nothing(world):
    with pytest.raises(InvalidInput) as caught:
        activity_create(
            actor=world.staff_a,
            palace=world.palace_a,
            title="  ",
            kind="party",
            centre="sports",
            date=DAY,
            end_date=date(2026, 3, 1),
            participants=-3,
            likes=True,
            partner_kind="government",
        )
    assert set(caught.value.fields) == {
        "title",
        "kind",
        "centre",
        "end_date",
        "participants",
        "likes",
        "partner_kind",
    }
    assert not Activity.objects.exists()


def test_a_venue_of_another_palace_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        activity_create(actor=world.province_officer, palace=world.palace_a, **_fields(venue=world.venue_b))
    assert set(caught.value.fields) == {"venue"}


def test_a_point_of_another_palace_is_refused(world):
    point = SatellitePointFactory(palace=world.palace_b)
    with pytest.raises(InvalidInput) as caught:
        activity_create(actor=world.staff_a, palace=world.palace_a, **_fields(satellite_point=point))
    assert set(caught.value.fields) == {"satellite_point"}


def test_two_places_at_once_are_refused(world):
    point = SatellitePointFactory(palace=world.palace_a)
    with pytest.raises(InvalidInput) as caught:
        activity_create(
            actor=world.staff_a, palace=world.palace_a, **_fields(satellite_point=point, off_site="八一广场")
        )
    assert set(caught.value.fields) == {"non_field_errors"}
    assert not Activity.objects.exists()


def test_unknown_fields_are_a_programming_error(world):
    with pytest.raises(TypeError):
        activity_create(actor=world.staff_a, palace=world.palace_a, colour="red", **_fields())


def test_update_changes_the_given_fields_only(world):
    activity = activity_create(actor=world.staff_a, palace=world.palace_a, **_fields(participants=10))
    activity_update(actor=world.manager_a, activity=activity, participants=42, end_date=date(2026, 3, 5))
    activity.refresh_from_db()
    assert (activity.participants, activity.end_date, activity.title) == (
        42,
        date(2026, 3, 5),
        "职工读书分享会",
    )


def test_update_with_bad_input_changes_nothing(world):
    activity = activity_create(actor=world.staff_a, palace=world.palace_a, **_fields(participants=10))
    with pytest.raises(InvalidInput):
        activity_update(actor=world.staff_a, activity=activity, participants=11, end_date=date(2026, 1, 1))
    activity.refresh_from_db()
    assert (activity.participants, activity.end_date) == (10, None)


def test_update_and_delete_by_another_palace_are_not_found(world):
    activity = activity_create(actor=world.staff_a, palace=world.palace_a, **_fields())
    with pytest.raises(NotFound):
        activity_update(actor=world.staff_b, activity=activity, participants=1)
    with pytest.raises(NotFound):
        activity_delete(actor=world.city_officer, activity=activity)
    assert Activity.objects.get().participants == 0


def test_delete_removes_the_row(world):
    activity = activity_create(actor=world.staff_a, palace=world.palace_a, **_fields())
    activity_delete(actor=world.manager_a, activity=activity)
    assert not Activity.objects.exists()
