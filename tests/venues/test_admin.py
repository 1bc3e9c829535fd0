"""The back office: every role against every admin page of the network (STYLE.md's matrix).

Expected answers: 200 shown, 302 redirected (to the admin login for those without a staff role, to
the list after a saved change), 403 the role may not use this part at all, 404 the row is outside
the user's scope (indistinguishable from a missing one).
"""

from datetime import time, timedelta

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import PalaceFactory, StaffAssignmentFactory, UserFactory, VenueFactory
from venues.models import Closure, OpeningHours, Palace, StaffAssignment, Venue

Role = StaffAssignment.Role
LOGIN = "/admin/login/"

ROLES = [
    "anonymous",
    "worker",
    "staff_a",
    "manager_a",
    "staff_b",
    "city_officer",
    "province_officer",
    "superuser",
]


def _client(user=None) -> Client:
    # English, so that messages compare with their msgids whatever the catalogue holds.
    client = Client(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_role(world, superuser):
    def make(role: str) -> Client:
        if role == "anonymous":
            return _client()
        return _client(superuser if role == "superuser" else getattr(world, role))

    return make


def _url(name, *args):
    return reverse(f"admin:venues_{name}", args=args)


def _pages(world):
    assignment_b = StaffAssignment.objects.get(user=world.staff_b)
    return {
        "venue list": _url("venue_changelist"),
        "venue A": _url("venue_change", world.venue_a.pk),
        "venue B": _url("venue_change", world.venue_b.pk),
        "venue B history": _url("venue_history", world.venue_b.pk),
        "venue B delete": _url("venue_delete", world.venue_b.pk),
        "palace list": _url("palace_changelist"),
        "palace A": _url("palace_change", world.palace_a.pk),
        "palace B": _url("palace_change", world.palace_b.pk),
        "palace add": _url("palace_add"),
        "venue add": _url("venue_add"),
        "closure list": _url("closure_changelist"),
        "point list": _url("satellitepoint_changelist"),
        "assignment list": _url("staffassignment_changelist"),
        "assignment add": _url("staffassignment_add"),
        "assignment of B": _url("staffassignment_change", assignment_b.pk),
        "region list": _url("region_changelist"),
    }


# One column per page, in this order; one row per role. "L" = 302 to the admin login.
PAGES = [
    "venue list",
    "venue A",
    "venue B",
    "venue B history",
    "venue B delete",
    "palace list",
    "palace A",
    "palace B",
    "palace add",
    "venue add",
    "closure list",
    "point list",
    "assignment list",
    "assignment add",
    "assignment of B",
    "region list",
]
# Columns:            venue: list, A, B, B's history, B's delete | palace: list, A, B, add |
#                     venue add | closures | points | assignment: list, add, B's | regions
GET_TABLE = {
    "anonymous":        "L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L",
    "worker":           "L   L   L   L   L   L   L   L   L   L   L   L   L   L   L   L",
    "staff_a":          "200 200 404 404 404 200 200 404 403 200 200 200 403 403 404 403",
    "manager_a":        "200 200 404 404 404 200 200 404 403 200 200 200 200 200 404 403",
    "staff_b":          "200 404 200 200 200 200 404 200 403 200 200 200 403 403 404 403",
    "city_officer":     "200 200 404 404 404 200 200 404 403 403 200 200 403 403 404 403",
    "province_officer": "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    "superuser":        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
}  # fmt: skip


def _cells(table, role, columns):
    cells = table[role].split()
    assert len(cells) == len(columns), role
    return dict(zip(columns, cells, strict=True))


def _assert_answer(response, expected):
    if expected == "L":
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN)
    else:
        assert response.status_code == int(expected)


def test_tables_cover_every_role():
    assert set(GET_TABLE) == set(ROLES)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_each_role_as_the_table_says(world, as_role, role, page):
    response = as_role(role).get(_pages(world)[page])

    _assert_answer(response, _cells(GET_TABLE, role, PAGES)[page])


# --- Changing palace A's venue --------------------------------------------------------------------


def _venue_data(venue, **changes):
    data = {
        "name": venue.name,
        "centre": venue.centre,
        "kind": venue.kind,
        "booking_mode": venue.booking_mode,
        "capacity": venue.capacity,
        "fee": str(venue.fee),
        "slot_minutes": venue.slot_minutes,
        "floor": venue.floor,
        "facilities": venue.facilities,
        "accessibility": venue.accessibility,
        "is_active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


POST_TABLE = {
    "anonymous": "L",
    "worker": "L",
    "staff_a": "saved",
    "manager_a": "saved",
    "staff_b": "404",
    "city_officer": "403",
    "province_officer": "saved",
    "superuser": "saved",
}


@pytest.mark.parametrize("role", ROLES)
def test_changing_palace_a_venue_answers_each_role_as_the_table_says(world, as_role, role):
    expected = POST_TABLE[role]

    response = as_role(role).post(
        _url("venue_change", world.venue_a.pk), _venue_data(world.venue_a, capacity=7)
    )

    world.venue_a.refresh_from_db()
    if expected == "saved":
        assert response.status_code == 302
        assert response["Location"] == _url("venue_changelist")
        assert world.venue_a.capacity == 7
    else:
        _assert_answer(response, expected)
        assert world.venue_a.capacity != 7


@pytest.mark.parametrize("role", ["staff_a", "manager_a", "staff_b", "city_officer", "province_officer"])
def test_venue_list_shows_only_the_palaces_in_scope(world, as_role, role):
    VenueFactory(palace=world.palace_a, name="乒乓球室", kind="table_tennis")

    response = as_role(role).get(_url("venue_changelist"))

    palaces = {venue.palace_id for venue in response.context["cl"].result_list}
    expected = {
        "staff_a": {world.palace_a.pk},
        "manager_a": {world.palace_a.pk},
        "staff_b": {world.palace_b.pk},
        "city_officer": {world.palace_a.pk},
        "province_officer": {world.palace_a.pk, world.palace_b.pk},
    }[role]
    assert palaces == expected


def test_palace_list_of_staff_b_holds_only_palace_b(world, as_role):
    response = as_role("staff_b").get(_url("palace_changelist"))

    assert list(response.context["cl"].result_list) == [world.palace_b]
    assert world.palace_a.name not in response.content.decode()


def test_staff_b_filtering_the_venue_list_by_palace_a_sees_nothing(world, as_role):
    response = as_role("staff_b").get(_url("venue_changelist"), {"palace__id__exact": world.palace_a.pk})

    assert world.venue_a.name not in response.content.decode()


def test_bulk_delete_of_another_palace_venue_deletes_nothing(world, as_role):
    as_role("staff_b").post(
        _url("venue_changelist"),
        {"action": "delete_selected", "_selected_action": [world.venue_a.pk], "post": "yes"},
    )

    assert Venue.objects.filter(pk=world.venue_a.pk).exists()


def test_staff_deletes_a_venue_of_their_own_palace(world, as_role):
    response = as_role("staff_b").post(_url("venue_delete", world.venue_b.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Venue.objects.filter(pk=world.venue_b.pk).exists()


def test_city_officer_sees_a_venue_read_only(world, as_role):
    response = as_role("city_officer").get(_url("venue_change", world.venue_a.pk))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False


def test_admin_index_lists_only_what_the_role_may_use(world, as_role):
    def models_of(role):
        response = as_role(role).get(reverse("admin:index"))
        return {m["object_name"] for app in response.context["app_list"] for m in app["models"]}

    network = {"Palace", "Venue", "Closure", "SatellitePoint"}
    assert network <= models_of("staff_a")
    assert not {"Region", "StaffAssignment"} & models_of("staff_a")
    assert "StaffAssignment" in models_of("manager_a")
    assert "Region" not in models_of("manager_a")
    assert not {"Region", "StaffAssignment"} & models_of("city_officer")
    assert {"Region", "StaffAssignment"} | network <= models_of("province_officer")


# --- Creating venues ------------------------------------------------------------------------------


def test_venue_form_offers_only_the_palaces_the_user_manages(world, as_role):
    response = as_role("staff_a").get(_url("venue_add"))

    assert list(response.context["adminform"].form.fields["palace"].queryset) == [world.palace_a]


def test_staff_cannot_create_a_venue_in_another_palace(world, as_role):
    before = Venue.objects.count()

    response = as_role("staff_a").post(
        _url("venue_add"), _venue_data(world.venue_a, palace=world.palace_b.pk, name="越界场馆")
    )

    assert response.status_code == 200
    assert "palace" in response.context["adminform"].form.errors
    assert Venue.objects.count() == before


def test_staff_creates_a_venue_in_their_palace(world, as_role):
    response = as_role("staff_a").post(
        _url("venue_add"), _venue_data(world.venue_a, palace=world.palace_a.pk, name="羽毛球馆2号场")
    )

    assert response.status_code == 302
    assert Venue.objects.get(name="羽毛球馆2号场").palace == world.palace_a


def test_venue_kind_outside_its_centre_gets_a_clear_message(world, as_role):
    response = as_role("staff_a").post(
        _url("venue_change", world.venue_a.pk), _venue_data(world.venue_a, centre="culture", capacity=9)
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["kind"] == ["This kind of venue belongs to the Health centre, not to the one chosen."]
    world.venue_a.refresh_from_db()
    assert (world.venue_a.centre, world.venue_a.capacity) == ("health", world.venue_a.capacity)
    assert world.venue_a.capacity != 9


def test_a_venue_never_moves_to_another_palace(world, as_role):
    as_role("province_officer").post(
        _url("venue_change", world.venue_a.pk), _venue_data(world.venue_a, palace=world.palace_b.pk)
    )

    world.venue_a.refresh_from_db()
    assert world.venue_a.palace == world.palace_a


# --- The palace page ------------------------------------------------------------------------------


def _changeform_data(response) -> dict:
    """The POST a browser would send back unchanged: main form plus every inline formset."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def test_palace_staff_edit_contact_details_but_not_the_provincial_register(world, as_role):
    client = as_role("staff_a")
    data = _changeform_data(client.get(_url("palace_change", world.palace_a.pk)))
    data.update(address="八一大道1号", status=Palace.Status.CLOSED, alliance_member="on", name="改名文化宫")

    response = client.post(_url("palace_change", world.palace_a.pk), data)

    assert response.status_code == 302
    world.palace_a.refresh_from_db()
    assert world.palace_a.address == "八一大道1号"
    assert world.palace_a.status == Palace.Status.IN_SERVICE
    assert world.palace_a.alliance_member is False
    assert world.palace_a.name == "南昌市工人文化宫"


def test_province_officer_changes_a_palace_status(world, as_role):
    client = as_role("province_officer")
    data = _changeform_data(client.get(_url("palace_change", world.palace_b.pk)))
    data.update(status=Palace.Status.CLOSED, alliance_member="on")

    response = client.post(_url("palace_change", world.palace_b.pk), data)

    assert response.status_code == 302
    world.palace_b.refresh_from_db()
    assert world.palace_b.status == Palace.Status.CLOSED
    assert world.palace_b.alliance_member is True


def test_staff_add_opening_hours_on_their_palace_page(world, as_role):
    client = as_role("staff_a")
    data = _changeform_data(client.get(_url("palace_change", world.palace_a.pk)))
    total = int(data["opening_hours-TOTAL_FORMS"])
    data.update(
        {
            "opening_hours-TOTAL_FORMS": str(total + 1),
            f"opening_hours-{total}-weekday": "5",
            f"opening_hours-{total}-opens": "07:00",
            f"opening_hours-{total}-closes": "08:30",
        }
    )

    response = client.post(_url("palace_change", world.palace_a.pk), data)

    assert response.status_code == 302
    assert OpeningHours.objects.filter(palace=world.palace_a, weekday=5, opens=time(7)).exists()


def test_city_officer_cannot_change_a_palace_of_their_city(world, as_role):
    client = as_role("city_officer")
    page = client.get(_url("palace_change", world.palace_a.pk))
    data = {"address": "八一大道1号", "phone": "0791-1"}

    response = client.post(_url("palace_change", world.palace_a.pk), data)

    assert page.status_code == 200
    assert response.status_code == 403
    world.palace_a.refresh_from_db()
    assert world.palace_a.address != "八一大道1号"


def test_staff_cannot_delete_their_palace(world, as_role):
    response = as_role("manager_a").post(_url("palace_delete", world.palace_a.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Palace.objects.filter(pk=world.palace_a.pk).exists()


def test_province_officer_creates_a_palace(world, as_role):
    response = as_role("province_officer").post(
        _url("palace_add"),
        {
            "name": "九江市工人文化宫",
            "level": Palace.Level.CITY,
            "region": world.city2.pk,
            "status": Palace.Status.PLANNED,
            "address": "",
            "phone": "",
            "floor_area": "",
            "floors": "",
            "year_built": "",
            "description": "",
            **{f"{prefix}-{key}": value for prefix in ("opening_hours", "closures", "satellite_points")
               for key, value in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()},
        },
    )  # fmt: skip

    assert response.status_code == 302
    assert Palace.objects.filter(name="九江市工人文化宫", region=world.city2).exists()


def test_palace_level_must_match_its_region_in_the_form(world, as_role):
    client = as_role("province_officer")
    data = _changeform_data(client.get(_url("palace_change", world.palace_b.pk)))
    data.update(region=world.city2.pk)  # palace B is county-level

    response = client.post(_url("palace_change", world.palace_b.pk), data)

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    world.palace_b.refresh_from_db()
    assert world.palace_b.region == world.county2


def test_closure_with_a_venue_of_another_palace_is_refused(world, as_role):
    today = timezone.localdate()

    response = as_role("province_officer").post(
        _url("closure_add"),
        {
            "palace": world.palace_a.pk,
            "venue": world.venue_b.pk,
            "start_date": today.isoformat(),
            "end_date": (today + timedelta(days=1)).isoformat(),
            "reason": "检修",
        },
    )

    assert response.status_code == 200
    assert "venue" in response.context["adminform"].form.errors
    assert not Closure.objects.exists()


def test_closure_venue_choices_are_the_managed_palaces_venues(world, as_role):
    response = as_role("staff_a").get(_url("closure_add"))

    assert list(response.context["adminform"].form.fields["venue"].queryset) == [world.venue_a]


def test_palace_list_query_count_does_not_grow_with_palaces(world, as_role, django_assert_max_num_queries):
    for n in range(60):
        palace = PalaceFactory(name=f"测试{n}工人文化宫", level=Palace.Level.COUNTY, region=world.county1)
        VenueFactory(palace=palace, name="健身馆", kind="gym")
        VenueFactory(palace=palace, name="图书馆", kind="library")
    client = as_role("province_officer")

    with django_assert_max_num_queries(12):
        response = client.get(_url("palace_changelist"), {"all": ""})

    rows = {palace.name: palace.venue_count for palace in response.context["cl"].result_list}
    assert len(rows) == 62
    assert rows["测试7工人文化宫"] == 2
    assert rows[world.palace_a.name] == 1


def test_venue_list_query_count_does_not_grow_with_venues(world, as_role, django_assert_max_num_queries):
    for n in range(80):
        VenueFactory(palace=world.palace_a, name=f"教室{n}", kind="classroom")
    client = as_role("staff_a")

    with django_assert_max_num_queries(12):
        response = client.get(_url("venue_changelist"))

    assert len(response.context["cl"].result_list) == 81


# --- Staff assignments ----------------------------------------------------------------------------


def test_manager_sees_only_the_assignments_of_their_palace(world, as_role):
    response = as_role("manager_a").get(_url("staffassignment_changelist"))

    users = {assignment.user for assignment in response.context["cl"].result_list}
    assert users == {world.staff_a, world.manager_a}


def test_manager_assignment_form_offers_palace_roles_of_their_palace_only(world, as_role):
    form = as_role("manager_a").get(_url("staffassignment_add")).context["adminform"].form

    assert list(form.fields) == ["phone", "role", "palace", "legal_service"]
    assert {value for value, _label in form.fields["role"].choices if value} == set(
        StaffAssignment.PALACE_ROLES
    )
    assert list(form.fields["palace"].queryset) == [world.palace_a]


def test_manager_assigns_staff_by_mobile_number(world, as_role):
    response = as_role("manager_a").post(
        _url("staffassignment_add"),
        {"phone": "139 0000 0001", "role": Role.PALACE_STAFF, "palace": world.palace_a.pk},
    )

    assert response.status_code == 302
    assignment = StaffAssignment.objects.get(user=world.worker)
    assert (assignment.role, assignment.palace) == (Role.PALACE_STAFF, world.palace_a)
    # The new staff member can now use the back office.
    assert _client(world.worker).get(_url("venue_changelist")).status_code == 200


def test_manager_gives_the_legal_service_duty_with_the_assignment(world, as_role):
    response = as_role("manager_a").post(
        _url("staffassignment_add"),
        {
            "phone": "13900000002",
            "role": Role.PALACE_STAFF,
            "palace": world.palace_a.pk,
            "legal_service": "on",
        },
    )

    assert response.status_code == 302
    assert StaffAssignment.objects.get(user=world.worker2).legal_service is True


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "13912345678", "role": Role.PALACE_STAFF}, "phone"),
        ({"phone": "13800000001", "role": Role.PALACE_STAFF}, None),
        ({"phone": "13900000001", "role": Role.PALACE_STAFF, "palace": "B"}, "palace"),
        ({"phone": "13900000001", "role": Role.CITY_OFFICER}, "role"),
        ({"phone": "13900000001", "role": Role.PALACE_MANAGER, "palace": ""}, "palace"),
    ],
    ids=["unknown number", "already staff", "other palace", "region role", "no palace"],
)
def test_manager_assignment_with_bad_input_changes_nothing(world, as_role, data, field):
    data = {"palace": world.palace_a.pk, **data}
    if data["palace"] == "B":
        data["palace"] = world.palace_b.pk
    before = StaffAssignment.objects.count()

    response = as_role("manager_a").post(_url("staffassignment_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert (field or "__all__") in errors
    assert StaffAssignment.objects.count() == before


def test_province_officer_assigns_a_city_officer(world, as_role):
    response = as_role("province_officer").post(
        _url("staffassignment_add"),
        {"phone": "13900000002", "role": Role.CITY_OFFICER, "region": world.city2.pk},
    )

    assert response.status_code == 302
    assert StaffAssignment.objects.filter(
        user=world.worker2, role=Role.CITY_OFFICER, region=world.city2
    ).exists()


def test_province_officer_cannot_make_a_county_a_city_officer_scope(world, as_role):
    response = as_role("province_officer").post(
        _url("staffassignment_add"),
        {"phone": "13900000002", "role": Role.CITY_OFFICER, "region": world.county1.pk},
    )

    assert response.status_code == 200
    assert "region" in response.context["adminform"].form.errors
    assert not StaffAssignment.objects.filter(user=world.worker2).exists()


def test_manager_removes_staff_of_their_palace(world, as_role):
    assignment = StaffAssignment.objects.get(user=world.staff_a)

    response = as_role("manager_a").post(_url("staffassignment_delete", assignment.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not StaffAssignment.objects.filter(pk=assignment.pk).exists()
    assert _client(world.staff_a).get(_url("venue_changelist"))["Location"].startswith(LOGIN)


def test_manager_cannot_remove_staff_of_another_palace(world, as_role):
    assignment = StaffAssignment.objects.get(user=world.staff_b)

    response = as_role("manager_a").post(_url("staffassignment_delete", assignment.pk), {"post": "yes"})

    assert response.status_code == 404
    assert StaffAssignment.objects.filter(pk=assignment.pk).exists()


def test_bulk_removal_reaches_only_the_managers_palace(world, as_role):
    ids = list(StaffAssignment.objects.values_list("pk", flat=True))

    as_role("manager_a").post(
        _url("staffassignment_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )

    remaining = set(StaffAssignment.objects.values_list("user__phone", flat=True))
    assert world.staff_a.phone not in remaining
    assert {world.staff_b.phone, world.manager_b.phone, world.city_officer.phone} <= remaining


def test_assignments_are_not_edited_in_place(world, as_role):
    assignment = StaffAssignment.objects.get(user=world.staff_a)

    response = as_role("province_officer").post(
        _url("staffassignment_change", assignment.pk), {"role": Role.PALACE_MANAGER}
    )

    assert response.status_code == 403
    assignment.refresh_from_db()
    assert assignment.role == Role.PALACE_STAFF


def test_assignment_list_shows_masked_people(world, as_role):
    response = as_role("manager_a").get(_url("staffassignment_changelist"))

    content = response.content.decode()
    assert world.staff_a.phone not in content
    assert "138****0001" in content


def test_assignment_list_query_count_does_not_grow(world, as_role, django_assert_max_num_queries):
    for n in range(40):
        StaffAssignmentFactory(
            user=UserFactory(phone=f"1370000{n:04d}"), role=Role.PALACE_STAFF, palace=world.palace_a
        )
    client = as_role("manager_a")

    with django_assert_max_num_queries(12):
        response = client.get(_url("staffassignment_changelist"))

    assert response.context["cl"].result_count == 42


# --- The door -------------------------------------------------------------------------------------


def test_worker_is_refused_at_the_admin_login(world):
    client = _client()

    response = client.post(LOGIN, {"username": world.worker.phone, "password": world.password})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_palace_staff_signs_in_at_the_admin_login(world):
    client = _client()

    response = client.post(LOGIN, {"username": world.staff_a.phone, "password": world.password})

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
