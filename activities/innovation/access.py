"""Who may see and act on the problem clinic, built only from `venues.access`'s scopes.

- A poster sees their own problems.
- An active mentor with an account sees the problems of their palace and acts on them (takes an
  open one for themselves; records sessions on and closes the ones they hold).
- A palace's staff (the `view` scope: its staff, its city's officers, the province) see its
  problems; those who may act on the palace (`manage`) take, record and close on a mentor's behalf.
- Everyone else: the problem does not exist (404).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from venues import access

from .models import Mentor, Problem


def mentor_of(user) -> Mentor | None:
    """The active mentor record linked to `user`'s account, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Mentor.objects.active().filter(user=user).select_related("palace").first()


def problems_visible_to(user) -> QuerySet[Problem]:
    """Every problem `user` may open: their own, their mentor palace's, their staff palaces'."""
    if user is None or not user.is_authenticated:
        return Problem.objects.none()
    condition = Q(poster=user) | Q(palace__in=access.palaces_visible_to(user))
    mentor = mentor_of(user)
    if mentor is not None:
        condition |= Q(palace_id=mentor.palace_id)
    return Problem.objects.filter(condition)


def may_manage_clinic(user, palace) -> bool:
    """Staff acting for the palace (on behalf of mentors without accounts, or any mentor)."""
    return user is not None and user.is_authenticated and access.may_manage_palace(user, palace)


def may_act_on(user, problem: Problem) -> bool:
    """May `user` record sessions on and close `problem` (held by a mentor)?"""
    if may_manage_clinic(user, problem.palace):
        return True
    mentor = mentor_of(user)
    return mentor is not None and problem.mentor_id == mentor.pk


def may_take(user, problem: Problem) -> bool:
    """May `user` take `problem` (for themselves as a mentor, or for a mentor as staff)?"""
    if may_manage_clinic(user, problem.palace):
        return True
    mentor = mentor_of(user)
    return mentor is not None and mentor.palace_id == problem.palace_id
