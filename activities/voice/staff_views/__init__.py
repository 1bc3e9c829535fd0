"""Worker voice, the palace's pages (mounted at /staff/voice/<palace_id>/): the wish inbox with
the answer form, the survey builder, results and their export.

Reads (inbox, one wish, survey list, results, exports): palaces `access.palaces_visible_to` the
user, so city and provincial officers see them too. Writes (answering, building, publishing,
closing): `access.palaces_managed_by`. Any other palace, and any wish or survey not of the palace
in the URL, answers 404. The services check the same again.
"""

from .results import export_csv, export_xlsx, survey_results
from .surveys import (
    choice_add,
    choice_delete,
    choice_move,
    question_add,
    question_delete,
    question_edit,
    question_move,
    survey_builder,
    survey_close,
    survey_delete,
    survey_edit,
    survey_list,
    survey_new,
    survey_publish,
)
from .wishes import inbox, wish_detail

__all__ = [
    "choice_add",
    "choice_delete",
    "choice_move",
    "export_csv",
    "export_xlsx",
    "inbox",
    "question_add",
    "question_delete",
    "question_edit",
    "question_move",
    "survey_builder",
    "survey_close",
    "survey_delete",
    "survey_edit",
    "survey_list",
    "survey_new",
    "survey_publish",
    "survey_results",
    "wish_detail",
]
