"""Wishes (你点菜我买单): proposing (rate-limited), voting, and the palace's answer.

Any signed-in user may propose a wish to a listed palace and vote; staff who may manage the
wish's palace answer it (`activities.access.require_manager`); anyone else gets `NotFound`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.access import require_manager as _require_manager
from activities.classes.models import Course
from activities.voice.models import (
    WISH_ANSWER_MAX,
    WISH_DESCRIPTION_MAX,
    WISH_TITLE_MAX,
    Wish,
    WishStatus,
    WishVote,
)
from bookings import notifications
from palace_portal import ratelimit
from palace_portal.errors import InvalidInput, NotFound, RateLimited, RuleViolation
from venues.kinds import Centre
from venues.models import Palace
from venues.page_cache import palace_page_changed

from ._common import ANSWER_STATUSES, DEFAULT_WISH_RATE, _clean_text, _signed_in, _too_long

# --- Wishes ---------------------------------------------------------------------------------------


def wish_rate() -> tuple[int, int]:
    return tuple(getattr(settings, "VOICE_WISH_RATE", DEFAULT_WISH_RATE))


@transaction.atomic
def wish_create(*, actor, palace: Palace, title: str, description: str = "", centre: str = "") -> Wish:
    """Propose a class or activity to `palace` (a listed one); the author's vote is counted at once.

    Anyone signed in. Limited to `VOICE_WISH_RATE` wishes per person (default 5 a day) in the
    shared cache: `RateLimited` beyond. Side effects: one Wish and one WishVote row.
    """
    _signed_in(actor)
    if not Palace.objects.listed().filter(pk=palace.pk).exists():
        raise NotFound()
    title, description, centre = _clean_text(title), _clean_text(description), _clean_text(centre)
    errors: dict[str, list] = {}
    if not title:
        errors["title"] = [_("Say what you would like, in a few words.")]
    elif len(title) > WISH_TITLE_MAX:
        errors["title"] = [_too_long(WISH_TITLE_MAX)]
    if len(description) > WISH_DESCRIPTION_MAX:
        errors["description"] = [_too_long(WISH_DESCRIPTION_MAX)]
    if centre and centre not in Centre.values:
        errors["centre"] = [_("Choose a valid centre.")]
    if errors:
        raise InvalidInput(fields=errors)

    # Counted after validation: a typo does not use up the allowance.
    limit, period = wish_rate()
    if ratelimit.is_limited(f"voice:wish:{actor.pk}", limit, period):
        raise RateLimited(
            _("You have proposed %(limit)d wishes recently, the most allowed. Please try again later.")
            % {"limit": limit}
        )
    wish = Wish.objects.create(
        palace=palace, author=actor, title=title, description=description, centre=centre, vote_count=1
    )
    WishVote.objects.create(wish=wish, user=actor)
    return wish


def _lock_wish(wish: Wish) -> Wish:
    locked = Wish.objects.select_for_update(of=("self",)).select_related("palace").filter(pk=wish.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _lock_public_wish(actor, wish: Wish) -> Wish:
    _signed_in(actor)
    locked = _lock_wish(wish)
    if not Palace.objects.listed().filter(pk=locked.palace_id).exists():
        raise NotFound()
    if not locked.is_votable:
        raise RuleViolation(
            _("This wish has been answered: votes are closed."),
            code="wish_closed",
        )
    return locked


@transaction.atomic
def wish_vote(*, actor, wish: Wish) -> Wish:
    """Add the actor's vote to an open or planned wish. Voting twice counts once (no error).

    Anyone signed in. `wish_closed` for a done or declined wish. Returns the wish with its count.
    """
    locked = _lock_public_wish(actor, wish)
    if not WishVote.objects.filter(wish=locked, user=actor).exists():
        try:
            with transaction.atomic():
                WishVote.objects.create(wish=locked, user=actor)
        except IntegrityError:
            # Another request of the same person won (possible where the row lock is advisory).
            pass
        else:
            Wish.objects.filter(pk=locked.pk).update(vote_count=F("vote_count") + 1)
            palace_page_changed(locked.palace_id)
    locked.refresh_from_db(fields=["vote_count"])
    return locked


@transaction.atomic
def wish_unvote(*, actor, wish: Wish) -> Wish:
    """Withdraw the actor's vote (the author's too). Without a vote, nothing happens.

    Anyone signed in; `wish_closed` once the wish is done or declined (its count is then history).
    """
    locked = _lock_public_wish(actor, wish)
    deleted, _rows = WishVote.objects.filter(wish=locked, user=actor).delete()
    if deleted:
        Wish.objects.filter(pk=locked.pk, vote_count__gte=deleted).update(
            vote_count=F("vote_count") - deleted
        )
        palace_page_changed(locked.palace_id)
    locked.refresh_from_db(fields=["vote_count"])
    return locked


@transaction.atomic
def wish_answer(*, actor, wish: Wish, status: str, answer: str = "", course: Course | None = None) -> Wish:
    """The palace answers a wish: `planned` (say what and when), `done` (link the course it became,
    or say where it is), or `declined` (the reason is required). May be given again (planned, then
    done). Staff of the wish's palace only; anyone else `NotFound`.
    """
    _require_manager(actor, wish.palace)
    answer = _clean_text(answer)
    errors: dict[str, list] = {}
    if status not in ANSWER_STATUSES:
        errors["status"] = [_("Choose planned, done or declined.")]
    if len(answer) > WISH_ANSWER_MAX:
        errors["answer"] = [_too_long(WISH_ANSWER_MAX)]
    elif status == WishStatus.PLANNED and not answer:
        errors["answer"] = [_("Say what is planned, and when.")]
    elif status == WishStatus.DECLINED and not answer:
        errors["answer"] = [_("Give the reason: the worker who asked will read it.")]
    elif status == WishStatus.DONE and not answer and course is None:
        errors["answer"] = [_("Link the course it became, or say where workers find it.")]
    if course is not None and status == WishStatus.DONE and course.palace_id != wish.palace_id:
        errors["course"] = [_("This course belongs to another palace.")]
    if errors:
        raise InvalidInput(fields=errors)

    locked = _lock_wish(wish)
    locked.status = status
    locked.answer = answer
    locked.answered_by = actor
    locked.answered_at = timezone.now()
    locked.course = course if status == WishStatus.DONE else None
    fields = ["status", "answer", "answered_by", "answered_at", "course"]
    locked.save(update_fields=fields)
    # The worker who asked hears the answer (the outbox, in this transaction).
    notifications.notify(user=locked.author, kind="wish_answered", extra={"wish": locked})
    return locked
