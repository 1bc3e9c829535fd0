"""A worker's legal-help or mediation case, its dated steps, and the record of every read.

Confidential: a case is seen by the worker concerned and by the palace's legal-service staff
(`StaffAssignment.legal_service`) only, and every showing of it is recorded (`CaseRead`), as the
matters of service-window appointments are. Counts reach the monthly ledger; names never do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import Palace


class CaseKind(models.TextChoices):
    WAGES = "wages", _("Unpaid wages")
    CONTRACT = "contract", _("Labour contract")
    DISMISSAL = "dismissal", _("Dismissal or compensation")
    INSURANCE = "insurance", _("Social insurance")
    INJURY = "injury", _("Work injury")
    HOURS = "hours", _("Working hours and leave")
    OTHER = "other", _("Other")


class ContactPreference(models.TextChoices):
    PHONE = "phone", _("Call me")
    VISIT = "visit", _("I will come to the palace")
    MESSAGE = "message", _("Answer me here on the portal")


class Stage(models.TextChoices):
    """Mediation, arbitration, litigation (调、裁、诉): a case only moves forward, or closes."""

    INTAKE = "intake", _("Intake")
    MEDIATION = "mediation", _("Mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION = "litigation", _("Litigation")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    MEDIATED = "mediated", _("Mediated agreement")
    AWARD = "award", _("Arbitral award")
    JUDGMENT = "judgment", _("Judgment")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REFERRED = "referred", _("Referred elsewhere")
    ADVICE = "advice", _("Advice given")


# What a step may move a case to (a case begins at intake).
STEP_STAGE_CHOICES = [c for c in Stage.choices if c[0] != Stage.INTAKE]
OPEN_STAGES = (Stage.INTAKE, Stage.MEDIATION, Stage.ARBITRATION, Stage.LITIGATION)
STAGE_ORDER = {stage: n for n, stage in enumerate(Stage.values)}
# The outcome a case may close with, by the stage it closes from: an agreement needs mediation,
# an award arbitration, a judgment a court; withdrawing, referring or advising close any case.
OUTCOMES_FROM: dict[str, tuple[str, ...]] = {
    Stage.INTAKE: (Outcome.ADVICE, Outcome.WITHDRAWN, Outcome.REFERRED),
    Stage.MEDIATION: (Outcome.MEDIATED, Outcome.WITHDRAWN, Outcome.REFERRED),
    Stage.ARBITRATION: (Outcome.AWARD, Outcome.MEDIATED, Outcome.WITHDRAWN, Outcome.REFERRED),
    Stage.LITIGATION: (Outcome.JUDGMENT, Outcome.MEDIATED, Outcome.WITHDRAWN, Outcome.REFERRED),
}


class LegalCaseQuerySet(models.QuerySet):
    def for_palace(self, palace: Palace) -> LegalCaseQuerySet:
        return self.filter(palace=palace)

    def open(self) -> LegalCaseQuerySet:
        return self.exclude(stage=Stage.CLOSED)


class LegalCase(models.Model):
    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind of matter"), max_length=12, choices=CaseKind.choices)
    description = models.TextField(_("what happened"), max_length=1000)
    employer = models.CharField(_("employer"), max_length=100, blank=True)
    contact = models.CharField(
        _("how to reach you"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.PHONE,
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.INTAKE)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # Local dates, set at write time: what the monthly ledger counts (opened, closed).
    opened_on = models.DateField(_("opened"))
    closed_on = models.DateField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    objects = LegalCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal-help case")
        verbose_name_plural = _("legal-help cases")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(stage="closed") & ~Q(outcome="") & Q(closed_on__isnull=False))
                | (~Q(stage="closed") & Q(outcome="") & Q(closed_on__isnull=True)),
                name="legal_case_closed_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "opened_on"]),
            models.Index(fields=["palace", "closed_on"]),
        ]

    def __str__(self) -> str:
        return f"case {self.pk}"

    @property
    def reference(self) -> str:
        """The number people quote: no name in it."""
        return f"FY{self.opened_on:%Y}-{self.pk:05d}"

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED


class CaseStep(models.Model):
    """One dated step of a case: moved to a stage (or closed with an outcome), with a note."""

    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="steps", verbose_name=_("case")
    )
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("legal-help case step")
        verbose_name_plural = _("legal-help case steps")
        ordering = ["on", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.stage} on {self.on}"


class CaseRead(models.Model):
    """One showing of a case to someone: who, when, where (page, list, API)."""

    class Via(models.TextChoices):
        PAGE = "page", _("case page")
        LIST = "list", _("case list")
        API = "api", _("API")

    case = models.ForeignKey(
        LegalCase, on_delete=models.CASCADE, related_name="reads", verbose_name=_("case")
    )
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reader")
    )
    via = models.CharField(max_length=6, choices=Via.choices, verbose_name=_("via"))
    read_at = models.DateTimeField(default=timezone.now, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("legal-help case read")
        verbose_name_plural = _("legal-help case reads")
        ordering = ["-read_at", "-pk"]
        indexes = [models.Index(fields=["palace", "-read_at"])]

    def __str__(self) -> str:
        return f"read of case {self.case_id} at {self.read_at:%Y-%m-%d %H:%M}"
