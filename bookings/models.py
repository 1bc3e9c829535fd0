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

from datetime import time

from django.conf import settings
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import Palace, Venue

from .constraints import PostgresExclusionConstraint


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


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
    updated_at = models.DateTimeField(auto_now=True)

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


class SlotCounter(models.Model):
    """Places held in one slot of a shared venue or service window. `taken` ≤ `capacity`, always."""

    palace = models.ForeignKey(Palace, on_delete=models.CASCADE)
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="slot_counters")
    start = models.DateTimeField()
    end = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    taken = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["venue", "start"], name="slot_unique_start"),
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="slot_never_overbooked"),
            models.CheckConstraint(condition=Q(taken__gte=0), name="slot_taken_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.venue_id} {self.start:%Y-%m-%d %H:%M} {self.taken}/{self.capacity}"


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
    taken = models.PositiveIntegerField(default=0)
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
    checkin_opens_minutes = models.PositiveSmallIntegerField(default=30)
    checkin_closes_minutes = models.PositiveSmallIntegerField(default=30)
    # Offerings of one family are alternatives (sections of one course): a person holds at most one.
    family = models.CharField(max_length=40, blank=True)
    # At most `group_limit` offerings of one group held per person (a term's course limit).
    limit_group = models.CharField(max_length=40, blank=True)
    group_limit = models.PositiveSmallIntegerField(null=True, blank=True)
    drawn_at = models.DateTimeField(_("lottery drawn"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

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

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="occurrences")
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT)
    venue = models.ForeignKey(Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    local_date = models.DateField(_("date"))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "start"], name="occurrence_unique_start"),
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="occurrence_start_before_end"),
        ]
        indexes = [models.Index(fields=["palace", "local_date"])]

    def __str__(self) -> str:
        return f"{self.offering_id} {self.start:%Y-%m-%d %H:%M}"


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

    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.PROTECT)
    # Empty only for sign-ups of an offering held online.
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
    )
    # Set for sign-ups (enrolments, registrations): places are counted on the offering.
    offering = models.ForeignKey(
        Offering,
        verbose_name=_("offering"),
        on_delete=models.PROTECT,
        related_name="bookings",
        null=True,
        blank=True,
    )
    # Waitlist order where it is not the order of joining (a lottery's draw order).
    queue_rank = models.PositiveIntegerField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="bookings",
    )
    mode = models.CharField(_("booking mode"), max_length=12)
    # True where the booking takes the venue whole: exclusive venues and group requests.
    exclusive = models.BooleanField(default=False)
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
        DutyShift, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings"
    )
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("booked at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

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

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendances")
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="attendances")
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT)
    local_date = models.DateField()
    method = models.CharField(max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["booking", "occurrence"], name="attendance_once_per_session"),
        ]
        indexes = [models.Index(fields=["palace", "local_date"])]

    def __str__(self) -> str:
        return f"{self.booking_id} at {self.occurrence_id}"


class AppointmentMatter(models.Model):
    """What a worker tells a service window about their matter. Confidential.

    Kept apart from the booking so that lists, exports and serializers of bookings can never
    carry it by accident. Only service staff of the palace read it, and every read is recorded.
    """

    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="matter")
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE)
    text = models.TextField(_("your matter"))

    class Meta:
        verbose_name = _("appointment matter")
        verbose_name_plural = _("appointment matters")

    def __str__(self) -> str:
        return f"matter of booking {self.booking_id}"


class MatterRead(models.Model):
    """One read of an appointment matter: who, when."""

    matter = models.ForeignKey(AppointmentMatter, on_delete=models.CASCADE, related_name="reads")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-read_at"]

    def __str__(self) -> str:
        return f"read of matter {self.matter_id} at {self.read_at:%Y-%m-%d %H:%M}"


class Suspension(models.Model):
    """A worker may not book until `ends_at` (repeated no-shows), unless lifted by staff."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_suspensions"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=300)
    no_shows = models.ManyToManyField(Booking, blank=True, related_name="+")
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    suspension = models.OneToOneField(Suspension, on_delete=models.CASCADE, related_name="appeal")
    text = models.TextField(_("your appeal"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal of suspension {self.suspension_id} ({self.status})"


class Notification(models.Model):
    """The outbox: a message written in the same transaction as what caused it, sent by Celery.

    A send claims the row with a conditional UPDATE (pending → sending), so two workers, a retry
    and the sweep can never send the same message twice at the same time.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    # One message per event and channel: writing the same event twice is a no-op.
    dedupe_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.status}"


class CalendarFeed(models.Model):
    """The secret address of a worker's personal calendar feed (calendar apps send no headers)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
