"""The confidential matter of a service-window appointment, and the record of every read."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import Palace

from .booking import Booking


class AppointmentMatter(models.Model):
    """What a worker tells a service window about their matter. Confidential.

    Kept apart from the booking so that lists, exports and serializers of bookings can never
    carry it by accident. Only service staff of the palace read it, and every read is recorded.
    """

    booking = models.OneToOneField(
        Booking, on_delete=models.CASCADE, related_name="matter", verbose_name=_("booking")
    )
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, verbose_name=_("palace"))
    text = models.TextField(_("your matter"))

    class Meta:
        verbose_name = _("appointment matter")
        verbose_name_plural = _("appointment matters")

    def __str__(self) -> str:
        return f"matter of booking {self.booking_id}"


class MatterRead(models.Model):
    """One read of an appointment matter: who, when."""

    matter = models.ForeignKey(
        AppointmentMatter,
        on_delete=models.CASCADE,
        related_name="reads",
        verbose_name=_("appointment matter"),
    )
    reader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reader")
    )
    read_at = models.DateTimeField(default=timezone.now, verbose_name=_("read at"))

    class Meta:
        verbose_name = _("read of an appointment matter")
        verbose_name_plural = _("reads of appointment matters")
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"read of matter {self.matter_id} at {self.read_at:%Y-%m-%d %H:%M}"
