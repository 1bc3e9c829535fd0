"""`GET /api/v1/rankings/`: the contract's fields, validation (400, never 500), who may call."""

from datetime import date

import pytest

from tests.factories import PalaceFactory
from venues.models import Palace

from .dash_support import figures

URL = "/api/v1/rankings/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(world):
    c = PalaceFactory(name="南昌县工人文化宫", level=Palace.Level.COUNTY, region=world.county1)
    figures(world.palace_a, date(2024, 3, 1), person_times=500, activities=5)
    figures(world.palace_a, date(2024, 2, 1), person_times=400)
    figures(world.palace_b, date(2024, 3, 1), person_times=300)
    figures(c, date(2024, 3, 1), person_times=300)
    figures(c, date(2023, 3, 1), person_times=200)
    return world, c


def test_it_answers_the_contracts_fields_with_ties(client, ranked):
    world, c = ranked
    client.force_login(world.province_officer)
    response = client.get(URL, {"metric": "person_times", "month": "2024-03"})
    assert response.status_code == 200
    rows = response.json()
    assert [(row["rank"], row["palace"], row["value"]) for row in rows] == [
        (1, world.palace_a.pk, 500),
        (2, c.pk, 300),
        (2, world.palace_b.pk, 300),
    ]
    assert rows[0]["change_mom"] == 25.0
    assert rows[0]["change_yoy"] is None  # no March 2023: null, not 0
    assert rows[1]["change_yoy"] == 50.0
    assert rows[1]["city"] == "360100"
    assert rows[1]["palace_name"] == "南昌县工人文化宫"
    assert set(rows[0]) >= {"rank", "palace", "value", "change_mom", "change_yoy"}


def test_a_palace_renamed_moved_or_closed_shows_in_the_next_answer(
    client, ranked, django_capture_on_commit_callbacks
):
    # The ranked palaces are cached with the network's data: a palace write must reach them.
    world, c = ranked
    client.force_login(world.province_officer)
    params = {"metric": "person_times", "month": "2024-03"}
    client.get(URL, params)
    with django_capture_on_commit_callbacks(execute=True):
        c.name = "新建县工人文化宫"
        c.region = world.city2
        c.save()

    row = next(row for row in client.get(URL, params).json() if row["palace"] == c.pk)

    assert row["palace_name"] == "新建县工人文化宫"
    assert row["city"] == world.city2.code


def test_it_filters_by_city_and_level(client, ranked):
    world, c = ranked
    client.force_login(world.city_officer)
    by_city = client.get(URL, {"metric": "person_times", "month": "2024-03", "city": "360100"}).json()
    assert [row["palace"] for row in by_city] == [world.palace_a.pk, c.pk]
    by_id = client.get(
        URL, {"metric": "person_times", "month": "2024-03", "city": str(world.city1.pk)}
    ).json()
    assert by_id == by_city
    county = client.get(URL, {"metric": "person_times", "month": "2024-03", "level": "county"}).json()
    assert [(row["rank"], row["palace"]) for row in county] == [(1, c.pk), (1, world.palace_b.pk)]


def test_a_quarter_and_a_year_are_periods_too(client, ranked):
    world, _c = ranked
    client.force_login(world.province_officer)
    quarter = client.get(URL, {"metric": "person_times", "quarter": "2024-Q1"}).json()
    assert quarter[0]["value"] == 900
    year = client.get(URL, {"metric": "person_times", "year": "2024"}).json()
    assert year[0]["value"] == 900
    assert year[0]["change_mom"] is None


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"month": "2024-03"},
        {"metric": "nonsense", "month": "2024-03"},
        {"metric": "person_times"},
        {"metric": "person_times", "month": "2024-03", "year": "2024"},
        {"metric": "person_times", "month": "0000-01"},
        {"metric": "person_times", "month": "2024-13"},
        {"metric": "person_times", "month": "9999-01"},
        {"metric": "person_times", "year": "abcd"},
        {"metric": "person_times", "year": "1999"},
        {"metric": "person_times", "quarter": "2024-Q5"},
        {"metric": "person_times", "month": "2024-03", "city": "999999"},
        {"metric": "person_times", "month": "2024-03", "city": "abc"},
        {"metric": "person_times", "month": "2024-03", "city": "360121"},  # a county, not a city
        {"metric": "person_times", "month": "2024-03", "level": "village"},
        {"metric": "person_times", "month": "2024-03", "per": "head"},
        {"metric": "utilisation", "month": "2024-03", "per": "venue"},  # a ratio is not divided
    ],
)
def test_bad_input_is_a_400_with_fields(client, world, params):
    client.force_login(world.province_officer)
    response = client.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]


def test_per_venue_is_allowed_for_volumes(client, ranked):
    world, _c = ranked
    client.force_login(world.province_officer)
    response = client.get(URL, {"metric": "person_times", "month": "2024-03", "per": "venue"})
    assert response.status_code == 200
    assert response.json()[0]["value"] == 500  # palace A has one venue


@pytest.mark.parametrize(
    ("who", "status"),
    [("province_officer", 200), ("city_officer", 200), ("manager_b", 200), ("staff_a", 200), ("worker", 404)],
)
def test_every_staff_role_sees_the_ranking_workers_do_not(client, ranked, who, status):
    world, _c = ranked
    client.force_login(getattr(world, who))
    response = client.get(URL, {"metric": "person_times", "month": "2024-03"})
    assert response.status_code == status
    if status == 200:
        assert len(response.json()) == 3  # the whole province: comparing is the point


def test_anonymous_callers_must_sign_in(client, world):
    assert client.get(URL, {"metric": "person_times", "month": "2024-03"}).status_code == 401


def test_the_rankings_page_shows_the_table_and_links_only_visible_palaces(client, ranked):
    world, _c = ranked
    client.force_login(world.manager_b)
    page = client.get(
        "/performance/rankings/", {"metric": "person_times", "month": "2024-03"}
    ).content.decode()
    assert "2024年3月" in page
    assert world.palace_a.name in page
    assert f"/performance/rankings/palace/{world.palace_b.pk}/?metric=person_times&amp;month=2024-03" in page
    assert f"/performance/rankings/palace/{world.palace_a.pk}/" not in page
    assert client.get(f"/performance/rankings/palace/{world.palace_a.pk}/").status_code == 404
    trend = client.get(
        f"/performance/rankings/palace/{world.palace_b.pk}/", {"metric": "person_times", "month": "2024-03"}
    )
    assert trend.status_code == 200
    assert 'role="img"' in trend.content.decode()


def test_the_rankings_page_shows_a_page_of_rows_at_a_time(client, world):
    from performance.rankings.views import ROWS_PER_PAGE

    palaces = [
        PalaceFactory(name=f"排名测试{n:03d}工人文化宫", region=world.city1, status=Palace.Status.IN_SERVICE)
        for n in range(ROWS_PER_PAGE + 5)
    ]
    for n, palace in enumerate(palaces):
        figures(palace, date(2024, 3, 1), person_times=10_000 - n)  # the first is the best
    client.force_login(world.province_officer)
    params = {"metric": "person_times", "month": "2024-03"}

    first = client.get("/performance/rankings/", params).content.decode()
    second = client.get("/performance/rankings/", {**params, "page": 2}).content.decode()
    beyond = client.get("/performance/rankings/", {**params, "page": 99}).content.decode()

    last = palaces[-1].name
    assert palaces[0].name in first
    assert f"/performance/rankings/palace/{palaces[-1].pk}/" not in first
    assert f"{last}</a></th>" in second  # ranked 55th: on the second page, linked (a province officer)
    assert f'<td class="num">{ROWS_PER_PAGE + 5}</td>' in second
    assert 'href="?metric=person_times&amp;month=2024-03&amp;page=2" rel="next"' in first  # the query kept
    assert f"{last}</a></th>" in beyond  # past the end: the last page


def test_the_rankings_page_explains_bad_input(client, world):
    client.force_login(world.province_officer)
    response = client.get("/performance/rankings/", {"metric": "person_times", "month": "0000-01"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_an_answer_is_kept_until_a_ledger_write_and_shared_by_every_staff_role(
    client, ranked, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    world, _ = ranked
    params = {"metric": "person_times", "month": "2024-03"}
    client.force_login(world.province_officer)
    first = client.get(URL, params).json()
    client.force_login(world.staff_a)  # another role, the same ranking (API.md)
    with django_assert_max_num_queries(3):  # the session, the user, their posts: no ranking read
        assert client.get(URL, params).json() == first
    with django_capture_on_commit_callbacks(execute=True):
        figures(world.palace_b, date(2024, 3, 1), person_times=900)
    rows = client.get(URL, params).json()
    assert (rows[0]["palace"], rows[0]["value"]) == (world.palace_b.pk, 900)
    other = client.get(URL, {**params, "metric": "activities"}).json()  # its own answer
    assert (other[0]["palace"], other[0]["value"]) == (world.palace_a.pk, 5)


def test_the_metrics_offered_are_named_in_each_language():
    from django.utils import translation

    from performance.rankings.measures import rankable

    with translation.override("en"):
        english = rankable()
    with translation.override("zh-hans"):
        chinese = rankable()
    assert [m.code for m in english] == [m.code for m in chinese]
    assert english[0].name != chinese[0].name
    assert rankable() is not rankable()  # each caller its own list
