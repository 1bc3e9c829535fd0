"""A ModelSerializer's fields built once per serializer class, and copied for each use.

DRF builds a `ModelSerializer`'s fields anew for every serializer instance: it introspects the
model (`get_field_info`), maps each model field to a serializer field with its kwargs, validators
and uniqueness checks, and deep-copies the declared fields. An API response pays that for every
serializer it creates (the palace endpoint five times, about a sixth of its time). What comes out
depends only on the class (its `Meta`, its declared fields, the model); the portal's serializers
read the request's context only when they represent an object, never to choose their fields
(`tests/floor/test_serializer_fields.py` checks every serializer in the project).

`install()` (from `PortalAdminConfig.ready`) makes `ModelSerializer.get_fields` build the fields
once per class, as a prototype that is never bound to a serializer, and return a deep copy of it
each time. DRF's own deep copy of a field re-creates it from its constructor's arguments (as it
already does for declared fields on every use), so each serializer gets fresh, unshared field
instances; the validators are shared, as DRF shares them between copies too.

There is one prototype per class and language: DRF translates some texts while it builds the
fields (whether a field needs an explicit label is decided by comparing its translated verbose
name with its name; a uniqueness message is formatted then), so a prototype built for a Chinese
request must not answer an English one.
"""

from __future__ import annotations

import copy

from django.utils import translation
from rest_framework import serializers

_DRF_GET_FIELDS = serializers.ModelSerializer.get_fields
_PROTOTYPES: dict[tuple[type, str | None], dict] = {}


def _get_fields(self) -> dict:
    key = (type(self), translation.get_language())
    prototype = _PROTOTYPES.get(key)
    if prototype is None:
        prototype = _DRF_GET_FIELDS(self)
        # Two threads may both build it; they build the same thing, and either one is kept.
        _PROTOTYPES[key] = prototype
    return copy.deepcopy(prototype)


def install() -> None:
    serializers.ModelSerializer.get_fields = _get_fields


def clear() -> None:
    """Forget the prototypes (a test that changes a serializer class at run time)."""
    _PROTOTYPES.clear()
