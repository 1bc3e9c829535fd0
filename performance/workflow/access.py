"""Who may do what to a monthly ledger: built only from the scopes of `venues.access`.

| who                                    | reads                   | acts                                  |
|----------------------------------------|-------------------------|---------------------------------------|
| palace staff                           | their palace's ledgers  | nothing                               |
| palace manager                         | their palace's ledgers  | manual lines, submit                  |
| city officer                           | their city's ledgers    | accept (city step) or return          |
| provincial officer (and superusers)    | every ledger            | accept (final), return, reopen        |

Provincial officers lead every palace in `venues.access` (they may assign staff anywhere), but they
do not fill in a palace's report: submission and manual lines need a manager's own assignment to
that palace, so whoever accepts a month never also wrote it.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from venues import access
from venues.models import Palace, StaffAssignment

Role = StaffAssignment.Role


def palaces_reporting_for(user) -> QuerySet[Palace]:
    """Palaces whose monthly report `user` keeps and submits: those they manage themselves."""
    return access.palaces_led_by(user).filter(
        staff_assignments__user=user, staff_assignments__role=Role.PALACE_MANAGER
    )


def palaces_reviewed_by_city(user) -> QuerySet[Palace]:
    """Palaces whose submitted months `user` reviews as city staff: the palaces of their cities."""
    if not access.is_city_officer(user):
        return Palace.objects.none()
    cities = StaffAssignment.objects.filter(user=user, role=Role.CITY_OFFICER).values("region")
    return access.palaces_visible_to(user).filter(Q(region__in=cities) | Q(region__parent__in=cities))


def may_report_for(user, palace: Palace) -> bool:
    """`palace` is among `palaces_reporting_for(user)`, answered from the user's posts (no query)."""
    return access.is_manager_of(user, palace)


def may_review_as_city(user, palace: Palace) -> bool:
    """`palace` is among `palaces_reviewed_by_city(user)` (no query once its region is loaded)."""
    return access.is_city_officer_of(user, palace)


def may_review_as_province(user) -> bool:
    return access.is_province_officer(user)


def may_review(user, palace: Palace) -> bool:
    return may_review_as_province(user) or may_review_as_city(user, palace)


def may_read(user, palace: Palace) -> bool:
    return access.palaces_visible_to(user).filter(pk=palace.pk).exists()


def may_open_review_queue(user) -> bool:
    return access.is_province_officer(user) or access.is_city_officer(user)
