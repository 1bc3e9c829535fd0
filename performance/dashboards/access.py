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

from palace_portal import rows
from venues import access
from venues.models import Region


def may_view_province(user) -> bool:
    return access.is_province_officer(user)


def cities_led_by(user) -> QuerySet[Region]:
    """The prefecture-level cities whose dashboard the user may open: all for the province, the
    cities of their city-officer posts otherwise (read from the posts the request has loaded)."""
    cities = Region.objects.filter(level=Region.Level.CITY)
    if access.is_province_officer(user):
        return cities
    ids = access.city_ids(user)
    return cities.filter(pk__in=ids) if ids else cities.none()


def may_lead(user, city_id: int) -> bool:
    """Whether the user's posts reach region `city_id` as a city (no query): the province's
    officers reach every region, a city officer their cities'. Whether that region is a city is
    `city_led_by`'s question."""
    if not rows.is_id(city_id):  # past 64 bits: no such region (SQLite refuses it as a parameter)
        return False
    return access.is_province_officer(user) or city_id in access.city_ids(user)


def city_led_by(user, city_id: int) -> Region | None:
    """The city `city_id` if the user may open its dashboard, else None: `cities_led_by` for one
    city, with no query for a city someone else leads."""
    if not may_lead(user, city_id):
        return None
    return Region.objects.filter(level=Region.Level.CITY, pk=city_id).first()


def may_view_rankings(user) -> bool:
    return bool(access.roles_of(user))
