"""`get_FOO_display` through `palace_portal.choices` answers exactly what Django's own method does."""

from functools import partialmethod

import pytest
from django.apps import apps
from django.utils import translation

from palace_portal import choices
from venues.models import Venue


def _generated_fields():
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields(include_parents=False):
            method = model.__dict__.get(f"get_{field.name}_display")
            if isinstance(method, partialmethod):
                yield model, field, method


def test_every_generated_display_method_is_the_cached_one():
    found = list(_generated_fields())
    assert len(found) > 20
    for model, field, method in found:
        assert method.func is choices._get_field_display, (model, field.name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_same_answer_as_django_for_every_choice_and_an_unknown_value(language):
    with translation.override(language):
        for model, field, _method in _generated_fields():
            for value in [value for value, _label in field.flatchoices] + ["not-a-choice", None]:
                instance = model()
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                django = choices._DJANGO_DISPLAY(instance, field)
                assert ours == django, (model, field.name, value)
                assert type(ours) is type(django)


def test_the_label_follows_the_language_of_the_call():
    venue = Venue(kind="basketball")
    with translation.override("en"):
        english = venue.get_kind_display()
    with translation.override("zh-hans"):
        chinese = venue.get_kind_display()
    assert (english, chinese) == ("Basketball court", "篮球场")
