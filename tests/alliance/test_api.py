"""`/api/v1/alliance/...`: the roster, growth, rotations, campaigns and tags, hosting calls,
applications, reviews, decisions, subsidies, the public calendar and the province's figures.

Every endpoint against its audience: palace staff act for their own palace only, provincial staff
alone review, decide and grant, hidden objects are 404 (never 403), writes need a sign-in (401).
The two races (grants against one budget, two submissions for one palace) run real threads with
their own database connections: on PostgreSQL they race for the row locks; SQLite's in-memory
test database refuses a second writer at once ("table is locked"), so a racer retries, as a
request would wait.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from hypothesis import given
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from activities.models import Activity
from alliance import services
from alliance.models import (
    Campaign,
    CampaignTag,
    HostingApplication,
    HostingCall,
    Membership,
    Subsidy,
)
from palace_portal.months import MAX_YEAR, MIN_YEAR
from tests.alliance.support import SHANGHAI, after_deadline, apply, court, join, open_call
from tests.factories import PalaceFactory, RegionFactory, VenueFactory
from tests.test_api_contract import _FUZZ
from venues.models import Palace, Region

pytestmark = pytest.mark.django_db

API = "/api/v1/alliance"
MEMBER_FIELDS = {"palace", "name", "city", "level", "joined_on", "founding"}
SUMMARY_KEYS = {
    "members",
    "activities",
    "person_times",
    "online_viewers",
    "events_hosted",
    "by_city",
    "by_month",
}


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _fields(response) -> set[str]:
    """The input fields named in a 400 (the top of a nested path: `criteria.0.max` is `criteria`)."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    return {name.split(".")[0] for name in body["fields"]}


def _refused(response, code: str) -> None:
    assert response.status_code == 409, response.content
    assert response.json()["code"] == code


def _not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"


@pytest.fixture
def wsgi_app():
    # As in tests/test_api_contract.py: the request signals must not close the test's connection.
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def clock(monkeypatch):
    """Move "now" (and so today) for the services and views: `clock(moment)`."""

    def move(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return move


def _logged(palace, day, participants=100, viewers=0, n=1):
    return Activity.objects.bulk_create(
        Activity(
            palace=palace,
            title=f"送福进万家{i}",
            kind="performance",
            centre="culture",
            date=day,
            participants=participants,
            online_viewers=viewers,
        )
        for i in range(n)
    )


def _campaign(world, **values) -> Campaign:
    values.setdefault("title", "点亮万家灯火，情暖赣鄱职工")
    values.setdefault("starts_on", date(2024, 1, 1))
    values.setdefault("ends_on", date(2024, 2, 29))
    values.setdefault("organiser", world.palace_a)
    values.setdefault("participants", [world.palace_a])
    return services.campaign_save(actor=world.province_officer, **values)


def _reviewed(world, call, application, clock):
    clock(after_deadline(call))
    services.application_review(
        actor=world.province_officer, application=application, scores=[30, 20], now=after_deadline(call)
    )
    return application


def _approved_row(call, palace, venue, **values) -> HostingApplication:
    """An approved application written directly (no rules): for grants, the calendar, figures."""
    values.setdefault("event_date", call.starts_on)
    values.setdefault("event_title", f"{call.title}（{palace.name}）")
    return HostingApplication.objects.create(
        call=call,
        palace=palace,
        plan="方案",
        venue=venue,
        capacity=200,
        support="志愿者",
        requested_subsidy=Decimal("10000"),
        status=HostingApplication.Status.APPROVED,
        **values,
    )


def _queries(client, url) -> int:
    client.get(url)  # warm up: the caller's staff roles are loaded once per user object
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def _palaces(n: int, region: Region, **kwargs) -> list[Palace]:
    return [PalaceFactory(region=region, level=region.level, **kwargs) for _ in range(n)]


# --- Roster and growth ------------------------------------------------------------------------------------


def test_the_roster_of_a_date_is_public_with_the_documented_fields(world):
    join(world, world.palace_a)
    join(world, world.palace_b, on=date(2024, 3, 1))
    services.membership_leave(
        actor=world.province_officer, palace=world.palace_b, left_on=date(2025, 6, 30), reason="机构调整"
    )

    early = _client().get(f"{API}/members/", {"date": "2024-01-01"}).json()
    assert early["count"] == 1
    item = early["results"][0]
    assert set(item) == MEMBER_FIELDS
    assert item["palace"] == world.palace_a.pk
    assert item["city"] == {"id": world.city1.pk, "code": "360100", "name": "南昌市"}
    assert (item["level"], item["joined_on"], item["founding"]) == ("city", "2022-12-20", False)

    middle = _client().get(f"{API}/members/", {"date": "2024-06-01"}).json()
    assert [m["palace"] for m in middle["results"]] == [world.palace_a.pk, world.palace_b.pk]
    assert middle["results"][1]["city"]["code"] == "360400"  # a county's palace: its city
    today = _client().get(f"{API}/members/").json()
    assert [m["palace"] for m in today["results"]] == [world.palace_a.pk]


def test_the_roster_filters_by_city_id_or_code_and_level(world):
    join(world, world.palace_a, world.palace_b)

    def palaces(**params):
        return [m["palace"] for m in _client().get(f"{API}/members/", params).json()["results"]]

    assert palaces(city="360400") == [world.palace_b.pk]
    assert palaces(city=str(world.city1.pk)) == [world.palace_a.pk]
    assert palaces(level="county") == [world.palace_b.pk]
    assert palaces(city="") == [world.palace_a.pk, world.palace_b.pk]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"date": "2024-13-01"}, {"date"}),
        ({"date": "01/03/2024"}, {"date"}),
        ({"city": "南昌"}, {"city"}),
        ({"level": "province", "city": "x"}, {"level", "city"}),
        ({"page_size": "0"}, {"page_size"}),
    ],
)
def test_bad_roster_filters_are_400_with_fields(world, params, fields):
    assert _fields(_client().get(f"{API}/members/", params)) == fields


def test_growth_counts_members_at_year_ends_and_month_ends(world):
    join(world, world.palace_a)
    join(world, world.palace_b, on=date(2024, 3, 1))

    years = _client().get(f"{API}/growth/").json()
    assert years["year"] is None
    assert years["points"][:3] == [
        {"date": "2022-12-31", "members": 1},
        {"date": "2023-12-31", "members": 1},
        {"date": "2024-12-31", "members": 2},
    ]
    assert years["points"][-1]["date"] == timezone.localdate().isoformat()

    months = _client().get(f"{API}/growth/", {"year": 2024}).json()
    assert [p["date"] for p in months["points"]][:3] == ["2024-01-31", "2024-02-29", "2024-03-31"]
    assert [p["members"] for p in months["points"]] == [1, 1] + [2] * 10


def test_growth_refuses_a_bad_or_future_year(world):
    assert _fields(_client().get(f"{API}/growth/", {"year": "abc"})) == {"year"}
    future = timezone.localdate().year + 1
    assert _fields(_client().get(f"{API}/growth/", {"year": future})) == {"year"}


def test_the_roster_list_query_count_does_not_grow(world):
    join(world, world.palace_a, world.palace_b)
    client = _client()
    few = _queries(client, f"{API}/members/")
    Membership.objects.bulk_create(
        Membership(palace=p, joined_on=date(2023, 5, 1)) for p in _palaces(15, world.county1)
    )
    assert _queries(client, f"{API}/members/") == few


# --- Rotations ----------------------------------------------------------------------------------------------


def test_rotations_are_public_and_flag_the_current_and_next_terms(world):
    join(world, world.palace_a, world.palace_b)
    today = timezone.localdate()

    def term(name, first, last, leads):
        return services.rotation_save(
            actor=world.province_officer,
            name=name,
            starts_on=first,
            ends_on=last,
            leads=leads,
            duties="组织系列活动",
        )

    past = term("往届", date(2023, 1, 1), date(2023, 6, 30), [world.palace_a])
    current = term(
        "本届", today - timedelta(days=10), today + timedelta(days=10), [world.palace_a, world.palace_b]
    )
    upcoming = term("下届", today + timedelta(days=11), today + timedelta(days=100), [world.palace_b])

    body = _client().get(f"{API}/rotations/").json()
    flags = {r["id"]: (r["current"], r["next"]) for r in body["results"]}
    assert flags == {past.pk: (False, False), current.pk: (True, False), upcoming.pk: (False, True)}
    now = next(r for r in body["results"] if r["current"])
    assert {lead["id"] for lead in now["leads"]} == {world.palace_a.pk, world.palace_b.pk}
    assert now["duties"] == "组织系列活动"
    assert _client().get(f"{API}/rotations/{current.pk}/").json()["current"] is True
    _not_found(_client().get(f"{API}/rotations/999999/"))


def test_the_rotation_list_query_count_does_not_grow(world):
    join(world, world.palace_a)
    client = _client()
    services.rotation_save(
        actor=world.province_officer, name="一", starts_on=date(2023, 1, 1), ends_on=date(2023, 1, 31),
        leads=[world.palace_a],
    )  # fmt: skip
    few = _queries(client, f"{API}/rotations/")
    for month in range(2, 12):
        services.rotation_save(
            actor=world.province_officer, name=f"{month}", starts_on=date(2023, month, 1),
            ends_on=date(2023, month, 28), leads=[world.palace_a],
        )  # fmt: skip
    assert _queries(client, f"{API}/rotations/") == few


# --- Campaigns and tags -----------------------------------------------------------------------------------


def test_campaigns_are_public_with_totals_from_the_tagged_rows(world):
    join(world, world.palace_a, world.palace_b)
    drive = _campaign(world, participants=[world.palace_a, world.palace_b])
    (row,) = _logged(world.palace_a, date(2024, 1, 20), participants=120, viewers=5000)
    services.campaign_tag(actor=world.staff_a, campaign=drive, activity=row)

    listing = _client().get(f"{API}/campaigns/").json()
    assert listing["count"] == 1
    assert listing["results"][0]["participant_count"] == 2
    assert listing["results"][0]["organiser"] == {"id": world.palace_a.pk, "name": world.palace_a.name}
    detail = _client().get(f"{API}/campaigns/{drive.pk}/").json()
    assert {p["id"] for p in detail["participants"]} == {world.palace_a.pk, world.palace_b.pk}
    assert detail["totals"] == {
        "activities": 1,
        "person_times": 120,
        "online_viewers": 5000,
        "courses": 0,
        "events": 0,
    }
    assert _client().get(f"{API}/campaigns/", {"palace": world.palace_b.pk}).json()["count"] == 1
    assert _client().get(f"{API}/campaigns/", {"rotation": 999}).json()["count"] == 0
    _not_found(_client().get(f"{API}/campaigns/999999/"))
    _not_found(_client().get(f"{API}/campaigns/1.5/"))


def test_palace_staff_tag_their_own_rows_and_see_only_their_tags(world):
    join(world, world.palace_a, world.palace_b)
    drive = _campaign(world, participants=[world.palace_a, world.palace_b])
    (mine,) = _logged(world.palace_a, date(2024, 1, 20))
    (theirs,) = _logged(world.palace_b, date(2024, 1, 21))
    url = f"{API}/campaigns/{drive.pk}/tags/"

    response = _client(world.staff_a).post(url, {"activity": mine.pk}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["activity"] == mine.pk
    assert response.json()["title"] == mine.title
    _not_found(_client(world.staff_a).post(url, {"activity": theirs.pk}, format="json"))
    _not_found(_client(world.staff_a).post(url, {"activity": 999999}, format="json"))
    _not_found(_client(world.province_officer).post(url, {"activity": theirs.pk}, format="json"))
    assert _client().post(url, {"activity": mine.pk}, format="json").status_code == 401
    _client(world.staff_b).post(url, {"activity": theirs.pk}, format="json")

    def tagged(user):
        return {t["activity"] for t in _client(user).get(url).json()["results"]}

    assert tagged(world.staff_a) == {mine.pk}
    assert tagged(world.staff_b) == {theirs.pk}
    assert tagged(world.city_officer) == {mine.pk}  # city 1's palaces
    assert tagged(world.province_officer) == {mine.pk, theirs.pk}
    assert tagged(world.worker) == set()
    assert _client().get(url).status_code == 401


@pytest.mark.parametrize("body", [{}, {"activity": 1, "event": 2}, {"course": "x"}, {"activity": 0}])
def test_a_tag_names_exactly_one_row(world, body):
    join(world, world.palace_a)
    drive = _campaign(world)
    response = _client(world.staff_a).post(f"{API}/campaigns/{drive.pk}/tags/", body, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]
    assert not CampaignTag.objects.exists()


def test_tagging_refusals_have_their_codes(world):
    join(world, world.palace_a, world.palace_b)
    drive = _campaign(world)  # palace A only
    url = f"{API}/campaigns/{drive.pk}/tags/"
    (row,) = _logged(world.palace_a, date(2024, 1, 20))
    (late,) = _logged(world.palace_a, date(2024, 5, 1))
    (outsider,) = _logged(world.palace_b, date(2024, 1, 9))

    assert _client(world.staff_a).post(url, {"activity": row.pk}, format="json").status_code == 201
    _refused(_client(world.staff_a).post(url, {"activity": row.pk}, format="json"), "already_tagged")
    _refused(_client(world.staff_a).post(url, {"activity": late.pk}, format="json"), "outside_campaign")
    _refused(_client(world.staff_b).post(url, {"activity": outsider.pk}, format="json"), "not_taking_part")
    _not_found(
        _client(world.staff_a).post(f"{API}/campaigns/999999/tags/", {"activity": row.pk}, format="json")
    )


def test_a_tag_is_removed_by_its_palace_or_the_province_only(world):
    join(world, world.palace_a)
    drive = _campaign(world)
    (row,) = _logged(world.palace_a, date(2024, 1, 20))
    tag = services.campaign_tag(actor=world.staff_a, campaign=drive, activity=row)
    url = f"{API}/campaigns/{drive.pk}/tags/{tag.pk}/"

    assert _client().delete(url).status_code == 401
    for outsider in (world.staff_b, world.city_officer, world.worker):
        _not_found(_client(outsider).delete(url))
    other = _campaign(world, title="另一个")
    _not_found(_client(world.staff_a).delete(f"{API}/campaigns/{other.pk}/tags/{tag.pk}/"))
    _not_found(_client(world.staff_a).delete(f"{API}/campaigns/{drive.pk}/tags/x/"))
    assert CampaignTag.objects.count() == 1
    assert _client(world.manager_a).delete(url).status_code == 204
    assert not CampaignTag.objects.exists()
    _not_found(_client(world.staff_a).delete(url))


def test_the_campaign_and_tag_lists_query_counts_do_not_grow(world):
    join(world, world.palace_a)
    drive = _campaign(world)
    client, staff = _client(), _client(world.staff_a)
    tags = f"{API}/campaigns/{drive.pk}/tags/"
    rows = _logged(world.palace_a, date(2024, 1, 20), n=12)
    services.campaign_tag(actor=world.staff_a, campaign=drive, activity=rows[0])
    few = (_queries(client, f"{API}/campaigns/"), _queries(staff, tags))
    for i in range(10):
        _campaign(world, title=f"系列{i}")
    for row in rows[1:]:
        services.campaign_tag(actor=world.staff_a, campaign=drive, activity=row)
    assert (_queries(client, f"{API}/campaigns/"), _queries(staff, tags)) == few


# --- Hosting calls ------------------------------------------------------------------------------------------


def _call_body(**values):
    today = timezone.localdate()
    body = {
        "title": "全省职工演讲比赛承办",
        "event_kind": "competition",
        "description": "面向全省职工",
        "starts_on": (today + timedelta(days=60)).isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
        "deadline": f"{(today + timedelta(days=30)).isoformat()}T17:00:00+08:00",
        "budget": "200000",
        "eligibility": {"levels": ["city", "county"], "in_service": True, "member": True},
        "criteria": [{"name": "活动方案", "max": 40}, {"name": "场地条件", "max": 30}],
    }
    body.update(values)
    return body


def _three_calls(world):
    open_one = open_call(world)
    closed = services.call_close(actor=world.province_officer, call=open_call(world, title="已截止"))
    draft = services.call_save(actor=world.province_officer, **_call_values(world))
    return open_one, closed, draft


def _call_values(world):
    today = timezone.localdate()
    return {
        "title": "草稿",
        "event_kind": "lecture",
        "starts_on": today + timedelta(days=60),
        "ends_on": today + timedelta(days=61),
        "deadline": datetime.combine(today + timedelta(days=30), datetime.min.time(), SHANGHAI),
        "budget": "1000",
        "criteria": [{"name": "方案", "max": 10}],
    }


@pytest.mark.parametrize(
    ("who", "statuses"),
    [
        ("province_officer", {"draft", "open", "closed"}),
        ("city_officer", {"open", "closed"}),
        ("staff_a", {"open", "closed"}),
        ("manager_b", {"open", "closed"}),
        ("worker", set()),
    ],
)
def test_calls_are_listed_for_staff_and_drafts_for_the_province_only(world, who, statuses):
    _three_calls(world)
    body = _client(getattr(world, who)).get(f"{API}/calls/").json()
    assert {c["status"] for c in body["results"]} == statuses
    assert body["count"] == len(statuses)


def test_calls_need_a_sign_in(world):
    call, _closed, _draft = _three_calls(world)
    assert _client().get(f"{API}/calls/").status_code == 401
    assert _client().get(f"{API}/calls/{call.pk}/").status_code == 401
    assert _client().post(f"{API}/calls/", _call_body(), format="json").status_code == 401


def test_a_call_tells_palace_staff_whether_each_of_their_palaces_may_apply(world):
    join(world, world.palace_a)  # B is not a member
    call = open_call(world)
    application = apply(world, call)

    mine = _client(world.staff_a).get(f"{API}/calls/{call.pk}/").json()
    assert mine["my_palaces"] == [
        {
            "palace": world.palace_a.pk,
            "name": world.palace_a.name,
            "eligible": True,
            "reasons": [],
            "application": application.pk,
        }
    ]
    assert mine["budget_used"] is None
    assert mine["criteria"] == [{"name": "活动方案", "max": 40}, {"name": "场地条件", "max": 30}]
    assert mine["eligibility"]["member"] is True
    theirs = _client(world.staff_b).get(f"{API}/calls/{call.pk}/").json()["my_palaces"]
    assert theirs[0]["eligible"] is False
    assert theirs[0]["reasons"]
    province = _client(world.province_officer).get(f"{API}/calls/{call.pk}/").json()
    assert province["my_palaces"] == []
    assert province["budget_used"] == {"granted": "0.00", "paid": "0.00", "left": "100000.00"}


def test_a_draft_is_hidden_from_everyone_but_the_province(world):
    _open, _closed, draft = _three_calls(world)
    for who in (world.staff_a, world.city_officer, world.worker):
        _not_found(_client(who).get(f"{API}/calls/{draft.pk}/"))
        _not_found(_client(who).post(f"{API}/calls/{draft.pk}/open/"))
    assert _client(world.province_officer).get(f"{API}/calls/{draft.pk}/").json()["status"] == "draft"
    _not_found(_client(world.staff_a).get(f"{API}/calls/abc/"))


def test_provincial_staff_create_change_open_and_close_a_call(world):
    join(world, world.palace_a)
    province = _client(world.province_officer)

    response = province.post(f"{API}/calls/", _call_body(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["budget"]) == ("draft", "200000.00")
    url = f"{API}/calls/{created['id']}/"
    changed = province.put(url, _call_body(title="全省职工演讲比赛（决赛）承办"), format="json")
    assert changed.json()["title"] == "全省职工演讲比赛（决赛）承办"
    assert province.post(f"{url}open/").json()["status"] == "open"
    call = HostingCall.objects.get()
    apply(world, call, event_date=call.starts_on)
    locked = province.put(url, _call_body(eligibility={"levels": ["city"]}), format="json")
    _refused(locked, "call_locked")
    assert province.post(f"{url}close/").json()["status"] == "closed"


@pytest.mark.parametrize("who", ["staff_a", "manager_a", "city_officer", "worker"])
def test_only_provincial_staff_write_calls(world, who):
    join(world, world.palace_a)
    call = open_call(world)
    client = _client(getattr(world, who))
    _not_found(client.post(f"{API}/calls/", _call_body(), format="json"))
    _not_found(client.put(f"{API}/calls/{call.pk}/", _call_body(), format="json"))
    _not_found(client.post(f"{API}/calls/{call.pk}/close/"))
    assert HostingCall.objects.get().status == "open"
    assert HostingCall.objects.count() == 1


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"title": ""}, {"title"}),
        ({"event_kind": "party"}, {"event_kind"}),
        ({"deadline": "2026-01-01T17:00:00"}, {"deadline"}),  # no offset
        ({"budget": "-1"}, {"budget"}),
        ({"criteria": []}, {"criteria"}),
        ({"criteria": [{"name": "方案", "max": 500}]}, {"criteria"}),
        ({"eligibility": {"levels": ["province"]}}, {"eligibility"}),
        ({"campaign": 999999}, {"campaign"}),
        ({"starts_on": "2030-02-01", "ends_on": "2030-01-01"}, {"ends_on"}),  # the service's check
        ({"deadline": "2099-01-01T17:00:00+08:00"}, {"deadline"}),  # after the window opens
    ],
)
def test_a_bad_call_is_400_with_fields_and_nothing_is_saved(world, values, fields):
    response = _client(world.province_officer).post(f"{API}/calls/", _call_body(**values), format="json")
    assert fields <= _fields(response)
    assert not HostingCall.objects.exists()


def test_a_call_past_its_deadline_cannot_open(world):
    values = _call_values(world)
    values["deadline"] = timezone.now() - timedelta(hours=1)
    draft = services.call_save(actor=world.province_officer, **values)
    _refused(_client(world.province_officer).post(f"{API}/calls/{draft.pk}/open/"), "deadline_passed")


def test_the_call_list_query_count_does_not_grow(world):
    client = _client(world.staff_a)
    open_call(world)
    few = _queries(client, f"{API}/calls/")
    for i in range(10):
        open_call(world, title=f"承办{i}")
    assert _queries(client, f"{API}/calls/") == few


# --- Applications -------------------------------------------------------------------------------------------


def _application_body(world, call, palace=None, **values):
    palace = palace or world.palace_a
    body = {
        "palace": palace.pk,
        "plan": "三天赛程，16支队伍",
        "venue": court(palace).pk,
        "capacity": 300,
        "support": "志愿者30人，医疗点一处",
        "requested_subsidy": "40000",
        "event_date": (call.starts_on + timedelta(days=10)).isoformat(),
    }
    body.update(values)
    return body


def test_palace_staff_apply_once_for_their_palace(world):
    join(world, world.palace_a)
    call = open_call(world)
    url = f"{API}/calls/{call.pk}/applications/"

    response = _client(world.staff_a).post(url, _application_body(world, call), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["palace"]["id"], body["requested_subsidy"]) == (
        "submitted",
        world.palace_a.pk,
        "40000.00",
    )
    assert (body["review_count"], body["average_score"], body["subsidy"]) == (None, None, None)
    again = _client(world.manager_a).post(url, _application_body(world, call), format="json")
    _refused(again, "already_applied")
    assert HostingApplication.objects.count() == 1


def test_applying_for_a_palace_not_yours_is_404(world):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world)
    url = f"{API}/calls/{call.pk}/applications/"
    for who in (world.staff_b, world.city_officer, world.province_officer, world.worker):
        _not_found(_client(who).post(url, _application_body(world, call), format="json"))
    unknown = _application_body(world, call, palace=world.palace_a)
    unknown["palace"] = 999999
    _not_found(_client(world.staff_a).post(url, unknown, format="json"))
    assert _client().post(url, _application_body(world, call), format="json").status_code == 401
    assert not HostingApplication.objects.exists()


def test_an_ineligible_palace_is_refused_with_its_reasons(world):
    join(world, world.palace_a)  # B is not a member
    call = open_call(world)
    response = _client(world.staff_b).post(
        f"{API}/calls/{call.pk}/applications/", _application_body(world, call, world.palace_b), format="json"
    )
    _refused(response, "not_eligible")
    assert response.json()["detail"]


def test_a_closed_call_or_a_passed_deadline_refuse_applications(world, clock):
    join(world, world.palace_a)
    closed = services.call_close(actor=world.province_officer, call=open_call(world))
    _refused(
        _client(world.staff_a).post(
            f"{API}/calls/{closed.pk}/applications/", _application_body(world, closed), format="json"
        ),
        "call_not_open",
    )
    call = open_call(world, title="另一个")
    clock(after_deadline(call))
    _refused(
        _client(world.staff_a).post(
            f"{API}/calls/{call.pk}/applications/", _application_body(world, call), format="json"
        ),
        "deadline_passed",
    )
    assert not HostingApplication.objects.exists()


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"plan": ""}, {"plan"}),
        ({"capacity": 0}, {"capacity"}),
        ({"capacity": "many"}, {"capacity"}),
        ({"requested_subsidy": "-5"}, {"requested_subsidy"}),
        ({"requested_subsidy": "999999"}, {"requested_subsidy"}),  # more than the whole budget
        ({"event_date": "2020-01-01"}, {"event_date"}),  # outside the window
        ({"venue": 999999}, {"venue"}),
        ({"palace": "A"}, {"palace"}),
    ],
)
def test_a_bad_application_is_400_with_fields(world, values, fields):
    join(world, world.palace_a)
    call = open_call(world)
    body = {**_application_body(world, call), **values}
    response = _client(world.staff_a).post(f"{API}/calls/{call.pk}/applications/", body, format="json")
    assert _fields(response) == fields
    assert not HostingApplication.objects.exists()


def test_a_venue_of_another_palace_is_bad_input(world):
    join(world, world.palace_a)
    call = open_call(world)
    body = _application_body(world, call, venue=world.venue_b.pk)
    response = _client(world.staff_a).post(f"{API}/calls/{call.pk}/applications/", body, format="json")
    assert _fields(response) == {"venue"}


@pytest.mark.parametrize(
    ("who", "palaces", "scores_shown"),
    [
        ("staff_a", {"a"}, False),
        ("staff_b", {"b"}, False),
        ("city_officer", {"a"}, True),
        ("province_officer", {"a", "b"}, True),
        ("worker", set(), False),
    ],
)
def test_applications_are_listed_for_the_palaces_the_caller_may_read(world, who, palaces, scores_shown):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world)
    apply(world, call)
    apply(world, call, palace=world.palace_b)
    ids = {"a": world.palace_a.pk, "b": world.palace_b.pk}

    body = _client(getattr(world, who)).get(f"{API}/applications/").json()
    assert {a["palace"]["id"] for a in body["results"]} == {ids[p] for p in palaces}
    for item in body["results"]:
        assert (item["review_count"] is not None) is scores_shown


def test_an_application_of_another_palace_is_404(world):
    join(world, world.palace_a)
    application = apply(world, open_call(world))
    url = f"{API}/applications/{application.pk}/"
    assert _client(world.staff_a).get(url).status_code == 200
    for who in (world.staff_b, world.worker):
        _not_found(_client(who).get(url))
    assert _client().get(url).status_code == 401


def test_a_city_officer_reads_an_application_of_their_own_city_only(world, clock):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world)
    own, elsewhere = apply(world, call), apply(world, call, palace=world.palace_b)
    clock(after_deadline(call))
    for application in (own, elsewhere):
        services.application_review(actor=world.province_officer, application=application, scores=[30, 20])
    officer = _client(world.city_officer)  # city 1: palace A, not palace B (city 2)

    _not_found(officer.get(f"{API}/applications/{elsewhere.pk}/"))
    body = officer.get(f"{API}/applications/{own.pk}/").json()
    assert (body["palace"]["id"], body["review_count"], body["average_score"]) == (
        world.palace_a.pk,
        1,
        "50.00",
    )
    # Read only: a review from a city officer names nothing.
    _not_found(officer.post(f"{API}/applications/{own.pk}/reviews/", {"scores": [1, 1]}, format="json"))


def test_applications_filter_by_call_status_and_palace(world):
    join(world, world.palace_a, world.palace_b)
    first, second = open_call(world), open_call(world, title="第二个")
    apply(world, first)
    withdrawn = apply(world, second)
    services.application_withdraw(actor=world.staff_a, application=withdrawn)
    apply(world, second, palace=world.palace_b)
    province = _client(world.province_officer)

    def ids(**params):
        return {a["id"] for a in province.get(f"{API}/applications/", params).json()["results"]}

    assert len(ids(call=second.pk)) == 2
    assert ids(status="withdrawn") == {withdrawn.pk}
    assert len(ids(palace=world.palace_b.pk)) == 1
    assert _fields(province.get(f"{API}/applications/", {"status": "lost", "call": "x"})) == {
        "status",
        "call",
    }


def test_palace_staff_withdraw_before_the_deadline_only(world, clock):
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    url = f"{API}/applications/{application.pk}/withdraw/"

    for who in (world.staff_b, world.city_officer, world.province_officer):
        _not_found(_client(who).post(url))
    assert _client().post(url).status_code == 401
    assert _client(world.staff_a).post(url).json()["status"] == "withdrawn"
    _refused(_client(world.staff_a).post(url), "not_withdrawable")

    again = apply(world, call)  # a withdrawn application may be submitted again
    clock(after_deadline(call))
    _refused(_client(world.staff_a).post(f"{API}/applications/{again.pk}/withdraw/"), "deadline_passed")


def test_the_application_list_query_count_does_not_grow(world):
    join(world, world.palace_a)
    call = open_call(world)
    apply(world, call)
    client = _client(world.province_officer)
    few = _queries(client, f"{API}/applications/")
    for i in range(10):
        other = open_call(world, title=f"承办{i}")
        application = apply(world, other)
        HostingApplication.objects.filter(pk=application.pk).update(status="approved")
        Subsidy.objects.create(
            application=application, call=other, palace=world.palace_a, year=2026, granted=Decimal(1000)
        )
    assert _queries(client, f"{API}/applications/") == few


# --- Reviews and decisions ----------------------------------------------------------------------------------


def test_only_provincial_staff_review_after_the_deadline(world, clock):
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    url = f"{API}/applications/{application.pk}/reviews/"
    body = {"scores": [32, 25.5], "comment": "方案完整"}

    _refused(_client(world.province_officer).post(url, body, format="json"), "deadline_not_passed")
    clock(after_deadline(call))
    for who in (world.staff_a, world.manager_a, world.city_officer, world.worker):
        _not_found(_client(who).post(url, body, format="json"))
    assert _client().post(url, body, format="json").status_code == 401
    response = _client(world.province_officer).post(url, body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["total"], response.json()["scores"]) == ("57.50", [32.0, 25.5])
    listed = _client(world.province_officer).get(f"{API}/applications/{application.pk}/").json()
    assert (listed["review_count"], listed["average_score"]) == (1, "57.50")
    assert _client(world.staff_a).get(f"{API}/applications/{application.pk}/").json()["average_score"] is None


@pytest.mark.parametrize(
    "scores",
    [[30], [30, 20, 10], [41, 20], [-1, 20], ["a", 20], [], "30,20"],
)
def test_bad_scores_are_400_with_fields(world, clock, scores):
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    clock(after_deadline(call))
    response = _client(world.province_officer).post(
        f"{API}/applications/{application.pk}/reviews/", {"scores": scores}, format="json"
    )
    assert _fields(response) == {"scores"}
    assert not application.reviews.exists()


def test_a_decision_needs_a_review_and_a_reason_to_decline_and_is_final(world, clock):
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    clock(after_deadline(call))
    url = f"{API}/applications/{application.pk}/decide/"
    province = _client(world.province_officer)

    _refused(province.post(url, {"approve": True}, format="json"), "not_reviewed")
    _reviewed(world, call, application, clock)
    assert _fields(province.post(url, {"approve": False}, format="json")) == {"reason"}
    assert _fields(province.post(url, {"approve": "maybe"}, format="json")) == {"approve"}
    for who in (world.staff_a, world.city_officer):
        _not_found(_client(who).post(url, {"approve": True}, format="json"))
    decided = province.post(
        url, {"approve": True, "event_title": "全省职工篮球友谊赛（南昌站）"}, format="json"
    )
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["event_title"]) == (
        "approved",
        "全省职工篮球友谊赛（南昌站）",
    )
    _refused(province.post(url, {"approve": False, "reason": "重复"}, format="json"), "already_decided")


# --- Subsidies ----------------------------------------------------------------------------------------------


def _approved_pair(world, budget="100000"):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world, budget=budget)
    first = _approved_row(call, world.palace_a, court(world.palace_a))
    second = _approved_row(call, world.palace_b, court(world.palace_b))
    return call, first, second


def test_grants_never_exceed_the_budget_and_only_the_province_grants(world):
    _call, first, second = _approved_pair(world)
    province = _client(world.province_officer)

    for who in (world.staff_a, world.city_officer, world.worker):
        _not_found(
            _client(who).post(f"{API}/applications/{first.pk}/subsidy/", {"amount": "1"}, format="json")
        )
    granted = province.post(f"{API}/applications/{first.pk}/subsidy/", {"amount": "70000"}, format="json")
    assert granted.status_code == 200, granted.content
    assert (granted.json()["granted"], granted.json()["palace"]["id"]) == ("70000.00", world.palace_a.pk)
    over = province.post(f"{API}/applications/{second.pk}/subsidy/", {"amount": "30000.01"}, format="json")
    _refused(over, "over_budget")
    assert (
        province.post(
            f"{API}/applications/{second.pk}/subsidy/", {"amount": "30000"}, format="json"
        ).status_code
        == 200
    )
    assert _fields(
        province.post(f"{API}/applications/{second.pk}/subsidy/", {"amount": "-1"}, format="json")
    ) == {"amount"}
    assert sum(s.granted for s in Subsidy.objects.all()) == Decimal("100000")


def test_an_application_not_approved_gets_no_subsidy(world):
    join(world, world.palace_a)
    application = apply(world, open_call(world))
    response = _client(world.province_officer).post(
        f"{API}/applications/{application.pk}/subsidy/", {"amount": "100"}, format="json"
    )
    _refused(response, "not_approved")


def test_payments_never_exceed_the_grant_and_only_the_province_pays(world):
    _call, first, _second = _approved_pair(world)
    subsidy = services.subsidy_grant(actor=world.province_officer, application=first, amount="20000")
    url = f"{API}/subsidies/{subsidy.pk}/payments/"
    province = _client(world.province_officer)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    _not_found(_client(world.staff_a).post(url, {"amount": "100", "paid_on": yesterday}, format="json"))
    _not_found(_client(world.staff_b).post(url, {"amount": "100", "paid_on": yesterday}, format="json"))
    paid = province.post(url, {"amount": "15000", "paid_on": yesterday}, format="json")
    assert (paid.json()["paid"], paid.json()["paid_on"]) == ("15000.00", yesterday)
    _refused(province.post(url, {"amount": "5000.01", "paid_on": yesterday}, format="json"), "over_granted")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _fields(province.post(url, {"amount": "1", "paid_on": tomorrow}, format="json")) == {"paid_on"}
    assert _fields(province.post(url, {"amount": "0", "paid_on": yesterday}, format="json")) == {"amount"}
    assert Subsidy.objects.get().paid == Decimal("15000")


def test_subsidies_are_listed_for_the_palaces_the_caller_may_read(world):
    _call, first, second = _approved_pair(world)
    for application in (first, second):
        services.subsidy_grant(actor=world.province_officer, application=application, amount="100")

    def palaces(user, **params):
        return {s["palace"]["id"] for s in _client(user).get(f"{API}/subsidies/", params).json()["results"]}

    assert palaces(world.staff_a) == {world.palace_a.pk}
    assert palaces(world.city_officer) == {world.palace_a.pk}
    assert palaces(world.province_officer) == {world.palace_a.pk, world.palace_b.pk}
    assert palaces(world.province_officer, palace=world.palace_b.pk) == {world.palace_b.pk}
    assert palaces(world.province_officer, year=1999 + 100) == set()
    assert palaces(world.worker) == set()
    assert _fields(_client(world.province_officer).get(f"{API}/subsidies/", {"year": "2024.5"})) == {"year"}


# --- The public calendar ------------------------------------------------------------------------------------


def test_the_calendar_lists_approved_events_with_their_hosts_publicly(world):
    call, first, second = _approved_pair(world)
    HostingApplication.objects.filter(pk=second.pk).update(event_date=call.starts_on + timedelta(days=5))
    _approved_row(open_call(world, title="往年"), world.palace_a, world.venue_a, event_date=date(2024, 5, 1))
    apply(world, open_call(world, title="未批"))  # submitted: not on the calendar

    upcoming = _client().get(f"{API}/calendar/").json()
    assert [e["id"] for e in upcoming["results"]] == [first.pk, second.pk]
    item = upcoming["results"][0]
    assert item["host"] == {
        "id": world.palace_a.pk,
        "name": world.palace_a.name,
        "city": {"id": world.city1.pk, "code": "360100", "name": "南昌市"},
    }
    assert (item["title"], item["date"], item["kind"]) == (
        first.event_title,
        call.starts_on.isoformat(),
        "competition",
    )
    past = _client().get(f"{API}/calendar/", {"from": "2024-01-01", "to": "2024-12-31"}).json()
    assert past["count"] == 1
    assert [e["id"] for e in _client().get(f"{API}/calendar/", {"city": "360400"}).json()["results"]] == [
        second.pk
    ]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"from": "2024-02-01", "to": "2024-01-01"}, {"to"}),
        ({"from": "soon"}, {"from"}),
        ({"city": "x"}, {"city"}),
    ],
)
def test_bad_calendar_filters_are_400(world, params, fields):
    assert _fields(_client().get(f"{API}/calendar/", params)) == fields


def test_the_calendar_query_count_does_not_grow(world):
    call, _first, _second = _approved_pair(world)
    client = _client()
    few = _queries(client, f"{API}/calendar/")
    for i in range(10):
        palace = PalaceFactory(region=world.county1)
        _approved_row(
            call, palace, VenueFactory(palace=palace), event_date=call.starts_on + timedelta(days=i)
        )
    assert _queries(client, f"{API}/calendar/") == few


# --- The province's figures ---------------------------------------------------------------------------------


def _figures_world(world):
    """2024: A (city 1) and B (city 2) members, C (city 1's county) not; activities of all three
    in 2024 and one in 2023; one approved provincial event in 2024 and one in 2025."""
    join(world, world.palace_a)
    join(world, world.palace_b, on=date(2024, 3, 1))
    palace_c = PalaceFactory(name="南昌县工人文化宫", region=world.county1)
    _logged(world.palace_a, date(2024, 1, 15), participants=100, viewers=1000, n=2)
    _logged(world.palace_b, date(2024, 3, 2), participants=50, n=3)
    _logged(palace_c, date(2024, 12, 31), participants=7, viewers=5)
    _logged(world.palace_a, date(2023, 12, 31), participants=999, viewers=999)
    call = HostingCall.objects.create(
        title="全省职工篮球友谊赛",
        event_kind="competition",
        starts_on=date(2024, 1, 1),
        ends_on=date(2025, 12, 31),
        deadline=datetime(2023, 12, 1, tzinfo=SHANGHAI),
        budget=Decimal(100000),
        status="closed",
    )
    _approved_row(call, world.palace_b, world.venue_b, event_date=date(2024, 6, 1))
    _approved_row(call, world.palace_a, world.venue_a, event_date=date(2025, 6, 1))
    return palace_c


def test_the_summary_sums_the_years_rows_for_the_province(world):
    _figures_world(world)

    body = _client(world.province_officer).get(f"{API}/summary/", {"year": 2024}).json()

    assert set(body) == SUMMARY_KEYS
    assert (body["members"], body["activities"], body["person_times"], body["online_viewers"]) == (
        2,
        6,  # every palace's, the non-member C too
        2 * 100 + 3 * 50 + 7,
        2 * 1000 + 5,
    )
    assert body["events_hosted"] == 1
    by_city = {c["city"]["code"]: c for c in body["by_city"]}
    assert set(by_city) == {"360100", "360400"}
    assert {k: by_city["360100"][k] for k in ("members", "activities", "person_times")} == {
        "members": 1,
        "activities": 3,
        "person_times": 207,
    }
    assert {k: by_city["360400"][k] for k in ("members", "activities", "person_times")} == {
        "members": 1,
        "activities": 3,
        "person_times": 150,
    }
    months = {m["month"]: m for m in body["by_month"]}
    assert list(months) == [f"2024-{m:02d}" for m in range(1, 13)]
    assert months["2024-01"] == {
        "month": "2024-01",
        "activities": 2,
        "person_times": 200,
        "online_viewers": 2000,
    }
    assert months["2024-02"] == {"month": "2024-02", "activities": 0, "person_times": 0, "online_viewers": 0}
    assert months["2024-12"]["activities"] == 1
    earlier = _client(world.province_officer).get(f"{API}/summary/", {"year": 2023}).json()
    assert (earlier["members"], earlier["activities"], earlier["events_hosted"]) == (1, 1, 0)


def test_a_city_officer_sees_the_figures_of_their_city_only(world):
    _figures_world(world)

    body = _client(world.city_officer).get(f"{API}/summary/", {"year": 2024}).json()

    assert [c["city"]["code"] for c in body["by_city"]] == ["360100"]
    assert (body["members"], body["activities"], body["person_times"], body["events_hosted"]) == (
        1,
        3,
        207,
        0,
    )


@pytest.mark.parametrize("who", ["staff_a", "manager_b", "worker"])
def test_the_summary_is_404_for_others_and_401_anonymous(world, who):
    _not_found(_client(getattr(world, who)).get(f"{API}/summary/", {"year": 2024}))
    assert _client().get(f"{API}/summary/").status_code == 401


@pytest.mark.parametrize("year", ["abc", "1999", "24", "next"])
def test_the_summary_refuses_a_bad_year(world, year):
    if year == "next":
        year = str(timezone.localdate().year + 1)
    assert _fields(_client(world.province_officer).get(f"{API}/summary/", {"year": year})) == {"year"}


def test_the_summary_defaults_to_this_year_with_todays_members(world):
    join(world, world.palace_a)
    body = _client(world.province_officer).get(f"{API}/summary/").json()
    assert body["members"] == 1
    assert body["by_month"][0]["month"] == f"{timezone.localdate().year}-01"


def test_the_summary_query_count_does_not_depend_on_the_data(world):
    client = _client(world.province_officer)
    few = _queries(client, f"{API}/summary/?year=2024")
    _figures_world(world)
    city = RegionFactory(code="360700", name="赣州市", level=Region.Level.CITY, parent=world.province)
    for palace in _palaces(5, city):
        Membership.objects.create(palace=palace, joined_on=date(2023, 1, 1))
        _logged(palace, date(2024, 7, 1), n=3)
    assert _queries(client, f"{API}/summary/?year=2024") == few


# --- Races --------------------------------------------------------------------------------------------------


def _post(user, path: str, body: dict):
    """POST through the URL's view (authentication, serializers, the exception handler) without
    the test client: its `got_request_exception` receiver is global, so with clients in several
    threads one thread's error would be raised in another."""
    request = APIRequestFactory().post(path, body, format="json")
    force_authenticate(request, user=user)
    match = resolve(path)
    return match.func(request, *match.args, **match.kwargs)


def _race(calls) -> tuple[list, list]:
    """Run `calls` (each answering a response) in threads released together, each thread on its
    own connection. Returns the responses and any unexpected errors."""
    barrier = threading.Barrier(len(calls))
    responses, errors = [], []

    def run(call):
        try:
            if connection.vendor == "sqlite":
                # Shared-cache readers would be refused too, even after a racer's commit (and a
                # retry would then ask twice); reading uncommitted rows lifts that, while BEGIN
                # IMMEDIATE still admits one writer at a time, as a file database does.
                connection.cursor().execute("PRAGMA read_uncommitted = 1")
            barrier.wait(timeout=10)
            for _attempt in range(300):
                try:
                    responses.append(call())
                    return
                except OperationalError:  # SQLite: another racer holds the write transaction
                    time.sleep(0.01)
            errors.append("never got the database")
        except Exception as error:  # surfaced by the caller's assertion
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses, errors


@pytest.mark.django_db(transaction=True)
def test_racing_grants_on_one_call_never_exceed_its_budget(world):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world, budget="100000")
    hosts = [world.palace_a, world.palace_b, *_palaces(4, world.county1)]
    applications = [_approved_row(call, palace, VenueFactory(palace=palace)) for palace in hosts]

    def grant(application):
        path = f"{API}/applications/{application.pk}/subsidy/"
        return lambda: _post(world.province_officer, path, {"amount": "30000"})

    responses, errors = _race([grant(a) for a in applications])

    assert errors == []
    outcomes = sorted("granted" if r.status_code == 200 else r.data["code"] for r in responses)
    assert outcomes == ["granted"] * 3 + ["over_budget"] * 3
    assert sum(s.granted for s in Subsidy.objects.all()) == Decimal("90000") <= call.budget


@pytest.mark.django_db(transaction=True)
def test_two_racing_submissions_for_one_palace_give_one_application(world):
    join(world, world.palace_a)
    call = open_call(world)
    body = _application_body(world, call)
    path = f"{API}/calls/{call.pk}/applications/"

    responses, errors = _race(
        [lambda: _post(world.staff_a, path, body), lambda: _post(world.manager_a, path, body)]
    )

    assert errors == []
    assert sorted(r.status_code for r in responses) == [201, 409]
    assert [r.data["code"] for r in responses if r.status_code == 409] == ["already_applied"]
    assert HostingApplication.objects.filter(call=call, palace=world.palace_a).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_officers_racing_to_open_a_draft_call_open_it_once(world):
    call = services.call_save(actor=world.province_officer, **_call_values(world))
    path = f"{API}/calls/{call.pk}/open/"

    responses, errors = _race([lambda: _post(world.province_officer, path, {})] * 2)

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert [r.data["code"] for r in responses if r.status_code == 409] == ["call_already_open"]
    call.refresh_from_db()
    assert call.status == HostingCall.Status.OPEN


@pytest.mark.django_db(transaction=True)
def test_racing_to_close_and_reopen_a_call_never_leaves_it_open_after_closing(world):
    """Close and open released together on an open call: whichever locks first, the call ends
    closed (a close after the open, or an open refused because it is already open or closed)."""
    call = open_call(world)
    close, reopen = f"{API}/calls/{call.pk}/close/", f"{API}/calls/{call.pk}/open/"

    responses, errors = _race(
        [lambda: _post(world.province_officer, close, {}), lambda: _post(world.province_officer, reopen, {})]
    )

    assert errors == []
    assert sorted(r.status_code for r in responses) == [200, 409]
    assert {r.data["code"] for r in responses if r.status_code == 409} <= {"call_already_open", "call_closed"}
    call.refresh_from_db()
    assert call.status == HostingCall.Status.CLOSED


def test_a_call_moves_only_from_draft_to_open_to_closed(world):
    client = APIClient()
    client.force_authenticate(world.province_officer)
    draft = services.call_save(actor=world.province_officer, **_call_values(world))
    closing_a_draft = client.post(f"{API}/calls/{draft.pk}/close/")
    assert (closing_a_draft.status_code, closing_a_draft.json()["code"]) == (409, "call_not_open")
    assert client.post(f"{API}/calls/{draft.pk}/open/").status_code == 200
    again = client.post(f"{API}/calls/{draft.pk}/open/")
    assert (again.status_code, again.json()["code"]) == (409, "call_already_open")
    assert client.post(f"{API}/calls/{draft.pk}/close/").status_code == 200
    reopening = client.post(f"{API}/calls/{draft.pk}/open/")
    assert (reopening.status_code, reopening.json()["code"]) == (409, "call_closed")
    closing_twice = client.post(f"{API}/calls/{draft.pk}/close/")
    assert (closing_twice.status_code, closing_twice.json()["code"]) == (409, "call_not_open")
    draft.refresh_from_db()
    assert draft.status == HostingCall.Status.CLOSED


@pytest.fixture
def every_write(world):
    """Every write endpoint of the alliance, with real objects in its path."""
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    approved = _approved_row(open_call(world, title="已批准"), world.palace_a, court(world.palace_a))
    subsidy = services.subsidy_grant(actor=world.province_officer, application=approved, amount="1000")
    drive = services.campaign_save(
        actor=world.province_officer,
        title="点亮万家灯火",
        starts_on=date(2024, 1, 1),
        ends_on=date(2024, 2, 29),
        organiser=world.palace_a,
        participants=[world.palace_a],
    )
    row = Activity.objects.create(
        palace=world.palace_a, title="送福进万家", kind="performance", centre="culture", date=date(2024, 1, 9)
    )
    tag = services.campaign_tag(actor=world.staff_a, campaign=drive, activity=row)
    provincial = [
        ("post", f"{API}/calls/"),
        ("put", f"{API}/calls/{call.pk}/"),
        ("post", f"{API}/calls/{call.pk}/open/"),
        ("post", f"{API}/calls/{call.pk}/close/"),
        ("post", f"{API}/applications/{application.pk}/reviews/"),
        ("post", f"{API}/applications/{application.pk}/decide/"),
        ("post", f"{API}/applications/{approved.pk}/subsidy/"),
        ("post", f"{API}/subsidies/{subsidy.pk}/payments/"),
    ]
    for_a_palace = [
        ("post", f"{API}/calls/{call.pk}/applications/"),
        ("post", f"{API}/applications/{application.pk}/withdraw/"),
        ("post", f"{API}/campaigns/{drive.pk}/tags/"),
        ("delete", f"{API}/campaigns/{drive.pk}/tags/{tag.pk}/"),
    ]
    return provincial, for_a_palace


def test_a_worker_writing_anything_to_the_alliance_gets_404_before_the_input_is_read(world, every_write):
    """An empty or a nonsense body is not read for someone who may not write: no 400 with the
    form's fields, the same 404 as for an object that does not exist."""
    provincial, for_a_palace = every_write
    client = _client(world.worker)
    for method, path in provincial + for_a_palace:
        for body in ({}, {"title": 1, "amount": "x", "scores": "x", "activity": "x"}):
            response = getattr(client, method)(path, body, format="json")
            assert (response.status_code, response.json()["code"]) == (404, "not_found"), (method, path)


@pytest.mark.parametrize("who", ["staff_a", "manager_a", "city_officer"])
def test_palace_and_city_staff_posting_provincial_work_get_404_before_the_input_is_read(
    world, every_write, who
):
    provincial, _for_a_palace = every_write
    client = _client(getattr(world, who))
    for method, path in provincial:
        response = getattr(client, method)(path, {}, format="json")
        assert (response.status_code, response.json()["code"]) == (404, "not_found"), (method, path)


def test_errors_of_nested_input_are_named_by_their_path_as_the_error_schema_says(world):
    """`fields` is a list of messages per field (the `Error` schema): a call's criteria and a
    review's scores name the bad item by its path instead of nesting objects."""
    join(world, world.palace_a)
    application = apply(world, open_call(world))
    client = _client(world.province_officer)
    call = client.post(
        f"{API}/calls/",
        {"criteria": [{"name": ""}, 5, {"name": "场地", "max": 500}], "eligibility": {"min_capacity": "x"}},
        format="json",
    ).json()
    review = client.post(
        f"{API}/applications/{application.pk}/reviews/", {"scores": ["x", 5, None]}, format="json"
    ).json()
    for body in (call, review):
        assert body["code"] == "invalid"
        assert all(
            isinstance(messages, list) and all(isinstance(m, str) for m in messages)
            for messages in body["fields"].values()
        )
    assert {"criteria.0.name", "criteria.0.max", "criteria.1.non_field_errors", "criteria.2.max"} <= set(
        call["fields"]
    )
    assert "eligibility.min_capacity" in call["fields"]
    assert set(review["fields"]) == {"scores.0", "scores.2"}


def test_the_alliance_filters_document_their_bounds():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = {}
    for path, operations in schema["paths"].items():
        if path.startswith(f"{API}/"):
            for parameter in operations.get("get", {}).get("parameters", []):
                found[(path, parameter["name"])] = parameter["schema"]
    ids = [(p, n) for (p, n), s in found.items() if n in ("call", "palace", "campaign", "rotation")]
    assert len(ids) == 7
    assert all(found[key]["minimum"] == 1 for key in ids)
    years = [key for key in found if key[1] == "year"]
    assert len(years) == 3
    assert all((found[key]["minimum"], found[key]["maximum"]) == (MIN_YEAR, MAX_YEAR) for key in years)


# --- Schema-driven input ------------------------------------------------------------------------------------


def test_the_alliance_reads_survive_schema_driven_input(world, wsgi_app):
    """Valid and invalid query input generated from the schema, as a provincial officer: never a
    500, and every answer (errors too) conforms to the schema."""

    def rejects_invalid_input(ctx, response, case):
        # An empty parameter means "no filter"; repeated, the last one counts (Django's QueryDict).
        def last(value):
            return value[-1] if isinstance(value, list) and value else value

        if any(str(last(value)).strip() == "" for value in (case.query or {}).values()):
            return None
        return negative_data_rejection(ctx, response, case)

    _figures_world(world)
    _campaign(world, participants=[world.palace_a])
    auth = {"Authorization": f"Token {Token.objects.create(user=world.province_officer).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app).include(
        path_regex=r"^/api/v1/alliance/", method="GET"
    )
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]

    for operation in (result.ok() for result in schema.get_all_operations()):

        @_FUZZ
        @given(case=operation.as_strategy())
        def valid_input(case):
            case.call_and_validate(headers=auth, checks=checks)

        @_FUZZ
        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def invalid_input(case):
            case.call_and_validate(headers=auth, checks=[*checks, rejects_invalid_input])

        valid_input()
        if operation.query:
            invalid_input()
