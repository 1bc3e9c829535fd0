"""Model signals that keep the dashboards' cache honest for writes made outside performance.

The lower apps (alliance, venues) may not import performance, so they cannot bump the ledger data
version themselves; performance, the top layer, listens to their models instead. Evaluations and
schemes are performance's own, but written by many services: a signal covers them all. Writes
that bypass signals (`QuerySet.update`) are covered by the cached data's short lifetime.
Connected by `performance.apps.PerformanceConfig.ready`.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save

from alliance.models import Campaign, HostingApplication, HostingCall, Membership
from venues.models import Palace

from .evaluation.models import Evaluation, Scheme
from .ledgers.data_version import data_version_bump, network_version_bump
from .ledgers.models import Ledger, LedgerFigure

# Ledgers and figures too, for writes outside the services (the admin); the services' bulk writes
# send no signals and bump the version themselves.
WATCHED = (
    Ledger,
    LedgerFigure,
    Evaluation,
    Scheme,
    Membership,
    HostingApplication,
    HostingCall,
    Campaign,
    Palace,
)


LEDGER_MODELS = (Ledger, LedgerFigure)


def _changed(sender, **kwargs) -> None:
    if sender in LEDGER_MODELS:
        data_version_bump()
    else:  # the network's tables: the dashboards' panels and the coverage map read them too
        network_version_bump()


def connect() -> None:
    for model in WATCHED:
        uid = f"performance-data-version-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _changed, sender=Campaign.participants.through, dispatch_uid="performance-data-version-campaign-m2m"
    )
