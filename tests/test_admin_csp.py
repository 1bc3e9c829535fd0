"""The back office under the portal's strict CSP: no inline style or code on any admin page, and
every static file a page refers to exists (a missing one is a 404 in the browser's console).

Walks what a superuser reaches: the index, every changelist, add page and (where the standard
world has a row) change and history page, the password pages and the sign-in page.
"""

import re

import pytest
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db

STATIC = re.compile(r'(?:src|href)="/static/([^"?#]+)')
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


def _problems(html: str) -> list[str]:
    problems = []
    if "style=" in html:
        problems.append("style attribute")
    if "<style" in html:
        problems.append("<style> element")
    if INLINE_SCRIPT.search(html):
        problems.append("inline <script>")
    problems += [f"missing static file {path}" for path in STATIC.findall(html) if not finders.find(path)]
    return problems


def _admin_pages(request_user, world) -> list[str]:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = request_user
    urls = [
        reverse("admin:index"),
        reverse("admin:password_change"),
        reverse("admin:password_change_done"),
        # Django's UserAdmin names its password page after auth's user, whatever the model.
        reverse("admin:auth_user_password_change", args=[world.worker.pk]),
    ]
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{info}_changelist"))
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{info}_add"))
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is not None:
            urls += [reverse(f"{info}_change", args=[row.pk]), reverse(f"{info}_history", args=[row.pk])]
    return urls


def test_admin_pages_have_no_inline_style_or_code_and_no_missing_file(client, world, superuser):
    client.force_login(superuser)
    urls = _admin_pages(superuser, world)
    assert len(urls) > 50
    found = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if problems := _problems(response.content.decode()):
            found[url] = problems
    assert found == {}


def test_admin_sign_in_page_is_clean_too(client, world):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert _problems(response.content.decode()) == []


def test_a_changelist_without_action_bars_keeps_its_style_in_a_file(client, world, superuser, monkeypatch):
    """Django's change_list.html writes an inline <style> when neither action bar is shown; the
    portal's override puts the rule in static/css/admin.css, keyed on a body class."""
    from venues.admin.network import RegionAdmin

    monkeypatch.setattr(RegionAdmin, "actions_on_top", False)
    monkeypatch.setattr(RegionAdmin, "actions_on_bottom", False)
    client.force_login(superuser)
    html = client.get(reverse("admin:venues_region_changelist")).content.decode()
    assert _problems(html) == []
    assert "no-action-bars" in html
    assert "/static/css/admin.css" in html
