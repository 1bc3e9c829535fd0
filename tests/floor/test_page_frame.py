"""The page frame's menus come from `{% memo %}` (rendered once per role set and language): every
role sees exactly the frame it saw before, and nothing personal is reused across people."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from palace_portal.templatetags import memo

ROLES = ["worker", "staff_a", "manager_a", "city_officer", "province_officer", None]
BACKEND = "django.contrib.auth.backends.ModelBackend"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _frame(client, language: str) -> str:
    html = client.get(reverse("venues:palace_list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    body = html[html.index("<body") :]
    header, footer = body[: body.index('<main id="main"')], body[body.index("</main>") :]
    return _CSRF.sub("csrf", header) + footer


def _client(client, world, role):
    client.cookies.clear()
    client.logout()
    if role:
        client.force_login(getattr(world, role), backend=BACKEND)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_role_gets_the_frame_rendered_without_the_memo(client, world, language):
    memo.clear()
    with override_settings(DEBUG=True):  # {% memo %} renders every time under DEBUG
        expected = {role: _frame(_client(client, world, role), language) for role in ROLES}
    # Twice with the memo: the first fills it, the second reads it; in an order that would leak a
    # staff member's menu to a worker if the roles were not part of the key.
    for _ in range(2):
        for role in reversed(ROLES):
            assert _frame(_client(client, world, role), language) == expected[role], role
    assert "Palace desk" in expected["staff_a"] or "文化宫工作台" in expected["staff_a"]
    assert expected["worker"] != expected["staff_a"]
    assert expected["province_officer"] != expected["city_officer"]


@pytest.mark.django_db
def test_the_csrf_token_and_the_address_are_not_reused(client, world):
    memo.clear()
    _client(client, world, "worker")
    first = client.get(reverse("venues:palace_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies.pop("csrftoken", None)
    second = client.get(reverse("venues:palace_list") + "?city=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    tokens = [_CSRF.findall(page) for page in (first, second)]
    assert tokens[0]
    assert tokens[1]
    assert tokens[0] != tokens[1]
    assert 'name="next" type="hidden" value="/palaces/?city=1"' in second


def test_a_value_that_cannot_be_hashed_renders_each_time():
    from django.template import Context, Template

    template = Template("{% load memo %}{% memo items %}{{ items|length }}{% endmemo %}")
    assert template.render(Context({"items": [1, 2]})) == "2"
    assert template.render(Context({"items": [1, 2, 3]})) == "3"


def test_a_changed_setting_empties_the_memo():
    from django.template import Context, Template

    Template("{% load memo %}{% memo %}x{% endmemo %}").render(Context())
    assert memo._FRAGMENTS
    with override_settings(PORTAL_PROVINCE_NAME="安徽省"):
        assert not memo._FRAGMENTS
