"""Innovation (劳模工匠创新工作室联盟, 创新导师, 问诊平台): studios and their alliance, mentors, and
the problem clinic where workers and enterprises post technical problems that a mentor takes.

Re-exported by `activities/models.py`, so these are models of the `activities` app.

The palace is the tenant: studios, memberships, mentors, problems and guidance sessions carry it
directly (a session repeats its problem's palace so that the ledger counts it by an index range).
What the database can enforce, it enforces: a problem's mentor and dates follow its status, a
studio is in the alliance at most once at a time, a membership ends after it begins.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.models import Palace

__all__ = [
    "GuidanceForm",
    "GuidanceSession",
    "InnovationField",
    "Mentor",
    "PosterKind",
    "Problem",
    "ProblemStatus",
    "Studio",
    "StudioKind",
    "StudioMembership",
]

NAME_MAX = 100
TITLE_MAX = 120
DESCRIPTION_MAX = 3000
NOTE_MAX = 500
FIRST_YEAR = 1950
LAST_YEAR = 2100


class InnovationField(models.TextChoices):
    """The technical fields studios, mentors and problems are sorted by."""

    MACHINERY = "machinery", _("machinery and manufacturing")
    ELECTRICAL = "electrical", _("electrical and automation")
    MINING = "mining", _("mining and mine safety")
    CHEMICAL = "chemical", _("chemicals and materials")
    ENERGY = "energy", _("energy saving and environment")
    CONSTRUCTION = "construction", _("construction and installation")
    DIGITAL = "digital", _("information and digital technology")
    QUALITY = "quality", _("quality and process management")
    CRAFT = "craft", _("crafts and services")


class StudioKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("model worker innovation studio")  # 劳模创新工作室
    CRAFTSMAN = "craftsman", _("craftsman innovation studio")  # 工匠创新工作室


class Studio(models.Model):
    """An innovation studio of an enterprise or of the palace itself, as the palace lists it."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="studios"
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    kind = models.CharField(_("kind"), max_length=20, choices=StudioKind.choices)
    # As published: "全国劳动模范" and "张三", shown together.
    leader_title = models.CharField(_("leader's title"), max_length=60, blank=True)
    leader_name = models.CharField(_("leader"), max_length=40)
    enterprise = models.CharField(
        _("enterprise"), max_length=NAME_MAX, blank=True, help_text=_("Empty: the palace's own studio.")
    )
    field = models.CharField(_("field"), max_length=20, choices=InnovationField.choices)
    founded_year = models.PositiveSmallIntegerField(_("founded in"))

    class Meta:
        verbose_name = _("innovation studio")
        verbose_name_plural = _("innovation studios")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["palace", "name"], name="studio_name_unique_per_palace"),
            models.CheckConstraint(condition=Q(kind__in=StudioKind.values), name="studio_kind_valid"),
            models.CheckConstraint(condition=Q(field__in=InnovationField.values), name="studio_field_valid"),
            models.CheckConstraint(
                condition=Q(founded_year__gte=FIRST_YEAR, founded_year__lte=LAST_YEAR),
                name="studio_founded_year_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StudioMembership(models.Model):
    """A studio's period in its palace's studio alliance (联盟): joined, and left when it left."""

    palace = models.ForeignKey(
        Palace, on_delete=models.CASCADE, related_name="studio_memberships", verbose_name=_("palace")
    )
    studio = models.ForeignKey(
        Studio, verbose_name=_("studio"), on_delete=models.CASCADE, related_name="memberships"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        verbose_name = _("studio alliance membership")
        verbose_name_plural = _("studio alliance memberships")
        ordering = ["-joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["studio"], condition=Q(left_on__isnull=True), name="studio_one_open_membership"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="studio_membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id}: {self.joined_on}–{self.left_on or ''}"


class MentorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Mentor(models.Model):
    """An innovation mentor (创新导师) the palace appointed. A mentor with an account (`user`) signs
    in and takes problems; without one, the palace's staff act on the mentor's behalf."""

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="mentors"
    )
    name = models.CharField(_("name as published"), max_length=40)
    title = models.CharField(
        _("title"), max_length=60, blank=True, help_text=_("E.g. 高级技师, 全国劳动模范")
    )
    field = models.CharField(_("field"), max_length=20, choices=InnovationField.choices)
    specialty = models.CharField(_("specialty"), max_length=200, blank=True)
    studio = models.ForeignKey(
        Studio,
        verbose_name=_("studio"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentors",
    )
    available = models.BooleanField(_("taking problems"), default=True)
    availability = models.CharField(
        _("availability"), max_length=100, blank=True, help_text=_("E.g. 每周二、四下午")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor",
    )
    appointed_on = models.DateField(_("appointed on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        verbose_name = _("innovation mentor")
        verbose_name_plural = _("innovation mentors")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(field__in=InnovationField.values), name="mentor_field_valid"),
        ]
        indexes = [models.Index(fields=["palace", "active", "field"], name="mentor_palace_field")]

    def __str__(self) -> str:
        return self.name


class ProblemStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("problem status", "waiting for a mentor")
    TAKEN = "taken", pgettext_lazy("problem status", "being worked on")
    SOLVED = "solved", pgettext_lazy("problem status", "solved")
    UNSOLVED = "unsolved", pgettext_lazy("problem status", "not solved")


class PosterKind(models.TextChoices):
    WORKER = "worker", _("a worker")
    ENTERPRISE = "enterprise", _("an enterprise contact")


class ProblemQuerySet(models.QuerySet):
    def for_palace(self, palace):
        return self.filter(palace=palace)

    def shown_publicly(self):
        """Solved problems whose posters allowed their title and field to be shown."""
        return self.filter(status=ProblemStatus.SOLVED, public=True)


class Problem(models.Model):
    """A technical problem posted to a palace's clinic: open → taken → solved | unsolved."""

    Status = ProblemStatus
    CLOSED = (ProblemStatus.SOLVED, ProblemStatus.UNSOLVED)

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="problems"
    )
    poster = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    poster_kind = models.CharField(
        _("posted as"), max_length=12, choices=PosterKind.choices, default=PosterKind.WORKER
    )
    enterprise = models.CharField(_("enterprise"), max_length=NAME_MAX, blank=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    field = models.CharField(_("field"), max_length=20, choices=InnovationField.choices)
    description = models.TextField(_("description"))
    public = models.BooleanField(
        _("show when solved"),
        default=False,
        help_text=_("Once solved, the title and field may be shown to everyone (never the description)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProblemStatus.choices, default=ProblemStatus.OPEN
    )
    created_at = models.DateTimeField(_("posted at"), default=timezone.now)
    # The local day posted and closed: the ledger counts them by an index range.
    posted_on = models.DateField(_("posted on"))
    mentor = models.ForeignKey(
        Mentor,
        verbose_name=_("mentor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
    )
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=NOTE_MAX, blank=True)

    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("technical problem")
        verbose_name_plural = _("technical problems")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ProblemStatus.values), name="problem_status_valid"),
            models.CheckConstraint(condition=Q(field__in=InnovationField.values), name="problem_field_valid"),
            models.CheckConstraint(
                condition=Q(poster_kind__in=PosterKind.values), name="problem_poster_kind_valid"
            ),
            # Open: nobody has it. Taken or closed: a mentor has it since a moment.
            models.CheckConstraint(
                condition=Q(status=ProblemStatus.OPEN, mentor__isnull=True, taken_at__isnull=True)
                | (~Q(status=ProblemStatus.OPEN) & Q(mentor__isnull=False, taken_at__isnull=False)),
                name="problem_mentor_follows_status",
            ),
            # Closed (solved or not) on a day, with a short note; otherwise neither.
            models.CheckConstraint(
                condition=(Q(status__in=["solved", "unsolved"]) & Q(closed_on__isnull=False) & ~Q(outcome=""))
                | (Q(status__in=["open", "taken"]) & Q(closed_on__isnull=True)),
                name="problem_closed_with_note",
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "status", "-created_at"], name="problem_palace_status"),
            models.Index(fields=["palace", "posted_on"], name="problem_palace_posted"),
            models.Index(fields=["palace", "closed_on"], name="problem_palace_closed"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED


class GuidanceForm(models.TextChoices):
    ON_SITE = "on_site", _("on site")
    ONLINE = "online", _("online")


class GuidanceSession(models.Model):
    """One guidance session a mentor gave on a problem (指导服务)."""

    palace = models.ForeignKey(
        Palace, on_delete=models.CASCADE, related_name="guidance_sessions", verbose_name=_("palace")
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), on_delete=models.CASCADE, related_name="sessions"
    )
    mentor = models.ForeignKey(
        Mentor, verbose_name=_("mentor"), on_delete=models.PROTECT, related_name="sessions"
    )
    date = models.DateField(_("date"))
    form = models.CharField(_("form"), max_length=10, choices=GuidanceForm.choices)
    note = models.CharField(_("note"), max_length=NOTE_MAX, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("recorded at"))

    class Meta:
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(form__in=GuidanceForm.values), name="guidance_form_valid"),
        ]
        indexes = [models.Index(fields=["palace", "date"], name="guidance_palace_date")]

    def __str__(self) -> str:
        return f"{self.problem_id} {self.date}"
