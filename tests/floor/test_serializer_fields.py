"""ModelSerializer fields from a per-class prototype (`palace_portal.serializer_fields`): the same
fields as DRF builds, fresh instances for every serializer, one prototype per language."""

import pytest
from django.utils import translation
from rest_framework import serializers

from palace_portal import serializer_fields


def _project_model_serializers():
    # Importing the URLconf imports every API view, and so every serializer.
    import palace_portal.urls  # noqa: F401

    seen, todo = [], [serializers.ModelSerializer]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            module = sub.__module__.split(".")[0]
            if module in {"palace_portal", "venues", "bookings", "activities", "alliance", "performance"}:
                seen.append(sub)
    return seen


def _describe(fields: dict) -> list:
    return [
        (name, type(field), field.read_only, field.required, str(field.label or ""))
        for name, field in fields.items()
    ]


def test_installed():
    assert serializers.ModelSerializer.get_fields is serializer_fields._get_fields


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_project_serializer_gets_the_fields_drf_builds(language):
    classes = _project_model_serializers()
    assert len(classes) > 30
    serializer_fields.clear()
    with translation.override(language):
        for cls in classes:
            ours = cls().get_fields()
            again = cls().get_fields()
            drf = serializer_fields._DRF_GET_FIELDS(cls())
            assert _describe(ours) == _describe(drf), cls
            assert _describe(again) == _describe(drf), cls
            assert repr(ours) == repr(drf), cls


def test_each_serializer_gets_its_own_field_instances():
    from venues.api.serializers import PalaceDetailSerializer

    first, second = PalaceDetailSerializer(), PalaceDetailSerializer()
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field.parent is first
        assert second.fields[name].parent is second
    # Changing one serializer's field does not reach the next one.
    name = next(iter(first.fields))
    first.fields[name].read_only = not first.fields[name].read_only
    assert PalaceDetailSerializer().fields[name].read_only == second.fields[name].read_only


def test_one_prototype_per_language():
    from venues.api.serializers import PalaceDetailSerializer

    serializer_fields.clear()
    with translation.override("en"):
        PalaceDetailSerializer().fields  # noqa: B018
    with translation.override("zh-hans"):
        PalaceDetailSerializer().fields  # noqa: B018
    assert {(cls, lang) for cls, lang in serializer_fields._PROTOTYPES} >= {
        (PalaceDetailSerializer, "en"),
        (PalaceDetailSerializer, "zh-hans"),
    }
