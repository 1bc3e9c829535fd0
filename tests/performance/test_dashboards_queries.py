"""The provincial and city dashboards (pages) and the rankings API read a bounded number of
queries that does not grow with the data: at most 10 served from the cache and at the first view
after a ledger write (the aggregation, a workflow step), a fixed few more with an empty cache."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alliance.models import Membership
from performance.evaluation.models import Band, Evaluation, Scheme
from performance.ledgers import rollups
from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

pytestmark = pytest.mark.django_db
BOUND = 10  # issue 13: at most 10 queries, not growing with the data
CONCLUDED = Evaluation.Status.CONCLUDED
EMPTY_CACHE_BOUND = 17  # the panels and the coverage map computed too (after a network write)


def _ledgers(palace, year: int, scale: int = 1) -> None:
    for month in range(1, 13):
        figures(
            palace,
            date(year, month, 1),
            activities=3 * scale,
            person_times=30 * month,
            online_viewers=10,
            online_viewers_max=5 + month,
            bookings=4,
            booked_hours=12,
            open_hours=100,
            ratings=2,
            rating_stars=9,
        )


@pytest.fixture
def scheme(world):
    scheme = Scheme.objects.create(year=2024, name="2024年标准化评估", status=Scheme.Status.PUBLISHED)
    Evaluation.objects.create(
        scheme=scheme,
        palace=world.palace_a,
        status=Evaluation.Status.CONCLUDED,
        total=88,
        band=Band.STANDARDISED,
    )
    for palace in (world.palace_a, world.palace_b):
        _ledgers(palace, 2024)
        _ledgers(palace, 2023)
    return scheme


MORE = 12  # palaces added: seven times the two of the world, enough to see any count grow


def _more_data(world, scheme) -> None:
    """More palaces in both cities, two years of ledgers each, members and evaluations; their
    rollups refreshed once a month at the end, as an import does."""
    with rollups.batch():
        _more_palaces(world, scheme)


def _more_palaces(world, scheme) -> None:
    for n in range(MORE):
        palace = PalaceFactory(
            name=f"新宫{n}", level=Palace.Level.COUNTY, region=world.county1 if n % 2 else world.county2
        )
        _ledgers(palace, 2024, scale=n + 1)
        _ledgers(palace, 2023)
        Membership.objects.create(palace=palace, joined_on=date(2023, 1, 1))
        Evaluation.objects.create(
            scheme=scheme,
            palace=palace,
            status=Evaluation.Status.CONCLUDED,
            total=60 + n,
            band=Band.STANDARDISED,
        )


def _count(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def _counts(client, url, params, capture) -> dict[str, int]:
    """Queries of one view: warm (served from the cache), the first view after a ledger write
    (the figures recomputed, the panels cached), and with an empty cache."""
    cache.clear()
    client.get(url, params)
    counts = {"warm": _count(client, url, params)}
    with capture(execute=True):  # a ledger write: its commit moves the ledger data version
        figures(Palace.objects.order_by("pk").first(), date(2024, 5, 1), activities=99)
    counts["after_ledger_write"] = _count(client, url, params)
    cache.clear()
    counts["empty_cache"] = _count(client, url, params)
    return counts


def _dashboards(world):
    province = reverse("performance:dashboard_province")
    city = reverse("performance:dashboard_city", args=[world.city1.pk])
    return [
        ("province, year", world.province_officer, province, {"year": "2024"}),
        ("province, month", world.province_officer, province, {"month": "2024-03"}),
        ("city by its officer", world.city_officer, city, {"year": "2024"}),
        ("city by the province", world.province_officer, city, {"month": "2024-03"}),
    ]


def test_dashboards_take_at_most_ten_queries_and_as_many_with_more_data(
    client, world, scheme, django_capture_on_commit_callbacks
):
    before = {}
    for label, user, url, params in _dashboards(world):
        client.force_login(user)
        before[label] = _counts(client, url, params, django_capture_on_commit_callbacks)

    _more_data(world, scheme)

    for label, user, url, params in _dashboards(world):
        client.force_login(user)
        after = _counts(client, url, params, django_capture_on_commit_callbacks)
        assert after == before[label], label
        assert after["warm"] <= BOUND, label
        assert after["after_ledger_write"] <= BOUND, label
        assert after["empty_cache"] <= EMPTY_CACHE_BOUND, label


def test_the_dashboards_figures_are_those_of_the_new_data(
    client, world, scheme, django_capture_on_commit_callbacks
):
    _more_data(world, scheme)
    client.force_login(world.province_officer)
    url = reverse("performance:dashboard_province")
    _counts(client, url, {"year": "2024"}, django_capture_on_commit_callbacks)  # ends with a fresh compute
    dash = client.get(url, {"year": "2024"}).context["dash"]
    activities = next(f.value for f in dash.glance if f.code == "activities")
    # Palaces A and B: 36 each, 99 − 3 more in May for the first; the new ones: 36 × (1 + … + MORE).
    assert activities == 36 + 36 + 96 + 36 * sum(range(1, MORE + 1))
    assert dash.evaluation.concluded == MORE + 1
    assert dash.members == MORE


@pytest.mark.parametrize(
    "params", [{"year": "2024"}, {"month": "2024-03"}, {"year": "2024", "city": "360100"}]
)
def test_the_rankings_api_takes_at_most_ten_queries_and_as_many_with_more_data(client, world, scheme, params):
    client.force_login(world.province_officer)
    url = reverse("api-rankings")
    params = {"metric": "person_times", **params}
    cache.clear()  # the sums are cached per data version: count the request that computes them
    before = _count(client, url, params)
    _more_data(world, scheme)
    cache.clear()
    after = _count(client, url, params)
    assert after == before <= BOUND
    assert len(client.get(url, params).json()) >= MORE // 2 + 1  # the new palaces of one city and A


def test_the_rankings_sums_are_cached_until_a_ledger_write(
    client, world, scheme, django_capture_on_commit_callbacks
):
    client.force_login(world.province_officer)
    url = reverse("api-rankings")
    params = {"metric": "activities", "month": "2024-05"}
    computed = _count(client, url, params)
    first = {row["palace"]: row["value"] for row in client.get(url, params).json()}
    again = _count(client, url, params)
    assert again < computed  # the same ranking again: its sums (and its palaces) from the cache
    palace = Palace.objects.order_by("pk").first()
    with django_capture_on_commit_callbacks(execute=True):  # its commit moves the data version
        figures(palace, date(2024, 5, 1), activities=999)
    # The sums computed again; the palaces are the network's data, which a ledger write leaves.
    assert again < _count(client, url, params) < computed
    after = {row["palace"]: row["value"] for row in client.get(url, params).json()}
    assert after[palace.pk] == 999 != first.get(palace.pk)
