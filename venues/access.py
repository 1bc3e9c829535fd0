"""The access policy: the one place that answers "may this user do X to that palace?".

Views, the API and the admin ask here; nothing else checks roles by hand. Objects a user may not
see are answered with 404 by the callers, so ids cannot be probed.

| role             | sees (staff views)          | acts on                    | manages staff |
|------------------|-----------------------------|----------------------------|---------------|
| worker           | nothing                     | nothing                    | no            |
| palace staff     | their palaces               | their palaces              | no            |
| palace manager   | their palaces               | their palaces              | their palaces |
| city officer     | palaces of their city       | nothing (read-mostly)      | no            |
| province officer | every palace                | every palace               | every palace  |
| superuser        | as a province officer                                                    |
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.db import connections, router
from django.db.models import Q, QuerySet

from .models import Palace, StaffAssignment

if TYPE_CHECKING:
    from palace_portal.users.models import User

Role = StaffAssignment.Role
_CACHE_ATTR = "_portal_assignments"


def _assignments(user) -> list[StaffAssignment]:
    """The user's assignments, loaded once per user object (i.e. once per request).

    Every page asks (the menus show the user's roles), so this is one statement written once
    rather than an ORM query built anew (building it cost several times its round trip). Only the
    assignments' own columns are read: the policy uses their role, palace, region and flags.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(StaffAssignment.objects.raw(_assignments_sql(), [user.pk]))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _assignments_sql() -> str:
    meta = StaffAssignment._meta
    quote = connections[router.db_for_read(StaffAssignment)].ops.quote_name
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    user = quote(meta.get_field("user").column)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {user} = %s ORDER BY {quote(meta.pk.column)}"  # noqa: S608


def remember_no_assignments(user) -> None:
    """The caller learnt, in a query of its own, that the user holds no post: skip the lookup."""
    setattr(user, _CACHE_ATTR, [])


def forget(user) -> None:
    """Drop the per-object cache after the user's assignments changed."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user) -> frozenset[str]:
    roles = {a.role for a in _assignments(user)}
    if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
        roles.add(Role.PROVINCE_OFFICER)
    return frozenset(roles)


def is_province_officer(user) -> bool:
    return Role.PROVINCE_OFFICER in roles_of(user)


def is_staff_of_any_palace(user) -> bool:
    return bool(roles_of(user) & {Role.PALACE_STAFF, Role.PALACE_MANAGER})


def is_city_officer(user) -> bool:
    return Role.CITY_OFFICER in roles_of(user)


def _palace_ids(user, roles) -> set[int]:
    return {a.palace_id for a in _assignments(user) if a.role in roles and a.palace_id}


def city_ids(user) -> set[int]:
    """The regions of the user's city-officer posts (no query: the assignments are cached)."""
    return {a.region_id for a in _assignments(user) if a.role == Role.CITY_OFFICER}


# --- Scopes ---------------------------------------------------------------------------------------


def scope_signature(user) -> str:
    """What the user's staff-side scope is made of, as text (no query): users with the same
    signature see the same palaces (`palaces_visible_to`), so what is computed for one reader's
    scope may be kept for all of them (the dashboards' pages, the ledgers API). Short enough for
    a cache key whatever the number of posts (a digest past `_SIGNATURE_MAX` characters)."""
    if is_province_officer(user):
        return "all"
    palaces = ",".join(str(pk) for pk in sorted(_palace_ids(user, StaffAssignment.PALACE_ROLES)))
    cities = ",".join(str(pk) for pk in sorted(city_ids(user)))
    signature = f"p{palaces}c{cities}"
    if len(signature) > _SIGNATURE_MAX:
        return "h" + hashlib.sha256(signature.encode()).hexdigest()[:32]
    return signature


_SIGNATURE_MAX = 48


def palaces_visible_to(user) -> QuerySet[Palace]:
    """Palaces whose staff-side data (bookings, ledgers, reports) the user may read."""
    if is_province_officer(user):
        return Palace.objects.all()
    ids = _palace_ids(user, StaffAssignment.PALACE_ROLES)
    cities = city_ids(user)
    if not ids and not cities:
        return Palace.objects.none()
    condition = Q(pk__in=ids)
    if cities:
        condition |= Q(region__in=cities) | Q(region__parent__in=cities)
    return Palace.objects.filter(condition)


def palaces_managed_by(user) -> QuerySet[Palace]:
    """Palaces the user may act on: change venues, hours, closures, points; log activities."""
    if is_province_officer(user):
        return Palace.objects.all()
    ids = _palace_ids(user, StaffAssignment.PALACE_ROLES)
    return Palace.objects.filter(pk__in=ids) if ids else Palace.objects.none()


def palaces_led_by(user) -> QuerySet[Palace]:
    """Palaces where the user may assign staff and submit reports (managers)."""
    if is_province_officer(user):
        return Palace.objects.all()
    ids = _palace_ids(user, {Role.PALACE_MANAGER})
    return Palace.objects.filter(pk__in=ids) if ids else Palace.objects.none()


def palaces_staffed_by(user) -> QuerySet[Palace]:
    """Palaces where the user holds a staff or manager post, whatever wider role they also hold:
    the palaces they speak for. A provincial officer's reach over every palace is not a post."""
    ids = _palace_ids(user, StaffAssignment.PALACE_ROLES)
    return Palace.objects.filter(pk__in=ids) if ids else Palace.objects.none()


# --- Questions about one palace -------------------------------------------------------------------


def may_view_palace(user, palace: Palace) -> bool:
    if is_province_officer(user):
        return True
    if palace.pk in _palace_ids(user, StaffAssignment.PALACE_ROLES):
        return True
    cities = city_ids(user)
    return bool(cities) and (palace.region_id in cities or palace.region.parent_id in cities)


def may_manage_palace(user, palace: Palace) -> bool:
    return is_province_officer(user) or palace.pk in _palace_ids(user, StaffAssignment.PALACE_ROLES)


def is_staff_of(user, palace: Palace) -> bool:
    """Whether the user holds a staff or manager post at `palace` (no query: roles are cached)."""
    return palace.pk in _palace_ids(user, StaffAssignment.PALACE_ROLES)


def is_manager_of(user, palace: Palace) -> bool:
    """Whether the user holds a manager post at `palace` (no query)."""
    return palace.pk in _palace_ids(user, {Role.PALACE_MANAGER})


def is_city_officer_of(user, palace: Palace) -> bool:
    """Whether the user is an officer of the city `palace` is in (no query once `palace.region`
    is loaded)."""
    cities = city_ids(user)
    return bool(cities) and (palace.region_id in cities or palace.region.parent_id in cities)


def legal_duty_palace_ids(user) -> set[int]:
    """Ids of the palaces where the user holds a staff or manager post with the legal-service duty:
    whose workers' legal-help cases they read. No wider role reaches them (not the province's)."""
    return {a.palace_id for a in _assignments(user) if a.legal_service and a.palace_id}


def palaces_with_legal_duty(user) -> QuerySet[Palace]:
    ids = legal_duty_palace_ids(user)
    return Palace.objects.filter(pk__in=ids) if ids else Palace.objects.none()


def is_legal_service_staff(user, palace: Palace) -> bool:
    """Whether the user holds the legal-service duty at `palace` (no query: roles are cached)."""
    return palace.pk in legal_duty_palace_ids(user)


def may_assign_staff(user, palace: Palace) -> bool:
    return is_province_officer(user) or palace.pk in _palace_ids(user, {Role.PALACE_MANAGER})


def may_lead_palace(user, palace: Palace) -> bool:
    """The palace's managers and provincial staff (the `lead` scope): e.g. the palace page's text."""
    return may_assign_staff(user, palace)


def may_view_network_overview(user) -> bool:
    return is_province_officer(user)


def may_administer_network(user) -> bool:
    """Regions, palaces' creation, status and network flags: provincial work."""
    return is_province_officer(user)


def may_use_admin(user) -> bool:
    """The back office is for anyone holding a staff role (each sees only their scope there)."""
    return bool(user is not None and user.is_authenticated and user.is_active and roles_of(user))


def role_label(user: User) -> str:
    """The user's most senior role, for the page header."""
    roles = roles_of(user)
    for role in (Role.PROVINCE_OFFICER, Role.CITY_OFFICER, Role.PALACE_MANAGER, Role.PALACE_STAFF):
        if role in roles:
            return str(Role(role).label)
    return ""
