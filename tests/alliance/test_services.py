"""The alliance's rules: membership, rotations, campaigns and tags, calls, applications, reviews,
decisions and subsidies."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from activities.models import Activity
from alliance import selectors, services
from alliance.models import CampaignTag, HostingApplication, Membership, Subsidy
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.alliance.support import after_deadline, apply, court, join, open_call
from tests.factories import PalaceFactory
from venues.models import Palace

pytestmark = pytest.mark.django_db


# --- Membership ---------------------------------------------------------------------------------


def test_the_roster_at_any_date_follows_joining_and_leaving(world):
    join(world, world.palace_a)
    join(world, world.palace_b, on=date(2024, 3, 1))
    services.membership_leave(
        actor=world.province_officer, palace=world.palace_b, left_on=date(2025, 6, 30), reason="机构调整"
    )
    assert selectors.member_count_at(date(2022, 12, 31)) == 1
    assert selectors.member_count_at(date(2024, 12, 31)) == 2
    assert selectors.member_count_at(date(2025, 6, 30)) == 1  # gone on the day it left
    assert [n for _d, n in selectors.growth([date(2023, 1, 1), date(2024, 6, 1), date(2025, 7, 1)])] == [
        1,
        2,
        1,
    ]
    world.palace_a.refresh_from_db()
    world.palace_b.refresh_from_db()
    assert world.palace_a.alliance_member
    assert not world.palace_b.alliance_member


def test_joining_twice_or_in_the_future_or_leaving_without_reason_is_refused(world):
    join(world, world.palace_a)
    with pytest.raises(RuleViolation) as twice:
        join(world, world.palace_a, on=date(2023, 1, 1))
    assert twice.value.code == "already_member"
    with pytest.raises(InvalidInput):
        join(world, world.palace_b, on=timezone.localdate() + timedelta(days=1))
    with pytest.raises(InvalidInput):
        services.membership_leave(
            actor=world.province_officer, palace=world.palace_a, left_on=date(2024, 1, 1), reason=" "
        )
    assert Membership.objects.count() == 1


def test_only_provincial_staff_keep_the_roster(world):
    for actor in (world.staff_a, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            services.membership_join(actor=actor, palace=world.palace_a, joined_on=date(2023, 1, 1))
    assert not Membership.objects.exists()


# --- Rotations and campaigns --------------------------------------------------------------------


def test_rotations_do_not_overlap_and_are_led_by_members(world):
    join(world, world.palace_a)
    services.rotation_save(
        actor=world.province_officer,
        name="2023年上半年",
        starts_on=date(2023, 1, 1),
        ends_on=date(2023, 6, 30),
        leads=[world.palace_a],
    )
    with pytest.raises(RuleViolation) as overlap:
        services.rotation_save(
            actor=world.province_officer,
            name="重叠",
            starts_on=date(2023, 6, 1),
            ends_on=date(2023, 12, 31),
            leads=[world.palace_a],
        )
    assert overlap.value.code == "rotation_overlaps"
    with pytest.raises(InvalidInput) as outsider:
        services.rotation_save(
            actor=world.province_officer,
            name="2023年下半年",
            starts_on=date(2023, 7, 1),
            ends_on=date(2023, 12, 31),
            leads=[world.palace_b],
        )
    assert "leads" in outsider.value.fields


def campaign(world, **values):
    values.setdefault("title", "点亮万家灯火，情暖赣鄱职工")
    values.setdefault("starts_on", date(2024, 1, 1))
    values.setdefault("ends_on", date(2024, 2, 29))
    values.setdefault("organiser", world.palace_a)
    values.setdefault("participants", [world.palace_a])
    return services.campaign_save(actor=world.province_officer, **values)


def logged(palace, day, participants=100, viewers=0):
    return Activity.objects.create(
        palace=palace, title="送福进万家", kind="performance", centre="culture", date=day,
        participants=participants, online_viewers=viewers,
    )  # fmt: skip


def test_campaign_totals_come_from_the_tagged_rows(world):
    join(world, world.palace_a, world.palace_b)
    drive = campaign(world, participants=[world.palace_a, world.palace_b])
    inside = logged(world.palace_a, date(2024, 1, 20), participants=120, viewers=5000)
    other = logged(world.palace_b, date(2024, 2, 3), participants=80)
    logged(world.palace_a, date(2024, 1, 21), participants=999)  # not tagged: not counted
    services.campaign_tag(actor=world.staff_a, campaign=drive, activity=inside)
    services.campaign_tag(actor=world.staff_b, campaign=drive, activity=other)
    totals = selectors.campaign_totals(drive)
    assert (totals.activities, totals.person_times, totals.online_viewers) == (2, 200, 5000)


def test_tagging_several_rows_is_all_or_nothing(world):
    join(world, world.palace_a)
    drive = campaign(world)
    kept = services.campaign_tag(
        actor=world.staff_a, campaign=drive, activity=logged(world.palace_a, date(2024, 1, 5))
    )
    first = logged(world.palace_a, date(2024, 1, 20))
    outside = logged(world.palace_a, date(2024, 5, 1))  # fails after the first row is saved
    with pytest.raises(RuleViolation) as refused:
        services.campaign_tags_apply(
            actor=world.staff_a,
            campaign=drive,
            tag=[("activity", first), ("activity", outside)],
            untag=[kept],
        )
    assert refused.value.code == "outside_campaign"
    assert str(outside) in str(refused.value.message)
    assert list(CampaignTag.objects.values_list("pk", flat=True)) == [kept.pk]  # nothing half-saved
    assert services.campaign_tags_apply(
        actor=world.staff_a, campaign=drive, tag=[("activity", first)], untag=[kept]
    ) == (1, 1)
    assert list(CampaignTag.objects.values_list("activity", flat=True)) == [first.pk]


def test_a_failure_injected_mid_way_through_tagging_saves_none_of_it(world, monkeypatch):
    """Not a rule's refusal but the database failing on the second row: the first is undone too."""
    from alliance.services import campaign as campaign_module

    join(world, world.palace_a)
    drive = campaign(world)
    rows = [logged(world.palace_a, date(2024, 1, day)) for day in (10, 11, 12)]
    real_tag, calls = campaign_module.campaign_tag, []

    def failing_second(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return real_tag(**kwargs)

    monkeypatch.setattr(campaign_module, "campaign_tag", failing_second)
    with pytest.raises(DatabaseError):
        services.campaign_tags_apply(
            actor=world.staff_a, campaign=drive, tag=[("activity", row) for row in rows]
        )
    assert len(calls) == 2
    assert not CampaignTag.objects.exists()


def test_tagging_is_for_the_rows_own_palace_within_the_campaign(world):
    join(world, world.palace_a, world.palace_b)
    drive = campaign(world)
    row = logged(world.palace_a, date(2024, 1, 20))
    with pytest.raises(NotFound):
        services.campaign_tag(actor=world.staff_b, campaign=drive, activity=row)
    with pytest.raises(RuleViolation) as outside:
        services.campaign_tag(
            actor=world.staff_a, campaign=drive, activity=logged(world.palace_a, date(2024, 5, 1))
        )
    assert outside.value.code == "outside_campaign"
    with pytest.raises(RuleViolation) as not_part:
        services.campaign_tag(
            actor=world.staff_b, campaign=drive, activity=logged(world.palace_b, date(2024, 1, 9))
        )
    assert not_part.value.code == "not_taking_part"
    services.campaign_tag(actor=world.staff_a, campaign=drive, activity=row)
    with pytest.raises(RuleViolation) as again:
        services.campaign_tag(actor=world.staff_a, campaign=drive, activity=row)
    assert again.value.code == "already_tagged"


# --- Hosting calls and applications ------------------------------------------------------------


def test_an_eligible_member_applies_once(world):
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    assert application.status == HostingApplication.Status.SUBMITTED
    with pytest.raises(RuleViolation) as twice:
        apply(world, call)
    assert twice.value.code == "already_applied"


def test_ineligible_palaces_see_why(world):
    call = open_call(
        world, eligibility={"levels": ["city"], "in_service": True, "member": True, "min_capacity": 500}
    )
    reasons = services.call_ineligibility(call, world.palace_b)
    assert len(reasons) == 2  # county level, not a member
    with pytest.raises(RuleViolation) as refused:
        apply(world, call, palace=world.palace_b, capacity=600)
    assert refused.value.code == "not_eligible"
    assert not HostingApplication.objects.exists()


def test_an_eligibility_rule_left_out_of_the_call_does_not_apply(world):
    call = open_call(world, eligibility={"levels": ["city", "county"], "in_service": True, "member": False})
    assert services.call_ineligibility(call, world.palace_b) == []


def test_planned_palaces_are_not_in_service(world):
    planned = PalaceFactory(status=Palace.Status.PLANNED, region=world.county1)
    call = open_call(world, eligibility={"levels": ["city", "county"], "in_service": True, "member": False})
    assert services.call_ineligibility(call, planned)


def test_applications_close_at_the_deadline_and_withdraw_before_it(world):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world)
    application = apply(world, call)
    with pytest.raises(RuleViolation) as late:
        services.application_withdraw(actor=world.staff_a, application=application, now=after_deadline(call))
    assert late.value.code == "deadline_passed"
    services.application_withdraw(actor=world.staff_a, application=application)
    again = apply(world, call)  # a withdrawn application may be submitted again before the deadline
    assert again.pk == application.pk
    with pytest.raises(RuleViolation) as closed:
        apply(world, call, palace=world.palace_b, now=after_deadline(call))
    assert closed.value.code == "deadline_passed"


def test_only_the_palaces_own_staff_apply(world):
    join(world, world.palace_a)
    call = open_call(world)
    for outsider in (world.staff_b, world.province_officer, world.city_officer, world.worker):
        with pytest.raises(NotFound):
            apply(world, call, actor=outsider)
    assert not HostingApplication.objects.exists()


def test_bad_application_input_changes_nothing(world):
    join(world, world.palace_a)
    call = open_call(world)
    with pytest.raises(InvalidInput) as bad:
        apply(
            world,
            call,
            plan="",
            venue=court(world.palace_b),
            event_date=call.ends_on + timedelta(days=1),
            requested_subsidy="-5",
        )
    assert {"plan", "venue", "event_date"} <= set(bad.value.fields)
    with pytest.raises(InvalidInput):
        apply(world, call, requested_subsidy="200000")  # more than the whole budget
    strict = open_call(world, title="大型文艺汇演", eligibility={"min_capacity": 500})
    with pytest.raises(InvalidInput) as small:
        apply(world, strict, capacity=300)
    assert "capacity" in small.value.fields
    assert not HostingApplication.objects.exists()


def test_review_then_decide_puts_the_event_on_the_calendar(world):
    join(world, world.palace_a)
    call = open_call(world)
    application = apply(world, call)
    later = after_deadline(call)
    with pytest.raises(RuleViolation) as early:
        services.application_review(actor=world.province_officer, application=application, scores=[30, 20])
    assert early.value.code == "deadline_not_passed"
    with pytest.raises(RuleViolation) as unreviewed:
        services.application_decide(
            actor=world.province_officer, application=application, approve=True, now=later
        )
    assert unreviewed.value.code == "not_reviewed"
    with pytest.raises(InvalidInput):
        services.application_review(
            actor=world.province_officer, application=application, scores=[50, 20], now=later
        )
    with pytest.raises(NotFound):
        services.application_review(actor=world.staff_a, application=application, scores=[30, 20], now=later)
    review = services.application_review(
        actor=world.province_officer, application=application, scores=[30, 20.5], now=later
    )
    assert review.total == Decimal("50.5")
    with pytest.raises(InvalidInput):
        services.application_decide(
            actor=world.province_officer, application=application, approve=False, now=later
        )
    services.application_decide(
        actor=world.province_officer,
        application=application,
        approve=True,
        event_title="全省职工篮球友谊赛（南昌站）",
        now=later,
    )
    assert [a.event_title for a in selectors.calendar_events()] == ["全省职工篮球友谊赛（南昌站）"]
    with pytest.raises(RuleViolation) as twice:
        services.application_decide(
            actor=world.province_officer, application=application, approve=False, reason="x"
        )
    assert twice.value.code == "already_decided"


# --- Subsidies ------------------------------------------------------------------------------------


def approved(world, call, palace):
    application = apply(world, call, palace=palace)
    later = after_deadline(call)
    services.application_review(
        actor=world.province_officer, application=application, scores=[30, 20], now=later
    )
    return services.application_decide(
        actor=world.province_officer, application=application, approve=True, now=later
    )


def test_grants_never_exceed_the_budget_and_payments_never_exceed_the_grant(world):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world, budget="100000")
    first, second = approved(world, call, world.palace_a), approved(world, call, world.palace_b)
    services.subsidy_grant(actor=world.province_officer, application=first, amount="70000")
    with pytest.raises(RuleViolation) as over:
        services.subsidy_grant(actor=world.province_officer, application=second, amount="30000.01")
    assert over.value.code == "over_budget"
    subsidy = services.subsidy_grant(actor=world.province_officer, application=second, amount="30000")
    assert selectors.call_budget(call).left == 0
    services.subsidy_pay(
        actor=world.province_officer, subsidy=subsidy, amount="20000", paid_on=date(2026, 1, 5)
    )
    with pytest.raises(RuleViolation) as too_much:
        services.subsidy_pay(
            actor=world.province_officer, subsidy=subsidy, amount="10000.01", paid_on=date(2026, 1, 6)
        )
    assert too_much.value.code == "over_granted"
    with pytest.raises(RuleViolation) as below:
        services.subsidy_grant(actor=world.province_officer, application=second, amount="10000")
    assert below.value.code == "below_paid"
    with pytest.raises(RuleViolation):
        services.call_save(
            actor=world.province_officer,
            call=call,
            title=call.title,
            event_kind=call.event_kind,
            starts_on=call.starts_on,
            ends_on=call.ends_on,
            deadline=call.deadline,
            budget="50000",
            eligibility=call.eligibility,
            criteria=call.criteria,
        )


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_racing_grants_never_exceed_the_budget(world):
    """Threads with their own connections: on PostgreSQL (CI's integration step); SQLite's in-memory
    test database is shared by threads and locks whole tables, which says nothing of production."""
    if connection.vendor != "postgresql":
        pytest.skip("a race of connections needs PostgreSQL")
    join(world, world.palace_a, world.palace_b)
    call = open_call(world, budget="100000")
    applications = [approved(world, call, world.palace_a), approved(world, call, world.palace_b)]
    barrier = threading.Barrier(len(applications))
    outcomes = []

    def grant(application):
        barrier.wait()
        try:
            services.subsidy_grant(actor=world.province_officer, application=application, amount="60000")
            outcomes.append("granted")
        except RuleViolation as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=grant, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["granted", "over_budget"]
    assert sum(s.granted for s in Subsidy.objects.all()) == Decimal("60000")
