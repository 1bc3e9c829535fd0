"""Bookings' own access questions, built only from the scopes and questions of `venues.access`.

Services assert these themselves (defence in depth) and pages and the API ask the same functions,
so a rule about who may act on a booking or a suspension is written once. Callers answer 404 to
anyone these refuse, so ids cannot be probed.

| question                          | who                                                          |
|-----------------------------------|--------------------------------------------------------------|
| is_staff_of(user, palace)         | staff and managers of the palace, provincial officers        |
| may_see_booker(user, booking)     | the owner, staff of the booking's palace (name, number)      |
| may_read_matter(user, booking)    | staff of the booking's palace (each read is recorded)        |
| may_audit_matter_reads(user, p.)  | managers of the palace, provincial officers                  |
| may_decide_suspension(user, s.)   | provincial officers, staff of a palace where a counted       |
|                                   | no-show was                                                  |
"""

from __future__ import annotations

from django.db.models import QuerySet

from venues import access
from venues.models import Palace

from .models import Booking, Suspension


def is_staff_of(user, palace: Palace) -> bool:
    """May act on the palace's bookings: decide, cancel, check in; exempt from per-person limits."""
    return access.may_manage_palace(user, palace)


def may_see_booker(user, booking: Booking) -> bool:
    """The booker's full name and number: the owner, and staff of the booking's palace."""
    return booking.user_id == user.pk or is_staff_of(user, booking.palace)


def may_read_matter(user, booking: Booking) -> bool:
    """An appointment's confidential matter: staff of the palace (the service records each read)."""
    return is_staff_of(user, booking.palace)


def may_audit_matter_reads(user, palace: Palace) -> bool:
    """Who read which matter, when: the palace's managers (and the province)."""
    return access.may_assign_staff(user, palace)


def may_decide_suspension(user, suspension: Suspension) -> bool:
    """Lift a suspension or decide its appeal: the province, or staff of a palace where one of the
    counted no-shows was."""
    if access.is_province_officer(user):
        return True
    return suspension.no_shows.filter(palace__in=access.palaces_managed_by(user)).exists()


def suspensions_decidable_by(user) -> QuerySet[Suspension]:
    """The suspensions `may_decide_suspension` allows, as one queryset (the staff list)."""
    if access.is_province_officer(user):
        return Suspension.objects.all()
    return Suspension.objects.filter(no_shows__palace__in=access.palaces_managed_by(user)).distinct()
