"""Model signals that keep the dashboards' cache honest for writes made outside performance.

The lower apps (alliance, venues) may not import performance, so they cannot bump the ledger data
version themselves; performance, the top layer, listens to their models instead. Evaluations and
schemes are performance's own, but written by many services: a signal covers them all. Writes
that bypass signals (`QuerySet.update`) are covered by the cached data's short lifetime.
Connected by `performance.apps.PerformanceConfig.ready`.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from alliance.models import Campaign, HostingApplication, HostingCall, Membership
from venues.models import Palace

from .evaluation.models import Evaluation, Scheme
from .ledgers import rollups
from .ledgers.data_version import data_changed, data_version_bump, network_version_bump
from .ledgers.models import Ledger, LedgerFigure, LedgerStep

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
        if not rollups.batching():  # else bumped once at the batch's end
            data_version_bump()
    else:  # the network's tables: the dashboards' panels and the coverage map read them too
        network_version_bump()


def _ledger_row_changed(sender, instance, **kwargs) -> None:
    # A ledger or a figure written through the ORM (the workflow, manual lines, the admin, the
    # demo, tests): the dashboards' rollups of its palace-month, in the same transaction.
    rollups.touch(instance.palace_id, instance.month)


def _step_written(sender, instance, raw=False, **kwargs) -> None:
    # A submission (or its removal, in the back office) moves the ledger's first submission: the
    # reporting rate's "on time" reads it from the ledger.
    if instance.action == LedgerStep.Action.SUBMITTED and not raw:
        Ledger.objects.filter(pk=instance.ledger_id).sync_first_submission()


def _palace_before_save(sender, instance, raw=False, **kwargs) -> None:
    # The palace's region before the save: if it moves to another city, both cities' rollups.
    instance._rollups_region = None
    if instance.pk is not None and not raw:
        instance._rollups_region = (
            Palace.objects.filter(pk=instance.pk).values_list("region_id", flat=True).first()
        )


def _palace_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = getattr(instance, "_rollups_region", None)
    if created or raw or before is None or before == instance.region_id:
        return
    months = list(Ledger.objects.filter(palace_id=instance.pk).values_list("month", flat=True))
    rollups.refresh(months=months, palace_ids=[instance.pk], cities=rollups.cities_of_regions([before]))


def _palace_before_delete(sender, instance, **kwargs) -> None:
    instance._rollups_city = rollups.city_of_palace(instance.pk)
    instance._rollups_months = list(
        Ledger.objects.filter(palace_id=instance.pk).values_list("month", flat=True)
    )


def _palace_deleted(sender, instance, **kwargs) -> None:
    # Its ledgers went first (each refreshed by its own signal while the palace still named its
    # city); inside a `batch()` they are refreshed here, the city given since the palace is gone.
    city = getattr(instance, "_rollups_city", None)
    months = getattr(instance, "_rollups_months", [])
    if city is not None and months:
        rollups.refresh(months=months, palace_ids=[instance.pk], cities=[city])


def connect() -> None:
    from .dashboards import warming

    data_changed.connect(warming.warm_soon, dispatch_uid="performance-dashboards-warm")
    for model in LEDGER_MODELS:
        uid = f"performance-rollups-{model._meta.label_lower}"
        post_save.connect(_ledger_row_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_ledger_row_changed, sender=model, dispatch_uid=f"{uid}-delete")
    post_save.connect(_step_written, sender=LedgerStep, dispatch_uid="performance-first-submission-save")
    post_delete.connect(_step_written, sender=LedgerStep, dispatch_uid="performance-first-submission-delete")
    pre_save.connect(_palace_before_save, sender=Palace, dispatch_uid="performance-rollups-palace-pre-save")
    post_save.connect(_palace_saved, sender=Palace, dispatch_uid="performance-rollups-palace-save")
    pre_delete.connect(
        _palace_before_delete, sender=Palace, dispatch_uid="performance-rollups-palace-pre-delete"
    )
    post_delete.connect(_palace_deleted, sender=Palace, dispatch_uid="performance-rollups-palace-delete")
    for model in WATCHED:
        uid = f"performance-data-version-{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(
        _changed, sender=Campaign.participants.through, dispatch_uid="performance-data-version-campaign-m2m"
    )
