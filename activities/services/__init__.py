"""State changes of what palaces run: the activity ledger, classes, events (one module each)."""

from .ledger import (
    EDITABLE_FIELDS,
    activities_import,
    activity_create,
    activity_delete,
    activity_update,
    validate_activity,
)

__all__ = [
    "EDITABLE_FIELDS",
    "activities_import",
    "activity_create",
    "activity_delete",
    "activity_update",
    "validate_activity",
]
