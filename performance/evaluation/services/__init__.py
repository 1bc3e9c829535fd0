"""State changes of the standardisation evaluation (see `schemes` and `process`)."""

from .process import (
    evaluation_conclude,
    evaluation_return,
    evaluation_review,
    evaluation_score,
    evaluation_self_save,
    evaluation_start,
    evaluation_submit,
    evidence_add,
    evidence_remove,
    refresh_formula_scores,
)
from .schemes import (
    category_delete,
    category_save,
    indicator_delete,
    indicator_save,
    scheme_copy,
    scheme_create,
    scheme_delete,
    scheme_problems,
    scheme_publish,
    scheme_update,
)

__all__ = [
    "category_delete",
    "category_save",
    "evaluation_conclude",
    "evaluation_return",
    "evaluation_review",
    "evaluation_score",
    "evaluation_self_save",
    "evaluation_start",
    "evaluation_submit",
    "evidence_add",
    "evidence_remove",
    "indicator_delete",
    "indicator_save",
    "refresh_formula_scores",
    "scheme_copy",
    "scheme_create",
    "scheme_delete",
    "scheme_problems",
    "scheme_publish",
    "scheme_update",
]
