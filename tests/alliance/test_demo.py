"""The alliance's demo step: the published figures (33 → 69 members, 10 provincial events in 2024),
a membership history matching the palaces' flags, and rows the services could have written.

The network, the demo accounts, the ledger (for the campaign tags) and the alliance are seeded once
for the module and read by every test; the bookings and classes steps are left out.
"""

import time as clock
from collections import Counter
from datetime import date, datetime
from itertools import pairwise
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

import venues.demo
from activities.demo.ledger import BASKETBALL_FINAL, LEDGER_STEP, SPEECH_CONTEST
from activities.models import Activity
from alliance import selectors
from alliance.demo import ALLIANCE_STEP, wipe_alliance
from alliance.models import (
    ApplicationReview,
    Campaign,
    CampaignTag,
    HostingApplication,
    HostingCall,
    Membership,
    RotationTerm,
    Subsidy,
)
from alliance.services import call_ineligibility
from bookings.demo import DEMO_HOUR
from venues.demo.accounts import DEMO_PALACE_NAME
from venues.demo.builder import DemoContext, collect_steps, wipe
from venues.models import Palace

# Seeds (part of) the demo province: slow, so run by `make test-demo` and CI's demo step.
pytestmark = pytest.mark.demo

ANCHOR = date(2026, 11, 21)
NOW = timezone.make_aware(datetime.combine(ANCHOR, DEMO_HOUR))
AppStatus, CallStatus = HostingApplication.Status, HostingCall.Status


def _seed() -> tuple[DemoContext, float]:
    ctx = DemoContext(seed=2026, today=ANCHOR)
    with transaction.atomic():
        for step in venues.demo.DEMO_STEPS:
            step.build(ctx)
        LEDGER_STEP.build(ctx)
        started = clock.perf_counter()
        ALLIANCE_STEP.build(ctx)
    return ctx, clock.perf_counter() - started


@pytest.fixture(scope="module")
def demo(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ctx, elapsed = _seed()
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(f"\nalliance demo step on {connection.vendor}: {elapsed:.2f} s")
        yield SimpleNamespace(ctx=ctx)
        with transaction.atomic():
            wipe(collect_steps())


def fingerprint() -> list:
    """Everything the step writes except ids and the wall-clock stamps, in a stable order."""
    return [
        sorted(
            Membership.objects.values_list("palace__name", "joined_on", "left_on", "leave_reason", "founding")
        ),
        [
            (t.name, t.starts_on, t.ends_on, t.duties, sorted(p.name for p in t.leads.all()))
            for t in RotationTerm.objects.order_by("starts_on").prefetch_related("leads")
        ],
        [
            (
                c.title,
                c.description,
                c.starts_on,
                c.ends_on,
                c.organiser.name,
                c.rotation.name if c.rotation else None,
                sorted(p.name for p in c.participants.all()),
            )
            for c in Campaign.objects.order_by("starts_on", "title")
            .select_related("organiser", "rotation")
            .prefetch_related("participants")
        ],
        sorted(
            CampaignTag.objects.values_list(
                "campaign__title",
                "palace__name",
                "activity__title",
                "activity__date",
                "course__title",
                "event__title",
                "tagged_at",
            ),
            key=repr,
        ),
        sorted(
            HostingCall.objects.values_list(
                "title",
                "event_kind",
                "starts_on",
                "ends_on",
                "deadline",
                "budget",
                "status",
                "campaign__title",
            )
        ),
        sorted(
            HostingApplication.objects.values_list(
                "call__title",
                "palace__name",
                "plan",
                "venue__name",
                "capacity",
                "support",
                "requested_subsidy",
                "event_date",
                "status",
                "decision_reason",
                "decided_at",
                "event_title",
                "submitted_at",
            )
        ),
        sorted(
            (r.application.call.title, r.application.palace.name, r.scores, r.total, r.comment, r.reviewed_at)
            for r in ApplicationReview.objects.select_related("application__call", "application__palace")
        ),
        sorted(
            Subsidy.objects.values_list("call__title", "palace__name", "year", "granted", "paid", "paid_on")
        ),
    ]


# --- Membership -------------------------------------------------------------------------------------


def test_demo_alliance_grows_from_33_founding_members_to_69_at_the_end_of_2024(demo, db):
    founding = Membership.objects.filter(founding=True)

    assert selectors.member_count_at(date(2022, 12, 31)) == 33
    assert founding.count() == 33
    assert all(d.year == 2022 and d.month == 12 for d in founding.values_list("joined_on", flat=True))
    assert selectors.member_count_at(date(2022, 12, 1)) == 0
    assert selectors.member_count_at(date(2024, 12, 31)) == 69
    assert selectors.member_count_at(date(2023, 12, 31)) < 69
    city_level = Palace.objects.filter(level=Palace.Level.CITY, status=Palace.Status.IN_SERVICE)
    assert set(city_level) <= {m.palace for m in founding.select_related("palace")}
    assert founding.filter(palace__name=DEMO_PALACE_NAME).exists()


def test_demo_member_flags_are_exactly_the_open_memberships_today(demo, db):
    today_members = set(
        Membership.objects.filter(left_on__isnull=True, joined_on__lte=ANCHOR).values_list(
            "palace", flat=True
        )
    )

    assert set(Palace.objects.filter(alliance_member=True).values_list("pk", flat=True)) == today_members
    assert len(today_members) == 69
    assert selectors.member_count_at(ANCHOR) == 69
    assert not Palace.objects.filter(alliance_member=True).exclude(status=Palace.Status.IN_SERVICE).exists()
    left = Membership.objects.filter(left_on__isnull=False)
    assert left.exists()
    assert all(m.leave_reason and m.joined_on < m.left_on <= ANCHOR for m in left)
    assert Membership.objects.filter(joined_on__year=2025).exists()  # joins after the published figure


# --- Council rotations ------------------------------------------------------------------------------


def test_demo_rotation_terms_follow_one_another_and_their_leads_were_members_at_the_start(demo, db):
    terms = list(RotationTerm.objects.order_by("starts_on").prefetch_related("leads"))

    assert (terms[0].starts_on, terms[-1].ends_on) == (date(2023, 1, 1), date(2027, 6, 30))
    for before, after in pairwise(terms):
        assert before.ends_on < after.starts_on
    for term in terms:
        leads = list(term.leads.all())
        assert 2 <= len(leads) <= 3, term.name
        roster = set(selectors.roster_at(term.starts_on).values_list("palace", flat=True))
        assert {p.pk for p in leads} <= roster, term.name
        assert term.duties
    current = selectors.rotations_now(ANCHOR)
    assert DEMO_PALACE_NAME in {p.name for p in current.current.leads.all()}
    assert current.next is not None


# --- Campaigns ------------------------------------------------------------------------------------------


def test_demo_campaigns_are_organised_by_a_lead_of_their_rotation_with_members_taking_part(demo, db):
    campaigns = list(
        Campaign.objects.select_related("organiser", "rotation").prefetch_related("participants")
    )

    assert len(campaigns) >= 12
    assert any("点亮万家灯火，情暖赣鄱职工" in c.title for c in campaigns)
    assert any("劳动创造幸福" in c.title for c in campaigns)
    assert any("四季有约" in c.title for c in campaigns)
    for c in campaigns:
        participants = list(c.participants.all())
        assert 20 <= len(participants) <= 60, c.title
        assert c.organiser in participants
        if c.rotation:
            assert c.rotation.starts_on <= c.starts_on <= c.rotation.ends_on
            assert c.organiser in c.rotation.leads.all()
        check = min(c.ends_on, ANCHOR)
        roster = set(selectors.roster_at(check).values_list("palace", flat=True))
        assert {p.pk for p in participants} <= roster, c.title
        assert {c.organiser.pk} <= set(selectors.roster_at(c.starts_on).values_list("palace", flat=True))


def test_demo_campaign_tags_lie_within_their_campaign_and_belong_to_palaces_taking_part(demo, db):
    tags = list(CampaignTag.objects.select_related("campaign", "activity"))
    taking_part = {
        (c, p) for c, p in Campaign.participants.through.objects.values_list("campaign_id", "palace_id")
    }

    assert len(tags) > 1000
    for tag in tags:
        c = tag.campaign
        assert (c.pk, tag.palace_id) in taking_part
        assert tag.activity is not None  # no courses or events without the classes step
        assert tag.activity.palace_id == tag.palace_id
        assert c.starts_on <= tag.activity.date <= c.ends_on
        assert tag.activity.date < ANCHOR
        assert tag.tagged_at <= NOW
    assert len({t.campaign_id for t in tags}) >= 10


def test_demo_campaign_tags_follow_the_theme_and_add_up_in_the_totals(demo, db):
    winter = Campaign.objects.filter(title__contains="点亮万家灯火").order_by("starts_on").first()
    titles = list(CampaignTag.objects.filter(campaign=winter).values_list("activity__title", flat=True))
    totals = selectors.campaign_totals(winter)

    assert titles
    assert all(any(w in t for w in ("春", "元宵", "灯谜", "福", "暖")) for t in titles)
    assert totals.activities == len(titles)
    people = Activity.objects.filter(pk__in=CampaignTag.objects.filter(campaign=winter).values("activity"))
    assert totals.person_times == people.aggregate(n=Sum("participants"))["n"] > 0


# --- Hosting calls ------------------------------------------------------------------------------------


def test_demo_2024_has_exactly_the_10_published_provincial_events(demo, db):
    approved = HostingApplication.objects.filter(status=AppStatus.APPROVED, event_date__year=2024)

    assert approved.count() == 10
    assert approved.values("call").distinct().count() == 10
    assert list(selectors.calendar_events(first=date(2024, 1, 1), last=date(2024, 12, 31))) == list(
        approved.order_by("event_date", "pk")
    )
    for fixed in (SPEECH_CONTEST, BASKETBALL_FINAL):
        logged = Activity.objects.get(title=fixed.title, date=fixed.day)
        hosted = approved.get(event_date=fixed.day)
        assert hosted.palace_id == logged.palace_id
    titles = " ".join(approved.values_list("call__title", flat=True))
    for words in ("篮球友谊赛", "演讲比赛", "排舞友谊赛", "书法交流"):
        assert words in titles


def test_demo_grants_stay_within_the_budget_and_payments_within_the_grant(demo, db):
    subsidies = list(Subsidy.objects.select_related("application", "call"))

    assert subsidies
    for call in HostingCall.objects.all():
        budget = selectors.call_budget(call)
        assert budget.granted <= budget.budget, call.title
        assert budget.paid <= budget.granted, call.title
    for s in subsidies:
        assert s.application.status == AppStatus.APPROVED
        assert (s.call_id, s.palace_id, s.year) == (
            s.application.call_id,
            s.application.palace_id,
            s.application.event_date.year,
        )
        assert 0 < s.granted <= s.application.requested_subsidy
        assert 0 <= s.paid <= s.granted
        assert (s.paid_on is None) == (s.paid == 0)
        assert s.paid_on is None or s.paid_on < ANCHOR
    paid_2024 = [s for s in subsidies if s.year == 2024]
    assert len(paid_2024) == 10
    assert all(s.paid == s.granted for s in paid_2024)
    assert (
        Subsidy.objects.filter(application__status=AppStatus.APPROVED).count()
        == HostingApplication.objects.filter(status=AppStatus.APPROVED).count()
    )


def test_demo_every_applicant_was_eligible_when_it_applied_and_applied_once(demo, db):
    applications = list(HostingApplication.objects.select_related("call", "palace", "venue"))

    assert len(applications) > 50
    pairs = Counter((a.call_id, a.palace_id) for a in applications)
    assert max(pairs.values()) == 1
    for a in applications:
        call = a.call
        day = timezone.localtime(a.submitted_at).date()
        assert call_ineligibility(call, a.palace, today=day) == [], (call.title, a.palace.name)
        assert a.submitted_at < min(call.deadline, NOW)
        assert call.starts_on <= a.event_date <= call.ends_on
        assert a.venue.palace_id == a.palace_id
        assert a.venue.is_active
        assert a.capacity >= (call.eligibility.get("min_capacity") or 0)
        assert a.capacity <= a.venue.capacity * 10
        assert 0 < a.requested_subsidy <= call.budget
        assert a.plan
        assert a.support


def test_demo_reviews_and_decisions_follow_the_rules(demo, db):
    for call in HostingCall.objects.prefetch_related("applications__reviews"):
        assert timezone.localtime(call.deadline).date() <= call.starts_on
        decided = []
        for a in call.applications.all():
            reviews = list(a.reviews.all())
            if a.status == AppStatus.WITHDRAWN:
                assert not reviews
                continue
            for r in reviews:
                assert call.deadline < r.reviewed_at < NOW
                assert len(r.scores) == len(call.criteria)
                assert all(0 <= s <= c["max"] for s, c in zip(r.scores, call.criteria, strict=True))
                assert r.total == sum(r.scores)
            if a.status in (AppStatus.APPROVED, AppStatus.DECLINED):
                assert reviews
                assert a.decided_by
                assert call.deadline < a.decided_at < NOW
                decided.append((a.status, reviews[0].total))
            if a.status == AppStatus.DECLINED:
                assert a.decision_reason
            if a.status == AppStatus.APPROVED:
                assert a.event_title
        approved = [t for s, t in decided if s == AppStatus.APPROVED]
        declined = [t for s, t in decided if s == AppStatus.DECLINED]
        if approved and declined:
            assert min(approved) > max(declined), call.title


def test_demo_calls_around_the_anchor_day_are_open_awaiting_a_decision_and_in_draft(demo, db):
    calls = HostingCall.objects.all()
    demo_palace = Palace.objects.get(name=DEMO_PALACE_NAME)

    [open_call] = calls.filter(status=CallStatus.OPEN)
    assert open_call.deadline > NOW
    submitted = open_call.applications.filter(status=AppStatus.SUBMITTED)
    assert submitted.count() >= 3
    assert not open_call.applications.filter(palace=demo_palace).exists()  # its staff can apply
    assert call_ineligibility(open_call, demo_palace) == []

    awaiting = calls.filter(status=CallStatus.CLOSED, applications__status=AppStatus.SUBMITTED).distinct()
    [waiting] = awaiting
    assert waiting.deadline < NOW < timezone.make_aware(datetime.combine(waiting.starts_on, DEMO_HOUR))
    assert waiting.applications.filter(palace=demo_palace, status=AppStatus.SUBMITTED).exists()
    assert waiting.applications.filter(reviews__isnull=True).exists()

    [draft] = calls.filter(status=CallStatus.DRAFT)
    assert not draft.applications.exists()
    assert draft.deadline > NOW


def test_demo_later_rounds_have_approved_events_some_still_to_come(demo, db):
    approved = HostingApplication.objects.filter(status=AppStatus.APPROVED)

    assert approved.filter(event_date__year=2025).count() >= 5
    assert approved.filter(event_date__year=2026).exists()
    assert approved.filter(event_date__gte=ANCHOR).exists()
    assert HostingApplication.objects.filter(status=AppStatus.WITHDRAWN).exists()
    assert HostingApplication.objects.filter(status=AppStatus.DECLINED).exists()


# --- Determinism ------------------------------------------------------------------------------------------


def test_demo_alliance_step_gives_the_same_rows_again(demo, db):
    before = fingerprint()

    wipe_alliance()
    assert not Membership.objects.exists()
    assert not HostingCall.objects.exists()
    ALLIANCE_STEP.build(demo.ctx)

    assert fingerprint() == before
