"""The province's and a city's dashboard pages, their content kept rendered (caching.page_content):
a warm view renders only the frame, and what a reader decides (the way up, the ranking's links),
a bad period's message, a write and the language each give the page they should."""

import re
from datetime import date

import pytest
from django.urls import reverse

from performance.dashboards.caching import CONTENT_TEMPLATE
from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

pytestmark = pytest.mark.django_db


def _get(client, url, params=None, language="en"):
    response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def _html(response) -> str:
    # The CSP nonce and the masked CSRF token differ from one response to the next; nothing else may.
    return re.sub(r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _rendered(response) -> bool:
    return CONTENT_TEMPLATE in [template.name for template in response.templates]


@pytest.fixture
def ranked(world):
    figures(world.palace_a, date(2024, 3, 1), activities=10, person_times=1234)
    for n in range(12):  # leaders and laggards
        extra = PalaceFactory(name=f"第{n}分宫", region=world.city1, status=Palace.Status.IN_SERVICE)
        figures(extra, date(2024, 3, 1), activities=n, person_times=100 * n)
    return world


@pytest.mark.parametrize("scope", ["province", "city"])
def test_a_warm_dashboard_renders_only_the_frame_and_is_the_same_page(client, ranked, scope):
    url = (
        reverse("performance:dashboard_province")
        if scope == "province"
        else reverse("performance:dashboard_city", args=[ranked.city1.pk])
    )
    client.force_login(ranked.province_officer)
    first = _get(client, url, {"month": "2024-03"})
    again = _get(client, url, {"month": "2024-03"})
    assert _rendered(first)
    assert not _rendered(again)
    assert _html(again) == _html(first)
    assert "1,234" in _html(again)


def test_the_way_up_is_each_reader_s_own(client, ranked):
    url = reverse("performance:dashboard_city", args=[ranked.city1.pk])
    up = f'href="{reverse("performance:dashboard_province")}?'
    client.force_login(ranked.province_officer)
    assert up in _html(_get(client, url))
    client.force_login(ranked.city_officer)  # leads the city, may not see the province
    assert up not in _html(_get(client, url))
    client.force_login(ranked.province_officer)
    assert up in _html(_get(client, url))


def test_a_bad_period_s_message_is_not_kept_for_the_next_reader(client, ranked):
    client.force_login(ranked.province_officer)
    url = reverse("performance:dashboard_province")
    assert 'role="alert"' in _html(_get(client, url, {"month": "2024-13"}))
    assert 'role="alert"' not in _html(_get(client, url))
    assert 'role="alert"' in _html(_get(client, url, {"month": "2024-13"}))


def test_a_ledger_write_shows_on_the_page_at_once(client, ranked, django_capture_on_commit_callbacks):
    client.force_login(ranked.province_officer)
    url = reverse("performance:dashboard_province")
    assert "1,234" in _html(_get(client, url, {"month": "2024-03"}))
    with django_capture_on_commit_callbacks(execute=True):
        figures(ranked.palace_b, date(2024, 3, 1), activities=5, person_times=4321)
    page = _html(_get(client, url, {"month": "2024-03"}))
    assert "4,321" in page  # palace B's month, now in the province's ranking and totals


def test_the_content_is_kept_per_language(client, ranked):
    client.force_login(ranked.province_officer)
    url = reverse("performance:dashboard_province")
    english = _html(_get(client, url, {"month": "2024-03"}))
    chinese = _html(_get(client, url, {"month": "2024-03"}, language="zh-hans"))
    assert "At a glance" in english
    assert "At a glance" not in chinese
    assert _html(_get(client, url, {"month": "2024-03"})) == english
