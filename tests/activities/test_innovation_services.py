"""The rules of innovation: studios and the alliance, mentors, the problem clinic's lifecycle."""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from activities.innovation import access, services
from activities.innovation.models import GuidanceSession, Problem, ProblemStatus, StudioMembership
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.activities.innovation_support import mentor, problem, studio
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- Studios and the alliance ---------------------------------------------------------------------


def test_studio_save_by_staff_of_another_palace_is_not_found(world):
    with pytest.raises(NotFound):
        services.studio_save(
            actor=world.staff_b,
            palace=world.palace_a,
            name="x",
            kind="craftsman",
            leader_name="王",
            field="mining",
            founded_year=2020,
        )


def test_studio_save_refuses_bad_year_kind_and_duplicate_name(world):
    studio(world)
    with pytest.raises(InvalidInput) as refused:
        studio(world, kind="bogus", founded_year=timezone.localdate().year + 1)
    assert set(refused.value.fields) == {"name", "kind", "founded_year"}


def test_studio_joins_and_leaves_with_dates(world):
    s = studio(world)
    services.studio_join(actor=world.staff_a, studio=s, joined_on=date(2022, 3, 1))
    with pytest.raises(RuleViolation):
        services.studio_join(actor=world.staff_a, studio=s, joined_on=date(2023, 1, 1))
    with pytest.raises(InvalidInput):
        services.studio_leave(actor=world.staff_a, studio=s, left_on=date(2022, 2, 1))
    services.studio_leave(actor=world.staff_a, studio=s, left_on=date(2024, 6, 30))
    with pytest.raises(RuleViolation):
        services.studio_leave(actor=world.staff_a, studio=s, left_on=date(2024, 7, 1))
    # It may join again after it left, not inside its past period.
    with pytest.raises(InvalidInput):
        services.studio_join(actor=world.staff_a, studio=s, joined_on=date(2024, 1, 1))
    services.studio_join(actor=world.staff_a, studio=s, joined_on=date(2025, 1, 1))
    assert list(
        StudioMembership.objects.filter(studio=s).values_list("joined_on", "left_on").order_by("joined_on")
    ) == [
        (date(2022, 3, 1), date(2024, 6, 30)),
        (date(2025, 1, 1), None),
    ]


def test_city_officer_only_reads_the_alliance(world):
    s = studio(world)
    with pytest.raises(NotFound):
        services.studio_join(actor=world.city_officer, studio=s, joined_on=date(2024, 1, 1))
    assert not StudioMembership.objects.exists()


# --- Mentors --------------------------------------------------------------------------------------


def test_mentor_is_linked_to_an_account_by_its_mobile_number(world):
    m = mentor(world, user=world.worker2)
    assert m.user == world.worker2
    assert access.mentor_of(world.worker2) == m


def test_mentor_account_must_exist_and_be_linked_once(world):
    mentor(world, user=world.worker2)
    with pytest.raises(InvalidInput) as refused:
        mentor(world, user=world.worker2, name="另一位")
    assert "account_phone" in refused.value.fields
    with pytest.raises(InvalidInput):
        services.mentor_save(
            actor=world.staff_a, palace=world.palace_a, name="x", field="mining", account_phone="13999999999"
        )


def test_mentor_studio_must_be_of_the_same_palace(world):
    s = studio(world)
    with pytest.raises(InvalidInput):
        mentor(world, palace=world.palace_b, studio=s)


# --- The problem clinic ---------------------------------------------------------------------------


def test_problem_create_needs_a_signed_in_poster_and_valid_input(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotFound):
        problem(world, poster=AnonymousUser())
    with pytest.raises(InvalidInput) as refused:
        problem(world, title="", field="nope", poster_kind="enterprise")
    assert set(refused.value.fields) == {"title", "field", "enterprise"}
    p = problem(world, poster_kind="enterprise", enterprise="相山水泥厂")
    assert (p.status, p.poster, p.posted_on) == (ProblemStatus.OPEN, world.worker, timezone.localdate())


def test_mentor_takes_records_and_solves(world):
    m = mentor(world, user=world.worker2)
    p = problem(world)
    p = services.problem_take(actor=world.worker2, problem=p)
    assert (p.status, p.mentor, p.taken_by) == (ProblemStatus.TAKEN, m, world.worker2)
    session = services.guidance_record(
        actor=world.worker2, problem=p, day=timezone.localdate(), form="on_site", note="现场检查主轴"
    )
    assert (session.palace_id, session.mentor) == (world.palace_a.pk, m)
    p = services.problem_close(actor=world.worker2, problem=p, solved=True, outcome="更换主轴联轴器后解决")
    assert (p.status, p.closed_on) == (ProblemStatus.SOLVED, timezone.localdate())


def test_staff_act_for_a_mentor_without_an_account(world):
    m = mentor(world)
    p = services.problem_take(actor=world.staff_a, problem=problem(world), mentor=m)
    services.guidance_record(actor=world.staff_a, problem=p, day=timezone.localdate(), form="online")
    p = services.problem_close(actor=world.staff_a, problem=p, solved=False, outcome="需更换设备，企业暂缓")
    assert (p.status, p.mentor) == (ProblemStatus.UNSOLVED, m)


def test_staff_must_name_the_mentor_they_take_for(world):
    with pytest.raises(InvalidInput):
        services.problem_take(actor=world.staff_a, problem=problem(world))


@pytest.mark.parametrize("who", ["worker", "staff_b", "city_officer", "worker3"])
def test_others_may_not_take_a_problem(world, who):
    m = mentor(world)
    actor = UserFactory() if who == "worker3" else getattr(world, who)
    with pytest.raises(NotFound):
        services.problem_take(actor=actor, problem=problem(world), mentor=m)


def test_mentor_of_another_palace_may_not_take(world):
    mentor(world, user=world.worker2, palace=world.palace_b)
    with pytest.raises(NotFound):
        services.problem_take(actor=world.worker2, problem=problem(world))


def test_mentor_takes_only_for_themselves(world):
    mentor(world, user=world.worker2)
    other = mentor(world, name="王工")
    with pytest.raises(NotFound):
        services.problem_take(actor=world.worker2, problem=problem(world), mentor=other)


def test_unavailable_or_retired_mentor_may_not_take(world):
    away = mentor(world, available=False)
    retired = mentor(world, name="退休", active=False)
    with pytest.raises(RuleViolation):
        services.problem_take(actor=world.staff_a, problem=problem(world), mentor=away)
    with pytest.raises(InvalidInput):
        services.problem_take(actor=world.staff_a, problem=problem(world), mentor=retired)


def test_illegal_transitions_are_refused(world):
    m = mentor(world)
    p = problem(world)
    with pytest.raises(RuleViolation) as refused:
        services.problem_close(actor=world.staff_a, problem=p, solved=True, outcome="x")
    assert refused.value.code == "problem_not_taken"
    with pytest.raises(RuleViolation):
        services.guidance_record(actor=world.staff_a, problem=p, day=timezone.localdate(), form="online")
    services.problem_take(actor=world.staff_a, problem=p, mentor=m)
    with pytest.raises(RuleViolation) as refused:
        services.problem_take(actor=world.staff_a, problem=p, mentor=m)
    assert refused.value.code == "problem_taken"
    services.problem_close(actor=world.staff_a, problem=p, solved=True, outcome="已解决")
    for attempt in (
        lambda: services.problem_close(actor=world.staff_a, problem=p, solved=False, outcome="再关"),
        lambda: services.problem_take(actor=world.staff_a, problem=p, mentor=m),
        lambda: services.guidance_record(
            actor=world.staff_a, problem=p, day=timezone.localdate(), form="online"
        ),
    ):
        with pytest.raises(RuleViolation) as refused:
            attempt()
        assert refused.value.code == "problem_closed"
    assert Problem.objects.get(pk=p.pk).status == ProblemStatus.SOLVED


def test_close_needs_a_note_and_sessions_a_sensible_day(world):
    p = services.problem_take(actor=world.staff_a, problem=problem(world), mentor=mentor(world))
    with pytest.raises(InvalidInput):
        services.problem_close(actor=world.staff_a, problem=p, solved=True, outcome="  ")
    for day in (timezone.localdate() + timedelta(days=1), p.posted_on - timedelta(days=1)):
        with pytest.raises(InvalidInput):
            services.guidance_record(actor=world.staff_a, problem=p, day=day, form="online")
    with pytest.raises(InvalidInput):
        services.guidance_record(actor=world.staff_a, problem=p, day=timezone.localdate(), form="phone")


def test_another_mentor_may_not_close_what_one_holds(world):
    holder = mentor(world)
    mentor(world, user=world.worker2, name="王工")
    p = services.problem_take(actor=world.staff_a, problem=problem(world), mentor=holder)
    with pytest.raises(NotFound):
        services.problem_close(actor=world.worker2, problem=p, solved=True, outcome="x")
    with pytest.raises(NotFound):
        services.problem_close(actor=world.worker, problem=p, solved=True, outcome="x")


def test_who_sees_which_problem(world):
    own = problem(world)
    other_palace = problem(world, palace=world.palace_b, poster=world.worker2)
    mentor(world, user=UserFactory(phone="13700000001"))
    mentor_user = access.Mentor.objects.get(user__phone="13700000001").user

    def seen(user):
        return set(access.problems_visible_to(user))

    assert seen(world.worker) == {own}
    assert seen(world.worker2) == {other_palace}
    assert seen(mentor_user) == {own}
    assert seen(world.staff_a) == {own}
    assert seen(world.city_officer) == {own}
    assert seen(world.staff_b) == {other_palace}
    assert seen(world.province_officer) == {own, other_palace}
    assert seen(UserFactory()) == set()


def test_retired_mentor_no_longer_sees_the_palace_problems(world):
    user = UserFactory()
    m = mentor(world, user=user)
    problem(world)
    services.mentor_save(
        actor=world.staff_a, palace=world.palace_a, mentor=m, name=m.name, field=m.field, active=False
    )
    assert not access.problems_visible_to(user).exists()


@pytest.mark.django_db(transaction=True)
def test_two_mentors_taking_at_once_exactly_one_wins(world, monkeypatch):
    users = [UserFactory(), UserFactory()]
    for i, user in enumerate(users):
        mentor(world, user=user, name=f"导师{i}")
    p = problem(world)
    real_may_take = access.may_take

    def slow_may_take(user, problem_):
        # Widens the race: both have passed every check before either writes.
        allowed = real_may_take(user, problem_)
        time.sleep(0.2)
        return allowed

    monkeypatch.setattr(access, "may_take", slow_may_take)
    barrier = threading.Barrier(len(users))
    outcomes, errors = [], []

    def take(user):
        try:
            barrier.wait(timeout=10)
            for _ in range(50):
                try:
                    services.problem_take(actor=user, problem=Problem.objects.get(pk=p.pk))
                    outcomes.append("won")
                    break
                except RuleViolation as refused:
                    outcomes.append(refused.code)
                    break
                except OperationalError:  # in-memory SQLite: "table is locked"; retry as a client would
                    time.sleep(0.01)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(outcomes) == ["problem_taken", "won"]
    p.refresh_from_db()
    assert p.status == ProblemStatus.TAKEN
    assert p.mentor.user in users
    assert GuidanceSession.objects.count() == 0
