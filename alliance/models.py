"""The alliance of workers' cultural palaces (工人文化宫联盟): the provincial union's workspace.

- `Membership`: a palace joins on a date and may leave with a reason; the roster at any date is
  the memberships covering it. `Palace.alliance_member` (venues) mirrors "a member today" and is
  kept in step by the services here, so the directory can filter without a join.
- `RotationTerm`: the rotating council units (轮值理事单位) leading in turn, with their duties.
- `Campaign`: a themed province-wide series; palaces take part; logged activities, courses and
  events are tagged to it (`CampaignTag`), and its totals are computed from the tagged rows.
- `HostingCall` → `HostingApplication` → `ApplicationReview` → approved: a provincial event on
  the public calendar, hosted by the palace; `Subsidy` grants and payments never exceed the
  call's budget (checked under a lock on the call).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Activity, ActivityKind, Course, Event
from venues.models import Palace, Venue


class Membership(models.Model):
    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    founding = models.BooleanField(_("founding member"), default=False)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("alliance membership")
        verbose_name_plural = _("alliance memberships")
        ordering = ["joined_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gt=F("joined_on")),
                name="membership_leaves_after_joining",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | ~Q(leave_reason=""),
                name="membership_leaving_has_reason",
            ),
            # At most one open membership per palace.
            models.UniqueConstraint(
                fields=["palace"], condition=Q(left_on__isnull=True), name="membership_one_open_per_palace"
            ),
        ]
        indexes = [models.Index(fields=["joined_on", "left_on"])]

    def __str__(self) -> str:
        return f"{self.palace_id} {self.joined_on}–{self.left_on or ''}"


class RotationTerm(models.Model):
    """A period (a quarter, a half-year) in which some member palaces lead the alliance's work."""

    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    leads = models.ManyToManyField(Palace, verbose_name=_("lead units"), related_name="rotation_terms")
    duties = models.TextField(_("duties"), blank=True)

    class Meta:
        verbose_name = _("council rotation")
        verbose_name_plural = _("council rotations")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="rotation_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """A themed series (e.g. 点亮万家灯火，情暖赣鄱职工) run across the province."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    organiser = models.ForeignKey(
        Palace,
        verbose_name=_("organiser (council unit)"),
        on_delete=models.PROTECT,
        related_name="campaigns_organised",
    )
    rotation = models.ForeignKey(
        RotationTerm,
        verbose_name=_("rotation term"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    participants = models.ManyToManyField(
        Palace, verbose_name=_("palaces taking part"), related_name="campaigns", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="campaign_dates_ordered"),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignTag(models.Model):
    """One logged activity, course or event counted towards a campaign (exactly one of the three)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tags", verbose_name=_("campaign")
    )
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, verbose_name=_("palace"))
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("ledger activity"),
    )
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("course")
    )
    event = models.ForeignKey(
        Event, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("tagged by"),
    )
    tagged_at = models.DateTimeField(default=timezone.now, verbose_name=_("tagged at"))

    class Meta:
        verbose_name = _("campaign tag")
        verbose_name_plural = _("campaign tags")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(activity__isnull=False, course__isnull=True, event__isnull=True)
                    | Q(activity__isnull=True, course__isnull=False, event__isnull=True)
                    | Q(activity__isnull=True, course__isnull=True, event__isnull=False)
                ),
                name="campaign_tag_exactly_one",
            ),
            models.UniqueConstraint(fields=["campaign", "activity"], name="campaign_tag_activity_once"),
            models.UniqueConstraint(fields=["campaign", "course"], name="campaign_tag_course_once"),
            models.UniqueConstraint(fields=["campaign", "event"], name="campaign_tag_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.activity_id or self.course_id or self.event_id}"


class HostingCall(models.Model):
    """Provincial staff invite palaces to host a province-wide event (省级活动承办)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for applications")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    event_kind = models.CharField(_("event kind"), max_length=20, choices=ActivityKind.choices)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("event window from"))
    ends_on = models.DateField(_("event window until"))
    deadline = models.DateTimeField(_("applications close"))
    budget = models.DecimalField(_("budget (yuan)"), max_digits=12, decimal_places=2)
    # Eligibility is data: {"levels": ["city", "county"], "in_service": true, "member": true,
    # "min_capacity": 0}. The service reads it; the page shows it.
    eligibility = models.JSONField(_("eligibility"), default=dict)
    # Review criteria: [{"name": "…", "max": 30}, …]; a review scores each from 0 to its max.
    criteria = models.JSONField(_("review criteria"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("campaign"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("hosting call")
        verbose_name_plural = _("hosting calls")
        ordering = ["-deadline", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="call_window_ordered"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="call_budget_not_negative"),
            models.CheckConstraint(
                condition=Q(event_kind__in=ActivityKind.values), name="call_event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class HostingApplication(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("hosting application", "withdrawn")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    call = models.ForeignKey(
        HostingCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("hosting call")
    )
    palace = models.ForeignKey(Palace, verbose_name=_("palace"), on_delete=models.PROTECT, related_name="+")
    plan = models.TextField(_("plan"))
    venue = models.ForeignKey(Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField(_("capacity"))
    support = models.TextField(
        _("support capability"), help_text=_("Staff, volunteers, equipment, partners.")
    )
    requested_subsidy = models.DecimalField(_("subsidy requested (yuan)"), max_digits=12, decimal_places=2)
    event_date = models.DateField(_("proposed date"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    decision_reason = models.CharField(_("reason"), max_length=500, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    # The provincial event's public title on the calendar once approved.
    event_title = models.CharField(_("event title"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(default=timezone.now, verbose_name=_("submitted at"))

    class Meta:
        verbose_name = _("hosting application")
        verbose_name_plural = _("hosting applications")
        ordering = ["call", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "palace"], name="application_one_per_palace_and_call"),
            models.CheckConstraint(
                condition=Q(requested_subsidy__gte=0), name="application_subsidy_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="application_decline_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "event_date"])]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.palace_id}"


class ApplicationReview(models.Model):
    """One reviewer's scores of an application against the call's criteria."""

    application = models.ForeignKey(
        HostingApplication,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("hosting application"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewer")
    )
    scores = models.JSONField(_("scores"), default=list)  # one number per criterion, in order
    total = models.DecimalField(_("total"), max_digits=7, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now, verbose_name=_("reviewed at"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="review_once_per_reviewer"),
            models.CheckConstraint(condition=Q(total__gte=0), name="review_total_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} by {self.reviewer_id}: {self.total}"


class Subsidy(models.Model):
    """Money granted to a host for an approved application, and what has been paid of it."""

    application = models.OneToOneField(
        HostingApplication,
        on_delete=models.PROTECT,
        related_name="subsidy",
        verbose_name=_("hosting application"),
    )
    call = models.ForeignKey(
        HostingCall, on_delete=models.PROTECT, related_name="subsidies", verbose_name=_("hosting call")
    )
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT, related_name="+", verbose_name=_("palace"))
    year = models.PositiveSmallIntegerField(_("year"))
    granted = models.DecimalField(_("granted (yuan)"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("paid (yuan)"), max_digits=12, decimal_places=2, default=Decimal(0))
    paid_on = models.DateField(_("last paid on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))

    class Meta:
        verbose_name = _("subsidy")
        verbose_name_plural = _("subsidies")
        ordering = ["-year", "palace"]
        constraints = [
            models.CheckConstraint(condition=Q(granted__gte=0), name="subsidy_granted_not_negative"),
            models.CheckConstraint(
                condition=Q(paid__gte=0, paid__lte=F("granted")), name="subsidy_paid_within_granted"
            ),
        ]
        indexes = [models.Index(fields=["palace", "year"])]

    def __str__(self) -> str:
        return f"{self.palace_id} {self.year}: {self.granted}"
