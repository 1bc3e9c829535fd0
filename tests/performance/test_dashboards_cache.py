"""The dashboards' data in the shared cache: served again while nothing changed, recomputed at
once after any write the dashboards show (the ledger data version), correct without a cache."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import Activity
from alliance.models import Membership
from palace_portal.errors import RuleViolation
from performance.ledgers.data_version import data_version
from performance.ledgers.services import ledger_aggregate_month
from performance.workflow import services
from tests.factories import PalaceFactory
from tests.performance.ledger_world import MONTH, NOW, build
from venues.models import Palace

from .dash_support import figures
from .workflow_support import PAST, make_ledger

pytestmark = pytest.mark.django_db
DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


def _glance(response, code: str):
    assert response.status_code == 200
    return next(figure.value for figure in response.context["dash"].glance if figure.code == code)


def _province(client, world, **params):
    client.force_login(world.province_officer)
    return client.get(reverse("performance:dashboard_province"), params)


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_it_serves_an_unchanged_dashboard_from_the_cache_with_the_same_figures(client, world):
    figures(world.palace_a, date(2024, 3, 1), activities=100, person_times=1234)
    client.force_login(world.province_officer)
    url = reverse("performance:dashboard_province")

    cold = _queries(client, url, {"year": "2024"})
    warm = _queries(client, url, {"year": "2024"})
    again = client.get(url, {"year": "2024"})

    assert warm < cold - 10  # the dashboard's own queries are not run again
    assert _glance(again, "person_times") == 1234
    assert "1,234" in again.content.decode()


def test_a_re_run_of_the_aggregation_shows_on_the_dashboard_at_once(
    client, world, django_capture_on_commit_callbacks
):
    build(world)
    with django_capture_on_commit_callbacks(execute=True):
        ledger_aggregate_month(month=MONTH, now=NOW)
    month = f"{MONTH:%Y-%m}"
    before = _glance(_province(client, world, month=month), "activities")
    assert before > 0

    Activity.objects.create(
        palace=world.palace_a,
        title="迟到的活动",
        kind="lecture",
        centre="education",
        date=MONTH,
        participants=30,
    )
    assert _glance(_province(client, world, month=month), "activities") == before  # cached: no write seen
    with django_capture_on_commit_callbacks(execute=True):
        ledger_aggregate_month(month=MONTH, now=NOW)

    assert _glance(_province(client, world, month=month), "activities") == before + 1


def test_a_submission_shows_in_the_reporting_rate_at_once(client, world, django_capture_on_commit_callbacks):
    ledger = make_ledger(world.palace_a, PAST)
    year = {"year": str(PAST.year)}
    assert _province(client, world, **year).context["dash"].reporting.reported == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.ledger_submit(actor=world.manager_a, ledger=ledger)

    assert _province(client, world, **year).context["dash"].reporting.reported == 1


def test_an_accept_shows_the_accepted_figures_at_once(client, world, django_capture_on_commit_callbacks):
    ledger = make_ledger(world.palace_a, PAST, person_times=2000)
    with django_capture_on_commit_callbacks(execute=True):
        services.ledger_submit(actor=world.manager_a, ledger=ledger)
    year = {"year": str(PAST.year)}
    assert _glance(_province(client, world, **year), "person_times") == 2000
    # A correction the cache has not been told of (as a raw SQL fix would be) ...
    ledger.figures.filter(metric="person_times").update(value=2500)
    assert _glance(_province(client, world, **year), "person_times") == 2000

    # ... shows as soon as the province accepts the month: the accept bumps the data version.
    with django_capture_on_commit_callbacks(execute=True):
        services.ledger_accept(actor=world.province_officer, ledger=ledger)

    assert _glance(_province(client, world, **year), "person_times") == 2500


def test_a_manual_line_changes_the_data_version_once_committed(world, django_capture_on_commit_callbacks):
    ledger = make_ledger(world.palace_a, PAST)
    version = data_version()

    with django_capture_on_commit_callbacks(execute=True):
        services.manual_line_add(
            actor=world.manager_a, ledger=ledger, metric="volunteer_hours", value="12", note="签到表"
        )

    assert data_version() not in (None, version)


def test_a_refused_step_keeps_the_data_version(world, django_capture_on_commit_callbacks):
    ledger = make_ledger(world.palace_a, PAST)
    version = data_version()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuleViolation):
        services.ledger_accept(actor=world.province_officer, ledger=ledger)  # not submitted

    assert data_version() == version


def test_an_alliance_membership_shows_on_the_dashboard_at_once(
    client, world, django_capture_on_commit_callbacks
):
    figures(world.palace_a, date(2024, 3, 1), person_times=1234)
    assert _province(client, world, year="2024").context["dash"].members == 0

    with django_capture_on_commit_callbacks(execute=True):
        Membership.objects.create(palace=world.palace_a, joined_on=date(2024, 1, 1))

    assert _province(client, world, year="2024").context["dash"].members == 1


def test_a_palace_change_changes_the_data_version(world, django_capture_on_commit_callbacks):
    version = data_version()
    world.palace_a.name = "南昌市职工文化中心"
    with django_capture_on_commit_callbacks(execute=True):
        world.palace_a.save()

    assert data_version() not in (None, version)


@override_settings(CACHES=DUMMY_CACHE)
def test_without_a_cache_every_dashboard_is_computed_and_correct(client, world):
    figures(world.palace_a, date(2024, 3, 1), activities=100, person_times=1234)
    figures(world.palace_b, date(2024, 3, 1), activities=20, person_times=300)
    client.force_login(world.province_officer)
    url = reverse("performance:dashboard_province")
    first = _queries(client, url, {"year": "2024"})

    response = client.get(url, {"year": "2024"})

    assert _queries(client, url, {"year": "2024"}) == first  # nothing stored, nothing served stale
    assert _glance(response, "person_times") == 1534
    assert "1,534" in response.content.decode()
    figures(world.palace_b, date(2024, 4, 1), person_times=1000)
    assert _glance(client.get(url, {"year": "2024"}), "person_times") == 2534
    city = client.get(reverse("performance:dashboard_city", args=[world.city1.pk]), {"year": "2024"})
    assert _glance(city, "person_times") == 1234


def _page(client, url, params) -> str:
    # The CSP nonce and the masked CSRF token differ from one response to the next; nothing else may.
    return re.sub(
        r'nonce="[^"]*"|name="csrfmiddlewaretoken" value="[^"]*"',
        "",
        client.get(url, params).content.decode(),
    )


def test_a_page_from_the_cache_is_the_page_computed_afresh(client, world):
    for month in (1, 2, 3):
        figures(world.palace_a, date(2024, month, 1), activities=10 * month, person_times=1000 + month)
    figures(world.palace_b, date(2024, 3, 1), activities=20, person_times=300)
    for n in range(12):  # enough palaces for leaders and laggards: the cached ranking keeps only those
        extra = PalaceFactory(name=f"第{n}分宫", region=world.city1, status=Palace.Status.IN_SERVICE)
        figures(extra, date(2024, 3, 1), activities=n, person_times=100 * n)
    client.force_login(world.province_officer)
    pages = [
        (reverse("performance:dashboard_province"), {"year": "2024"}),
        (reverse("performance:dashboard_city", args=[world.city1.pk]), {"month": "2024-03"}),
        (reverse("performance:dashboard_palace", args=[world.palace_a.pk]), {"year": "2024"}),
    ]
    with override_settings(CACHES=DUMMY_CACHE):
        fresh = [_page(client, url, params) for url, params in pages]

    computed = [_page(client, url, params) for url, params in pages]
    cached = [_page(client, url, params) for url, params in pages]

    assert cached == computed == fresh
    assert 'class="pd-map-svg"' in cached[0]  # the map, rendered once with the cached data
    assert cached[0].count('class="chart-bar') > 0


def test_a_chart_outside_the_cache_is_rendered_on_the_page(client, world):
    # The trend page's chart is not cached: the chart tag renders it then and there, as SVG.
    figures(world.palace_a, date(2024, 3, 1), person_times=1234)
    client.force_login(world.province_officer)

    url = reverse("performance:ranking_trend", args=[world.palace_a.pk])
    page = client.get(url, {"month": "2024-03"}).content.decode()

    assert '<svg viewBox="0 0' in page
    assert "&lt;svg" not in page
