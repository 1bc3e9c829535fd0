"""The back office speaks Chinese when the language is zh-hans: every section, model, column,
filter, action and form label, and no two models share a name.

Rendered as a superuser (who sees every registered model) over the standard world, whose data is
Chinese, so any Latin word left on a page is an untranslated string of the portal or of a library.
"""

from collections import Counter

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.urls import reverse
from django.utils import translation

from tests.admin_html import english_words, read

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
OUR_APPS = {"users", "venues", "bookings", "activities", "alliance", "performance"}


@pytest.fixture
def chinese_superuser(client, world, superuser):
    from axes.models import AccessLog

    client.force_login(superuser)
    # The sign-in's log row has no request behind it: its path "<unknown>" would be data on the page.
    AccessLog.objects.all().delete()
    client.cookies["django_language"] = "zh-hans"
    return client


def _model_names(page) -> list[str]:
    """The index's model rows (the table's head names its columns)."""
    return [t.text for t in page.texts if t.inside("#content-main", "th") and not t.inside("thead")]


def _english_on(html: str, *, skip_rows: bool = True) -> list[str]:
    """Latin words in what the page shows (the content, the side bar and the header)."""
    page = read(html)
    found = []
    for text in page.texts:
        if not text.inside("#container"):
            continue
        if skip_rows and text.inside("#result_list", "tbody"):
            continue  # the rows are data (the world's Chinese names, masked numbers)
        found += [f"{word!r} in {text.text!r}" for word in english_words(text.text)]
    return found


def test_admin_index_names_every_section_and_model_in_chinese(chinese_superuser):
    response = chinese_superuser.get(reverse("admin:index"))
    assert response.status_code == 200
    page = read(response.content.decode())

    sections = page.text_inside("#content-main", "caption")
    models = _model_names(page)
    assert len(sections) >= 8, sections  # the project's apps, auth, axes, tokens
    assert len(models) == len(MODEL_ADMINS), models
    assert [s for s in sections if english_words(s)] == []
    assert [m for m in models if english_words(m)] == []
    assert _english_on(response.content.decode()) == []


def test_admin_index_shows_no_two_models_under_one_name(chinese_superuser):
    page = read(chinese_superuser.get(reverse("admin:index")).content.decode())
    models = _model_names(page)
    assert [name for name, count in Counter(models).items() if count > 1] == []


def test_every_model_has_its_own_chinese_name():
    """Registered or not: an unregistered model's name still shows in permissions and the log."""
    names: dict[str, list[str]] = {}
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if model._meta.proxy:
                continue  # a proxy is its model under another admin (tokens)
            for name in (str(model._meta.verbose_name), str(model._meta.verbose_name_plural)):
                assert english_words(name) == [], (model._meta.label, name)
            names.setdefault(str(model._meta.verbose_name), []).append(model._meta.label)
    assert {name: labels for name, labels in names.items() if len(labels) > 1} == {}


def test_every_field_of_our_models_has_a_chinese_label():
    """Change pages of read-only rows show every field: their labels and choices are checked here."""
    untranslated = []
    with translation.override("zh-hans"):
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS:
                continue
            for field in model._meta.get_fields():
                if not field.concrete or field.auto_created:
                    continue
                if english_words(str(field.verbose_name)):
                    untranslated.append(f"{model._meta.label}.{field.name}: {field.verbose_name}")
                for _value, label in field.flatchoices or ():
                    if english_words(str(label)):
                        untranslated.append(f"{model._meta.label}.{field.name} choice: {label}")
    assert untranslated == []


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=lambda v: getattr(v, "__name__", ""))
def test_changelist_is_chinese(chinese_superuser, model, model_admin):
    info = (model._meta.app_label, model._meta.model_name)
    response = chinese_superuser.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert response.status_code == 200
    html = response.content.decode()
    # The headers as the list draws them (a list without rows draws no table), then as rendered.
    with translation.override("zh-hans"):
        headers = [
            str(label_for_field(name, model, model_admin))
            for name in model_admin.get_list_display(response.wsgi_request)
            if name != "action_checkbox"
        ]
    headers += read(html).text_inside("#result_list", "thead")
    assert [h for h in headers if english_words(h)] == []
    assert _english_on(html) == []


@pytest.mark.parametrize(("model", "model_admin"), MODEL_ADMINS, ids=lambda v: getattr(v, "__name__", ""))
def test_add_page_is_chinese(chinese_superuser, rf, superuser, model, model_admin):
    request = rf.get("/")
    request.user = superuser
    if not model_admin.has_add_permission(request):
        pytest.skip("read-only in the back office: no add page (its fields are checked above)")
    info = (model._meta.app_label, model._meta.model_name)
    response = chinese_superuser.get(reverse("admin:{}_{}_add".format(*info)))
    assert response.status_code == 200
    assert _english_on(response.content.decode()) == []
