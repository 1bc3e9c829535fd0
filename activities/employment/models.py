"""Employment: employers, job postings, applications, interviews, job fairs, livestreamed
recruiting sessions and the maker residency.

Every row carries its palace directly (the tenant rule), and the rows the monthly ledger counts
carry their local date as a column set at write time (postings: `published_on`; applications:
`local_date`; placements: `placed_on`), indexed with the palace.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.events.models import Event
from venues.models import Palace

# A month's pay in yuan: far above any real posting, far below what a column holds.
MAX_PAY = 1_000_000
MAX_OPENINGS = 10_000


class Employer(models.Model):
    """An enterprise that partners with the palace and posts jobs through it."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="employers"
    )
    name = models.CharField(_("name"), max_length=200)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active partner"), default=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["palace", "name"], name="employer_unique_name")]

    def __str__(self) -> str:
        return self.name


class JobKind(models.TextChoices):
    FULL_TIME = "full_time", _("full-time")
    PART_TIME = "part_time", _("part-time")
    FLEXIBLE = "flexible", _("new employment forms / flexible")
    INTERNSHIP = "internship", _("internship")


class PostingState(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", pgettext_lazy("job posting", "closed")


class JobPostingQuerySet(models.QuerySet):
    def open_on(self, day):
        """Published and still valid on `day` (a local date): what workers browse and apply to."""
        return self.filter(state=PostingState.PUBLISHED, valid_until__gte=day)


class JobPosting(models.Model):
    Kind = JobKind
    State = PostingState

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="job_postings"
    )
    employer = models.ForeignKey(
        Employer, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="postings"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=JobKind.choices)
    pay_min = models.PositiveIntegerField(_("pay from (yuan a month)"))
    pay_max = models.PositiveIntegerField(_("pay up to (yuan a month)"))
    place = models.CharField(_("place of work"), max_length=200)
    requirements = models.TextField(_("requirements"), blank=True)
    description = models.TextField(_("description"), blank=True)
    openings = models.PositiveIntegerField(_("openings"))
    valid_until = models.DateField(_("valid until"))
    state = models.CharField(_("state"), max_length=10, choices=PostingState.choices, default="draft")
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    events = models.ManyToManyField(
        Event, verbose_name=_("job fairs"), blank=True, related_name="job_postings"
    )

    objects = JobPostingQuerySet.as_manager()

    class Meta:
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(pay_min__lte=F("pay_max")), name="posting_pay_range"),
            models.CheckConstraint(condition=Q(pay_max__lte=MAX_PAY), name="posting_pay_bounded"),
            models.CheckConstraint(
                condition=Q(openings__gte=1, openings__lte=MAX_OPENINGS), name="posting_openings_range"
            ),
            models.CheckConstraint(condition=Q(kind__in=JobKind.values), name="posting_kind_valid"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_on__isnull=False), name="posting_published_dated"
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "published_on"]),
            models.Index(fields=["state", "valid_until"]),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("job application", "applied")
    INTERVIEW = "interview", _("interviewing")
    PLACED = "placed", _("placed")
    REJECTED = "rejected", _("not taken")
    WITHDRAWN = "withdrawn", pgettext_lazy("job application", "withdrawn")


class JobApplication(models.Model):
    """A worker's application to a posting: one per person and posting (a database constraint)."""

    Status = ApplicationStatus
    UNDECIDED = (ApplicationStatus.APPLIED, ApplicationStatus.INTERVIEW)

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="job_applications"
    )
    posting = models.ForeignKey(
        JobPosting, verbose_name=_("posting"), on_delete=models.CASCADE, related_name="applications"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="job_applications",
    )
    note = models.CharField(_("note to the employer"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.APPLIED
    )
    created_at = models.DateTimeField(_("applied at"))
    local_date = models.DateField(_("date applied"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    placed_on = models.DateField(_("placed on"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("job application")
        verbose_name_plural = _("job applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["posting", "user"], name="job_application_one_per_person"),
            models.CheckConstraint(
                condition=Q(status="placed", placed_on__isnull=False) | ~Q(status="placed"),
                name="job_application_placed_dated",
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "local_date"]),
            models.Index(fields=["palace", "placed_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.posting} · {self.user}"

    @property
    def undecided(self) -> bool:
        return self.status in self.UNDECIDED


class StaffRecord(models.Model):
    """What an officer writes down about a person's case (an interview, support given): a note,
    who recorded it, when."""

    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        abstract = True


class InterviewOutcome(models.TextChoices):
    PENDING = "pending", _("to be held")
    PASSED = "passed", _("passed")
    FAILED = "failed", _("not passed")
    ABSENT = "absent", _("did not come")


class Interview(StaffRecord):
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    application = models.ForeignKey(
        JobApplication, verbose_name=_("application"), on_delete=models.CASCADE, related_name="interviews"
    )
    held_on = models.DateField(_("date"))
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=InterviewOutcome.choices, default=InterviewOutcome.PENDING
    )

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} · {self.get_outcome_display()}"


class Livestream(models.Model):
    """A livestreamed recruiting session (直播荐岗): its stream, its postings, its viewers."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="job_livestreams"
    )
    title = models.CharField(_("title"), max_length=200)
    stream_url = models.URLField(_("stream link"), max_length=500)
    starts_at = models.DateTimeField(_("starts"))
    local_date = models.DateField(_("date"))
    viewers = models.PositiveIntegerField(_("viewers"), default=0)
    postings = models.ManyToManyField(
        JobPosting, verbose_name=_("postings"), blank=True, related_name="livestreams"
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
        verbose_name = _("recruiting livestream")
        verbose_name_plural = _("recruiting livestreams")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["palace", "local_date"])]

    def __str__(self) -> str:
        return self.title


class ResidencyStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("residency", "applied")
    ACCEPTED = "accepted", _("accepted")
    REFUSED = "refused", _("refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("residency", "withdrawn")


class ResidencyApplication(models.Model):
    """A maker's application for a free place in the palace's entrepreneurship centre; once
    accepted, a resident with a period."""

    Status = ResidencyStatus

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="residencies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="residency_applications",
    )
    project = models.CharField(_("project"), max_length=200)
    description = models.TextField(_("what the project does"), blank=True)
    team_size = models.PositiveSmallIntegerField(_("team size"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=ResidencyStatus.choices, default=ResidencyStatus.APPLIED
    )
    created_at = models.DateTimeField(_("applied at"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    starts_on = models.DateField(_("resident from"), null=True, blank=True)
    ends_on = models.DateField(_("resident until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("residency application")
        verbose_name_plural = _("residency applications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open application per person and palace at a time.
            models.UniqueConstraint(
                fields=["palace", "user"], condition=Q(status="applied"), name="residency_one_open"
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(starts_on__isnull=False, ends_on__isnull=False, starts_on__lte=F("ends_on")),
                name="residency_accepted_has_period",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""), name="residency_refused_has_reason"
            ),
        ]
        indexes = [models.Index(fields=["palace", "status"])]

    def __str__(self) -> str:
        return self.project


class SupportKind(models.TextChoices):
    LOAN_INTEREST = "loan_interest", _("loan-interest subsidy")
    RENT = "rent", _("free space and utilities")
    TRAINING = "training", _("training and mentoring")
    GRANT = "grant", _("start-up grant")
    OTHER = "other", _("other support")


class ResidencySupport(StaffRecord):
    """Support a resident received: a loan-interest subsidy, a grant, … (yuan, date, note)."""

    Kind = SupportKind

    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    residency = models.ForeignKey(
        ResidencyApplication, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="support"
    )
    kind = models.CharField(_("kind"), max_length=15, choices=SupportKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    granted_on = models.DateField(_("granted on"))

    class Meta:
        verbose_name = _("residency support")
        verbose_name_plural = _("residency support")
        ordering = ["-granted_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="support_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.amount}"
