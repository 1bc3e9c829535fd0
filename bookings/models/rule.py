"""How a venue may be booked (its rule), and who is on duty at a service window (the roster)."""

from __future__ import annotations

from datetime import time

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from venues.models import Palace, Venue


class BookingRule(models.Model):
    """How a venue may be booked. One per venue; created with the kind's defaults when first needed."""

    venue = models.OneToOneField(
        Venue, verbose_name=_("venue"), on_delete=models.CASCADE, related_name="booking_rule"
    )
    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.CASCADE)
    window_days = models.PositiveSmallIntegerField(
        _("bookable days ahead"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(90)],
        help_text=_("0: only today. A new day opens for booking at the hour below."),
    )
    window_opens_at = models.TimeField(_("new day opens at"), default=time(8, 0))
    max_slots = models.PositiveSmallIntegerField(
        _("longest booking (slots)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Consecutive slots one booking may cover (booked-whole venues and requests)."),
    )
    min_party = models.PositiveSmallIntegerField(
        _("smallest party"), default=1, validators=[MinValueValidator(1)]
    )
    max_party = models.PositiveSmallIntegerField(
        _("largest party"), default=1, validators=[MinValueValidator(1)]
    )
    max_active = models.PositiveSmallIntegerField(
        _("active bookings per person"),
        default=3,
        help_text=_("Counted across every palace of the province."),
    )
    max_per_day = models.PositiveSmallIntegerField(_("bookings per person per day"), default=2)
    max_per_week = models.PositiveSmallIntegerField(_("bookings per person per week"), default=5)
    cancel_deadline_minutes = models.PositiveIntegerField(
        _("cancel up to (minutes before start)"), default=120
    )
    member_hours_start = models.TimeField(_("members-only from"), null=True, blank=True)
    member_hours_end = models.TimeField(_("members-only until"), null=True, blank=True)
    offer_minutes = models.PositiveSmallIntegerField(
        _("waitlist offer holds for (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    checkin_opens_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before start)"), default=30
    )
    checkin_closes_minutes = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after start)"), default=15
    )
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("booking rule")
        verbose_name_plural = _("booking rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_party__gte=1, max_party__gte=F("min_party")),
                name="rule_party_range",
            ),
            models.CheckConstraint(
                condition=(
                    Q(member_hours_start__isnull=True, member_hours_end__isnull=True)
                    | Q(
                        member_hours_start__isnull=False,
                        member_hours_end__isnull=False,
                        member_hours_start__lt=F("member_hours_end"),
                    )
                ),
                name="rule_member_hours_ordered",
            ),
            models.CheckConstraint(condition=Q(max_slots__gte=1), name="rule_max_slots_positive"),
        ]

    def __str__(self) -> str:
        return str(self.venue)


class DutyShift(models.Model):
    """Someone on duty at a service window (e.g. a lawyer on the legal-aid rota).

    Either every given weekday, or on one date. Appointment slots exist only inside shifts.
    """

    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.CASCADE)
    venue = models.ForeignKey(
        Venue, verbose_name=_("service window"), on_delete=models.CASCADE, related_name="duty_shifts"
    )
    person = models.CharField(_("person on duty"), max_length=50)
    role = models.CharField(_("role"), max_length=50, blank=True, help_text=_("e.g. lawyer"))
    weekday = models.PositiveSmallIntegerField(
        _("every"), null=True, blank=True, choices=[(i, str(i)) for i in range(7)]
    )
    date = models.DateField(_("on"), null=True, blank=True)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["venue", "weekday", "date", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="duty_starts_before_ends"),
            models.CheckConstraint(
                condition=(
                    Q(weekday__isnull=False, date__isnull=True, weekday__gte=0, weekday__lte=6)
                    | Q(weekday__isnull=True, date__isnull=False)
                ),
                name="duty_weekday_or_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.starts:%H:%M}–{self.ends:%H:%M}"
