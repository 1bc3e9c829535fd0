"""`get_FOO_display()` without translating every choice of the field on each call.

Django's `Model._get_FIELD_display` builds `dict(make_hashable(field.flatchoices))` on every
call, and hashing each (value, lazy label) pair translates the label: a venue's kind (40-odd
kinds) costs some forty `gettext` calls to show one word. Pages call it per row (the palace page
48 times, about a fifth of its time). `install()` (run once the models are loaded, from
`PortalAdminConfig.ready`) gives every model field with fixed choices a `get_FOO_display` that
reads a value → label dict built once per field; the labels stay lazy in it, so the one that is
shown is translated in the language of the request, as before. Fields whose choices are a
callable keep Django's own method (their choices may change between calls).
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.choices import BaseChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

_DJANGO_DISPLAY = Model._get_FIELD_display
_LABELS = "_portal_choice_labels"


def _labels(field) -> dict:
    """The field's choices as {value: lazy label}; later duplicates win, as in Django's dict()."""
    labels = field.__dict__.get(_LABELS)
    if labels is None:
        labels = {make_hashable(value): label for value, label in field.flatchoices}
        setattr(field, _LABELS, labels)  # same content whichever thread writes it first
    return labels


def _get_field_display(self, field):
    value = getattr(self, field.attname)
    # force_str() to coerce the lazy label, as Django does.
    return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


def install() -> int:
    """Replace Django's generated `get_FOO_display` of every model field with fixed choices.

    Only methods Django generated (a `partialmethod` of `_get_FIELD_display` in the class's own
    namespace) are replaced: a model's hand-written `get_FOO_display` stays. Returns how many.
    """
    replaced = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_parents=False):
            if not getattr(field, "choices", None) or isinstance(field.choices, BaseChoiceIterator):
                continue
            name = f"get_{field.name}_display"
            method = model.__dict__.get(name)
            if isinstance(method, partialmethod) and method.func is _DJANGO_DISPLAY:
                setattr(model, name, partialmethod(_get_field_display, field=method.keywords["field"]))
                replaced += 1
    return replaced
