"""Who may see a legal-help case, built only from `venues.access`.

| question                        | who                                                            |
|---------------------------------|----------------------------------------------------------------|
| may_read_case(user, case)       | the worker concerned; the palace's legal-service staff         |
| may_handle_case(user, case)     | the palace's legal-service staff                               |
| may_audit_case_reads(user, p.)  | the palace's legal-service staff and managers, the province    |
|                                 | (the log names cases by number and readers, never the worker)  |

A palace's manager, a city officer or the province do not read cases by their role: a worker
tells the legal-service staff, not the hierarchy. They see counts (the monthly ledger) and, for
managers and the province, who read which case number when. Everyone else gets 404.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from venues import access
from venues.models import Palace

from .models import LegalCase


def may_read_case(user, case: LegalCase) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return case.user_id == user.pk or case.palace_id in access.legal_duty_palace_ids(user)


def may_handle_case(user, case: LegalCase) -> bool:
    return case.palace_id in access.legal_duty_palace_ids(user)


def may_audit_case_reads(user, palace: Palace) -> bool:
    return access.is_legal_service_staff(user, palace) or access.may_assign_staff(user, palace)


def cases_readable_by(user) -> QuerySet[LegalCase]:
    """Every case `may_read_case` lets `user` read, as one queryset."""
    if user is None or not user.is_authenticated or not user.is_active:
        return LegalCase.objects.none()
    return LegalCase.objects.filter(Q(user=user) | Q(palace__in=access.palaces_with_legal_duty(user)))


def palaces_auditable_by(user) -> QuerySet[Palace]:
    """Palaces whose case-read log `user` may see (a scope for `venues.pages.palace_or_404`)."""
    ids = access.legal_duty_palace_ids(user)
    return access.palaces_led_by(user) | Palace.objects.filter(pk__in=ids)
