"""The provincial standardisation evaluation (标准化评估): a scheme as data, and each palace's
evaluation against it.

A scheme (one a year) is categories → indicators. Every indicator has a maximum score; a
category's maximum is the sum its indicators must reach, and the scheme is out of 100 points. The
weight of an indicator or category is its maximum's share of the scheme's 100 points: it is
derived, not stored, so that two numbers can never disagree. An indicator is scored by hand
(`manual`) or by a formula over the year's ledger figures (`formula`), one of a fixed set of safe
kinds stored as structured data (see `formulas.py`), never text to evaluate.

Bands (decided here, shown everywhere): a concluded total at or above the scheme's
`standard_mark` (default 85) is 标准化 "standardised"; at or above `basic_mark` (default 70)
基本达标 "basically up to standard"; below, 未达标 "not yet up to standard".

An evaluation goes: draft (the palace self-evaluates) → submitted → (city review) reviewed, or
returned to the palace → (province) concluded, or returned. A published scheme is frozen.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.models import Palace

SCORE_DIGITS = {"max_digits": 6, "decimal_places": 2}
SCHEME_TOTAL = Decimal("100")


class Band(models.TextChoices):
    STANDARDISED = "standardised", _("standardised")
    BASIC = "basic", _("basically up to standard")
    NOT_YET = "not_yet", _("not yet up to standard")


class Scheme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("scheme status", "draft")
        PUBLISHED = "published", pgettext_lazy("scheme status", "published")

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    standard_mark = models.DecimalField(_("mark for 'standardised'"), default=Decimal("85"), **SCORE_DIGITS)
    basic_mark = models.DecimalField(
        _("mark for 'basically up to standard'"), default=Decimal("70"), **SCORE_DIGITS
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    basic_mark__gt=0, basic_mark__lt=models.F("standard_mark"), standard_mark__lte=100
                ),
                name="evaluation_scheme_marks_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def band_for(self, total: Decimal | None) -> str | None:
        if total is None:
            return None
        if total >= self.standard_mark:
            return Band.STANDARDISED
        if total >= self.basic_mark:
            return Band.BASIC
        return Band.NOT_YET


class Category(models.Model):
    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="categories", verbose_name=_("scheme")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    max_score = models.DecimalField(
        _("maximum score"), validators=[MinValueValidator(Decimal("0.5"))], **SCORE_DIGITS
    )

    class Meta:
        verbose_name = _("evaluation category")
        verbose_name_plural = _("evaluation categories")
        ordering = ["scheme", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "order"], name="evaluation_category_order"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="evaluation_category_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def weight(self) -> Decimal:
        """The category's share of the scheme's 100 points, in percent."""
        return self.max_score * 100 / SCHEME_TOTAL


class Indicator(models.Model):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("scored by hand")
        FORMULA = "formula", _("formula over ledger figures")

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("scheme")
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("category")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    code = models.CharField(_("code"), max_length=12, help_text=_("Short reference such as 3.4."))
    text = models.CharField(_("indicator"), max_length=300)
    guide = models.TextField(_("scoring guide"), max_length=2000, blank=True)
    max_score = models.DecimalField(_("maximum score"), **SCORE_DIGITS)
    kind = models.CharField(_("scoring"), max_length=8, choices=Kind.choices, default=Kind.MANUAL)
    # For formula indicators: {"kind": ..., parameters}, validated by `formulas.clean_formula`.
    formula = models.JSONField(_("formula"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation indicator")
        verbose_name_plural = _("evaluation indicators")
        ordering = ["category__order", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="evaluation_indicator_code"),
            models.UniqueConstraint(fields=["category", "order"], name="evaluation_indicator_order"),
            models.CheckConstraint(condition=Q(max_score__gt=0), name="evaluation_indicator_max_positive"),
            models.CheckConstraint(
                condition=Q(kind="manual", formula__isnull=True) | Q(kind="formula", formula__isnull=False),
                name="evaluation_indicator_formula_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def is_formula(self) -> bool:
        return self.kind == self.Kind.FORMULA

    @property
    def weight(self) -> Decimal:
        return self.max_score * 100 / SCHEME_TOTAL


class EvaluationQuerySet(models.QuerySet):
    def for_palaces(self, palaces) -> EvaluationQuerySet:
        return self.filter(palace__in=palaces)

    def of_year(self, year: int) -> EvaluationQuerySet:
        return self.filter(scheme__year=year)


class Evaluation(models.Model):
    """One palace's evaluation against one scheme. Totals and band are written at conclusion."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("evaluation status", "self-evaluating")
        SUBMITTED = "submitted", pgettext_lazy("evaluation status", "submitted, awaiting the city")
        RETURNED = "returned", pgettext_lazy("evaluation status", "returned to the palace")
        REVIEWED = "reviewed", pgettext_lazy("evaluation status", "reviewed, awaiting the province")
        CONCLUDED = "concluded", pgettext_lazy("evaluation status", "concluded")

    EDITABLE_BY_PALACE = (Status.DRAFT, Status.RETURNED)

    scheme = models.ForeignKey(
        Scheme, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("scheme")
    )
    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="evaluations"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    city_opinion = models.TextField(_("opinion of the city"), max_length=2000, blank=True)
    conclusion = models.TextField(_("conclusion of the province"), max_length=2000, blank=True)
    total = models.DecimalField(_("total score"), null=True, blank=True, **SCORE_DIGITS)
    band = models.CharField(_("band"), max_length=12, choices=Band.choices, blank=True)
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-scheme__year", "palace_id"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "palace"], name="evaluation_one_per_scheme"),
            models.CheckConstraint(
                condition=Q(status="concluded", total__isnull=False) | ~Q(status="concluded"),
                name="evaluation_concluded_has_total",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "status"], name="evaluation_scheme_status")]

    def __str__(self) -> str:
        return f"{self.palace} {self.scheme.year}"

    @property
    def is_concluded(self) -> bool:
        return self.status == self.Status.CONCLUDED

    @property
    def band_css(self) -> str:
        """The stylesheet's class of the band (`is-standardised`, `is-basic`, `is-not-yet`)."""
        return f"is-{self.band.replace('_', '-')}" if self.band else ""

    @property
    def palace_may_edit(self) -> bool:
        return self.status in self.EDITABLE_BY_PALACE


class Score(models.Model):
    """One indicator of one evaluation: the palace's self-score, the formula's result with the
    figures it used, the city's comment and the province's final score."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="scores", verbose_name=_("indicator")
    )
    self_score = models.DecimalField(_("self-score"), null=True, blank=True, **SCORE_DIGITS)
    self_note = models.TextField(_("note"), max_length=2000, blank=True)
    auto_score = models.DecimalField(_("formula score"), null=True, blank=True, **SCORE_DIGITS)
    # The figures the formula read ({metric code: "value"}), kept with the score they gave.
    auto_figures = models.JSONField(_("figures used"), default=dict, blank=True)
    city_comment = models.TextField(_("comment of the city"), max_length=2000, blank=True)
    final_score = models.DecimalField(_("final score"), null=True, blank=True, **SCORE_DIGITS)
    final_note = models.TextField(_("note of the province"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="evaluation_score_once"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0),
                name="evaluation_self_score_positive",
            ),
            models.CheckConstraint(
                condition=Q(final_score__isnull=True) | Q(final_score__gte=0),
                name="evaluation_final_score_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.indicator.code}"


def _evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is random (never the upload's): files cannot be guessed or enumerated, and
    # nothing a user typed reaches the file system. The extension is the sniffed type's.
    return f"evaluation/{instance.palace_id}/{secrets.token_urlsafe(24)}{instance.extension}"


class Evidence(models.Model):
    """A file a palace uploads to support a self-score. Served only through an access-checked
    view (`evidence_download`), never from a public media URL."""

    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("evaluation")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicator")
    )
    file = models.FileField(_("file"), upload_to=_evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(max_length=100, verbose_name=_("file type"))
    extension = models.CharField(max_length=6, verbose_name=_("file extension"))
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class EvaluationStep(models.Model):
    """The history of an evaluation: every submission, return, review and conclusion, kept."""

    class Action(models.TextChoices):
        STARTED = "started", pgettext_lazy("evaluation step", "started")
        SUBMITTED = "submitted", pgettext_lazy("evaluation step", "submitted")
        RETURNED = "returned", pgettext_lazy("evaluation step", "returned")
        FORWARDED = "forwarded", pgettext_lazy("evaluation step", "reviewed and forwarded")
        CONCLUDED = "concluded", pgettext_lazy("evaluation step", "concluded")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("evaluation")
    )
    action = models.CharField(_("step"), max_length=10, choices=Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("evaluation step")
        verbose_name_plural = _("evaluation steps")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.evaluation} {self.action}"
