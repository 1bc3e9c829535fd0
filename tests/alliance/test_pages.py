"""The alliance's public calendar and a palace's own alliance pages (alliance.views).

Palace staff reach only their own palace (everyone else, provincial officers included: 404);
the rules stay the services': bad input, the deadline, eligibility (with its reasons shown), one
application per palace and call, withdrawing, and tagging only the palace's own rows within the
campaign's dates.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.ledger.services import activity_create
from alliance import services
from alliance.models import CampaignTag, HostingApplication, HostingCall
from tests.alliance.support import after_deadline, apply, court, join, open_call
from tests.factories import PalaceFactory, StaffAssignmentFactory, VenueFactory
from venues.models import StaffAssignment

Status = HostingApplication.Status


@pytest.fixture
def en(settings, client):
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def members(world):
    join(world, world.palace_a, world.palace_b)
    world.palace_a.refresh_from_db()
    world.palace_b.refresh_from_db()
    return world


def _login(client, user):
    client.force_login(user)
    return client


def _form(call, venue, /, **values):
    data = {
        "plan": "三天赛程，16支队伍",
        "venue": venue.pk,
        "capacity": "300",
        "support": "志愿者30人，医疗点一处",
        "requested_subsidy": "40000",
        "event_date": (call.starts_on + timedelta(days=10)).isoformat(),
    }
    data.update(values)
    return data


def _approve(world, application, title=""):
    services.application_review(
        actor=world.province_officer,
        application=application,
        scores=[30, 20],
        now=after_deadline(application.call),
    )
    return services.application_decide(
        actor=world.province_officer,
        application=application,
        approve=True,
        event_title=title,
        now=after_deadline(application.call),
    )


def _rotation(world):
    today = timezone.localdate()
    services.rotation_save(
        actor=world.province_officer,
        name="2026年下半年",
        starts_on=today - timedelta(days=10),
        ends_on=today + timedelta(days=30),
        leads=[world.palace_a],
    )
    services.rotation_save(
        actor=world.province_officer,
        name="2027年上半年",
        starts_on=today + timedelta(days=31),
        ends_on=today + timedelta(days=200),
        leads=[world.palace_b],
    )


# --- Access ---------------------------------------------------------------------------------------


def _palace_urls(world, palace, call, application, campaign):
    return [
        reverse("alliance:hub", args=[palace.pk]),
        reverse("alliance:apply", args=[palace.pk, call.pk]),
        reverse("alliance:withdraw", args=[palace.pk, application.pk]),
        reverse("alliance:campaign", args=[palace.pk, campaign.pk]),
    ]


@pytest.fixture
def scene(members):
    world = members
    call = open_call(world)
    application = apply(world, call)
    campaign = services.campaign_save(
        actor=world.province_officer,
        title="点亮万家灯火，情暖赣鄱职工",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        organiser=world.palace_a,
        participants=[world.palace_a, world.palace_b],
    )
    return world, call, application, campaign


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("staff_a", 200),
        ("manager_a", 200),
        ("staff_b", 404),
        ("manager_b", 404),
        ("city_officer", 404),
        ("province_officer", 404),
        ("worker", 404),
    ],
)
def test_palace_pages_answer_only_the_palaces_own_staff(scene, client, who, expected):
    world, call, application, campaign = scene
    client.force_login(getattr(world, who))
    for url in _palace_urls(world, world.palace_a, call, application, campaign):
        assert client.get(url).status_code == expected, url


def test_palace_pages_send_anonymous_visitors_to_sign_in(scene, client):
    world, call, application, campaign = scene
    for url in _palace_urls(world, world.palace_a, call, application, campaign):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("users:login"))


def test_staff_of_palace_a_cannot_apply_or_withdraw_for_palace_b(scene, client):
    world, call, _application, _campaign = scene
    b_application = apply(world, call, palace=world.palace_b)
    _login(client, world.staff_a)
    apply_b = reverse("alliance:apply", args=[world.palace_b.pk, call.pk])
    assert client.post(apply_b, _form(call, court(world.palace_b))).status_code == 404
    withdraw_b = reverse("alliance:withdraw", args=[world.palace_b.pk, b_application.pk])
    assert client.post(withdraw_b).status_code == 404
    # Nor through their own palace's address with palace B's application.
    mixed = reverse("alliance:withdraw", args=[world.palace_a.pk, b_application.pk])
    assert client.post(mixed).status_code == 404
    b_application.refresh_from_db()
    assert b_application.status == Status.SUBMITTED


def test_a_draft_call_is_not_found(members, client):
    world = members
    today = timezone.localdate()
    draft = services.call_save(
        actor=world.province_officer,
        title="草稿",
        event_kind="competition",
        starts_on=today + timedelta(days=60),
        ends_on=today + timedelta(days=90),
        deadline=timezone.now() + timedelta(days=20),
        budget="1000",
        eligibility={},
        criteria=[{"name": "方案", "max": 10}],
    )
    _login(client, world.staff_a)
    assert client.get(reverse("alliance:apply", args=[world.palace_a.pk, draft.pk])).status_code == 404


def test_the_desk_links_the_hub_of_palaces_the_user_may_apply_for(world, client):
    _login(client, world.staff_a)
    html = client.get(reverse("bookings_staff:home")).content.decode()
    assert reverse("alliance:hub", args=[world.palace_a.pk]) in html
    _login(client, world.province_officer)
    html = client.get(reverse("bookings_staff:home")).content.decode()
    assert "/alliance/palace/" not in html


# --- The hub ---------------------------------------------------------------------------------------


def test_hub_shows_why_an_ineligible_palace_cannot_apply(world, en):
    open_call(world)  # palace A is not a member
    _login(en, world.staff_a)
    response = en.get(reverse("alliance:hub", args=[world.palace_a.pk]))
    html = response.content.decode()
    assert "The palace must be an alliance member." in html
    assert reverse("alliance:apply", args=[world.palace_a.pk, HostingCall.objects.get().pk]) in html


def test_hub_shows_decisions_and_reasons_but_not_the_scores(members, en):
    world = members
    call = open_call(world)
    application = apply(world, call)
    services.application_review(
        actor=world.province_officer,
        application=application,
        scores=[37.25, 29.5],
        comment="内部意见：场地偏小",
        now=after_deadline(call),
    )
    services.application_decide(
        actor=world.province_officer,
        application=application,
        approve=False,
        reason="同期已有城市承办，建议明年再申报",
        now=after_deadline(call),
    )
    _login(en, world.staff_a)
    html = en.get(reverse("alliance:hub", args=[world.palace_a.pk])).content.decode()
    assert "同期已有城市承办，建议明年再申报" in html
    assert "declined" in html
    # The total (66.75) and its parts are for reviewers; digits alone could match a token or a date.
    assert "66.75" not in html
    assert "37.25" not in html
    assert "内部意见" not in html


def test_hub_shows_membership_subsidies_and_campaigns(scene, en):
    world, _call, application, campaign = scene
    _approve(world, application, title="2027全省职工篮球友谊赛")
    subsidy = services.subsidy_grant(actor=world.province_officer, application=application, amount="30000")
    services.subsidy_pay(
        actor=world.province_officer, subsidy=subsidy, amount="10000", paid_on=timezone.localdate()
    )
    _login(en, world.staff_a)
    html = en.get(reverse("alliance:hub", args=[world.palace_a.pk])).content.decode()
    assert "Member since 2022-12-20." in html
    assert '<td class="num">30,000.00</td>' in html
    assert '<td class="num">10,000.00</td>' in html
    assert "2027全省职工篮球友谊赛" in html
    assert reverse("alliance:campaign", args=[world.palace_a.pk, campaign.pk]) in html


def test_hub_query_count_does_not_grow_with_calls_and_applications(
    members, client, django_assert_max_num_queries
):
    world = members
    calls = [open_call(world, title=f"省级活动{n}") for n in range(12)]
    for call in calls[:5]:
        application = apply(world, call)
        services.application_review(
            actor=world.province_officer, application=application, scores=[1, 1], now=after_deadline(call)
        )
    for n in range(5):
        services.campaign_save(
            actor=world.province_officer,
            title=f"主题活动{n}",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            organiser=world.palace_a,
            participants=[world.palace_a],
        )
    _rotation(world)
    _login(client, world.staff_a)
    url = reverse("alliance:hub", args=[world.palace_a.pk])
    client.get(url)
    # Session, user, assignments, palace, membership, applications, calls, the palace's
    # applications to them, membership today, subsidies (2), campaigns, rotations (4).
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200


# --- Applying --------------------------------------------------------------------------------------


def test_applying_creates_the_application_and_returns_to_the_hub(members, en):
    world = members
    call = open_call(world)
    venue = court(world.palace_a)
    _login(en, world.staff_a)
    url = reverse("alliance:apply", args=[world.palace_a.pk, call.pk])
    page = en.get(url)
    assert page.status_code == 200
    assert f'<option value="{venue.pk}">' in page.content.decode()
    assert f'<option value="{world.venue_b.pk}"' not in page.content.decode()
    response = en.post(url, _form(call, venue, requested_subsidy="35000.50"))
    assert response.status_code == 302
    assert response["Location"] == reverse("alliance:hub", args=[world.palace_a.pk])
    application = HostingApplication.objects.get()
    assert (application.palace, application.venue, application.capacity) == (world.palace_a, venue, 300)
    assert application.requested_subsidy == Decimal("35000.50")
    assert application.submitted_by == world.staff_a
    assert application.status == Status.SUBMITTED


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"plan": ""}, "plan"),
        ({"support": "  "}, "support"),
        ({"capacity": "0"}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"requested_subsidy": "-5"}, "requested_subsidy"),
        ({"requested_subsidy": "200000"}, "requested_subsidy"),  # over the whole budget
        ({"event_date": "2020-01-01"}, "event_date"),  # outside the call's window
        ({"event_date": "soon"}, "event_date"),
        ({"venue": "999999"}, "venue"),
    ],
)
def test_applying_with_bad_input_shows_the_errors_and_changes_nothing(members, en, values, field):
    world = members
    call = open_call(world)
    _login(en, world.staff_a)
    url = reverse("alliance:apply", args=[world.palace_a.pk, call.pk])
    response = en.post(url, _form(call, court(world.palace_a), **values))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    assert not HostingApplication.objects.exists()


def test_applying_with_another_palaces_venue_is_refused(members, en):
    world = members
    call = open_call(world)
    _login(en, world.staff_a)
    url = reverse("alliance:apply", args=[world.palace_a.pk, call.pk])
    response = en.post(url, _form(call, world.venue_b))
    assert response.status_code == 400
    assert "venue" in response.context["form"].errors
    assert not HostingApplication.objects.exists()


def test_after_the_deadline_the_page_says_closed_and_refuses(members, en):
    world = members
    call = open_call(world)
    HostingCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    _login(en, world.staff_a)
    url = reverse("alliance:apply", args=[world.palace_a.pk, call.pk])
    page = en.get(url)
    assert "Applications to this call are closed." in page.content.decode()
    assert page.context["may_apply"] is False
    response = en.post(url, _form(call, court(world.palace_a)))
    assert response.status_code == 409
    assert "The deadline for applications has passed." in response.content.decode()
    assert not HostingApplication.objects.exists()


def test_an_ineligible_palace_sees_why_and_cannot_apply(world, en):
    call = open_call(world)  # members only; palace A is not one
    _login(en, world.staff_a)
    url = reverse("alliance:apply", args=[world.palace_a.pk, call.pk])
    page = en.get(url)
    html = page.content.decode()
    assert "Your palace cannot apply:" in html
    assert "The palace must be an alliance member." in html
    assert "<textarea" not in html
    response = en.post(url, _form(call, court(world.palace_a)))
    assert response.status_code == 409
    assert "The palace must be an alliance member." in response.content.decode()
    assert not HostingApplication.objects.exists()


def test_a_county_only_call_tells_a_city_palace_why(members, en):
    world = members
    call = open_call(world, eligibility={"levels": ["county"]})
    _login(en, world.staff_a)
    html = en.get(reverse("alliance:apply", args=[world.palace_a.pk, call.pk])).content.decode()
    assert "Open to county-level palaces only." in html


def test_a_second_application_shows_the_error(members, en):
    world = members
    call = open_call(world)
    apply(world, call)
    _login(en, world.manager_a)
    url = reverse("alliance:apply", args=[world.palace_a.pk, call.pk])
    page = en.get(url)
    assert page.context["existing"] is not None
    assert "<textarea" not in page.content.decode()
    response = en.post(url, _form(call, court(world.palace_a), plan="另一个方案"))
    assert response.status_code == 409
    assert "Your palace has already applied to this call." in response.content.decode()
    assert HostingApplication.objects.get().plan == "三天赛程，16支队伍"


# --- Withdrawing -----------------------------------------------------------------------------------


def test_withdrawing_asks_first_then_withdraws(members, en):
    world = members
    call = open_call(world)
    application = apply(world, call)
    _login(en, world.staff_a)
    url = reverse("alliance:withdraw", args=[world.palace_a.pk, application.pk])
    page = en.get(url)
    assert page.status_code == 200
    assert "Yes, withdraw" in page.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    response = en.post(url)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    # And the palace may apply again before the deadline.
    again = en.post(
        reverse("alliance:apply", args=[world.palace_a.pk, call.pk]), _form(call, court(world.palace_a))
    )
    assert again.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_withdrawing_after_the_deadline_is_refused(members, en):
    world = members
    call = open_call(world)
    application = apply(world, call)
    HostingCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    _login(en, world.staff_a)
    url = reverse("alliance:withdraw", args=[world.palace_a.pk, application.pk])
    assert "Yes, withdraw" not in en.get(url).content.decode()
    response = en.post(url)
    assert response.status_code == 409
    assert "The deadline has passed; it can no longer be withdrawn." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


# --- Tagging work to a campaign --------------------------------------------------------------------


@pytest.fixture
def campaign_scene(members):
    world = members
    campaign = services.campaign_save(
        actor=world.province_officer,
        title="点亮万家灯火，情暖赣鄱职工",
        starts_on=date(2026, 3, 10),
        ends_on=date(2026, 5, 31),
        organiser=world.palace_a,
        participants=[world.palace_a, world.palace_b],
    )

    def log(palace, title, day, **values):
        actor = world.staff_a if palace == world.palace_a else world.staff_b
        return activity_create(
            actor=actor, palace=palace, title=title, kind="performance", centre="culture", date=day, **values
        )

    rows = {
        "inside": log(
            world.palace_a, "春季职工文艺汇演", date(2026, 3, 20), participants=200, online_viewers=1500
        ),
        "april": log(world.palace_a, "读书分享会", date(2026, 4, 2), participants=40),
        "before": log(world.palace_a, "元宵灯会", date(2026, 3, 1), participants=800),
        "other": log(world.palace_b, "武宁采茶戏专场", date(2026, 3, 21), participants=120),
    }
    return world, campaign, rows


def _tag_url(world, campaign, month=None):
    url = reverse("alliance:campaign", args=[world.palace_a.pk, campaign.pk])
    return f"{url}?month={month}" if month else url


def test_tag_page_lists_only_the_palaces_rows_of_the_month_within_the_campaign(campaign_scene, en):
    world, campaign, rows = campaign_scene
    _login(en, world.staff_a)
    response = en.get(_tag_url(world, campaign, "2026-03"))
    assert response.status_code == 200
    listed = {a.pk for a in response.context["activities"]}
    assert listed == {rows["inside"].pk}  # not before the campaign, not April, not palace B's
    april = en.get(_tag_url(world, campaign, "2026-04"))
    assert {a.pk for a in april.context["activities"]} == {rows["april"].pk}


def test_tagging_and_untagging_by_checkboxes(campaign_scene, en):
    world, campaign, rows = campaign_scene
    _login(en, world.staff_a)
    url = _tag_url(world, campaign)
    response = en.post(url, {"month": "2026-03", "activities": [rows["inside"].pk]})
    assert response.status_code == 302
    assert response["Location"].endswith("?month=2026-03")
    tag = CampaignTag.objects.get()
    assert (tag.activity, tag.palace, tag.tagged_by) == (rows["inside"], world.palace_a, world.staff_a)
    page = en.get(_tag_url(world, campaign, "2026-03"))
    assert page.context["totals"].person_times == 200
    assert page.context["totals"].online_viewers == 1500
    assert f'value="{rows["inside"].pk}" checked' in page.content.decode()
    # Tagging in April leaves March's tag alone; unticking in March removes it.
    en.post(url, {"month": "2026-04", "activities": [rows["april"].pk]})
    assert CampaignTag.objects.count() == 2
    en.post(url, {"month": "2026-03"})
    assert list(CampaignTag.objects.values_list("activity", flat=True)) == [rows["april"].pk]


def test_a_refusal_mid_way_through_the_checkboxes_saves_nothing_and_says_so(campaign_scene, en, monkeypatch):
    from alliance.services import campaign as campaign_module
    from palace_portal.errors import RuleViolation

    world, campaign, rows = campaign_scene
    _login(en, world.staff_a)
    url = _tag_url(world, campaign)
    en.post(url, {"month": "2026-03", "activities": [rows["inside"].pk]})
    march_tag = CampaignTag.objects.get()
    second = activity_create(
        actor=world.staff_a, palace=world.palace_a, title="职工合唱比赛", kind="performance",
        centre="culture", date=date(2026, 3, 25), participants=60,
    )  # fmt: skip
    third = activity_create(
        actor=world.staff_a, palace=world.palace_a, title="书法展", kind="performance",
        centre="culture", date=date(2026, 3, 26), participants=30,
    )  # fmt: skip
    real_tag = campaign_module.campaign_tag

    def refuse_the_third(**kwargs):
        if kwargs.get("activity") == third:
            raise RuleViolation("拒绝", code="refused")
        return real_tag(**kwargs)

    monkeypatch.setattr(campaign_module, "campaign_tag", refuse_the_third)
    # Untick the tagged row, tick two new ones: the second of them is refused.
    response = en.post(url, {"month": "2026-03", "activities": [second.pk, third.pk]}, follow=True)
    assert list(CampaignTag.objects.values_list("pk", flat=True)) == [march_tag.pk]
    assert "Nothing was saved" in response.content.decode()


@pytest.mark.parametrize("row", ["other", "before"])
def test_tagging_a_row_not_listed_is_refused_and_changes_nothing(campaign_scene, en, row):
    world, campaign, rows = campaign_scene
    _login(en, world.staff_a)
    response = en.post(_tag_url(world, campaign), {"month": "2026-03", "activities": [rows[row].pk]})
    assert response.status_code == 400
    assert "activities" in response.context["form"].errors
    assert not CampaignTag.objects.exists()


def test_a_month_outside_the_campaign_is_an_error(campaign_scene, en):
    world, campaign, rows = campaign_scene
    _login(en, world.staff_a)
    response = en.post(_tag_url(world, campaign), {"month": "2026-07", "activities": [rows["inside"].pk]})
    assert response.status_code == 400
    assert not CampaignTag.objects.exists()


def test_a_campaign_the_palace_does_not_take_part_in_is_not_found(campaign_scene, client):
    world, _campaign, _rows = campaign_scene
    other = services.campaign_save(
        actor=world.province_officer,
        title="别家的活动",
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 31),
        organiser=world.palace_b,
        participants=[world.palace_b],
    )
    _login(client, world.staff_a)
    assert client.get(reverse("alliance:campaign", args=[world.palace_a.pk, other.pk])).status_code == 404


def test_tag_page_query_count_does_not_grow_with_rows(campaign_scene, client, django_assert_max_num_queries):
    world, campaign, _rows = campaign_scene
    for n in range(30):
        activity_create(
            actor=world.staff_a,
            palace=world.palace_a,
            title=f"活动{n}",
            kind="lecture",
            centre="education",
            date=date(2026, 3, 11 + n % 15),
        )
    _login(client, world.staff_a)
    url = _tag_url(world, campaign, "2026-03")
    client.get(url)
    # Session, user, assignments, palace, campaign, the three lists, tags, totals (3).
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["activities"]) == 31


# --- The public calendar ---------------------------------------------------------------------------


@pytest.fixture
def calendar_scene(members):
    world = members
    call = open_call(world)
    approved = _approve(world, apply(world, call), title="全省职工篮球友谊赛（南昌站）")
    pending = apply(world, call, palace=world.palace_b)
    return world, call, approved, pending


def test_calendar_shows_approved_events_only_with_their_host(calendar_scene, en):
    world, _call, approved, _pending = calendar_scene
    response = en.get(reverse("alliance:calendar"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "全省职工篮球友谊赛（南昌站）" in html
    assert world.palace_a.name in html
    assert reverse("venues:palace_detail", args=[world.palace_a.pk]) in html
    assert approved.venue.name in html
    assert "competition" in html
    assert world.palace_b.name not in html  # its application is only submitted


def test_calendar_filters_by_year_month_and_city(calendar_scene, en):
    _world, _call, approved, _pending = calendar_scene
    day = approved.event_date
    url = reverse("alliance:calendar")
    assert en.get(url, {"year": day.year, "month": day.month}).context["months"]
    other_month = day.month % 12 + 1
    assert not en.get(url, {"year": day.year, "month": other_month}).context["months"]
    assert en.get(url, {"city": "360100"}).context["months"]
    assert not en.get(url, {"city": "360400"}).context["months"]
    bad = en.get(url, {"month": "13"})
    assert "month" in bad.context["form"].errors
    assert bad.context["months"] == []


def test_calendar_ics_lists_the_approved_events(calendar_scene, client):
    _world, _call, approved, _pending = calendar_scene
    response = client.get(reverse("alliance:calendar_ics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.count("BEGIN:VEVENT") == 1
    assert f"DTSTART;VALUE=DATE:{approved.event_date:%Y%m%d}" in body


def test_calendar_query_count_does_not_grow_with_events(members, client, django_assert_max_num_queries):
    world = members
    for n in range(6):
        palace = PalaceFactory(
            name=f"第{n}县工人文化宫", region=world.county1, level="county", status="in_service"
        )
        join(world, palace)
        VenueFactory(palace=palace, name="篮球馆", kind="basketball")
        staff = StaffAssignmentFactory(role=StaffAssignment.Role.PALACE_STAFF, palace=palace).user
        call = open_call(world, title=f"省级活动{n}")
        _approve(world, apply(world, call, palace=palace, actor=staff))
    _rotation(world)
    url = reverse("alliance:calendar")
    # Years, events, the cities of the form, rotations (4).
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert sum(len(events) for _month, events in response.context["months"]) == 6


# --- Membership on public pages --------------------------------------------------------------------


def test_a_member_palaces_page_shows_its_membership(members, en):
    world = members
    _rotation(world)
    html = en.get(reverse("venues:palace_detail", args=[world.palace_a.pk])).content.decode()
    assert "Alliance member since 2022-12-20." in html
    assert "Currently leads the council rotation “2026年下半年”" in html
    calendar = en.get(reverse("alliance:calendar")).content.decode()
    assert "Leading now" in calendar
    assert world.palace_a.name in calendar
    assert "2027年上半年" in calendar
    assert world.palace_b.name in calendar


def test_a_founding_members_page_says_so(world, en):
    services.membership_join(
        actor=world.province_officer, palace=world.palace_a, joined_on=date(2022, 12, 1), founding=True
    )
    html = en.get(reverse("venues:palace_detail", args=[world.palace_a.pk])).content.decode()
    assert "Founding member" in html


def test_a_non_members_page_has_no_alliance_section(world, en):
    html = en.get(reverse("venues:palace_detail", args=[world.palace_a.pk])).content.decode()
    assert "Alliance member since" not in html


# --- The home page's provincial events (cached: venues/home_cache.py) ------------------------------


def _home_block(client) -> str:
    html = client.get(reverse("home")).content.decode()
    return html[html.index('id="upcoming-title"') : html.index('id="cities-title"')]


def test_the_home_page_shows_an_approved_event_on_the_next_request_until_its_day_ends(members, client):
    world = members
    call = open_call(world)
    application = apply(world, call)
    day = application.event_date
    on_the_day = timezone.make_aware(datetime.combine(day, time(20)))
    with mock.patch("django.utils.timezone.now", return_value=on_the_day - timedelta(days=3)):
        assert "全省职工篮球友谊赛（南昌站）" not in _home_block(client)  # cached, not yet approved
        _approve(world, application, title="全省职工篮球友谊赛（南昌站）")
        assert "全省职工篮球友谊赛（南昌站）" in _home_block(client)
    with mock.patch("django.utils.timezone.now", return_value=on_the_day):
        assert "全省职工篮球友谊赛（南昌站）" in _home_block(client)
    the_day_after = timezone.make_aware(datetime.combine(day + timedelta(days=1), time(0, 0, 1)))
    with mock.patch("django.utils.timezone.now", return_value=the_day_after):
        assert "全省职工篮球友谊赛（南昌站）" not in _home_block(client)
