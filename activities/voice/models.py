"""Worker voice (你点菜我买单): wishes workers propose and vote on, and the palaces' demand surveys.

Re-exported by `activities/models.py`, so these are models of the `activities` app.

The palace is the tenant: `Wish` and `Survey` carry it directly. Their children (votes, questions,
choices, responses, answers) are always reached through a wish or survey already scoped to a
palace, so they do not repeat it. What the database can enforce, it enforces: one vote per user
per wish, one response per user per survey, a declined wish has a reason, an open wish has no
answer, an answer row is either a choice or a text.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from venues.kinds import Centre
from venues.models import Palace

__all__ = [
    "QuestionKind",
    "Survey",
    "SurveyAnswer",
    "SurveyChoice",
    "SurveyQuestion",
    "SurveyResponse",
    "SurveyStatus",
    "Wish",
    "WishStatus",
    "WishVote",
]

WISH_TITLE_MAX = 100
WISH_DESCRIPTION_MAX = 2000
WISH_ANSWER_MAX = 1000
SURVEY_TITLE_MAX = 200
SURVEY_INTRO_MAX = 2000
QUESTION_TEXT_MAX = 300
CHOICE_TEXT_MAX = 200
TEXT_ANSWER_MAX = 2000


# --- Wishes ---------------------------------------------------------------------------------------


class WishStatus(models.TextChoices):
    # Contexts: the same English words mean other things elsewhere (an "open" slot, a "planned" palace).
    OPEN = "open", pgettext_lazy("wish status", "open")
    PLANNED = "planned", pgettext_lazy("wish status", "planned")
    DONE = "done", pgettext_lazy("wish status", "done")
    DECLINED = "declined", pgettext_lazy("wish status", "declined")


class WishQuerySet(models.QuerySet):
    def for_palace(self, palace):
        return self.filter(palace=palace)

    def votable(self):
        """Wishes still collecting votes: open, or planned (votes tell staff how big to plan)."""
        return self.filter(status__in=Wish.VOTABLE)


class Wish(models.Model):
    """A class or activity a worker asks a palace for; others add their votes."""

    Status = WishStatus
    VOTABLE = (WishStatus.OPEN, WishStatus.PLANNED)

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="wishes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wishes",
    )
    title = models.CharField(_("title"), max_length=WISH_TITLE_MAX)
    description = models.TextField(_("description"), blank=True)
    centre = models.CharField(_("centre"), max_length=10, choices=Centre.choices, blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=WishStatus.choices, default=WishStatus.OPEN)
    # Kept equal to the number of WishVote rows by the services, under the wish's row lock: lists
    # sort by it through an index instead of counting votes per row.
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    answer = models.TextField(_("palace's answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # What the wish became, when staff answer "done" with a course of the same palace (the
    # service checks the palace). Kept as a link only: the course may go, the answer stays.
    course = models.ForeignKey(
        "activities.Course",
        verbose_name=_("course it became"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="wishes",
    )

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        ordering = ["-vote_count", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=WishStatus.values), name="wish_status_valid"),
            models.CheckConstraint(condition=Q(centre__in=["", *Centre.values]), name="wish_centre_valid"),
            models.CheckConstraint(condition=Q(vote_count__gte=0), name="wish_vote_count_not_negative"),
            # Open means not answered yet; anything else was answered at some moment.
            models.CheckConstraint(
                condition=Q(status=WishStatus.OPEN, answered_at__isnull=True)
                | (~Q(status=WishStatus.OPEN) & Q(answered_at__isnull=False)),
                name="wish_answered_unless_open",
            ),
            models.CheckConstraint(
                condition=~Q(status=WishStatus.DECLINED) | ~Q(answer=""),
                name="wish_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(course__isnull=True) | Q(status=WishStatus.DONE),
                name="wish_course_only_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["palace", "status", "-vote_count"], name="wish_palace_votes"),
            models.Index(fields=["palace", "-created_at"], name="wish_palace_new"),
            models.Index(fields=["-vote_count", "-created_at"], name="wish_votes"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_votable(self) -> bool:
        return self.status in self.VOTABLE


class WishVote(models.Model):
    wish = models.ForeignKey(Wish, verbose_name=_("wish"), on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="wish_votes"
    )
    created_at = models.DateTimeField(_("voted at"), default=timezone.now)

    class Meta:
        verbose_name = _("wish vote")
        verbose_name_plural = _("wish votes")
        constraints = [models.UniqueConstraint(fields=["wish", "user"], name="wish_vote_once_per_user")]
        indexes = [models.Index(fields=["user", "wish"], name="wish_vote_user")]

    def __str__(self) -> str:
        return f"{self.wish_id}:{self.user_id}"


# --- Surveys --------------------------------------------------------------------------------------


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("survey status", "draft")
    PUBLISHED = "published", pgettext_lazy("survey status", "open for answers")
    CLOSED = "closed", pgettext_lazy("survey status", "closed")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TEXT = "text", _("free text")


class SurveyQuerySet(models.QuerySet):
    def for_palace(self, palace):
        return self.filter(palace=palace)

    def published(self):
        """Published or closed: what workers may see (drafts are the staff's business)."""
        return self.filter(status__in=(SurveyStatus.PUBLISHED, SurveyStatus.CLOSED))

    def open_on(self, day):
        """Taking answers on `day` (a local date)."""
        return self.filter(status=SurveyStatus.PUBLISHED).filter(
            Q(opens_on__isnull=True) | Q(opens_on__lte=day),
            Q(closes_on__isnull=True) | Q(closes_on__gte=day),
        )


class Survey(models.Model):
    """A short demand survey a palace puts to its trade-union members."""

    Status = SurveyStatus

    palace = models.ForeignKey(
        Palace, verbose_name=_("palace"), on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=SURVEY_TITLE_MAX)
    intro = models.TextField(_("introduction"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    opens_on = models.DateField(
        _("opens on"), null=True, blank=True, help_text=_("Local date; empty: on publishing")
    )
    closes_on = models.DateField(_("closes on"), null=True, blank=True, help_text=_("Last day for answers"))
    # Kept equal to the number of responses by `survey_respond`, under the survey's row lock.
    response_count = models.PositiveIntegerField(_("responses"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SurveyStatus.values), name="survey_status_valid"),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(closes_on__isnull=True)
                | Q(closes_on__gte=F("opens_on")),
                name="survey_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status=SurveyStatus.DRAFT) | Q(published_at__isnull=False),
                name="survey_published_at_set",
            ),
            models.CheckConstraint(
                condition=Q(response_count__gte=0), name="survey_response_count_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["palace", "status"], name="survey_palace_status")]

    def __str__(self) -> str:
        return self.title

    def is_open_on(self, day) -> bool:
        return (
            self.status == SurveyStatus.PUBLISHED
            and (self.opens_on is None or self.opens_on <= day)
            and (self.closes_on is None or day <= self.closes_on)
        )

    @property
    def is_open(self) -> bool:
        return self.is_open_on(timezone.localdate())

    @property
    def questions_locked(self) -> bool:
        """Questions and choices are fixed once anyone answered, or once the survey is closed."""
        return self.response_count > 0 or self.status == SurveyStatus.CLOSED


class SurveyQuestion(models.Model):
    Kind = QuestionKind

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=QUESTION_TEXT_MAX)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="survey_question_kind_valid"
            )
        ]
        indexes = [models.Index(fields=["survey", "position"], name="survey_question_order")]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class SurveyChoice(models.Model):
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.CharField(_("choice"), max_length=CHOICE_TEXT_MAX)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One member's answers to one survey. Results never show who answered."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    # Kept when the account goes (SET_NULL), so that the counts do not change afterwards.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    created_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(fields=["survey", "user"], name="survey_response_once_per_user")
        ]
        indexes = [models.Index(fields=["user", "survey"], name="survey_response_user")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.pk}"


class SurveyAnswer(models.Model):
    """One chosen choice, or the text given, for one question of a response."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choice = models.ForeignKey(
        SurveyChoice,
        verbose_name=_("choice"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
    )
    text = models.TextField(_("text"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.CheckConstraint(
                condition=Q(choice__isnull=False, text="") | (Q(choice__isnull=True) & ~Q(text="")),
                name="survey_answer_choice_or_text",
            ),
            models.UniqueConstraint(
                fields=["response", "question", "choice"],
                condition=Q(choice__isnull=False),
                name="survey_answer_choice_once",
            ),
            models.UniqueConstraint(
                fields=["response", "question"],
                condition=Q(choice__isnull=True),
                name="survey_answer_text_once",
            ),
        ]
        indexes = [models.Index(fields=["question", "choice"], name="survey_answer_counts")]

    def __str__(self) -> str:
        return f"{self.response_id}:{self.question_id}"
