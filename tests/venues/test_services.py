import pytest
from django.contrib.auth.models import AnonymousUser

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.factories import StaffAssignmentFactory, UserFactory
from venues import access, services
from venues.models import StaffAssignment

Role = StaffAssignment.Role


def _count():
    return StaffAssignment.objects.count()


def test_manager_assigns_a_worker_as_staff_of_their_palace(world):
    assert not access.may_manage_palace(world.worker, world.palace_a)  # roles now cached

    assignment = services.staff_assignment_create(
        actor=world.manager_a, user=world.worker, role=Role.PALACE_STAFF, palace=world.palace_a
    )

    assert assignment.pk is not None
    assert assignment.palace == world.palace_a
    # The cache was dropped: the same user object now holds the role.
    assert access.may_manage_palace(world.worker, world.palace_a)


def test_manager_may_appoint_another_manager_of_their_palace(world):
    services.staff_assignment_create(
        actor=world.manager_a, user=world.staff_a, role=Role.PALACE_MANAGER, palace=world.palace_a
    )

    access.forget(world.staff_a)
    assert access.may_assign_staff(world.staff_a, world.palace_a)


def test_assigning_staff_to_a_palace_out_of_sight_is_not_found(world):
    before = _count()

    with pytest.raises(NotFound):
        services.staff_assignment_create(
            actor=world.manager_a, user=world.worker, role=Role.PALACE_STAFF, palace=world.palace_b
        )
    assert _count() == before


@pytest.mark.parametrize("actor", ["staff_a", "city_officer"])
def test_those_who_see_but_do_not_lead_a_palace_may_not_assign_its_staff(world, actor):
    before = _count()

    with pytest.raises(RuleViolation) as excinfo:
        services.staff_assignment_create(
            actor=getattr(world, actor), user=world.worker, role=Role.PALACE_STAFF, palace=world.palace_a
        )
    assert excinfo.value.code == "not_allowed"
    assert _count() == before


def test_anonymous_actor_is_refused(world):
    with pytest.raises(NotFound):
        services.staff_assignment_create(
            actor=AnonymousUser(), user=world.worker, role=Role.PALACE_STAFF, palace=world.palace_a
        )


def test_manager_may_not_assign_region_roles(world):
    before = _count()

    with pytest.raises(RuleViolation) as excinfo:
        services.staff_assignment_create(
            actor=world.manager_a, user=world.worker, role=Role.CITY_OFFICER, region=world.city1
        )
    assert excinfo.value.code == "not_allowed"
    assert _count() == before


def test_province_officer_assigns_a_city_officer(world):
    services.staff_assignment_create(
        actor=world.province_officer, user=world.worker, role=Role.CITY_OFFICER, region=world.city2
    )

    assert access.may_view_palace(world.worker, world.palace_b)
    assert not access.may_manage_palace(world.worker, world.palace_b)


def test_superuser_assigns_a_province_officer(world, superuser):
    services.staff_assignment_create(
        actor=superuser, user=world.worker, role=Role.PROVINCE_OFFICER, region=world.province
    )

    assert access.may_administer_network(world.worker)


@pytest.mark.parametrize(
    ("role", "scope", "code", "field"),
    [
        (Role.PALACE_STAFF, {}, "palace_required", "palace"),
        (Role.PALACE_MANAGER, {"region": "city1"}, "palace_required", "palace"),
        (Role.PALACE_STAFF, {"palace": "palace_a", "region": "city1"}, "region_not_allowed", "region"),
        (Role.CITY_OFFICER, {}, "region_level_mismatch", "region"),
        (Role.CITY_OFFICER, {"region": "county1"}, "region_level_mismatch", "region"),
        (Role.CITY_OFFICER, {"region": "province"}, "region_level_mismatch", "region"),
        (Role.CITY_OFFICER, {"region": "city1", "palace": "palace_a"}, "palace_not_allowed", "palace"),
        (Role.PROVINCE_OFFICER, {"region": "city1"}, "region_level_mismatch", "region"),
        ("janitor", {"palace": "palace_a"}, "invalid_role", "role"),
    ],
)
def test_scope_that_does_not_fit_the_role_is_refused(world, role, scope, code, field):
    before = _count()
    scope = {key: getattr(world, value) for key, value in scope.items()}

    with pytest.raises(InvalidInput) as excinfo:
        services.staff_assignment_create(actor=world.province_officer, user=world.worker, role=role, **scope)

    assert excinfo.value.code == code
    assert field in excinfo.value.fields
    assert _count() == before


def test_duplicate_assignment_is_refused_with_a_clear_code(world):
    before = _count()

    with pytest.raises(RuleViolation) as excinfo:
        services.staff_assignment_create(
            actor=world.manager_a, user=world.staff_a, role=Role.PALACE_STAFF, palace=world.palace_a
        )

    assert excinfo.value.code == "assignment_exists"
    assert _count() == before


def test_inactive_user_cannot_be_assigned(world):
    sleeper = UserFactory(phone="13900000099", is_active=False)

    with pytest.raises(InvalidInput) as excinfo:
        services.staff_assignment_create(
            actor=world.manager_a, user=sleeper, role=Role.PALACE_STAFF, palace=world.palace_a
        )

    assert excinfo.value.code == "user_inactive"
    assert not StaffAssignment.objects.filter(user=sleeper).exists()


def test_manager_removes_staff_of_their_palace(world):
    assignment = StaffAssignment.objects.get(user=world.staff_a)
    assert access.may_manage_palace(world.staff_a, world.palace_a)

    services.staff_assignment_delete(actor=world.manager_a, assignment=assignment)

    assert not StaffAssignment.objects.filter(pk=assignment.pk).exists()
    assert not access.may_manage_palace(assignment.user, world.palace_a)


def test_manager_cannot_remove_staff_of_another_palace(world):
    assignment = StaffAssignment.objects.get(user=world.staff_b)

    with pytest.raises(NotFound):
        services.staff_assignment_delete(actor=world.manager_a, assignment=assignment)
    assert StaffAssignment.objects.filter(pk=assignment.pk).exists()


def test_staff_cannot_remove_a_colleague(world):
    colleague = StaffAssignmentFactory(user=world.worker, role=Role.PALACE_STAFF, palace=world.palace_a)

    with pytest.raises(RuleViolation):
        services.staff_assignment_delete(actor=world.staff_a, assignment=colleague)
    assert StaffAssignment.objects.filter(pk=colleague.pk).exists()


def test_only_province_officers_remove_region_roles(world):
    assignment = StaffAssignment.objects.get(user=world.city_officer)

    with pytest.raises(NotFound):
        services.staff_assignment_delete(actor=world.manager_a, assignment=assignment)
    assert StaffAssignment.objects.filter(pk=assignment.pk).exists()

    services.staff_assignment_delete(actor=world.province_officer, assignment=assignment)
    assert not StaffAssignment.objects.filter(pk=assignment.pk).exists()


def test_removing_an_already_removed_assignment_is_not_found(world):
    assignment = StaffAssignment.objects.get(user=world.staff_a)
    StaffAssignment.objects.filter(pk=assignment.pk).delete()

    with pytest.raises(NotFound):
        services.staff_assignment_delete(actor=world.manager_a, assignment=assignment)
