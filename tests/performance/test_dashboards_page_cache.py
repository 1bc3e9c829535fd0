"""The province's and a city's dashboard pages, kept rendered per reader's scope (caching.view_key):
a warm view renders only the frame, and what a reader decides (the way up, the ranking's links),
a bad period's message, a write and the language each give the page they should."""

import re
from datetime import date

import pytest
from django.urls import reverse

from performance.dashboards import caching
from performance.dashboards.caching import CONTENT_TEMPLATE
from tests.factories import PalaceFactory, StaffAssignmentFactory, UserFactory
from venues import access
from venues.models import Palace, StaffAssignment

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


def _second_officer(world, role, region):
    return StaffAssignmentFactory(
        user=UserFactory(phone=f"1390000{region.pk:04d}"), role=role, region=region
    ).user


@pytest.mark.parametrize("scope", ["province", "city"])
def test_a_warm_view_is_shared_by_readers_of_the_same_scope_without_reading_the_dashboard(
    client, ranked, scope, monkeypatch
):
    if scope == "province":
        url, reader = reverse("performance:dashboard_province"), ranked.province_officer
        other = _second_officer(ranked, StaffAssignment.Role.PROVINCE_OFFICER, ranked.province)
    else:
        url, reader = reverse("performance:dashboard_city", args=[ranked.city1.pk]), ranked.city_officer
        other = _second_officer(ranked, StaffAssignment.Role.CITY_OFFICER, ranked.city1)
    client.force_login(reader)
    first = _html(_get(client, url, {"month": "2024-03"}))

    def unread(*args, **kwargs):
        raise AssertionError("a warm view read the dashboard")

    monkeypatch.setattr(caching, "_lookup", unread)
    client.force_login(other)
    again = _get(client, url, {"month": "2024-03"})
    assert not _rendered(again)
    # The same page but for the frame's personal parts (the signed-in name in the menu).
    assert _content(_html(again)) == _content(first)
    assert "1,234" in _html(again)


def _content(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_a_scope_signature_names_what_the_reader_sees(ranked):
    assert access.scope_signature(ranked.province_officer) == "all"
    city = access.scope_signature(ranked.city_officer)
    assert str(ranked.city1.pk) in city
    assert (
        access.scope_signature(_second_officer(ranked, StaffAssignment.Role.CITY_OFFICER, ranked.city1))
        == city
    )
    assert access.scope_signature(ranked.manager_a) != city
    assert str(ranked.palace_a.pk) in access.scope_signature(ranked.manager_a)


def test_a_city_out_of_reach_or_past_64_bits_is_404_without_asking_for_it(
    client, ranked, django_assert_max_num_queries
):
    client.force_login(ranked.city_officer)  # leads city 1 only
    url = reverse("performance:dashboard_city", args=[ranked.city2.pk])
    client.get(reverse("performance:dashboard_city", args=[ranked.city1.pk]))
    with django_assert_max_num_queries(3):  # the session, the user, their posts: no region read
        assert client.get(url).status_code == 404
    client.force_login(ranked.province_officer)
    assert client.get(reverse("performance:dashboard_city", args=[2**64])).status_code == 404
    assert client.get(reverse("performance:dashboard_city", args=[ranked.county1.pk])).status_code == 404
    assert client.get(reverse("performance:dashboard_city", args=[ranked.city2.pk])).status_code == 200


def test_a_scope_signature_stays_short_whatever_the_number_of_posts(ranked):
    many = UserFactory(phone="13900009999")
    for n in range(40):
        palace = PalaceFactory(name=f"第{n}宫", region=ranked.city2)
        StaffAssignmentFactory(user=many, role=StaffAssignment.Role.PALACE_STAFF, palace=palace)
    signature = access.scope_signature(many)
    assert len(signature) <= 48
    access.forget(many)
    StaffAssignmentFactory(user=many, role=StaffAssignment.Role.PALACE_STAFF, palace=ranked.palace_a)
    assert access.scope_signature(many) != signature  # one post more: another scope
