"""The demo's legal help and teams for one palace: Huaibei's published size at scale 1.0,
deterministic, nothing dated after the anchor day, every case's steps consistent with its stage."""

from __future__ import annotations

import random
from datetime import date

import pytest

from activities.demo.legal import seed_legal_for_palace
from activities.demo.teams import seed_teams_for_palace
from activities.events.models import Event
from activities.legal.models import OUTCOMES_FROM, STAGE_ORDER, LegalCase, Outcome, Stage
from activities.teams.models import JoinRequest, Team, TeamKind, TeamMember, VolunteerHours
from bookings.models import DutyShift
from tests.factories import VenueFactory

pytestmark = [pytest.mark.django_db, pytest.mark.demo]
TODAY = date(2026, 11, 23)


def test_a_huaibei_sized_palace_gets_six_organisations_twelve_teams_and_a_year_of_cases(world):
    VenueFactory(palace=world.palace_a, name="法律援助窗口", kind="legal_aid_window")
    VenueFactory(palace=world.palace_a, name="多功能厅", kind="multi_function_hall")

    teams = seed_teams_for_palace(palace=world.palace_a, rng=random.Random(1), today=TODAY, scale=1.0)
    legal = seed_legal_for_palace(palace=world.palace_a, rng=random.Random(1), today=TODAY, scale=1.0)

    assert Team.objects.filter(palace=world.palace_a, kind=TeamKind.VOLUNTEER).count() == 6
    assert Team.objects.filter(palace=world.palace_a, kind=TeamKind.PROFESSIONAL).count() == 12
    assert Team.objects.filter(name="律师法律援助志愿团").exists()
    assert teams["team_members"] == TeamMember.objects.count() > 18 * 10
    assert teams["join_requests"] == JoinRequest.objects.count()
    assert not VolunteerHours.objects.filter(date__gt=TODAY).exists()
    assert legal["legal_cases"] == LegalCase.objects.count() == 360
    assert DutyShift.objects.filter(person="王律师", venue__kind="legal_aid_window").exists()
    assert (
        Event.objects.filter(kind="demo_hearing", palace=world.palace_a).count()
        == legal["demonstration_hearings"]
        == 4
    )
    mediated = LegalCase.objects.filter(outcome=Outcome.MEDIATED).count()
    assert 0.3 < mediated / 360 < 0.6


def test_each_demo_case_went_forward_to_where_it_stands(world):
    seed_legal_for_palace(palace=world.palace_a, rng=random.Random(2), today=TODAY, scale=0.5)
    for case in LegalCase.objects.prefetch_related("steps"):
        steps = list(case.steps.all())
        assert steps[0].stage == Stage.INTAKE
        assert [STAGE_ORDER[s.stage] for s in steps] == sorted(STAGE_ORDER[s.stage] for s in steps)
        assert [s.on for s in steps] == sorted(s.on for s in steps)
        assert steps[-1].stage == case.stage
        assert max(s.on for s in steps) < TODAY
        if case.stage == Stage.CLOSED:
            assert case.outcome in OUTCOMES_FROM[steps[-2].stage]
            assert case.closed_on == steps[-1].on


def test_the_same_generator_gives_the_same_rows(world):
    seed_teams_for_palace(palace=world.palace_a, rng=random.Random(3), today=TODAY, scale=0.34)
    first = list(
        TeamMember.objects.order_by("team__name", "user__phone").values_list("team__name", "user__phone")
    )
    TeamMember.objects.all().delete()
    Team.objects.all().delete()
    seed_teams_for_palace(palace=world.palace_a, rng=random.Random(3), today=TODAY, scale=0.34)
    again = list(
        TeamMember.objects.order_by("team__name", "user__phone").values_list("team__name", "user__phone")
    )
    assert first == again
