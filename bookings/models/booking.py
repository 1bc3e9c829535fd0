"""Reservations of venues, and the lifecycle every sign-up shares.

One table, `Booking`, holds every reservation whatever its state: a waitlist place, an offer
held for someone from the waitlist, a request awaiting staff, a confirmed booking, a check-in,
a cancellation, a no-show. Capacity lives in two places, both enforced by the database:
- exclusive venues (and approved group requests): no two active bookings overlap (an exclusion
  constraint on PostgreSQL; the service's check inside an IMMEDIATE transaction on SQLite);
- shared venues and service windows: one `SlotCounter` row per slot whose `taken` may never pass
  `capacity` (a CHECK constraint), raised only by a conditional UPDATE.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.kinds import BookingMode
from venues.models import Palace, Venue

from ..constraints import PostgresExclusionConstraint
from .offering import Occurrence, Offering
from .rule import DutyShift

# The longest a venue booking may be (its slots are one day's); sign-ups of offerings may be longer.
MAX_VENUE_BOOKING = timedelta(days=1)


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class SlotCounter(models.Model):
    """Places held in one slot of a shared venue or service window. `taken` ≤ `capacity`, always."""

    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, verbose_name=_("palace"))
    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="slot_counters", verbose_name=_("venue")
    )
    start = models.DateTimeField(verbose_name=_("start"))
    end = models.DateTimeField(verbose_name=_("end"))
    capacity = models.PositiveIntegerField(verbose_name=_("capacity"))
    taken = models.PositiveIntegerField(default=0, verbose_name=_("places taken"))

    class Meta:
        verbose_name = _("slot counter")
        verbose_name_plural = _("slot counters")
        constraints = [
            models.UniqueConstraint(fields=["venue", "start"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="slot_never_overbooked"),
            models.CheckConstraint(condition=Q(taken__gte=0), name="slot_taken_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.start:%Y-%m-%d %H:%M} {self.taken}/{self.capacity}"


class BookingQuerySet(models.QuerySet):
    def for_palace(self, palace):
        return self.filter(palace=palace)

    def for_user(self, user):
        return self.filter(user=user)

    def of_venues(self):
        """Venue bookings only, not sign-ups of offerings (courses, events)."""
        return self.filter(offering__isnull=True)

    def holding(self):
        """Bookings that hold their places or range (what capacity counts)."""
        return self.filter(status__in=Booking.HOLDING)

    def upcoming(self):
        return self.filter(end__gt=timezone.now())


class Booking(models.Model):
    class Status(models.TextChoices):
        WAITLISTED = "waitlisted", _("on the waitlist")
        OFFERED = "offered", _("place offered")
        PENDING = "pending", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        CHECKED_IN = "checked_in", _("checked in")
        CANCELLED = "cancelled", _("cancelled")
        DECLINED = "declined", _("declined")
        EXPIRED = "expired", _("offer expired")
        NO_SHOW = "no_show", _("no-show")

    # Statuses that hold places in a slot counter or block a range.
    HOLDING = (Status.OFFERED, Status.CONFIRMED, Status.CHECKED_IN)
    # Statuses a worker still expects something from (count towards per-person limits).
    ACTIVE = (Status.PENDING, Status.OFFERED, Status.CONFIRMED)
    OPEN = (Status.WAITLISTED, Status.OFFERED, Status.PENDING, Status.CONFIRMED)

    # The four foreign keys below that the Meta's indexes lead with (palace, venue, offering,
    # user) have no index of their own: each such index duplicated the leading column of a
    # composite one, and every booking paid for writing it.
    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.PROTECT, db_index=False)
    # Empty only for sign-ups of an offering held online.
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        db_index=False,
    )
    # Set for sign-ups (enrolments, registrations): places are counted on the offering.
    offering = models.ForeignKey(
        Offering,
        verbose_name=_("offering"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
        db_index=False,
    )
    # Waitlist order where it is not the order of joining (a lottery's draw order).
    queue_rank = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("queue position"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="bookings",
        db_index=False,
    )
    # A venue's booking mode, or the kind of offering (a course or an event) for sign-ups.
    mode = models.CharField(
        _("booking mode"), max_length=12, choices=[*BookingMode.choices, *Offering.Kind.choices]
    )
    # True where the booking takes the venue whole: exclusive venues and group requests.
    exclusive = models.BooleanField(default=False, verbose_name=_("booked whole"))
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    # The local (Asia/Shanghai) date of the start, set at write time: ledgers read months by index.
    local_date = models.DateField(_("date"))
    party_size = models.PositiveSmallIntegerField(_("party size"), default=1)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    fee = models.DecimalField(_("fee (yuan)"), max_digits=8, decimal_places=2, default=0)
    check_in_code = models.CharField(_("check-in code"), max_length=12, unique=True)
    # Group requests: what for, how many, on behalf of whom.
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    duty_shift = models.ForeignKey(
        DutyShift,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        verbose_name=_("duty shift"),
    )
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))
    checked_in_at = models.DateTimeField(null=True, blank=True, verbose_name=_("checked in at"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded at"))
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    objects = BookingQuerySet.as_manager()

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="booking_start_before_end"),
            models.CheckConstraint(condition=Q(party_size__gte=1), name="booking_party_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="booking_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(venue__isnull=False) | Q(offering__isnull=False),
                name="booking_has_venue_or_offering",
            ),
            # A venue booking covers slots of one day (match_slots): the booking's facts read only
            # the day before its start instead of the venue's and the person's whole history.
            models.CheckConstraint(
                condition=Q(offering__isnull=False) | Q(end__lte=F("start") + MAX_VENUE_BOOKING),
                name="booking_venue_booking_within_a_day",
            ),
            PostgresExclusionConstraint(
                name="booking_no_overlap_exclusive",
                expressions=[
                    ("venue", RangeOperators.EQUAL),
                    (TsTzRange("start", "end", models.Value("[)")), RangeOperators.OVERLAPS),
                ],
                condition=Q(exclusive=True, status__in=["offered", "confirmed", "checked_in"]),
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "local_date"]),
            models.Index(fields=["venue", "start"]),
            models.Index(fields=["user", "status", "start"]),
            models.Index(fields=["status", "end"]),
            models.Index(fields=["offering", "status"]),
            # Sign-ups that name a venue and have not ended, for the booking's facts (a course's
            # sign-up may span a term, so the day's bound above does not hold for them).
            models.Index(
                fields=["venue", "end"], condition=Q(offering__isnull=False), name="booking_signup_venue_end"
            ),
            # The monthly ledger aggregation reads a month of the whole province by this index alone
            # (an index-only scan of the month's range: the table's rows are in no date order), see
            # performance.ledgers.counting and docs/performance.md "Aggregation under 1 s".
            models.Index(
                fields=["local_date"],
                include=[
                    "palace",
                    "offering",
                    "venue",
                    "mode",
                    "status",
                    "exclusive",
                    "start",
                    "end",
                    "party_size",
                    "fee",
                ],
                name="booking_day_covering",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.venue_id} {self.start:%Y-%m-%d %H:%M}"

    @property
    def is_holding(self) -> bool:
        return self.status in self.HOLDING


class Attendance(models.Model):
    """Someone signed up for an offering was at one of its sessions (code check-in or roll call)."""

    class Method(models.TextChoices):
        CODE = "code", _("check-in code")
        ROLL_CALL = "roll_call", _("roll call")

    booking = models.ForeignKey(
        Booking, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("booking")
    )
    occurrence = models.ForeignKey(
        Occurrence,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("class or event session"),
    )
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT, verbose_name=_("palace"))
    local_date = models.DateField(verbose_name=_("local date"))
    method = models.CharField(max_length=10, choices=Method.choices, verbose_name=_("check-in method"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["booking", "occurrence"], name="attendance_once_per_session"),
        ]
        indexes = [
            models.Index(fields=["palace", "local_date"]),
            # The monthly ledger aggregation reads a month of the whole province by this index alone
            # (an index-only scan of the month's range: the table's rows are in no date order), see
            # performance.ledgers.counting and docs/performance.md "Aggregation under 1 s".
            models.Index(
                fields=["local_date"], include=["palace", "occurrence"], name="attendance_day_covering"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.booking_id} at {self.occurrence_id}"
