"""Every write of employment (see each module): postings and employers, applications, residency."""

from .applications import (
    application_decide,
    application_withdraw,
    apply_refusal,
    interview_record,
    job_apply,
)
from .postings import (
    employer_create,
    employer_update,
    job_fair_postings_set,
    livestream_save,
    posting_close,
    posting_create,
    posting_publish,
    posting_update,
)
from .residency import residency_apply, residency_decide, residency_withdraw, support_record

__all__ = [
    "application_decide",
    "application_withdraw",
    "apply_refusal",
    "employer_create",
    "employer_update",
    "interview_record",
    "job_apply",
    "job_fair_postings_set",
    "livestream_save",
    "posting_close",
    "posting_create",
    "posting_publish",
    "posting_update",
    "residency_apply",
    "residency_decide",
    "residency_withdraw",
    "support_record",
]
