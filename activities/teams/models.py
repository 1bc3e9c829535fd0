"""Teams of a palace, their members, requests to join and volunteer hours."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from venues.models import Palace


class TeamKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer organisation")
    PROFESSIONAL = "professional", _("Professional team")


class TeamQuerySet(models.QuerySet):
    def for_palace(self, palace: Palace) -> TeamQuerySet:
        return self.filter(palace=palace)

    def public(self) -> TeamQuerySet:
        return self.filter(is_active=True, palace__in=Palace.objects.listed())


class Team(models.Model):
    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=TeamKind.choices)
    field = models.CharField(
        _("field"), max_length=50, blank=True, help_text=_("e.g. dance, fitness, legal aid")
    )
    description = models.TextField(_("description"), max_length=2000, blank=True)
    meets = models.CharField(_("when it meets"), max_length=100, blank=True)
    founded_on = models.DateField(_("founded"), null=True, blank=True)
    accepts_requests = models.BooleanField(_("takes requests to join"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["palace", "name"], name="team_unique_name_per_palace"),
            models.CheckConstraint(condition=Q(kind__in=TeamKind.values), name="team_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        LEADER = "leader", _("leader")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members", verbose_name=_("team"))
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField(_("joined"))

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]
        indexes = [models.Index(fields=["palace", "joined_on"])]

    def __str__(self) -> str:
        return f"member {self.user_id} of team {self.team_id}"


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="requests", verbose_name=_("team"))
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    message = models.CharField(_("a word about yourself"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.CharField(_("answer"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One open request per person and team, whatever races: the database says no.
            models.UniqueConstraint(
                fields=["team", "user"], condition=Q(status="open"), name="join_request_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"request {self.pk} to team {self.team_id}"


class VolunteerHours(models.Model):
    """Hours one member gave on one day, for an activity of the team (counted by the ledger)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="hours", verbose_name=_("team"))
    palace = models.ForeignKey(Palace, on_delete=models.CASCADE, related_name="+", verbose_name=_("palace"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    activity = models.CharField(_("activity"), max_length=100)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=Decimal(0), hours__lte=Decimal(24)), name="volunteer_hours_in_a_day"
            ),
            models.UniqueConstraint(fields=["team", "user", "date", "activity"], name="volunteer_hours_once"),
        ]
        indexes = [models.Index(fields=["palace", "date"])]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.date}"
