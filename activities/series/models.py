"""The series table. Events (`activities.events.Event.series`) and logged activities
(`activities.ledger.Activity.series`) point here; a series and its items share their palace."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from venues.models import Palace


class SeriesKind(models.TextChoices):
    BRAND = "brand", _("service brand")
    PROGRAMME = "programme", _("recurring programme")
    MEDIA = "media", _("media series")


class Series(models.Model):
    """A named, lasting series of a palace: a service brand, a recurring programme or a media
    series (the media centre's programme strands). Retired series keep their items and totals."""

    Kind = SeriesKind

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="series"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("kind"), max_length=10, choices=SeriesKind.choices, default=SeriesKind.PROGRAMME
    )
    cadence = models.CharField(
        _("how often"), max_length=50, blank=True, help_text=_("For example: every month, every two years.")
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("running"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("series")
        verbose_name_plural = _("series")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["palace", "name"], name="series_name_unique_per_palace"),
            models.CheckConstraint(condition=models.Q(kind__in=SeriesKind.values), name="series_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name
