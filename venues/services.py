"""Writes on the network that carry a rule: who is assigned to which palace or region, and what
the palace and venue pages show of themselves (introduction, directions, pictures).

Each service takes the acting user, asserts access through `venues.access` itself (defence in
depth: the admin and pages check too), runs in one transaction and raises `palace_portal.errors`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from palace_portal.images import apply_picture, picture_input

from . import access
from .models import Palace, Region, StaffAssignment, Venue

if TYPE_CHECKING:
    from palace_portal.users.models import User

Role = StaffAssignment.Role

# The region level each region-scoped role must point at.
_REGION_LEVEL_OF_ROLE = {
    Role.CITY_OFFICER: Region.Level.CITY,
    Role.PROVINCE_OFFICER: Region.Level.PROVINCE,
}


def _assert_may_assign(*, actor, role: str, palace: Palace | None) -> None:
    """Palace roles: the palace's managers and provincial staff; region roles: provincial staff."""
    if role in StaffAssignment.PALACE_ROLES:
        if not access.may_view_palace(actor, palace):
            # Outsiders learn nothing about the palace, not even that it exists.
            raise NotFound()
        if not access.may_assign_staff(actor, palace):
            raise RuleViolation(_("You may not assign staff to this palace."), code="not_allowed")
    elif not access.may_administer_network(actor):
        raise RuleViolation(
            _("Only provincial union staff may assign city or provincial roles."), code="not_allowed"
        )


def staff_assignment_validate(
    *, actor, user: User, role: str, palace: Palace | None = None, region: Region | None = None
) -> None:
    """Every check `staff_assignment_create` makes, without writing (forms show the errors early).

    Raises InvalidInput (role, scope or user not acceptable; `fields` names the field at fault),
    NotFound (the palace is not visible to the actor) or RuleViolation (`not_allowed`: the actor may
    not assign this; `assignment_exists`: the user already holds this role there).
    """
    if role not in Role.values:
        raise InvalidInput(
            _("Choose a valid role."), code="invalid_role", fields={"role": [_("Choose a valid role.")]}
        )
    if role in StaffAssignment.PALACE_ROLES:
        if palace is None:
            message = _("A palace role needs a palace.")
            raise InvalidInput(message, code="palace_required", fields={"palace": [message]})
        if region is not None:
            message = _("A palace role is scoped by its palace only: leave the region empty.")
            raise InvalidInput(message, code="region_not_allowed", fields={"region": [message]})
    else:
        if palace is not None:
            message = _("A city or provincial role is scoped by a region: leave the palace empty.")
            raise InvalidInput(message, code="palace_not_allowed", fields={"palace": [message]})
        level = _REGION_LEVEL_OF_ROLE[role]
        if region is None or region.level != level:
            if level == Region.Level.CITY:
                message = _("City union staff need a prefecture-level city as their region.")
            else:
                message = _("Provincial union staff need the province as their region.")
            raise InvalidInput(message, code="region_level_mismatch", fields={"region": [message]})

    _assert_may_assign(actor=actor, role=role, palace=palace)

    if user is None or not user.is_active:
        message = _("This user account is not active.")
        raise InvalidInput(message, code="user_inactive", fields={"user": [message]})
    scope = {"palace": palace} if palace is not None else {"region": region}
    if StaffAssignment.objects.filter(user=user, role=role, **scope).exists():
        raise RuleViolation(_("This person already holds this role there."), code="assignment_exists")


def staff_assignment_create(
    *,
    actor,
    user: User,
    role: str,
    palace: Palace | None = None,
    region: Region | None = None,
    legal_service: bool = False,
) -> StaffAssignment:
    """Give `user` a staff role: palace staff or manager of `palace`, or a region-scoped officer.

    Who may call: a manager of `palace` or provincial staff for palace roles; provincial staff only
    for city and provincial roles. Preconditions and errors: see `staff_assignment_validate`.
    `legal_service` (palace roles only) gives the duty of reading the palace's legal-help cases.
    Side effects: the user's cached roles are dropped, so the new role applies at once.
    """
    with transaction.atomic():
        staff_assignment_validate(actor=actor, user=user, role=role, palace=palace, region=region)
        if legal_service and role not in StaffAssignment.PALACE_ROLES:
            message = _("Only palace staff and managers take the legal-service duty.")
            raise InvalidInput(message, code="legal_service_palace_only", fields={"legal_service": [message]})
        try:
            # A savepoint of its own: a concurrent duplicate must not break the caller's transaction.
            with transaction.atomic():
                assignment = StaffAssignment.objects.create(
                    user=user, role=role, palace=palace, region=region, legal_service=legal_service
                )
        except IntegrityError as exc:
            raise RuleViolation(
                _("This person already holds this role there."), code="assignment_exists"
            ) from exc
    access.forget(user)
    return assignment


def staff_assignment_delete(*, actor, assignment: StaffAssignment) -> None:
    """Take a staff role away. Same callers as `staff_assignment_create` for that role and scope.

    Raises NotFound when the actor may not even see the assignment's palace (or the assignment is
    region-scoped and the actor is not provincial staff), RuleViolation `not_allowed` when they may
    see the palace but not assign its staff. Side effect: the user's cached roles are dropped.
    """
    with transaction.atomic():
        if assignment.palace_id is None and not access.may_administer_network(actor):
            raise NotFound()
        _assert_may_assign(actor=actor, role=assignment.role, palace=assignment.palace)
        user = assignment.user
        deleted, _counts = StaffAssignment.objects.filter(pk=assignment.pk).delete()
        if not deleted:
            raise NotFound()
    access.forget(user)


# --- What the palace and venue pages say about themselves ------------------------------------------

PICTURE_FIELDS = frozenset({"picture", "picture_alt", "picture_clear"})
PALACE_PROFILE_FIELDS = frozenset({"description", "directions"}) | PICTURE_FIELDS
INTRODUCTION_MAX = 4000
DIRECTIONS_MAX = 1000


def palace_profile_update(*, actor, palace: Palace, **values: Any) -> Palace:
    """The palace page's introduction, directions and picture: its managers and provincial staff.

    Others who may see the palace are refused (`not_allowed`); the rest `NotFound`. A picture needs
    its description (InvalidInput on `picture_alt`); nothing changes when anything is refused."""
    unknown = set(values) - PALACE_PROFILE_FIELDS
    if unknown:
        raise TypeError(f"palace_profile_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if not access.may_view_palace(actor, palace):
        raise NotFound()
    if not access.may_lead_palace(actor, palace):
        raise RuleViolation(_("Only the palace's managers may change its page."), code="not_allowed")
    errors: dict[str, list] = {}
    description = str(values.get("description", palace.description) or "").strip()
    directions = str(values.get("directions", palace.directions) or "").strip()
    if len(description) > INTRODUCTION_MAX:
        errors["description"] = [_("At most %(n)d characters.") % {"n": INTRODUCTION_MAX}]
    if len(directions) > DIRECTIONS_MAX:
        errors["directions"] = [_("At most %(n)d characters.") % {"n": DIRECTIONS_MAX}]
    with transaction.atomic():
        palace = Palace.objects.select_for_update().get(pk=palace.pk)
        change = picture_input(values, current=palace.picture, errors=errors)
        if errors:
            raise InvalidInput(_("Please correct the palace page."), fields=errors)
        palace.description, palace.directions = description, directions
        apply_picture(palace, change)
        palace.save(update_fields=["description", "directions", "picture", "picture_alt"])
    return palace


def venue_picture_update(*, actor, venue: Venue, **values: Any) -> Venue:
    """A venue's picture and its description: staff of the venue's palace and provincial staff."""
    unknown = set(values) - PICTURE_FIELDS
    if unknown:
        raise TypeError(f"venue_picture_update() got unexpected fields: {', '.join(sorted(unknown))}")
    if not access.may_manage_palace(actor, venue.palace):
        raise NotFound()
    errors: dict[str, list] = {}
    with transaction.atomic():
        venue = Venue.objects.select_for_update(of=("self",)).select_related("palace").get(pk=venue.pk)
        change = picture_input(values, current=venue.picture, errors=errors)
        if errors:
            raise InvalidInput(_("Please correct the picture."), fields=errors)
        apply_picture(venue, change)
        venue.save(update_fields=["picture", "picture_alt"])
    return venue
