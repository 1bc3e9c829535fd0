"""Who opens which dashboard; built on the scopes of `venues.access`.

| dashboard             | province officer | city officer        | palace manager / staff | worker |
|-----------------------|------------------|---------------------|------------------------|--------|
| province              | yes              | 404                 | 404                    | 404    |
| city X                | yes              | of city X only      | 404                    | 404    |
| palace P              | yes              | P in their city     | their palace(s)        | 404    |
| rankings (figures)    | yes              | yes                 | yes                    | 404    |

Rankings are shared with every staff role (comparing is the point); the ledgers behind them stay
within `palaces_visible_to` (see `performance.rankings.selectors`).
"""

from __future__ import annotations

from django.db.models import QuerySet

from venues import access
from venues.models import Region, StaffAssignment


def may_view_province(user) -> bool:
    return access.is_province_officer(user)


def cities_led_by(user) -> QuerySet[Region]:
    """The prefecture-level cities whose dashboard the user may open: all for the province, the
    cities of their city-officer assignments otherwise (`venues.access` scopes palaces, not
    regions, so the assignment is read here, as the access module itself does)."""
    cities = Region.objects.filter(level=Region.Level.CITY)
    if access.is_province_officer(user):
        return cities
    if not access.is_city_officer(user):
        return cities.none()
    return cities.filter(
        staff_assignments__user=user, staff_assignments__role=StaffAssignment.Role.CITY_OFFICER
    ).distinct()


def may_view_rankings(user) -> bool:
    return bool(access.roles_of(user))
