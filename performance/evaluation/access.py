"""Who may do what in the standardisation evaluation, built only from `venues.access`'s scopes.

| role             | schemes            | evaluations it sees    | acts                                |
|------------------|--------------------|------------------------|-------------------------------------|
| worker           | nothing            | nothing                | nothing                             |
| palace staff     | published (read)   | their palace's (read)  | nothing                             |
| palace manager   | published (read)   | their palace's         | self-evaluation, evidence, submit   |
| city officer     | published (read)   | their city's palaces'  | review: comment, forward or return  |
| province officer | all; defines them  | every palace's         | review (standing in), score,        |
|                  |                    |                        | conclude, return                    |

A provincial officer does not self-evaluate a palace even though `palaces_led_by` lets them lead
every palace elsewhere: the self-evaluation is the palace's own statement, and the province scores
it afterwards; the same person must not write both. For the same reason a city officer does not
review a palace they also work for.
"""

from __future__ import annotations

from django.db.models import QuerySet

from venues import access
from venues.models import Palace


def may_define_schemes(user) -> bool:
    return access.is_province_officer(user)


def may_read_schemes(user) -> bool:
    """Published schemes are working documents of the union: any staff role may read them."""
    return bool(access.roles_of(user))


def may_use_evaluation(user) -> bool:
    """Anyone with a staff role has an evaluation page (their palace's, their city's, the province's)."""
    return bool(access.roles_of(user))


def palaces_self_evaluating(user) -> QuerySet[Palace]:
    """Palaces whose self-evaluation the user writes: those they manage, provincial officers none."""
    if access.is_province_officer(user):
        return Palace.objects.none()
    return access.palaces_led_by(user)


def may_self_evaluate(user, palace: Palace) -> bool:
    return palaces_self_evaluating(user).filter(pk=palace.pk).exists()


def palaces_reviewable_by(user) -> QuerySet[Palace]:
    """City officers review their city's palaces (not one they also work for); the province may
    review any palace, so that a city without an officer does not block its palaces."""
    if access.is_province_officer(user):
        return Palace.objects.all()
    if not access.is_city_officer(user):
        return Palace.objects.none()
    return access.palaces_visible_to(user).exclude(pk__in=access.palaces_managed_by(user).values("pk"))


def may_review(user, palace: Palace) -> bool:
    return palaces_reviewable_by(user).filter(pk=palace.pk).exists()


def may_score(user) -> bool:
    """Final scores, conclusions and returns from the provincial desk."""
    return access.is_province_officer(user)


def palaces_with_visible_evaluations(user) -> QuerySet[Palace]:
    """Evaluations (and their evidence files) are read by those who may read the palace's staff
    data: its staff and manager, its city's officers, the province."""
    return access.palaces_visible_to(user)


def may_view_evaluation_of(user, palace: Palace) -> bool:
    return access.may_view_palace(user, palace)
