"""Ratings: 1–5 stars (and an optional comment) from someone who attended.

What can be rated, always through the booking that got the person in:
- a venue booking that was checked in (`subject` venue, no occurrence);
- one session of a course the person attended (`subject` course, the `Occurrence`, an `Attendance` row);
- an event the person attended (`subject` event, no occurrence).

The palace, the local date of what was rated, the venue, the course, the event and the course's
teacher are copied onto the row when it is written, so staff averages are plain GROUP BYs and a
month is an index range of (palace, local_date) (DESIGN.md, "What the monthly ledgers will count").
One rating per booking and session is held by the database (two conditional unique constraints:
NULLs never clash in a plain one), and so is the 1–5 range.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from venues.models import Palace, Venue

COMMENT_MAX = 500


class RatingQuerySet(models.QuerySet):
    def for_palace(self, palace):
        return self.filter(palace=palace)

    def for_user(self, user):
        return self.filter(user=user)

    def visible_comments(self):
        """Ratings whose comment may be shown: there is one and staff have not hidden it."""
        return self.exclude(comment="").filter(hidden_at__isnull=True)


class Rating(models.Model):
    class Subject(models.TextChoices):
        VENUE = "venue", _("venue booking")
        COURSE = "course", _("class session")
        EVENT = "event", _("event")

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("rated by"), on_delete=models.PROTECT, related_name="ratings"
    )
    subject = models.CharField(_("what was rated"), max_length=10, choices=Subject.choices)
    booking = models.ForeignKey(
        "bookings.Booking", verbose_name=_("booking"), on_delete=models.CASCADE, related_name="ratings"
    )
    occurrence = models.ForeignKey(
        "bookings.Occurrence",
        verbose_name=_("class or event session"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ratings",
    )
    # Copies, so that the averages need no joins through bookings and offerings.
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    course = models.ForeignKey(
        "activities.Course",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    event = models.ForeignKey(
        "activities.Event",
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
    )
    teacher = models.CharField(_("teacher"), max_length=100, blank=True)
    # The local (Asia/Shanghai) date of what was rated, not of the rating.
    local_date = models.DateField(_("date"))
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    # Staff hide abusive comments; the row (and its stars) stays.
    hidden_at = models.DateTimeField(_("comment hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    hidden_reason = models.CharField(_("why hidden"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars_range"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX), name="rating_comment_length"
            ),
            models.CheckConstraint(
                condition=(
                    Q(subject="venue", occurrence__isnull=True, course__isnull=True, event__isnull=True)
                    | Q(subject="course", occurrence__isnull=False, course__isnull=False, event__isnull=True)
                    | Q(subject="event", occurrence__isnull=True, course__isnull=True, event__isnull=False)
                ),
                name="rating_subject_consistent",
            ),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True, hidden_reason="")
                | (Q(hidden_at__isnull=False) & ~Q(hidden_reason="")),
                name="rating_hidden_has_reason",
            ),
            models.UniqueConstraint(
                fields=["booking", "occurrence"],
                condition=Q(occurrence__isnull=False),
                name="rating_once_per_session",
            ),
            models.UniqueConstraint(
                fields=["booking"], condition=Q(occurrence__isnull=True), name="rating_once_per_booking"
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "local_date"]),
            models.Index(fields=["user", "created_at"]),
            # The monthly ledger aggregation reads a month of the whole province by this index alone
            # (an index-only scan of the month's range: the table's rows are in no date order), see
            # performance.ledgers.counting and docs/performance.md "Aggregation under 1 s".
            models.Index(fields=["local_date"], include=["palace", "stars"], name="rating_day_covering"),
        ]

    def __str__(self) -> str:
        return gettext("%(stars)s★ for a %(subject)s") % {
            "stars": self.stars,
            "subject": self.get_subject_display(),
        }

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
