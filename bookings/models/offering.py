"""What people sign up for as a whole (a course section, an event), and its sessions."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import Palace, Venue


class Offering(models.Model):
    """Something people sign up for as a whole, with places: a course (section) or an event.

    The app that runs it (activities) points one of its rows at an offering; this app keeps the
    places, the sign-ups (bookings with `offering` set), the waitlist, offers, check-in and the
    notifications, the same lifecycle as venue bookings. `taken` counts held places and may never
    pass `capacity` (a CHECK constraint); it is raised only by a conditional UPDATE. No capacity
    means no limit (an open lecture).
    """

    class Kind(models.TextChoices):
        COURSE = "course", _("course")
        EVENT = "event", _("event")

    class Selection(models.TextChoices):
        FIRST_COME = "first_come", _("first come, first served")
        LOTTERY = "lottery", _("lottery")

    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.PROTECT)
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    taken = models.PositiveIntegerField(default=0, verbose_name=_("places taken"))
    selection = models.CharField(
        _("selection"), max_length=12, choices=Selection.choices, default=Selection.FIRST_COME
    )
    members_only = models.BooleanField(_("trade-union members only"), default=False)
    fee = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2, default=0)
    published = models.BooleanField(_("published"), default=False)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    opens_at = models.DateTimeField(_("sign-up opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("sign-up closes"))
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    offer_minutes = models.PositiveIntegerField(_("waitlist offer holds for (minutes)"), default=24 * 60)
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        default=30, verbose_name=_("check-in opens (minutes before)")
    )
    checkin_closes_minutes = models.PositiveSmallIntegerField(
        default=30, verbose_name=_("check-in closes (minutes after)")
    )
    # Offerings of one family are alternatives (sections of one course): a person holds at most one.
    family = models.CharField(max_length=40, blank=True, verbose_name=_("alternatives group"))
    # At most `group_limit` offerings of one group held per person (a term's course limit).
    limit_group = models.CharField(max_length=40, blank=True, verbose_name=_("limit group"))
    group_limit = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("limit per group"))
    drawn_at = models.DateTimeField(_("lottery drawn"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(taken__lte=F("capacity")),
                name="offering_never_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="offering_starts_before_ends"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(opens_at__lt=F("closes_at")),
                name="offering_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(selection="first_come") | Q(capacity__isnull=False),
                name="offering_lottery_has_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_lottery(self) -> bool:
        return self.selection == self.Selection.LOTTERY


class Occurrence(models.Model):
    """One meeting of an offering (a weekly session of a course, the event itself)."""

    offering = models.ForeignKey(
        Offering, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("offering")
    )
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT, verbose_name=_("palace"))
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("venue")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    local_date = models.DateField(_("date"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        # Not the bare "session": that message is Django's too (the sessions app's 会话).
        verbose_name = _("class or event session")
        verbose_name_plural = _("class or event sessions")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "start"], name="occurrence_unique_start"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="occurrence_start_before_end"),
        ]
        indexes = [models.Index(fields=["palace", "local_date"])]

    def __str__(self) -> str:
        return f"{self.offering_id} {self.start:%Y-%m-%d %H:%M}"
