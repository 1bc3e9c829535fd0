"""State changes of worker voice: wishes, votes and the palace's answer; surveys and responses.

Who may do what (asked of `activities.access`, never checked by hand):
- Any signed-in user may propose a wish to a listed palace, vote for a wish and withdraw the vote.
- Staff who may manage the wish's or survey's palace (`activities.access.require_manager`) answer wishes
  and build, publish and close surveys. Anyone else gets `NotFound`, so nothing can be probed.
- Trade-union members (`user.is_member`) answer published surveys, once each.

Every function is one transaction and raises `palace_portal.errors`: bad input is `InvalidInput`
with `fields`, a rule saying no is `RuleViolation` with one of these codes:
`wish_closed`, `survey_closed`, `survey_has_responses`, `survey_not_draft`, `survey_not_published`,
`survey_not_open`, `survey_incomplete`, `members_only`, `already_responded`; too many wishes is
`RateLimited`. A refused call changes nothing.

Counters (`Wish.vote_count`, `Survey.response_count`) change with the rows they count, under the
parent's row lock, so they stay exact under concurrent votes and responses. The unique
constraints (one vote per user per wish, one response per user per survey) stay the guarantee.
"""

from ._common import ANSWER_STATUSES, DEFAULT_WISH_RATE, MAX_CHOICES, MAX_QUESTIONS
from .responses import survey_respond
from .surveys import (
    choice_add,
    choice_move,
    choice_remove,
    question_add,
    question_move,
    question_remove,
    question_update,
    survey_close,
    survey_create,
    survey_delete,
    survey_publish,
    survey_update,
)
from .wishes import wish_answer, wish_create, wish_rate, wish_unvote, wish_vote

__all__ = [
    "ANSWER_STATUSES",
    "DEFAULT_WISH_RATE",
    "MAX_CHOICES",
    "MAX_QUESTIONS",
    "choice_add",
    "choice_move",
    "choice_remove",
    "question_add",
    "question_move",
    "question_remove",
    "question_update",
    "survey_close",
    "survey_create",
    "survey_delete",
    "survey_publish",
    "survey_respond",
    "survey_update",
    "wish_answer",
    "wish_create",
    "wish_rate",
    "wish_unvote",
    "wish_vote",
]
