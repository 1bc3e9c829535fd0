"""`/api/v1/activities/` against API.md ("Staff")."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from activities.models import Activity
from tests.factories import PalaceFactory, SatellitePointFactory

URL = "/api/v1/activities/"
ACTIVITY_FIELDS = {
    "id",
    "palace",
    "title",
    "kind",
    "centre",
    "venue",
    "satellite_point",
    "off_site",
    "date",
    "end_date",
    "participants",
    "online_viewers",
    "likes",
    "partner_kind",
    "partner_name",
    "programme",
    "series",  # issue 12: the brand or programme it belongs to (null for most)
    "created_at",
}


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _body(palace, **extra):
    body = {
        "palace": palace.pk,
        "title": "职工迎春晚会直播",
        "kind": "livestream",
        "centre": "culture",
        "date": "2026-03-04",
        "participants": 120,
        "online_viewers": 5300,
        "likes": 880,
        "partner_kind": "none",
    }
    body.update(extra)
    return body


def _log(palace, *, day=date(2026, 3, 4), kind="lecture", n=1):
    return Activity.objects.bulk_create(
        Activity(palace=palace, title=f"讲座{i}", kind=kind, centre="education", date=day) for i in range(n)
    )


def test_staff_log_an_activity_with_the_documented_body(world):
    response = _client(world.staff_a).post(URL, _body(world.palace_a), format="json")
    assert response.status_code == 201
    data = response.json()
    assert set(data) == ACTIVITY_FIELDS
    assert (data["palace"], data["date"], data["online_viewers"], data["likes"]) == (
        world.palace_a.pk,
        "2026-03-04",
        5300,
        880,
    )
    activity = Activity.objects.get()
    assert (activity.created_by, activity.participants) == (world.staff_a, 120)


def test_a_point_and_a_partner_are_accepted(world):
    point = SatellitePointFactory(palace=world.palace_a)
    body = _body(
        world.palace_a,
        satellite_point=point.pk,
        partner_kind="enterprise",
        partner_name="江铃汽车",
        programme="四季有约",
        end_date="2026-03-06",
    )
    response = _client(world.manager_a).post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["satellite_point"] == point.pk
    assert Activity.objects.get().partner_name == "江铃汽车"


def test_anonymous_gets_401(world):
    assert _client().post(URL, _body(world.palace_a), format="json").status_code == 401
    assert _client().get(URL).status_code == 401
    assert not Activity.objects.exists()


@pytest.mark.parametrize("who", ["staff_b", "city_officer", "worker"])
def test_logging_for_a_palace_not_yours_is_404(world, who):
    response = _client(getattr(world, who)).post(URL, _body(world.palace_a), format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not Activity.objects.exists()


def test_an_unknown_palace_is_404_like_a_foreign_one(world):
    body = {**_body(world.palace_a), "palace": 999999}
    response = _client(world.staff_a).post(URL, body, format="json")
    assert response.status_code == 404
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"centre": "sports"}, "centre"),
        ({"date": "04/03/2026"}, "date"),
        ({"participants": -1}, "participants"),
        ({"likes": "many"}, "likes"),
        ({"partner_kind": "enterprise"}, "partner_name"),
        ({"end_date": "2026-03-01"}, "end_date"),
        ({"title": ""}, "title"),
        ({"venue": 999999}, "venue"),
    ],
)
def test_bad_input_is_400_with_the_field_and_changes_nothing(world, extra, field):
    response = _client(world.staff_a).post(URL, _body(world.palace_a, **extra), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert not Activity.objects.exists()


def test_a_venue_of_another_palace_is_400(world):
    response = _client(world.province_officer).post(
        URL, _body(world.palace_a, venue=world.venue_b.pk), format="json"
    )
    assert response.status_code == 400
    assert "venue" in response.json()["fields"]
    assert not Activity.objects.exists()


def test_list_shows_each_role_its_palaces(world):
    a = _log(world.palace_a)[0]
    b = _log(world.palace_b)[0]

    def ids(user):
        response = _client(user).get(URL)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(world.staff_a) == {a.pk}
    assert ids(world.manager_b) == {b.pk}
    assert ids(world.city_officer) == {a.pk}  # palace A is in city 1; B is not
    assert ids(world.province_officer) == {a.pk, b.pk}
    assert ids(world.worker) == set()


def test_list_items_have_the_documented_keys(world):
    _log(world.palace_a)
    (row,) = _client(world.staff_a).get(URL).json()["results"]
    assert set(row) == ACTIVITY_FIELDS


def test_list_filters_by_palace_month_and_kind(world):
    march = _log(world.palace_a, day=date(2026, 3, 31))[0]
    _log(world.palace_a, day=date(2026, 4, 1))
    _log(world.palace_a, day=date(2026, 2, 28))
    show = _log(world.palace_a, day=date(2026, 3, 1), kind="performance")[0]
    _log(world.palace_b, day=date(2026, 3, 10))
    client = _client(world.province_officer)

    def ids(query):
        response = client.get(URL, query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids({"palace": world.palace_a.pk, "month": "2026-03"}) == {march.pk, show.pk}
    assert ids({"palace": world.palace_a.pk, "month": "2026-03", "kind": "performance"}) == {show.pk}
    assert len(ids({"month": "2026-03"})) == 3


def test_december_runs_to_the_end_of_the_year(world):
    last = _log(world.palace_a, day=date(2026, 12, 31))[0]
    _log(world.palace_a, day=date(2027, 1, 1))
    response = _client(world.staff_a).get(URL, {"month": "2026-12"})
    assert [row["id"] for row in response.json()["results"]] == [last.pk]


@pytest.mark.parametrize("month", ["2026-13", "2026-3", "March", "2026-03-01"])
def test_a_bad_month_is_400(world, month):
    response = _client(world.staff_a).get(URL, {"month": month})
    assert response.status_code == 400
    assert "month" in response.json()["fields"]


@pytest.mark.parametrize(("name", "value"), [("kind", "party"), ("palace", "abc")])
def test_other_bad_filters_are_400(world, name, value):
    response = _client(world.staff_a).get(URL, {name: value})
    assert response.status_code == 400
    assert name in response.json()["fields"]


def test_the_list_is_paginated(world):
    _log(world.palace_a, n=25)
    body = _client(world.staff_a).get(URL).json()
    assert (body["count"], len(body["results"])) == (25, 20)


def test_list_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for _ in range(5):
        _log(PalaceFactory(region=world.city1), n=10)
    _log(world.palace_a, n=30)
    client = _client(world.city_officer)
    with django_assert_max_num_queries(4):
        response = client.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == 80
