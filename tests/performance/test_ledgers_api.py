"""GET /api/v1/ledgers/ and /api/v1/ledgers/metrics/ (API.md, "Staff"): scopes, filters, errors."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from performance.ledgers.metrics import CODES, HEADLINE
from performance.ledgers.models import Ledger, LedgerFigure
from performance.ledgers.services import ledger_aggregate_month, ledger_aggregate_months
from performance.workflow import services
from tests.factories import PalaceFactory
from tests.performance.ledger_world import MONTH, NOW, build

pytestmark = pytest.mark.django_db
URL = "/api/v1/ledgers/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def ledgers(world):
    build(world)
    ledger_aggregate_months(first=date(2026, 2, 1), last=MONTH, now=NOW)
    return world


def palaces_in(response) -> list[tuple[int, str]]:
    return [(item["palace"], item["month"]) for item in response.json()["results"]]


def test_an_item_has_the_promised_keys_and_official_figures_as_numbers(ledgers):
    response = client_for(ledgers.province_officer).get(
        URL, {"month": "2026-03", "palace": ledgers.palace_a.pk}
    )

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    (item,) = body["results"]
    assert {"palace", "month", "status", "computed_at", "figures"} <= set(item)
    assert item["palace"] == ledgers.palace_a.pk
    assert item["month"] == "2026-03"
    assert item["status"] == "open"
    assert item["computed_at"].startswith("2026-03-20T12:00:00")
    figures = item["figures"]
    assert set(figures) == set(CODES)
    assert figures["activities"] == 5
    assert isinstance(figures["activities"], int)
    assert figures["online_viewers_max"] == 171_800
    assert figures["booked_hours"] == 6.5  # court 1.5 + 1 + 1, karaoke 2, window 0.5 + 0.5
    assert isinstance(figures["utilisation"], float)
    assert figures["hosting_applications"] == 1


def test_an_accepted_ledger_shows_its_snapshot(ledgers):
    ledger = Ledger.objects.get(palace=ledgers.palace_a, month=MONTH)
    Ledger.objects.filter(pk=ledger.pk).update(status=Ledger.Status.ACCEPTED)
    LedgerFigure.objects.filter(ledger=ledger, metric="activities").update(locked_value=3)

    response = client_for(ledgers.manager_a).get(URL, {"month": "2026-03", "status": "accepted"})

    (item,) = response.json()["results"]
    assert item["figures"]["activities"] == 3


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("staff_a", {"palace_a"}),
        ("manager_b", {"palace_b"}),
        ("city_officer", {"palace_a"}),  # city 1: palace A (B is in city 2)
        ("province_officer", {"palace_a", "palace_b"}),
        ("worker", set()),
    ],
)
def test_each_role_sees_the_ledgers_of_its_scope(ledgers, who, seen):
    response = client_for(getattr(ledgers, who)).get(URL, {"month": "2026-03"})

    assert response.status_code == 200
    assert {palace for palace, _ in palaces_in(response)} == {getattr(ledgers, name).pk for name in seen}


def test_a_palace_out_of_scope_gives_an_empty_list_not_its_ledgers(ledgers):
    response = client_for(ledgers.staff_a).get(URL, {"palace": ledgers.palace_b.pk})

    assert response.status_code == 200
    assert response.json()["results"] == []


def test_anonymous_callers_are_refused(ledgers):
    assert client_for().get(URL).status_code == 401
    assert client_for().get(URL + "metrics/").status_code == 401


def test_filters_by_city_year_month_and_status(ledgers):
    officer = client_for(ledgers.province_officer)

    assert {p for p, _ in palaces_in(officer.get(URL, {"city": ledgers.city2.pk}))} == {ledgers.palace_b.pk}
    assert {m for _, m in palaces_in(officer.get(URL, {"month": "2026-02"}))} == {"2026-02"}
    assert {m for _, m in palaces_in(officer.get(URL, {"year": 2026}))} == {"2026-02", "2026-03"}
    assert officer.get(URL, {"year": 2025}).json()["count"] == 0
    assert officer.get(URL, {"status": "submitted"}).json()["count"] == 0
    # Newest month first.
    assert [m for _, m in palaces_in(officer.get(URL))] == ["2026-03", "2026-03", "2026-02", "2026-02"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "0000-01"}, "month"),
        ({"month": "2026-13"}, "month"),
        ({"month": "March"}, "month"),
        ({"year": "1999"}, "year"),
        ({"year": "abc"}, "year"),
        ({"status": "lost"}, "status"),
        ({"palace": "0"}, "palace"),
        ({"palace": "99999999999999999999"}, "palace"),
        ({"city": "x"}, "city"),
        ({"page": "abc"}, "page"),
    ],
)
def test_bad_filters_are_400_with_the_field(ledgers, params, field):
    response = client_for(ledgers.province_officer).get(URL, params)

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]


def test_pages_of_ledgers_take_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for n in range(30):
        PalaceFactory(region=world.county1, name=f"测试宫{n}")
    ledger_aggregate_month(month=MONTH, now=NOW)
    officer = client_for(world.province_officer)

    with django_assert_max_num_queries(6):
        response = officer.get(URL, {"page_size": 25})

    assert len(response.json()["results"]) == 25
    assert response.json()["next"]


def test_the_metric_catalogue_lists_every_code_with_name_unit_and_source(world):
    response = client_for(world.staff_a).get(URL + "metrics/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()}
    assert set(HEADLINE) <= set(rows)
    assert list(rows) == list(CODES)
    assert rows["activities"]["name"] == "活动场次"
    assert rows["person_times"]["unit"] == "人次"
    assert rows["utilisation"]["unit"] == "%"
    assert rows["utilisation"]["sums"] == "ratio"
    assert rows["utilisation"]["inputs"] == ["booked_hours", "open_hours"]
    assert rows["volunteer_hours"]["manual"] is True
    assert all(row["source"] for row in rows.values())


def test_a_page_is_kept_per_scope_and_a_ledger_write_shows_at_once(
    ledgers, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    params = {"month": "2026-03"}
    first = client_for(ledgers.staff_a).get(URL, params).json()
    with django_assert_max_num_queries(1):  # the reader's posts (their scope): the page is kept
        assert client_for(ledgers.staff_a).get(URL, params).json() == first
    # Another scope asking the same gets its own page, never the one kept for palace A's staff.
    assert {p for p, _ in palaces_in(client_for(ledgers.manager_b).get(URL, params))} == {ledgers.palace_b.pk}
    assert {p for p, _ in palaces_in(client_for(ledgers.province_officer).get(URL, params))} == {
        ledgers.palace_a.pk,
        ledgers.palace_b.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.ledger_submit(
            actor=ledgers.manager_a, ledger=Ledger.objects.get(palace=ledgers.palace_a, month=MONTH)
        )
    (item,) = client_for(ledgers.staff_a).get(URL, params).json()["results"]
    assert item["status"] == "submitted"


@pytest.mark.parametrize("month", ["2026-03 ", " 2026-03", "2026-03%20%20"])
def test_a_month_written_with_spaces_is_answered_and_not_kept(ledgers, month, monkeypatch):
    from performance.dashboards import caching

    kept = []
    monkeypatch.setattr(caching, "cached", lambda name, compute, **kw: kept.append(name) or compute())
    response = client_for(ledgers.province_officer).get(f"{URL}?month={month}")
    assert response.status_code == 200
    assert kept == []
    client_for(ledgers.province_officer).get(URL, {"month": "2026-03"})
    assert len(kept) == 1
