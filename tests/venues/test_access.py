"""The access policy, role by role and question by question.

TABLE below is the specification: one row per role, one column per question, mirroring the table
in `venues.access`'s docstring (a test checks that the two agree). Palace A is city-level in
city 1; palace B is county-level in a county of city 2.
"""

import re

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import PalaceFactory, StaffAssignmentFactory, UserFactory
from venues import access
from venues.models import Palace, StaffAssignment

Role = StaffAssignment.Role


def _make_city_officer_2(world):
    user = UserFactory(phone="13800000015", real_name="城市二")
    StaffAssignmentFactory(user=user, role=Role.CITY_OFFICER, region=world.city2)
    return user


def _make_inactive_staff_a(world):
    user = UserFactory(phone="13800000016", real_name="离职员工", is_active=False)
    StaffAssignmentFactory(user=user, role=Role.PALACE_STAFF, palace=world.palace_a)
    return user


def _make_superuser(world):
    return UserFactory(phone="13700000000", real_name="管理员", is_staff=True, is_superuser=True)


ROLES = {
    "anonymous": lambda w: AnonymousUser(),
    "worker": lambda w: w.worker,
    "staff of A": lambda w: w.staff_a,
    "manager of A": lambda w: w.manager_a,
    "staff of B": lambda w: w.staff_b,
    "manager of B": lambda w: w.manager_b,
    "city officer of city 1": lambda w: w.city_officer,
    # Palace B sits in a county of city 2: this row covers the county-in-city path.
    "city officer of city 2": _make_city_officer_2,
    "province officer": lambda w: w.province_officer,
    "superuser": _make_superuser,
    "inactive staff of A": _make_inactive_staff_a,
}

QUESTIONS = {
    "visible A": lambda u, w: access.palaces_visible_to(u).filter(pk=w.palace_a.pk).exists(),
    "visible B": lambda u, w: access.palaces_visible_to(u).filter(pk=w.palace_b.pk).exists(),
    "managed A": lambda u, w: access.palaces_managed_by(u).filter(pk=w.palace_a.pk).exists(),
    "managed B": lambda u, w: access.palaces_managed_by(u).filter(pk=w.palace_b.pk).exists(),
    "led A": lambda u, w: access.palaces_led_by(u).filter(pk=w.palace_a.pk).exists(),
    "led B": lambda u, w: access.palaces_led_by(u).filter(pk=w.palace_b.pk).exists(),
    "view A": lambda u, w: access.may_view_palace(u, w.palace_a),
    "view B": lambda u, w: access.may_view_palace(u, w.palace_b),
    "manage A": lambda u, w: access.may_manage_palace(u, w.palace_a),
    "manage B": lambda u, w: access.may_manage_palace(u, w.palace_b),
    "assign A": lambda u, w: access.may_assign_staff(u, w.palace_a),
    "assign B": lambda u, w: access.may_assign_staff(u, w.palace_b),
    "network overview": lambda u, w: access.may_view_network_overview(u),
    "administer network": lambda u, w: access.may_administer_network(u),
    "use admin": lambda u, w: access.may_use_admin(u),
}

# Y: yes, -: no. Columns in the order of QUESTIONS.
#                              visible managed led  view manage assign overview administer admin
#                              A B     A B     A B  A B  A B    A B
TABLE = {
    "anonymous":              "- -     - -     - -  - -  - -    - -    -        -          -",
    "worker":                 "- -     - -     - -  - -  - -    - -    -        -          -",
    "staff of A":             "Y -     Y -     - -  Y -  Y -    - -    -        -          Y",
    "manager of A":           "Y -     Y -     Y -  Y -  Y -    Y -    -        -          Y",
    "staff of B":             "- Y     - Y     - -  - Y  - Y    - -    -        -          Y",
    "manager of B":           "- Y     - Y     - Y  - Y  - Y    - Y    -        -          Y",
    "city officer of city 1": "Y -     - -     - -  Y -  - -    - -    -        -          Y",
    "city officer of city 2": "- Y     - -     - -  - Y  - -    - -    -        -          Y",
    "province officer":       "Y Y     Y Y     Y Y  Y Y  Y Y    Y Y    Y        Y          Y",
    "superuser":              "Y Y     Y Y     Y Y  Y Y  Y Y    Y Y    Y        Y          Y",
    "inactive staff of A":    "- -     - -     - -  - -  - -    - -    -        -          -",
}  # fmt: skip


def _expected(role: str) -> dict[str, bool]:
    cells = TABLE[role].split()
    assert len(cells) == len(QUESTIONS), role
    return {question: cell == "Y" for question, cell in zip(QUESTIONS, cells, strict=True)}


def test_table_covers_every_role():
    assert set(TABLE) == set(ROLES)


@pytest.mark.parametrize("question", list(QUESTIONS))
@pytest.mark.parametrize("role", list(ROLES))
def test_access_policy_answers_as_the_table_says(world, role, question):
    user = ROLES[role](world)

    assert QUESTIONS[question](user, world) is _expected(role)[question]


@pytest.mark.parametrize("role", list(ROLES))
def test_one_palace_questions_agree_with_the_scopes(world, role):
    user = ROLES[role](world)
    county_palace_in_city1 = PalaceFactory(
        name="南昌县工人文化宫", level=Palace.Level.COUNTY, region=world.county1
    )

    for palace in Palace.objects.select_related("region"):
        assert (
            access.may_view_palace(user, palace)
            == access.palaces_visible_to(user).filter(pk=palace.pk).exists()
        )
        assert (
            access.may_manage_palace(user, palace)
            == access.palaces_managed_by(user).filter(pk=palace.pk).exists()
        )
        assert (
            access.may_assign_staff(user, palace) == access.palaces_led_by(user).filter(pk=palace.pk).exists()
        )
    # City 1's officer reaches a county palace of city 1 through the county's parent.
    if role == "city officer of city 1":
        assert access.may_view_palace(user, county_palace_in_city1)


# The docstring's words, as the columns (A, B) of the test table: A is the role's own palace/city.
_DOC_WORDS = {
    "nothing": (False, False),
    "nothing (read-mostly)": (False, False),
    "no": (False, False),
    "their palaces": (True, False),
    "palaces of their city": (True, False),
    "every palace": (True, True),
}
_DOC_ROLES = {
    "worker": "worker",
    "palace staff": "staff of A",
    "palace manager": "manager of A",
    "city officer": "city officer of city 1",
    "province officer": "province officer",
}


def test_table_mirrors_the_access_module_docstring():
    rows = {}
    for line in access.__doc__.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in _DOC_ROLES:
            rows[cells[0]] = cells[1:]
    assert set(rows) == set(_DOC_ROLES)
    assert re.search(r"\|\s*superuser\s*\|\s*as a province officer", access.__doc__)
    assert TABLE["superuser"] == TABLE["province officer"]

    for doc_role, (sees, acts_on, manages_staff) in rows.items():
        expected = _expected(_DOC_ROLES[doc_role])
        assert (expected["visible A"], expected["visible B"]) == _DOC_WORDS[sees], doc_role
        assert (expected["managed A"], expected["managed B"]) == _DOC_WORDS[acts_on], doc_role
        assert (expected["led A"], expected["led B"]) == _DOC_WORDS[manages_staff], doc_role


def test_assignments_are_loaded_once_per_user_object(world, django_assert_num_queries):
    user = world.manager_a
    access.forget(user)

    with django_assert_num_queries(1):
        access.roles_of(user)
        access.may_manage_palace(user, world.palace_a)
        access.may_assign_staff(user, world.palace_b)
        access.may_use_admin(user)


def test_forget_makes_a_new_assignment_count_at_once(world):
    user = world.worker
    assert not access.may_manage_palace(user, world.palace_a)  # caches "no roles"

    StaffAssignmentFactory(user=user, role=Role.PALACE_STAFF, palace=world.palace_a)
    assert not access.may_manage_palace(user, world.palace_a)  # still the cached answer
    access.forget(user)

    assert access.may_manage_palace(user, world.palace_a)


def test_role_label_names_the_most_senior_role(world):
    StaffAssignmentFactory(user=world.manager_a, role=Role.CITY_OFFICER, region=world.city1)
    access.forget(world.manager_a)

    assert access.role_label(world.manager_a) == str(Role.CITY_OFFICER.label)
    assert access.role_label(world.staff_a) == str(Role.PALACE_STAFF.label)
    assert access.role_label(world.worker) == ""


def test_staff_of_two_palaces_manages_both(world):
    StaffAssignmentFactory(user=world.staff_a, role=Role.PALACE_STAFF, palace=world.palace_b)
    access.forget(world.staff_a)

    assert set(access.palaces_managed_by(world.staff_a)) == {world.palace_a, world.palace_b}
    assert not access.palaces_led_by(world.staff_a).exists()
