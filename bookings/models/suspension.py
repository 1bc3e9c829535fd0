"""Suspensions after repeated no-shows, and the worker's appeal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .booking import Booking


class Suspension(models.Model):
    """A worker may not book until `ends_at` (repeated no-shows), unless lifted by staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="booking_suspensions",
        verbose_name=_("user"),
    )
    starts_at = models.DateTimeField(default=timezone.now, verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    reason = models.CharField(_("reason"), max_length=300)
    no_shows = models.ManyToManyField(Booking, blank=True, related_name="+", verbose_name=_("no-shows"))
    lifted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("lifted at"))
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lifted by"),
    )
    lift_reason = models.CharField(_("why lifted"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="suspension_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} until {self.ends_at:%Y-%m-%d}"

    @property
    def is_in_force(self) -> bool:
        return self.lifted_at is None and self.starts_at <= timezone.now() < self.ends_at


class Appeal(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("awaiting decision")
        UPHELD = "upheld", _("upheld: suspension lifted")
        REJECTED = "rejected", _("rejected")

    suspension = models.OneToOneField(
        Suspension, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("suspension")
    )
    text = models.TextField(_("your appeal"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, verbose_name=_("status")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal of suspension {self.suspension_id} ({self.status})"
