"""The alliance's access questions (`alliance.access`), role by role.

Palace A is city-level in city 1; palace B is county-level in a county of city 2. Each row says
what one role may do; the questions are built on `venues.access`'s scopes only.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from alliance import access
from tests.alliance.support import apply, join, open_call
from tests.factories import StaffAssignmentFactory, UserFactory
from venues.models import StaffAssignment

Role = StaffAssignment.Role


def _province_officer_also_staff_of_b(world):
    user = UserFactory(phone="13800000017", real_name="兼职")
    StaffAssignmentFactory(user=user, role=Role.PROVINCE_OFFICER, region=world.province)
    StaffAssignmentFactory(user=user, role=Role.PALACE_STAFF, palace=world.palace_b)
    return user


ROLES = {
    "anonymous": lambda w: AnonymousUser(),
    "worker": lambda w: w.worker,
    "staff of A": lambda w: w.staff_a,
    "manager of B": lambda w: w.manager_b,
    "city officer of city 1": lambda w: w.city_officer,
    "province officer": lambda w: w.province_officer,
    "superuser": lambda w: UserFactory(phone="13700000001", is_staff=True, is_superuser=True),
    # Running the alliance is not a post at a palace: this officer applies for palace B only.
    "province officer, staff of B": _province_officer_also_staff_of_b,
}

# run, view work, apply for A, apply for B, applications read
TABLE = {
    "anonymous": (False, False, False, False, set()),
    "worker": (False, False, False, False, set()),
    "staff of A": (False, False, True, False, {"a"}),
    "manager of B": (False, False, False, True, {"b"}),
    "city officer of city 1": (False, True, False, False, {"a"}),
    "province officer": (True, True, False, False, {"a", "b"}),
    "superuser": (True, True, False, False, {"a", "b"}),
    "province officer, staff of B": (True, True, False, True, {"a", "b"}),
}


@pytest.mark.parametrize("role", ROLES)
def test_it_answers_each_alliance_question_as_the_table_says(world, role):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world)
    applications = {"a": apply(world, call), "b": apply(world, call, palace=world.palace_b)}
    user = ROLES[role](world)
    runs, views, for_a, for_b, reads = TABLE[role]

    assert access.may_run_alliance(user) is runs
    assert access.may_view_alliance_work(user) is views
    assert access.may_see_review_scores(user) is views
    assert access.may_apply_for_palace(user, world.palace_a) is for_a
    assert access.may_apply_for_palace(user, world.palace_b) is for_b
    applying = set(access.palaces_applying_for(user))
    assert applying == {p for p, yes in ((world.palace_a, for_a), (world.palace_b, for_b)) if yes}
    visible = set(access.applications_visible_to(user))
    assert visible == {applications[key] for key in reads}
    assert set(access.subsidies_visible_to(user)) == set()  # none granted yet, and no error


def test_drafts_are_for_provincial_staff_only(world):
    draft = open_call(world)
    draft.status = draft.Status.DRAFT
    draft.save(update_fields=["status"])
    assert list(access.calls_visible_to(world.province_officer)) == [draft]
    for user in (world.staff_a, world.city_officer, world.worker):
        assert not access.calls_visible_to(user).exists()
