"""The alliance workspace of provincial staff (alliance.manage, /alliance/manage/).

Provincial officers act; city officers read the same pages without buttons; palace staff and
workers get 404; anonymous visitors the sign-in page. Every form hands its input to its service:
bad input shows the errors and changes nothing. Lists keep their query count with more rows.

"Now" is frozen at Monday 2026-11-23 08:00 (Asia/Shanghai). The "past" call was opened and
applied to 40 days earlier; its applications closed ten days ago, so it is under review. The
"open" call closes in a month.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from alliance import services
from alliance.models import (
    ApplicationReview,
    Campaign,
    HostingApplication,
    HostingCall,
    Membership,
    RotationTerm,
    Subsidy,
)
from tests.alliance.support import apply, court, open_call
from tests.bookings.support import NOW, TODAY
from tests.factories import PalaceFactory, StaffAssignmentFactory, UserFactory
from venues.models import Palace, StaffAssignment

Status = HostingApplication.Status
EARLIER = NOW - timedelta(days=40)


def frozen_at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _frozen():
    with frozen_at(NOW):
        yield


def client_of(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name, *args) -> str:
    return reverse(f"alliance_manage:{name}", args=args)


@pytest.fixture
def ws(world):
    """Palaces A (founding, 2022) and B (2023) are members; a rotation led by A covers today and
    B's follows; a campaign of A's; the past call (A and B applied, A reviewed) and an open one."""
    po = world.province_officer
    w = SimpleNamespace(world=world, po=po, a=world.palace_a, b=world.palace_b)
    services.membership_join(actor=po, palace=w.a, joined_on=date(2022, 12, 20), founding=True)
    services.membership_join(actor=po, palace=w.b, joined_on=date(2023, 6, 1))
    w.rotation = services.rotation_save(
        actor=po,
        name="2026年下半年",
        starts_on=date(2026, 7, 1),
        ends_on=date(2026, 12, 31),
        leads=[w.a],
        duties="组织“点亮万家灯火”系列活动",
    )
    w.next_rotation = services.rotation_save(
        actor=po, name="2027年上半年", starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30), leads=[w.b]
    )
    w.campaign = services.campaign_save(
        actor=po,
        title="点亮万家灯火，情暖赣鄱职工",
        starts_on=date(2026, 9, 1),
        ends_on=date(2027, 1, 31),
        organiser=w.a,
        rotation=w.rotation,
        participants=[w.a, w.b],
    )
    with frozen_at(EARLIER):
        w.past = open_call(world, title="全省职工篮球友谊赛", budget="100000")
        w.app_a = apply(world, w.past, world.palace_a, requested_subsidy="40000")
        w.app_b = apply(world, w.past, world.palace_b, requested_subsidy="30000")
    services.application_review(actor=po, application=w.app_a, scores=[35, 25], comment="方案完整")
    w.open = open_call(world, title="全省职工演讲比赛", event_kind="performance", budget="50000")
    return w


def city_officer_of(city):
    officer = UserFactory(phone="13800000098", real_name="陈晨")
    StaffAssignmentFactory(user=officer, role=StaffAssignment.Role.CITY_OFFICER, region=city)
    return officer


def approve(w, application, *, grant=None):
    if not application.reviews.exists():
        services.application_review(actor=w.po, application=application, scores=[20, 20])
    application = services.application_decide(actor=w.po, application=application, approve=True)
    if grant is not None:
        services.subsidy_grant(actor=w.po, application=application, amount=grant)
    return application


# --- Access ---------------------------------------------------------------------------------------


def read_urls(w) -> list[str]:
    approve(w, w.app_a, grant="30000")
    return [
        url("home"),
        url("roster"),
        url("roster") + "?on=2024-06-30&year=2024",
        url("roster_csv"),
        url("rotations"),
        url("rotation", w.rotation.pk),
        url("campaigns"),
        url("campaign", w.campaign.pk),
        url("calls"),
        url("call", w.past.pk),
        url("call", w.open.pk),
        url("application", w.app_a.pk),
        url("application", w.app_b.pk),
        url("subsidies"),
        url("subsidies") + "?year=",
    ]


def form_urls(w) -> list[str]:
    return [
        url("join"),
        url("leave", w.b.pk),
        url("rotation_new"),
        url("rotation_edit", w.rotation.pk),
        url("campaign_new"),
        url("campaign_edit", w.campaign.pk),
        url("call_new"),
        url("call_edit", w.past.pk),
    ]


def action_urls(w) -> list[str]:
    return [
        url("call_open", w.open.pk),
        url("call_close", w.open.pk),
        url("application_review", w.app_b.pk),
        url("application_decide", w.app_b.pk),
        url("subsidy_grant", w.app_a.pk),
        url("subsidy_pay", w.app_a.pk),
    ]


@pytest.mark.parametrize(
    ("who", "reads", "forms"),
    [
        ("province_officer", 200, 200),
        ("city_officer", 200, 404),
        ("staff_a", 404, 404),
        ("manager_b", 404, 404),
        ("worker", 404, 404),
    ],
)
def test_it_opens_each_page_only_to_alliance_officers(ws, who, reads, forms):
    client = client_of(getattr(ws.world, who))
    # A city officer reads their own city's applications only: palace B is in another city.
    elsewhere = url("application", ws.app_b.pk) if who == "city_officer" else None
    for address in read_urls(ws):
        assert client.get(address).status_code == (404 if address == elsewhere else reads), address
    for address in form_urls(ws):
        assert client.get(address).status_code == forms, address


def test_it_treats_a_superuser_as_provincial_staff(ws, superuser):
    client = client_of(superuser)
    for address in [*read_urls(ws), *form_urls(ws)]:
        assert client.get(address).status_code == 200, address


def test_it_sends_anonymous_visitors_to_sign_in(ws):
    client = client_of()
    for address in [*read_urls(ws), *form_urls(ws)]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert reverse("users:login") in response["Location"]
    for address in action_urls(ws):
        response = client.post(address, {})
        assert response.status_code == 302, address


@pytest.mark.parametrize("who", ["city_officer", "staff_a", "worker"])
def test_it_refuses_every_action_to_others_and_changes_nothing(ws, who):
    approve(ws, ws.app_a, grant="30000")
    client = client_of(getattr(ws.world, who))
    posts = {
        url("join"): {"palace": PalaceFactory(region=ws.a.region).pk, "joined_on": "2026-11-01"},
        url("leave", ws.b.pk): {"left_on": "2026-11-20", "reason": "撤并", "confirm": "on"},
        url("rotation_new"): {
            "name": "x",
            "starts_on": "2028-01-01",
            "ends_on": "2028-06-30",
            "leads": [ws.a.pk],
        },
        url("call_open", ws.open.pk): {},
        url("call_close", ws.open.pk): {},
        url("application_review", ws.app_b.pk): {"score_0": "10", "score_1": "10"},
        url("application_decide", ws.app_b.pk): {"decision": "decline", "reason": "不符合"},
        url("subsidy_grant", ws.app_a.pk): {"amount": "1000"},
        url("subsidy_pay", ws.app_a.pk): {"amount": "1000", "paid_on": "2026-11-20"},
    }
    for address, data in posts.items():
        assert client.post(address, data).status_code == 404, address
    assert Membership.objects.count() == 2
    assert Membership.objects.get(palace=ws.b).left_on is None
    assert RotationTerm.objects.count() == 2
    assert HostingCall.objects.get(pk=ws.open.pk).status == HostingCall.Status.OPEN
    assert not ApplicationReview.objects.filter(application=ws.app_b).exists()
    assert HostingApplication.objects.get(pk=ws.app_b.pk).status == Status.SUBMITTED
    subsidy = Subsidy.objects.get()
    assert (subsidy.granted, subsidy.paid) == (Decimal("30000"), Decimal(0))


def test_city_officers_read_without_buttons(ws):
    approve(ws, ws.app_a, grant="30000")
    client = client_of(ws.world.city_officer)
    pages = {
        url("roster"): [url("join"), url("leave", ws.b.pk)],
        url("rotations"): [url("rotation_new"), url("rotation_edit", ws.rotation.pk)],
        url("campaign", ws.campaign.pk): [url("campaign_edit", ws.campaign.pk)],
        url("call", ws.open.pk): [url("call_edit", ws.open.pk), url("call_close", ws.open.pk)],
        url("application", ws.app_a.pk): [url("subsidy_grant", ws.app_a.pk), url("subsidy_pay", ws.app_a.pk)],
    }
    for address, absent in pages.items():
        html = client.get(address).content.decode()
        assert "Read only" in html
        for link in absent:
            assert link not in html, (address, link)
    # Palace B's application, read by its own city's officer: no review form either.
    html = client_of(city_officer_of(ws.world.city2)).get(url("application", ws.app_b.pk)).content.decode()
    assert "Read only" in html
    assert url("application_review", ws.app_b.pk) not in html
    # Reviewers' names are not shown to city officers.
    html = client.get(url("application", ws.app_a.pk)).content.decode()
    assert ws.po.real_name not in html
    assert ws.po.masked_name in html


def test_a_city_officer_reads_their_own_citys_applications_only_on_pages_and_api_alike(ws):
    """One city scope (`alliance.access.applications_visible_to`) for the workspace and the API."""
    officer = ws.world.city_officer  # of city 1: palace A; palace B is in city 2
    page = client_of(officer)
    api = APIClient()
    api.force_authenticate(officer)

    # Another city's application and its review scores: 404 on both surfaces.
    assert page.get(url("application", ws.app_b.pk)).status_code == 404
    assert api.get(f"/api/v1/alliance/applications/{ws.app_b.pk}/").status_code == 404
    call_page = page.get(url("call", ws.past.pk))
    assert [row["application"] for row in call_page.context["ranked"]] == [ws.app_a]
    assert ws.b.name not in call_page.content.decode()

    # Their own city's application: read, with its scores, and nothing to act on.
    response = page.get(url("application", ws.app_a.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Read only" in html
    assert response.context["average"] == Decimal("60")
    assert url("application_review", ws.app_a.pk) not in html
    body = api.get(f"/api/v1/alliance/applications/{ws.app_a.pk}/").json()
    assert (body["review_count"], body["average_score"]) == (1, "60.00")
    assert (
        client_of(officer).post(url("application_review", ws.app_a.pk), {"score_0": "1"}).status_code == 404
    )
    assert (
        api.post(f"/api/v1/alliance/applications/{ws.app_a.pk}/reviews/", {"scores": [1, 1]}).status_code
        == 404
    )
    assert ApplicationReview.objects.filter(application=ws.app_a).count() == 1


def test_the_site_menu_links_the_workspace_for_officers_only(ws):
    for who, shown in [
        ("province_officer", True),
        ("city_officer", True),
        ("staff_a", False),
        ("worker", False),
    ]:
        html = client_of(getattr(ws.world, who)).get(reverse("home")).content.decode()
        assert (f'href="{url("home")}"' in html) is shown, who
    assert f'href="{url("home")}"' not in client_of().get(reverse("home")).content.decode()


# --- Home and roster --------------------------------------------------------------------------------


def test_home_shows_the_leads_now_and_next_and_todays_members(ws):
    response = client_of(ws.po).get(url("home"))
    html = response.content.decode()
    assert response.context["members"] == 2
    assert response.context["rotations"].current == ws.rotation
    assert response.context["rotations"].next == ws.next_rotation
    assert ws.a.name in html
    assert ws.b.name in html
    assert response.context["to_review"] == 2


def test_roster_lists_the_members_on_a_date_with_growth(ws):
    client = client_of(ws.po)
    today = client.get(url("roster"))
    assert [r["palace"] for r in today.context["rows"]] == [ws.a, ws.b]
    assert today.context["founding"] == 1
    assert today.context["by_year"] == [
        (date(2022, 12, 31), 1),
        (date(2023, 12, 31), 2),
        (date(2024, 12, 31), 2),
        (date(2025, 12, 31), 2),
        (TODAY, 2),
    ]
    before_b = client.get(url("roster") + "?on=2023-05-31&year=2023")
    assert [r["palace"] for r in before_b.context["rows"]] == [ws.a]
    assert before_b.context["by_month"][4] == (date(2023, 5, 31), 1)
    assert before_b.context["by_month"][5] == (date(2023, 6, 30), 2)
    assert len(before_b.context["by_month"]) == 12
    html = before_b.content.decode()
    assert "<svg" in html
    assert 'class="am-columns"' in html
    assert "style=" not in html


def test_a_bad_roster_date_shows_today_with_an_error(ws):
    response = client_of(ws.po).get(url("roster") + "?on=yesterday")
    assert response.status_code == 400
    assert response.context["day"] == TODAY


def test_roster_exports_as_csv_at_the_date(ws):
    response = client_of(ws.world.city_officer).get(url("roster_csv") + "?on=2023-01-31")
    assert response["Content-Type"].startswith("text/csv")
    assert "alliance-members-2023-01-31.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.strip().splitlines()
    assert len(lines) == 2  # header and palace A
    assert ws.a.name in lines[1]
    assert "2022-12-20" in lines[1]
    assert "南昌市" in lines[1]
    assert ws.b.name not in text


def test_joining_records_a_membership(ws):
    palace = PalaceFactory(region=ws.world.county1, name="南昌县工人文化宫")
    client = client_of(ws.po)
    form = client.get(url("join")).context["form"]
    assert palace in form.fields["palace"].queryset
    assert ws.a not in form.fields["palace"].queryset
    response = client.post(url("join"), {"palace": palace.pk, "joined_on": "2026-11-01", "founding": ""})
    assert response.status_code == 302
    membership = Membership.objects.get(palace=palace)
    assert membership.joined_on == date(2026, 11, 1)
    assert not membership.founding
    palace.refresh_from_db()
    assert palace.alliance_member


def test_joining_in_the_future_is_refused_and_changes_nothing(ws):
    palace = PalaceFactory(region=ws.world.county1)
    response = client_of(ws.po).post(url("join"), {"palace": palace.pk, "joined_on": "2026-12-01"})
    assert response.status_code == 400
    assert "future" in str(response.context["form"].errors["joined_on"])
    assert not Membership.objects.filter(palace=palace).exists()


def test_leaving_needs_a_reason_and_a_confirmation(ws):
    client = client_of(ws.po)
    unconfirmed = client.post(url("leave", ws.b.pk), {"left_on": "2026-11-20", "reason": "机构撤并"})
    assert unconfirmed.status_code == 400
    assert "confirm" in unconfirmed.context["form"].errors
    no_reason = client.post(url("leave", ws.b.pk), {"left_on": "2026-11-20", "reason": "", "confirm": "on"})
    assert no_reason.status_code == 400
    assert no_reason.context["form"].errors["reason"]
    assert Membership.objects.get(palace=ws.b).left_on is None
    done = client.post(
        url("leave", ws.b.pk), {"left_on": "2026-11-20", "reason": "机构撤并", "confirm": "on"}
    )
    assert done.status_code == 302
    membership = Membership.objects.get(palace=ws.b)
    assert (membership.left_on, membership.leave_reason) == (date(2026, 11, 20), "机构撤并")
    ws.b.refresh_from_db()
    assert not ws.b.alliance_member
    # No open membership any more: no leave page.
    assert client.get(url("leave", ws.b.pk)).status_code == 404


# --- Rotations --------------------------------------------------------------------------------------


def test_a_rotation_is_created_and_edited_through_the_service(ws):
    client = client_of(ws.po)
    data = {
        "name": "2027年下半年",
        "starts_on": "2027-07-01",
        "ends_on": "2027-12-31",
        "leads": [ws.a.pk, ws.b.pk],
        "duties": "牵头组织全省职工篮球赛",
    }
    response = client.post(url("rotation_new"), data)
    term = RotationTerm.objects.get(name="2027年下半年")
    assert response.status_code == 302
    assert response["Location"] == url("rotation", term.pk)
    assert set(term.leads.all()) == {ws.a, ws.b}
    edited = client.post(
        url("rotation_edit", term.pk), data | {"name": "2027年下半年（调整）", "leads": [ws.b.pk]}
    )
    assert edited.status_code == 302
    term.refresh_from_db()
    assert term.name == "2027年下半年（调整）"
    assert list(term.leads.all()) == [ws.b]


def test_an_overlapping_rotation_is_refused_and_nothing_is_saved(ws):
    response = client_of(ws.po).post(
        url("rotation_new"),
        {"name": "重叠", "starts_on": "2026-12-01", "ends_on": "2027-02-28", "leads": [ws.a.pk]},
    )
    assert response.status_code == 400
    assert "overlaps" in " ".join(response.context["form"].non_field_errors())
    assert RotationTerm.objects.count() == 2


def test_a_rotation_without_leads_shows_the_error(ws):
    response = client_of(ws.po).post(
        url("rotation_new"), {"name": "空", "starts_on": "2028-01-01", "ends_on": "2028-06-30"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["leads"]
    assert RotationTerm.objects.count() == 2


def test_a_terms_page_lists_its_campaigns_and_events(ws):
    approve(ws, ws.app_a)
    other = services.campaign_save(
        actor=ws.po,
        title="职工书屋读书月",
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 10, 31),
        organiser=ws.a,
        participants=[ws.a],
    )
    elsewhere = services.campaign_save(
        actor=ws.po,
        title="春季招聘月",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
        organiser=ws.a,
        participants=[ws.a],
    )
    response = client_of(ws.world.city_officer).get(url("rotation", ws.rotation.pk))
    assert set(response.context["campaigns"]) == {ws.campaign, other}
    assert elsewhere not in response.context["campaigns"]
    events = list(response.context["events"])
    assert events == [HostingApplication.objects.get(pk=ws.app_a.pk)]
    assert ws.past.title in response.content.decode()


# --- Campaigns --------------------------------------------------------------------------------------


def test_a_campaign_is_created_and_edited_through_the_service(ws):
    client = client_of(ws.po)
    data = {
        "title": "四季有约·影画巡展",
        "description": "秋季巡展",
        "starts_on": "2026-09-01",
        "ends_on": "2026-11-30",
        "organiser": ws.a.pk,
        "rotation": ws.rotation.pk,
        "participants": [ws.b.pk],
    }
    response = client.post(url("campaign_new"), data)
    campaign = Campaign.objects.get(title="四季有约·影画巡展")
    assert response.status_code == 302
    assert response["Location"] == url("campaign", campaign.pk)
    assert set(campaign.participants.all()) == {ws.a, ws.b}  # the organiser always takes part
    assert campaign.rotation == ws.rotation
    client.post(
        url("campaign_edit", campaign.pk), data | {"title": "四季有约·影画巡展（秋）", "rotation": ""}
    )
    campaign.refresh_from_db()
    assert campaign.title == "四季有约·影画巡展（秋）"
    assert campaign.rotation is None


def test_a_campaign_ending_before_it_starts_is_refused(ws):
    response = client_of(ws.po).post(
        url("campaign_new"),
        {"title": "错", "starts_on": "2026-09-01", "ends_on": "2026-08-01", "organiser": ws.a.pk},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"]
    assert Campaign.objects.count() == 1


def test_a_campaigns_page_shows_totals_and_tagged_rows_by_palace(ws):
    from activities.ledger.services import activity_create

    activity = activity_create(
        actor=ws.world.staff_a,
        palace=ws.a,
        title="劳模讲堂",
        kind="lecture",
        centre="education",
        date=date(2026, 10, 10),
        participants=120,
        online_viewers=3000,
    )
    services.campaign_tag(actor=ws.world.staff_a, campaign=ws.campaign, activity=activity)
    response = client_of(ws.world.city_officer).get(url("campaign", ws.campaign.pk))
    totals = response.context["totals"]
    assert (totals.activities, totals.person_times, totals.online_viewers) == (1, 120, 3000)
    assert [g["palace"] for g in response.context["by_palace"]] == [ws.a]
    assert response.context["silent"] == [ws.b]
    assert "劳模讲堂" in response.content.decode()


# --- Hosting calls ----------------------------------------------------------------------------------


def call_data(**values) -> dict:
    data = {
        "title": "全省职工书法交流活动",
        "event_kind": "exhibition",
        "description": "以书会友",
        "starts_on": "2027-03-01",
        "ends_on": "2027-04-30",
        "deadline": "2027-01-15T17:00",
        "budget": "80000",
        "campaign": "",
        "levels": ["city", "county"],
        "in_service": "on",
        "member": "on",
        "min_capacity": "100",
        "criteria-TOTAL_FORMS": "3",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "1",
        "criteria-MAX_NUM_FORMS": "10",
        "criteria-0-name": "活动方案",
        "criteria-0-max": "60",
        "criteria-1-name": "场地条件",
        "criteria-1-max": "40",
        "criteria-2-name": "",
        "criteria-2-max": "",
    }
    data.update(values)
    return data


def test_a_call_is_created_with_its_eligibility_and_criteria(ws):
    response = client_of(ws.po).post(url("call_new"), call_data(levels=["city"]))
    call = HostingCall.objects.get(title="全省职工书法交流活动")
    assert response.status_code == 302
    assert response["Location"] == url("call", call.pk)
    assert call.status == HostingCall.Status.DRAFT
    assert call.eligibility == {"levels": ["city"], "in_service": True, "member": True, "min_capacity": 100}
    assert call.criteria == [{"name": "活动方案", "max": 60}, {"name": "场地条件", "max": 40}]
    assert call.budget == Decimal("80000")
    assert call.created_by == ws.po


def test_a_call_without_criteria_or_levels_is_refused(ws):
    client = client_of(ws.po)
    no_criteria = client.post(
        url("call_new"),
        call_data(
            **{"criteria-0-name": "", "criteria-0-max": "", "criteria-1-name": "", "criteria-1-max": ""}
        ),
    )
    assert no_criteria.status_code == 400
    assert no_criteria.context["formset"].errors or no_criteria.context["formset"].non_form_errors()
    no_levels = client.post(url("call_new"), call_data(levels=[]))
    assert no_levels.status_code == 400
    assert no_levels.context["form"].errors["levels"]
    late = client.post(url("call_new"), call_data(deadline="2027-03-10T17:00"))
    assert late.status_code == 400
    assert late.context["form"].errors["deadline"]
    assert HostingCall.objects.count() == 2


def test_a_calls_criteria_are_locked_once_palaces_applied(ws):
    client = client_of(ws.po)
    page = client.get(url("call_edit", ws.past.pk))
    assert page.context["locked"]
    formset = page.context["formset"]
    assert [f.initial for f in formset.initial_forms] == ws.past.criteria
    data = call_data(
        title=ws.past.title,
        starts_on=ws.past.starts_on.isoformat(),
        ends_on=ws.past.ends_on.isoformat(),
        deadline="2026-11-13T00:00",
        budget="100000",
        min_capacity="0",
        **{
            "criteria-INITIAL_FORMS": "2",
            "criteria-0-name": "活动方案",
            "criteria-0-max": "50",
            "criteria-1-name": "场地条件",
            "criteria-1-max": "30",
        },
    )
    response = client.post(url("call_edit", ws.past.pk), data)
    assert response.status_code == 400
    assert "can no longer change" in " ".join(response.context["form"].non_field_errors())
    ws.past.refresh_from_db()
    assert ws.past.criteria[0]["max"] == 40


def test_a_call_is_opened_and_closed(ws):
    client = client_of(ws.po)
    draft = services.call_save(
        actor=ws.po,
        title="草稿",
        event_kind="other",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 31),
        deadline=NOW + timedelta(days=60),
        budget="1000",
        eligibility={},
        criteria=[{"name": "方案", "max": 10}],
    )
    assert client.post(url("call_open", draft.pk)).status_code == 302
    draft.refresh_from_db()
    assert draft.status == HostingCall.Status.OPEN
    client.post(url("call_close", draft.pk))
    draft.refresh_from_db()
    assert draft.status == HostingCall.Status.CLOSED
    # A closed call is not reopened: the page offers no button and the service says why.
    page = client.get(url("call", draft.pk))
    assert url("call_open", draft.pk) not in page.content.decode()
    response = client.post(url("call_open", draft.pk), follow=True)
    assert "cannot be reopened" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == HostingCall.Status.CLOSED


def test_a_calls_page_ranks_the_applications_by_average_score(ws):
    services.application_review(actor=ws.po, application=ws.app_b, scores=[39, 29])
    second = UserFactory(phone="13800000099", real_name="钱多多")
    StaffAssignmentFactory(user=second, role=StaffAssignment.Role.PROVINCE_OFFICER, region=ws.world.province)
    services.application_review(actor=second, application=ws.app_b, scores=[35, 25])
    response = client_of(ws.po).get(url("call", ws.past.pk))
    ranked = response.context["ranked"]
    assert [r["application"] for r in ranked] == [ws.app_b, ws.app_a]
    assert [r["application"].review_count for r in ranked] == [2, 1]
    assert ranked[0]["application"].average == Decimal("64")  # (68 + 60) / 2; A has one review of 60
    assert response.context["eligibility"]
    html = response.content.decode()
    assert "活动方案" in html
    assert "场地条件" in html


# --- Review, decision, subsidy --------------------------------------------------------------------


def test_a_review_posts_scores_and_a_second_replaces_the_first(ws):
    client = client_of(ws.po)
    response = client.post(
        url("application_review", ws.app_b.pk), {"score_0": "30", "score_1": "22.5", "comment": "场地好"}
    )
    assert response.status_code == 302
    review = ApplicationReview.objects.get(application=ws.app_b)
    assert review.total == Decimal("52.5")
    assert review.comment == "场地好"
    page = client.get(url("application", ws.app_b.pk))
    assert page.context["review_form"].initial["score_1"] == 22.5
    client.post(url("application_review", ws.app_b.pk), {"score_0": "10", "score_1": "10"})
    assert ApplicationReview.objects.get(application=ws.app_b).total == Decimal(20)


def test_a_score_over_the_criterions_maximum_is_refused(ws):
    response = client_of(ws.po).post(
        url("application_review", ws.app_b.pk), {"score_0": "41", "score_1": "10"}
    )
    assert response.status_code == 400
    assert response.context["review_form"].errors["score_0"]
    assert not ApplicationReview.objects.filter(application=ws.app_b).exists()


def test_a_review_before_the_deadline_is_refused(ws):
    app = apply(ws.world, ws.open, ws.a)
    response = client_of(ws.po).post(url("application_review", app.pk), {"score_0": "10", "score_1": "10"})
    assert response.status_code == 400
    assert "after the deadline" in " ".join(response.context["review_form"].non_field_errors())
    assert not ApplicationReview.objects.filter(application=app).exists()


def test_approving_puts_the_event_on_the_calendar(ws):
    response = client_of(ws.po).post(
        url("application_decide", ws.app_a.pk),
        {"decision": "approve", "event_title": "全省职工篮球友谊赛（南昌站）"},
    )
    assert response.status_code == 302
    ws.app_a.refresh_from_db()
    assert ws.app_a.status == Status.APPROVED
    assert ws.app_a.event_title == "全省职工篮球友谊赛（南昌站）"
    assert ws.app_a.decided_by == ws.po


def test_declining_without_a_reason_is_refused(ws):
    client = client_of(ws.po)
    response = client.post(url("application_decide", ws.app_a.pk), {"decision": "decline", "reason": " "})
    assert response.status_code == 400
    assert response.context["decline_form"].errors["reason"]
    ws.app_a.refresh_from_db()
    assert ws.app_a.status == Status.SUBMITTED
    client.post(url("application_decide", ws.app_a.pk), {"decision": "decline", "reason": "场地容量不足"})
    ws.app_a.refresh_from_db()
    assert (ws.app_a.status, ws.app_a.decision_reason) == (Status.DECLINED, "场地容量不足")


def test_deciding_an_unreviewed_application_is_refused(ws):
    response = client_of(ws.po).post(url("application_decide", ws.app_b.pk), {"decision": "approve"})
    assert response.status_code == 400
    assert "Review the application" in " ".join(response.context["approve_form"].non_field_errors())
    ws.app_b.refresh_from_db()
    assert ws.app_b.status == Status.SUBMITTED


def test_a_grant_over_the_budget_is_refused(ws):
    approve(ws, ws.app_a, grant="70000")
    approve(ws, ws.app_b)
    client = client_of(ws.po)
    page = client.get(url("application", ws.app_b.pk))
    assert page.context["budget"].left == Decimal("30000")
    assert page.context["grant_room"] == Decimal("30000")
    response = client.post(url("subsidy_grant", ws.app_b.pk), {"amount": "30000.01"})
    assert response.status_code == 400
    assert "exceed the call's budget" in " ".join(response.context["grant_form"].non_field_errors())
    assert not Subsidy.objects.filter(application=ws.app_b).exists()
    assert client.post(url("subsidy_grant", ws.app_b.pk), {"amount": "30000"}).status_code == 302
    assert Subsidy.objects.get(application=ws.app_b).granted == Decimal("30000")


def test_a_negative_grant_shows_the_forms_error(ws):
    approve(ws, ws.app_a)
    response = client_of(ws.po).post(url("subsidy_grant", ws.app_a.pk), {"amount": "-5"})
    assert response.status_code == 400
    assert response.context["grant_form"].errors["amount"]
    assert not Subsidy.objects.exists()


def test_payments_never_exceed_the_grant(ws):
    approve(ws, ws.app_a, grant="40000")
    client = client_of(ws.po)
    over = client.post(url("subsidy_pay", ws.app_a.pk), {"amount": "40000.50", "paid_on": "2026-11-20"})
    assert over.status_code == 400
    assert "left to pay" in " ".join(over.context["pay_form"].non_field_errors())
    assert Subsidy.objects.get().paid == 0
    future = client.post(url("subsidy_pay", ws.app_a.pk), {"amount": "100", "paid_on": "2026-12-20"})
    assert future.status_code == 400
    assert future.context["pay_form"].errors["paid_on"]
    done = client.post(url("subsidy_pay", ws.app_a.pk), {"amount": "25000", "paid_on": "2026-11-20"})
    assert done.status_code == 302
    subsidy = Subsidy.objects.get()
    assert (subsidy.paid, subsidy.paid_on) == (Decimal("25000"), date(2026, 11, 20))


def test_paying_without_a_grant_is_not_found(ws):
    approve(ws, ws.app_a)
    response = client_of(ws.po).post(
        url("subsidy_pay", ws.app_a.pk), {"amount": "1", "paid_on": "2026-11-20"}
    )
    assert response.status_code == 404


def test_subsidies_page_totals_per_palace_and_against_each_budget(ws):
    approve(ws, ws.app_a, grant="40000")
    approve(ws, ws.app_b, grant="30000")
    services.subsidy_pay(
        actor=ws.po, subsidy=Subsidy.objects.get(application=ws.app_a), amount="10000", paid_on=TODAY
    )
    year = f"?year={ws.app_a.event_date.year}"
    response = client_of(ws.po).get(url("subsidies") + year)
    rows = {r["palace_id"]: r for r in response.context["by_palace"]}
    assert rows[ws.a.pk]["granted"] == Decimal("40000")
    assert rows[ws.a.pk]["paid"] == Decimal("10000")
    assert rows[ws.a.pk]["to_pay"] == Decimal("30000")
    assert response.context["palace_totals"]["granted"] == Decimal("70000")
    # A city officer reads their own city's palaces only (alliance.access, as in the API); the
    # calls' budgets stay whole, since a call's money is the province's.
    city = client_of(ws.world.city_officer).get(url("subsidies") + year)
    assert {r["palace_id"] for r in city.context["by_palace"]} == {ws.a.pk}
    assert city.context["palace_totals"]["granted"] == Decimal("40000")
    calls = {r["call"].pk: r for r in city.context["calls"]}
    assert calls[ws.past.pk]["left"] == Decimal("30000")
    assert calls[ws.past.pk]["granted_percent"] == 70.0
    assert city.context["call_totals"]["paid"] == Decimal("10000")


# --- Query counts -----------------------------------------------------------------------------------


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200, address
    return len(ctx.captured_queries)


def more_palaces(w, n: int, *, start: int) -> list[Palace]:
    """`n` member palaces, each with a staff member who applies to the past call (under review)."""
    palaces = []
    for i in range(start, start + n):
        palace = PalaceFactory(region=w.world.county1, name=f"测试{i}工人文化宫")
        services.membership_join(actor=w.po, palace=palace, joined_on=date(2023, 1, 1) + timedelta(days=i))
        staff = UserFactory(phone=f"1370000{i:04d}")
        StaffAssignmentFactory(user=staff, role=StaffAssignment.Role.PALACE_STAFF, palace=palace)
        court(palace)
        palaces.append((palace, staff))
    return palaces


def more_work(w, palaces, *, start: int) -> None:
    """For each palace: a campaign, a call with its application, review, approval and subsidy."""
    for i, (palace, staff) in enumerate(palaces, start=start):
        services.campaign_save(
            actor=w.po,
            title=f"系列活动{i}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            organiser=palace,
            rotation=w.rotation,
            participants=[w.a, w.b],
        )
        with frozen_at(EARLIER):
            call = open_call(w.world, title=f"省级活动{i}", budget="50000")
            application = apply(w.world, call, palace, actor=staff, requested_subsidy="10000")
            apply(w.world, w.past, palace, actor=staff, requested_subsidy="5000")
        approve(w, application, grant="8000")
        services.rotation_save(
            actor=w.po,
            name=f"轮值{i}",
            starts_on=date(2030 + i, 1, 1),
            ends_on=date(2030 + i, 6, 30),
            leads=[w.a],
        )


def test_lists_take_the_same_number_of_queries_with_more_rows(ws):
    client = client_of(ws.po)
    pages = [
        url("home"),
        url("roster"),
        url("roster_csv"),
        url("rotations"),
        url("rotation", ws.rotation.pk),
        url("campaigns"),
        url("calls"),
        url("call", ws.past.pk),
        url("subsidies"),
        url("subsidies") + "?year=",
    ]
    more_work(ws, more_palaces(ws, 3, start=0), start=0)
    before = {page: count_queries(client, page) for page in pages}
    more_work(ws, more_palaces(ws, 12, start=3), start=3)
    assert Campaign.objects.count() == 16
    assert HostingCall.objects.count() == 17
    assert ws.past.applications.count() == 17
    after = {page: count_queries(client, page) for page in pages}
    assert after == before
    assert max(after.values()) <= 12, after


def test_an_applications_page_takes_a_fixed_number_of_queries(ws):
    approve(ws, ws.app_a, grant="10000")
    client = client_of(ws.po)
    first = count_queries(client, url("application", ws.app_a.pk))
    for n in range(5):
        reviewer = UserFactory(phone=f"1360000{n:04d}")
        StaffAssignmentFactory(
            user=reviewer, role=StaffAssignment.Role.PROVINCE_OFFICER, region=ws.world.province
        )
        services.application_review(actor=reviewer, application=ws.app_b, scores=[10, 10])
    assert count_queries(client, url("application", ws.app_b.pk)) <= first


# --- Issue 11: founders, the month chart, numbers and periods ---------------------------------------


def test_the_roster_says_how_many_founders_are_still_members(ws):
    services.membership_leave(actor=ws.po, palace=ws.a, left_on=date(2025, 3, 31), reason="机构调整")
    response = client_of(ws.po).get(url("roster"))
    assert (response.context["founders"].all, response.context["founders"].still_members) == (1, 0)
    html = response.content.decode()
    assert "1 founding members, 0 of them still members" in html
    assert "(1 has left)" in html
    chinese = client_of(ws.po).get(url("roster"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "创始成员 1 家，现仍在盟 0 家" in chinese


def test_the_month_chart_shows_the_palaces_joining_and_leaving(ws):
    services.membership_leave(actor=ws.po, palace=ws.a, left_on=date(2023, 9, 15), reason="机构调整")
    response = client_of(ws.po).get(url("roster") + "?year=2023")
    changes = response.context["changes"]
    assert [(c.month.month, c.joined, c.left) for c in changes if c.joined or c.left] == [
        (6, 1, 0),
        (9, 0, 1),
    ]
    assert [c.members for c in changes][4:10] == [1, 2, 2, 2, 1, 1]
    assert [column.value for column in response.context["month_chart"].columns] == [
        0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0
    ]  # fmt: skip
    assert (response.context["joined_in_year"], response.context["left_in_year"]) == (1, 1)
    assert "Members at month end" in response.content.decode()
    quiet = client_of(ws.po).get(url("roster") + "?year=2025").content.decode()
    assert "No palace joined or left in 2025" in quiet  # no chart of twelve empty columns


def test_subsidy_money_is_grouped_and_every_total_names_its_year(ws):
    approve(ws, ws.app_a, grant="40000")
    client = client_of(ws.po)
    every_year = url("subsidies") + "?year="
    chinese = client.get(every_year, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "40,000.00" in chinese
    assert "40000" not in chinese
    assert "全部年份合计" in chinese
    assert "Totals of all years." in client.get(every_year).content.decode()
    year = ws.app_a.event_date.year
    of_year = client.get(url("subsidies") + f"?year={year}").content.decode()
    assert f"Totals of {year} (by the event's year)." in of_year
    assert f"Total, {year}" in of_year


def test_the_wide_workspace_tables_say_on_a_phone_that_they_scroll(ws):
    client = client_of(ws.po)
    for page in (url("roster"), url("calls"), url("campaigns"), url("subsidies"), url("call", ws.past.pk)):
        html = client.get(page).content.decode()
        assert 'class="scroll-cue"' in html, page
        assert "table-wrap scroll-x" in html, page
