"""State changes of the alliance, one module a subject: `membership`, `rotation`, `campaign`
(campaigns and their tags), `hosting` (calls, applications, reviews, decisions), `subsidy`.

Provincial officers run the alliance (`alliance.access.may_run_alliance`); palace staff apply for,
and tag the work of, their own palace only (`may_apply_for_palace`). Everyone else: `NotFound`.
Every function is one transaction and raises `palace_portal.errors` with a machine code.
"""

from .campaign import campaign_save, campaign_tag, campaign_tags_apply, campaign_untag
from .hosting import (
    ELIGIBILITY_KEYS,
    application_decide,
    application_review,
    application_submit,
    application_withdraw,
    call_close,
    call_ineligibility,
    call_open,
    call_save,
    eligibility_of,
)
from .membership import is_member_on, membership_join, membership_leave
from .rotation import rotation_save
from .subsidy import subsidy_grant, subsidy_pay

__all__ = [
    "ELIGIBILITY_KEYS",
    "application_decide",
    "application_review",
    "application_submit",
    "application_withdraw",
    "call_close",
    "call_ineligibility",
    "call_open",
    "call_save",
    "campaign_save",
    "campaign_tag",
    "campaign_tags_apply",
    "campaign_untag",
    "eligibility_of",
    "is_member_on",
    "membership_join",
    "membership_leave",
    "rotation_save",
    "subsidy_grant",
    "subsidy_pay",
]
