"""The monthly performance ledger (绩效台账) of a palace: one row a palace and month, its figures
one row a metric, the lines people add by hand, and the history of every step.

The figures are written by the aggregation service only (computed from the raw rows); what no
system counts arrives as manual lines. A ledger's official figure is its `locked_value` once the
month is accepted (the snapshot), its latest computed `value` before.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import models, router, transaction
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.models import Palace


def _rollups_batched(db: str, delete: Callable[[], tuple]) -> tuple:
    """Run a delete of ledgers or figures with the dashboards' rollups refreshed once per
    palace-month at its end (`rollups.batch`), not once per deleted row by the model signals: a
    ledger's hundred figures were a hundred refreshes, a month's ~70,000 at ×10 took minutes."""
    from . import rollups  # rollups reads these models

    with transaction.atomic(using=db), rollups.batch():
        return delete()


class LedgerQuerySet(models.QuerySet):
    def delete(self) -> tuple:
        return _rollups_batched(self.db, super().delete)

    def for_palaces(self, palaces) -> LedgerQuerySet:
        return self.filter(palace__in=palaces)

    def of_month(self, month) -> LedgerQuerySet:
        return self.filter(month=month)

    def of_year(self, year: int) -> LedgerQuerySet:
        return self.filter(month__gte=f"{year:04d}-01-01", month__lte=f"{year:04d}-12-01")

    def sync_first_submission(self) -> int:
        """Set `first_submitted_at` of these ledgers from their steps (the earliest submission;
        None without one): after steps were written without signals (the demo's bulk insert) or
        deleted. One statement; the number of ledgers updated."""
        first = (
            LedgerStep.objects.filter(ledger=models.OuterRef("pk"), action=LedgerStep.Action.SUBMITTED)
            .order_by()
            .values("ledger")
            .annotate(first=models.Min("at"))
            .values("first")
        )
        return self.update(first_submitted_at=models.Subquery(first))


class Ledger(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("ledger status", "open")
        SUBMITTED = "submitted", pgettext_lazy("ledger status", "submitted")
        RETURNED = "returned", pgettext_lazy("ledger status", "returned")
        ACCEPTED = "accepted", pgettext_lazy("ledger status", "accepted")

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="ledgers"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    source_rows = models.PositiveIntegerField(
        _("rows counted"), default=0, help_text=_("How many raw rows the last computation read.")
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    # The earliest submission's time, kept from the steps (`performance.signals`): whether the
    # month was reported on time, read by the reporting rate without a subquery per ledger.
    first_submitted_at = models.DateTimeField(
        _("first submitted at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the month was first submitted: it decides whether it was reported on time."),
    )
    city_accepted_at = models.DateTimeField(_("accepted by the city at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly ledger")
        verbose_name_plural = _("monthly ledgers")
        ordering = ["-month", "palace_id"]
        constraints = [
            models.UniqueConstraint(fields=["palace", "month"], name="performance_ledger_one_per_month"),
        ]
        indexes = [
            models.Index(fields=["month", "palace"], name="performance_ledger_month"),
            models.Index(fields=["status", "month"], name="performance_ledger_status"),
        ]

    def __str__(self) -> str:
        return f"{self.palace} {self.month:%Y-%m}"

    def delete(self, using=None, keep_parents=False) -> tuple:
        db = using or router.db_for_write(type(self), instance=self)
        return _rollups_batched(db, lambda: super(Ledger, self).delete(using, keep_parents))

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.ACCEPTED


class LedgerFigureQuerySet(models.QuerySet):
    def delete(self) -> tuple:
        return _rollups_batched(self.db, super().delete)

    def with_official(self) -> LedgerFigureQuerySet:
        """Annotates `official`: the snapshot of an accepted month, else the latest computation."""
        return self.annotate(official=Coalesce("locked_value", "value"))


class LedgerFigure(models.Model):
    """One metric of one ledger. Palace and month are repeated from the ledger so that rankings and
    dashboards read one index range of this table without a join."""

    # Neither foreign key has an index of its own: the unique (ledger, metric) and the (palace,
    # metric, month) indexes start with them. The palace has no database constraint either: it is
    # the ledger's palace, copied by the aggregation (the only writer) from the ledger row, which
    # the ledger's constraint guards; one check fewer per figure at the commit of a month's first
    # computation (~7,700 figures a month at ×1, ~77,000 at ×10). Deleting a palace still deletes
    # its figures (Django's cascade, through its ledgers and this field).
    ledger = models.ForeignKey(
        Ledger, on_delete=models.CASCADE, related_name="figures", verbose_name=_("ledger"), db_index=False
    )
    palace = models.ForeignKey(
        Palace,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("palace"),
        db_index=False,
        db_constraint=False,
    )
    month = models.DateField(verbose_name=_("month"))
    metric = models.CharField(max_length=40, verbose_name=_("metric"))
    value = models.DecimalField(max_digits=18, decimal_places=4, verbose_name=_("value"))
    # The figure as it stood when the month was accepted; null while the month is not locked.
    locked_value = models.DecimalField(
        max_digits=18, decimal_places=4, null=True, blank=True, verbose_name=_("locked value")
    )

    objects = LedgerFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("ledger figure")
        verbose_name_plural = _("ledger figures")
        constraints = [
            models.UniqueConstraint(fields=["ledger", "metric"], name="performance_figure_one_per_metric"),
        ]
        indexes = [
            models.Index(fields=["metric", "month", "palace"], name="performance_figure_metric"),
            models.Index(fields=["palace", "metric", "month"], name="performance_figure_palace"),
        ]

    def __str__(self) -> str:
        return f"{self.metric}={self.value}"

    def delete(self, using=None, keep_parents=False) -> tuple:
        db = using or router.db_for_write(type(self), instance=self)
        return _rollups_batched(db, lambda: super(LedgerFigure, self).delete(using, keep_parents))


class ManualLine(models.Model):
    """A figure no system counts (volunteer hours, people placed in jobs, legal-aid cases, bought-in
    services) or a remark, added by the palace's manager with a note."""

    ledger = models.ForeignKey(
        Ledger, on_delete=models.CASCADE, related_name="manual_lines", verbose_name=_("ledger")
    )
    metric = models.CharField(_("what"), max_length=40)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("manual ledger line")
        verbose_name_plural = _("manual ledger lines")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"


class LedgerStep(models.Model):
    """The history of a ledger: every submission, return, acceptance and reopening, kept."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("ledger step", "submitted")
        RETURNED = "returned", pgettext_lazy("ledger step", "returned")
        CITY_ACCEPTED = "city_accepted", pgettext_lazy("ledger step", "accepted by the city")
        ACCEPTED = "accepted", pgettext_lazy("ledger step", "accepted by the province")
        REOPENED = "reopened", pgettext_lazy("ledger step", "reopened")

    ledger = models.ForeignKey(
        Ledger, on_delete=models.CASCADE, related_name="steps", verbose_name=_("ledger")
    )
    action = models.CharField(_("step"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reason"), max_length=2000, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("ledger step")
        verbose_name_plural = _("ledger steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.ledger} {self.action}"


class AggregationLock(models.Model):
    """One row per month: the aggregation of a month holds this row's lock for its whole
    transaction (`select_for_update`), so two runs of the same month never interleave, whichever
    process or machine they run in. Runs of different months do not wait for each other.

    A row lock rather than a cache lock: it lives and dies with the transaction that writes the
    figures (a killed run releases it with its rollback, no expiry to guess), and needs nothing but
    the database. On SQLite the IMMEDIATE transaction already serialises every writer.
    """

    month = models.DateField(unique=True, verbose_name=_("month"))
    last_run_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last run at"))

    class Meta:
        verbose_name = _("aggregation lock")
        verbose_name_plural = _("aggregation locks")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


# --- Rollups: the official figures summed ahead of the dashboards' reads ----------------------------
# Maintained by `performance.ledgers.rollups` (every writer of figures or ledgers refreshes the
# palace-months it touched, in its own transaction; `manage.py rollups_rebuild` recomputes them
# from scratch). Besides the catalogue's metrics each holds the pseudo-metric `rollups.KEPT`:
# the number of ledgers kept (so "no ledger" and "nothing counted" stay apart, as in the figures).


class PalaceYearFigure(models.Model):
    """One metric of one palace over one calendar year: the sum and the largest of its months'
    official figures (`Coalesce(locked_value, value)`), for the metrics of
    `rollups.PALACE_YEAR_METRICS`. What the dashboards' rankings and tables by palace read for a
    year: one row a palace-year and metric instead of twelve figures."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("metric"), max_length=40)
    total = models.DecimalField(pgettext_lazy("rollup", "sum"), max_digits=24, decimal_places=4)
    largest = models.DecimalField(pgettext_lazy("rollup", "largest month"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("ledger rollup by palace and year")
        verbose_name_plural = _("ledger rollups by palace and year")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "palace", "metric"], name="performance_rollup_palace_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.palace_id} {self.year} {self.metric}={self.total}"


class CityMonthFigure(models.Model):
    """One metric of one city (its city-level and county-level palaces) in one month: the sum and
    the largest of the palaces' official figures, for the metrics of `rollups.CITY_MONTH_METRICS`.
    What the provincial and city dashboards' totals read: one row a city-month and metric instead
    of one figure per palace."""

    city = models.ForeignKey(
        "venues.Region", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    month = models.DateField(_("month"))
    metric = models.CharField(_("metric"), max_length=40)
    total = models.DecimalField(pgettext_lazy("rollup", "sum"), max_digits=24, decimal_places=4)
    largest = models.DecimalField(pgettext_lazy("rollup", "largest palace"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("ledger rollup by city and month")
        verbose_name_plural = _("ledger rollups by city and month")
        constraints = [
            models.UniqueConstraint(fields=["month", "metric", "city"], name="performance_rollup_city_month"),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.month:%Y-%m} {self.metric}={self.total}"
