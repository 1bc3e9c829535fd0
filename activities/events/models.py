"""Events with sign-up: one-off lectures, performances, competitions, job fairs, mixers…"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import ActivityKind, PartnerKind
from activities.offerings.models import PublishState
from activities.series.models import Series
from palace_portal.images import PICTURE_ALT_HELP, picture_alt_constraint
from venues.kinds import Centre
from venues.models import Palace, Venue


class Event(models.Model):
    """A one-off activity with sign-up: a lecture, performance, competition, job fair, mixer…

    With registration, its places and sign-ups are a bookings `Offering` (no capacity: unlimited).
    """

    State = PublishState

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="events"
    )
    offering = models.OneToOneField(
        "bookings.Offering",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event",
        verbose_name=_("offering"),
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    centre = models.CharField(_("centre"), max_length=10, choices=Centre.choices)
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    local_date = models.DateField(_("date"))
    speaker = models.CharField(_("speaker or performers"), max_length=200, blank=True)
    partner_kind = models.CharField(
        _("partner kind"), max_length=12, choices=PartnerKind.choices, default=PartnerKind.NONE
    )
    partner_name = models.CharField(_("partner name"), max_length=200, blank=True)
    programme = models.CharField(_("programme"), max_length=100, blank=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    description = models.TextField(_("description"), blank=True)
    picture = models.ImageField(_("picture"), upload_to="events/", blank=True)
    picture_alt = models.CharField(
        _("picture description"), max_length=200, blank=True, help_text=PICTURE_ALT_HELP
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PublishState.choices, default=PublishState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="event_starts_before_ends"),
            models.CheckConstraint(
                condition=Q(venue__isnull=False) | ~Q(online_url=""), name="event_has_venue_or_link"
            ),
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="event_kind_valid"),
            picture_alt_constraint("event"),
        ]
        indexes = [models.Index(fields=["palace", "local_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def has_registration(self) -> bool:
        return self.offering_id is not None
