"""Ratings: rate what you attended, change your rating, hide an abusive comment.

Who may rate: only the owner of the booking, and only for what they attended — a venue booking
checked in, a class session with an `Attendance` row, an event with attendance or check-in — from
the moment it began until `RATE_WITHIN_DAYS` days after it ended; once per booking and session
(the database holds that even when two requests race). Refusals are `RuleViolation`s with the
codes `not_attended`, `too_early`, `too_late`, `already_rated`; bad input is `InvalidInput`; a
booking or rating of someone else is `NotFound`. A refused call changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import access
from activities.classes.models import Course
from activities.events.models import Event
from activities.ratings.models import COMMENT_MAX, Rating
from bookings.models import Attendance, Booking, Occurrence, Offering
from palace_portal.errors import InvalidInput, NotFound, RuleViolation

RATE_WITHIN_DAYS = 30
EDIT_WITHIN_DAYS = 14
REASON_MAX = 300
Subject = Rating.Subject


@dataclass(frozen=True)
class RatingSubject:
    """What a booking (and session) stands for when rated: the copies a rating row carries."""

    kind: str
    booking: Booking
    occurrence: Occurrence | None
    start: datetime
    end: datetime
    local_date: date
    venue_id: int | None
    course: Course | None = None
    event: Event | None = None

    @property
    def teacher(self) -> str:
        return self.course.teacher if self.course is not None else ""


def rating_subject(*, booking: Booking, occurrence: Occurrence | None) -> RatingSubject:
    """What is being rated; `InvalidInput` when the session does not fit the booking."""
    offering = booking.offering
    if offering is None:
        if occurrence is not None:
            raise _bad_occurrence(_("A venue booking is rated as a whole, without a session."))
        return RatingSubject(
            kind=Subject.VENUE,
            booking=booking,
            occurrence=None,
            start=booking.start,
            end=booking.end,
            local_date=booking.local_date,
            venue_id=booking.venue_id,
        )
    if occurrence is not None and occurrence.offering_id != offering.pk:
        raise _bad_occurrence(_("That session is not part of what you signed up for."))
    if offering.kind == Offering.Kind.COURSE:
        if occurrence is None:
            raise _bad_occurrence(_("Choose the class session you are rating."))
        course = Course.objects.filter(offering=offering).first()
        if course is None:
            raise NotFound()
        return RatingSubject(
            kind=Subject.COURSE,
            booking=booking,
            occurrence=occurrence,
            start=occurrence.start,
            end=occurrence.end,
            local_date=occurrence.local_date,
            venue_id=occurrence.venue_id or course.venue_id,
            course=course,
        )
    event = Event.objects.filter(offering=offering).first()
    if event is None:
        raise NotFound()
    # An event is rated once, as a whole: a session given for it is accepted and not kept.
    return RatingSubject(
        kind=Subject.EVENT,
        booking=booking,
        occurrence=None,
        start=offering.starts_at,
        end=offering.ends_at,
        local_date=event.local_date,
        venue_id=event.venue_id,
        event=event,
    )


def _bad_occurrence(message) -> InvalidInput:
    return InvalidInput(message, fields={"occurrence": [message]})


def _clean(*, stars, comment) -> tuple[int, str]:
    errors: dict[str, list] = {}
    if isinstance(stars, bool) or not isinstance(stars, int) or not 1 <= stars <= 5:
        errors["stars"] = [_("Give 1 to 5 stars.")]
    comment = (comment or "").strip() if isinstance(comment, str | None) else None
    if comment is None:
        errors["comment"] = [_("The comment must be text.")]
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Keep the comment to %(max)d characters.") % {"max": COMMENT_MAX}]
    if errors:
        raise InvalidInput(fields=errors)
    return stars, comment


def _attended(subject: RatingSubject) -> bool:
    booking = subject.booking
    if subject.kind == Subject.VENUE:
        return booking.status == Booking.Status.CHECKED_IN
    if subject.kind == Subject.COURSE:
        return Attendance.objects.filter(booking=booking, occurrence=subject.occurrence).exists()
    return booking.status == Booking.Status.CHECKED_IN or Attendance.objects.filter(booking=booking).exists()


def rating_check_allowed(*, user, subject: RatingSubject, now: datetime) -> None:
    """Raise the rule that refuses `user` rating `subject` now, if any (the caller owns the booking)."""
    if now < subject.start:
        raise RuleViolation(_("You can rate this once it has begun."), code="too_early")
    if now > subject.end + timedelta(days=RATE_WITHIN_DAYS):
        raise RuleViolation(
            _("Ratings are taken for %(days)d days after the day.") % {"days": RATE_WITHIN_DAYS},
            code="too_late",
        )
    if not _attended(subject):
        raise RuleViolation(_("Only people who attended can rate it."), code="not_attended")
    if Rating.objects.filter(booking=subject.booking, occurrence=subject.occurrence).exists():
        raise RuleViolation(_("You have already rated this."), code="already_rated")


def rating_create(
    *,
    user,
    booking: Booking,
    occurrence: Occurrence | None = None,
    stars: int,
    comment: str = "",
    now: datetime | None = None,
) -> Rating:
    """`user` rates `booking` (for a class: one `occurrence` of it) with 1–5 stars and a comment.

    The booking's owner only (anyone else: `NotFound`). Refusals (409): `too_early`, `too_late`,
    `not_attended`, `already_rated`; bad stars, comment or session: `InvalidInput` (400). Writes one
    row carrying the palace, the local date of what was rated and the venue/course/event/teacher.
    """
    now = now or timezone.now()
    if not user.is_authenticated or booking.user_id != user.pk:
        raise NotFound()
    stars, comment = _clean(stars=stars, comment=comment)
    with transaction.atomic():
        # Read again inside the transaction: the status decides (a check-in may just have happened).
        booking = Booking.objects.select_related("offering").get(pk=booking.pk)
        subject = rating_subject(booking=booking, occurrence=occurrence)
        rating_check_allowed(user=user, subject=subject, now=now)
        rating = Rating(
            palace_id=booking.palace_id,
            user=user,
            subject=subject.kind,
            booking=booking,
            occurrence=subject.occurrence,
            venue_id=subject.venue_id,
            course=subject.course,
            event=subject.event,
            teacher=subject.teacher,
            local_date=subject.local_date,
            stars=stars,
            comment=comment,
            created_at=now,
            updated_at=now,
        )
        try:
            with transaction.atomic():
                rating.save()
        except IntegrityError:
            # Another request rated the same booking and session between our check and our write.
            raise RuleViolation(_("You have already rated this."), code="already_rated") from None
    return rating


def rating_editable_until(rating: Rating) -> datetime:
    return rating.created_at + timedelta(days=EDIT_WITHIN_DAYS)


def rating_update(
    *, user, rating: Rating, stars: int, comment: str = "", now: datetime | None = None
) -> Rating:
    """The author changes their stars and comment, within `EDIT_WITHIN_DAYS` days (`too_late`).

    Someone else's rating: `NotFound`. A comment staff hid stays hidden after the change.
    """
    now = now or timezone.now()
    if not user.is_authenticated or rating.user_id != user.pk:
        raise NotFound()
    stars, comment = _clean(stars=stars, comment=comment)
    if now > rating_editable_until(rating):
        raise RuleViolation(
            _("A rating can be changed for %(days)d days.") % {"days": EDIT_WITHIN_DAYS}, code="too_late"
        )
    with transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(stars=stars, comment=comment, updated_at=now)
    rating.stars, rating.comment, rating.updated_at = stars, comment, now
    return rating


def rating_hide(*, actor, rating: Rating, reason: str, now: datetime | None = None) -> Rating:
    """Staff of the rating's palace hide its comment (abusive), giving a reason; the stars still count.

    Others: `NotFound`. No reason or too long: `InvalidInput`. Refusals (409): `no_comment`,
    `already_hidden`.
    """
    now = now or timezone.now()
    if not access.may_manage(actor, rating.palace):
        raise NotFound()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the comment is hidden.")]})
    if len(reason) > REASON_MAX:
        raise InvalidInput(
            fields={"reason": [_("Keep the reason to %(max)d characters.") % {"max": REASON_MAX}]}
        )
    if not rating.comment:
        raise RuleViolation(_("This rating has no comment to hide."), code="no_comment")
    with transaction.atomic():
        # Conditional: two staff hiding at once give one hide and one refusal.
        changed = Rating.objects.filter(pk=rating.pk, hidden_at__isnull=True).update(
            hidden_at=now, hidden_by=actor, hidden_reason=reason
        )
    if not changed:
        raise RuleViolation(_("This comment is already hidden."), code="already_hidden")
    rating.hidden_at, rating.hidden_by, rating.hidden_reason = now, actor, reason
    return rating


def rating_unhide(*, actor, rating: Rating) -> Rating:
    """Staff of the palace show a hidden comment again (a hide made by mistake). Others: `NotFound`."""
    if not access.may_manage(actor, rating.palace):
        raise NotFound()
    with transaction.atomic():
        Rating.objects.filter(pk=rating.pk).update(hidden_at=None, hidden_by=None, hidden_reason="")
    rating.hidden_at, rating.hidden_by, rating.hidden_reason = None, None, ""
    return rating
