"""What palaces run. The activity ledger: every activity a palace runs, logged by its staff (issue 4).

Each row carries its palace and its (local) start date directly, indexed together, so that the
monthly ledgers count a month as an index range (DESIGN.md, "What the monthly ledgers will count").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from activities.series.models import Series
from venues.kinds import Centre
from venues.models import Palace, SatellitePoint, Venue


class ActivityKind(models.TextChoices):
    PERFORMANCE = "performance", _("performance")
    LECTURE = "lecture", _("lecture")
    READING_EXCHANGE = "reading_exchange", _("reading exchange")
    EXHIBITION = "exhibition", _("exhibition")
    COMPETITION = "competition", _("competition")
    TRAINING = "training", _("training")
    JOB_FAIR = "job_fair", _("job fair")
    MIXER = "mixer", _("mixer")
    WEDDING = "wedding", _("wedding")
    VOLUNTEER_SERVICE = "volunteer_service", _("volunteer service")
    LIVESTREAM = "livestream", _("livestream")
    # 示范性庭审: a labour-dispute hearing held in public at the palace, for workers to learn from.
    DEMO_HEARING = "demo_hearing", _("demonstration hearing")
    OTHER = "other", _("other")


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    SCHOOL = "school", _("school")
    ASSOCIATION = "association", _("association")
    NONE = "none", _("none")


def _label(choices: type[models.TextChoices], value: str) -> str:
    """A choice's label by the enum (`get_FOO_display` rebuilds a dict of every choice, translating
    each label, on each call: two columns of a ledger page's rows spent 10 ms there)."""
    try:
        return choices(value).label
    except ValueError:
        return value


class Activity(models.Model):
    Kind = ActivityKind
    PartnerKind = PartnerKind

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    centre = models.CharField(_("centre"), max_length=10, choices=Centre.choices)
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    satellite_point = models.ForeignKey(
        SatellitePoint,
        verbose_name=_("satellite point"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    off_site = models.CharField(_("off-site location"), max_length=200, blank=True)
    date = models.DateField(_("date"), help_text=_("Local start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    participants = models.PositiveIntegerField(_("participants (person-times)"), default=0)
    online_viewers = models.PositiveIntegerField(_("online viewers"), default=0)
    likes = models.PositiveIntegerField(_("likes"), default=0)
    partner_kind = models.CharField(
        _("partner kind"), max_length=12, choices=PartnerKind.choices, default=PartnerKind.NONE
    )
    partner_name = models.CharField(_("partner name"), max_length=200, blank=True)
    programme = models.CharField(_("programme"), max_length=100, blank=True)
    series = models.ForeignKey(
        Series,
        verbose_name=_("series"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)

    class Meta:
        # Not "activity": events (activities.events) are 活动 too, and the back office lists both.
        verbose_name = _("ledger activity")
        verbose_name_plural = _("ledger activities")
        ordering = ["-date", "-pk"]
        constraints = [
            # At most one kind of location: a venue, a satellite point, or an off-site place.
            models.CheckConstraint(
                condition=(
                    Q(venue__isnull=True, satellite_point__isnull=True)
                    | Q(venue__isnull=False, satellite_point__isnull=True, off_site="")
                    | Q(venue__isnull=True, satellite_point__isnull=False, off_site="")
                ),
                name="activity_one_location",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("date")),
                name="activity_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"),
            models.CheckConstraint(condition=Q(centre__in=Centre.values), name="activity_centre_valid"),
            models.CheckConstraint(
                condition=Q(partner_kind__in=PartnerKind.values), name="activity_partner_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(participants__gte=0, online_viewers__gte=0, likes__gte=0),
                name="activity_figures_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "date"]),
            # The monthly ledger aggregation reads a month of the whole province by this index alone
            # (an index-only scan of the month's range: the table's rows are in no date order), see
            # performance.ledgers.counting and docs/performance.md "Aggregation under 1 s".
            models.Index(
                fields=["date"],
                include=[
                    "palace",
                    "centre",
                    "kind",
                    "partner_kind",
                    "participants",
                    "online_viewers",
                    "likes",
                    "satellite_point",
                ],
                name="activity_day_covering",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        return _label(self.Kind, self.kind)

    @property
    def centre_label(self) -> str:
        return _label(Centre, self.centre)
