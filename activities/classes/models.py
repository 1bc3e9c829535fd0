"""The night school (职工夜校): terms, courses (with sections) and the record of each lottery.

A course's places and sign-ups are a bookings `Offering`; what courses share with events is in
`activities.offerings`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.offerings.models import PublishState
from palace_portal.images import PICTURE_ALT_HELP, picture_alt_constraint
from venues.kinds import Centre
from venues.models import Palace, Venue


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
        # The course list's order starts with the latest term (`GET /api/v1/courses/`).
        indexes = [models.Index(fields=["-starts_on", "id"], name="term_latest_first")]

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
    offering = models.OneToOneField(
        "bookings.Offering", on_delete=models.PROTECT, related_name="course", verbose_name=_("offering")
    )
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
    picture_alt = models.CharField(
        _("picture description"), max_length=200, blank=True, help_text=PICTURE_ALT_HELP
    )
    priority_rounds = models.JSONField(_("priority rounds"), default=list, blank=True)
    # A free skill training (免费技能培训): its attendance counts toward the ledger's skill-training
    # person-times (the innovation programme's "小培训").
    skill_training = models.BooleanField(
        _("free skill training"),
        default=False,
        help_text=_("Counted in the ledger as free skill training (person-times of attendance)."),
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("attendance needed for completion (%)"), default=75
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
            picture_alt_constraint("course"),
        ]
        indexes = [
            models.Index(fields=["palace", "term"]),
            # With `term_latest_first`, the published courses in the list's order (latest term
            # first, then term, title, section): a page of the list reads its twenty rows and no
            # more, instead of joining and sorting every course of every term (8 ms at x10).
            models.Index(
                fields=["term", "title", "section_label", "id"],
                condition=Q(state="published"),
                name="course_published_in_order",
            ),
        ]

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


class LotteryDraw(models.Model):
    """The record of a course's lottery, kept so that anyone can check it.

    Within each priority round, applications are ordered by SHA-256 of "<seed>:<application id>";
    the rounds follow one another. Seed, rounds and the resulting order are all kept and shown.
    """

    course = models.OneToOneField(
        Course, on_delete=models.PROTECT, related_name="draw", verbose_name=_("course")
    )
    palace = models.ForeignKey(Palace, on_delete=models.PROTECT, verbose_name=_("palace"))
    seed = models.CharField(_("seed"), max_length=64)
    rounds = models.JSONField(_("priority rounds"), default=list)
    # [{"booking": id, "round": index, "key": hex digest}] in draw order.
    ordering = models.JSONField(_("draw order"), default=list)
    places = models.PositiveIntegerField(_("places"))
    applicants = models.PositiveIntegerField(_("applicants"))
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("drawn by"),
    )

    class Meta:
        verbose_name = _("lottery draw")
        verbose_name_plural = _("lottery draws")

    def __str__(self) -> str:
        return gettext("Lottery draw of %(course)s") % {"course": self.course}
