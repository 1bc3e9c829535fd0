"""What palaces run. The activity ledger: every activity a palace runs, logged by its staff (issue 4).

Each row carries its palace and its (local) start date directly, indexed together, so that the
monthly ledgers count a month as an index range (DESIGN.md, "What the monthly ledgers will count").
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

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
    OTHER = "other", _("other")


class PartnerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("enterprise")
    SCHOOL = "school", _("school")
    ASSOCIATION = "association", _("association")
    NONE = "none", _("none")


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
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
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
        indexes = [models.Index(fields=["palace", "date"])]

    def __str__(self) -> str:
        return self.title


# Worker voice (wishes and demand surveys) lives in its own module.
from .voice_models import *  # noqa: E402, F403

# --- Classes (the night school) and events with sign-up ------------------------------------------


class Term(models.Model):
    """A palace's term of classes (e.g. the 2026 autumn night school)."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="terms"
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    enrolment_opens = models.DateTimeField(_("enrolment opens"))
    enrolment_closes = models.DateTimeField(_("enrolment closes"))
    max_courses = models.PositiveSmallIntegerField(
        _("courses per person"),
        default=2,
        help_text=_("How many courses of this term one worker may hold (or apply for) at once."),
    )
    overflow_factor = models.DecimalField(
        _("overflow factor"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.5"),
        help_text=_("A course is flagged when its applicants or waitlist reach this many times its places."),
    )

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="term_dates_ordered"),
            models.CheckConstraint(
                condition=Q(enrolment_opens__lt=F("enrolment_closes")), name="term_enrolment_ordered"
            ),
            models.CheckConstraint(condition=Q(max_courses__gte=1), name="term_max_courses_positive"),
            models.CheckConstraint(
                condition=Q(overflow_factor__gte=1), name="term_overflow_factor_at_least_one"
            ),
            models.UniqueConstraint(fields=["palace", "name"], name="term_name_unique_per_palace"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def limit_group(self) -> str:
        return f"term:{self.pk}"


class PriorityRound(models.TextChoices):
    """Who a lottery draws first, round by round, when staff choose so (the rest come last)."""

    FIRST_TIMER = "first_timer", _("first class this year")
    NEW_FORM_WORKER = "new_form_worker", _("new-employment-form workers (couriers, ride-hailing drivers…)")
    MEMBER = "member", _("trade-union members")


class PublishState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CANCELLED = "cancelled", _("cancelled")


class Course(models.Model):
    """A class of a term meeting weekly; its places and sign-ups are a bookings `Offering`.

    Another section of a popular course is another `Course` pointing at the first (`section_of`):
    its own time, venue and places; a person holds at most one section (the offerings' family).
    """

    State = PublishState

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="courses"
    )
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="courses")
    offering = models.OneToOneField("bookings.Offering", on_delete=models.PROTECT, related_name="course")
    section_of = models.ForeignKey(
        "self",
        verbose_name=_("section of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sections",
    )
    section_label = models.CharField(_("section"), max_length=30, blank=True)
    title = models.CharField(_("title"), max_length=200)
    centre = models.CharField(_("centre"), max_length=10, choices=Centre.choices)
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="courses"
    )
    teacher = models.CharField(_("teacher"), max_length=100, blank=True)
    partner = models.CharField(
        _("partner organisation"), max_length=200, blank=True, help_text=_("If a partner teaches the course.")
    )
    weekdays = models.JSONField(_("weekdays"), default=list, help_text=_("0 = Monday … 6 = Sunday"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    description = models.TextField(_("description"), blank=True)
    picture = models.ImageField(_("picture"), upload_to="courses/", blank=True)
    priority_rounds = models.JSONField(_("priority rounds"), default=list, blank=True)
    completion_percent = models.PositiveSmallIntegerField(
        _("attendance needed for completion (%)"), default=75
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PublishState.choices, default=PublishState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["term", "title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="course_starts_before_ends"),
            models.CheckConstraint(
                condition=Q(completion_percent__gte=1, completion_percent__lte=100),
                name="course_completion_percent_range",
            ),
            models.CheckConstraint(condition=Q(centre__in=Centre.values), name="course_centre_valid"),
        ]
        indexes = [models.Index(fields=["palace", "term"])]

    def __str__(self) -> str:
        return f"{self.title}（{self.section_label}）" if self.section_label else self.title

    @property
    def root(self) -> Course:
        return self.section_of or self

    @property
    def is_evening(self) -> bool:
        return self.starts_at.hour >= 17

    @property
    def is_weekend(self) -> bool:
        return any(day >= 5 for day in self.weekdays)


class Event(models.Model):
    """A one-off activity with sign-up: a lecture, performance, competition, job fair, mixer…

    With registration, its places and sign-ups are a bookings `Offering` (no capacity: unlimited).
    """

    State = PublishState

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="events"
    )
    offering = models.OneToOneField(
        "bookings.Offering", null=True, blank=True, on_delete=models.PROTECT, related_name="event"
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
    description = models.TextField(_("description"), blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=PublishState.choices, default=PublishState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

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
        ]
        indexes = [models.Index(fields=["palace", "local_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def has_registration(self) -> bool:
        return self.offering_id is not None


class LotteryDraw(models.Model):
    """The record of a course's lottery, kept so that anyone can check it.

    Within each priority round, applications are ordered by SHA-256 of "<seed>:<application id>";
    the rounds follow one another. Seed, rounds and the resulting order are all kept and shown.
    """

    course = models.OneToOneField(Course, on_delete=models.PROTECT, related_name="draw")
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT)
    seed = models.CharField(_("seed"), max_length=64)
    rounds = models.JSONField(_("priority rounds"), default=list)
    # [{"booking": id, "round": index, "key": hex digest}] in draw order.
    ordering = models.JSONField(_("draw order"), default=list)
    places = models.PositiveIntegerField(_("places"))
    applicants = models.PositiveIntegerField(_("applicants"))
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")

    def __str__(self) -> str:
        return f"draw of {self.course_id}"


# Ratings of what people attended live in their own module.
from .rating_models import Rating  # noqa: E402, F401
