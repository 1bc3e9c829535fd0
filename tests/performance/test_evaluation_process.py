"""The evaluation of a palace: self-evaluation, submission, city review, provincial scoring and
conclusion; each role and each step; refusals that change nothing; the race of two officers."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import OperationalError, connection

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from performance.evaluation import services
from performance.evaluation.models import Band, Evaluation, EvaluationStep, Score
from tests.performance.evaluation_support import indicator, make_scheme, put_figures, self_scores, walk
from venues.models import Palace

D = Decimal
Status = Evaluation.Status


@pytest.fixture
def scheme(db):
    return make_scheme(2024)


@pytest.mark.django_db
def test_the_whole_journey_gives_totals_and_a_band(world, scheme):
    put_figures(world.palace_a, 2024, activities=80, person_times=1500)
    evaluation = walk(world, scheme, to=Status.CONCLUDED, final={"A1": 28, "A2": 18, "B1": 24})
    evaluation.refresh_from_db()
    # A3: 80 of 100 activities → 8 of 10; B2: 1,500 person-times ≥ 1,000 → 15.
    assert evaluation.total == D("28") + D("18") + D("8") + D("24") + D("15")
    assert evaluation.band == Band.STANDARDISED  # 93 ≥ 85
    assert evaluation.scores.get(indicator=indicator(scheme, "A3")).auto_figures == {"activities": "80"}
    assert list(evaluation.steps.values_list("action", flat=True)) == [
        "started",
        "submitted",
        "forwarded",
        "concluded",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("manual", "band"),
    [({"A1": 30, "A2": 20, "B1": 25}, Band.BASIC), ({"A1": 20, "A2": 15, "B1": 20}, Band.NOT_YET)],
)
def test_bands_follow_the_schemes_marks(world, scheme, manual, band):
    # No ledger figures: the formula indicators score 0, so 75 → basic and 55 → not yet.
    evaluation = walk(world, scheme, to=Status.CONCLUDED, manual=manual)
    assert evaluation.band == band


@pytest.mark.django_db
def test_the_band_boundary_belongs_to_the_higher_band(world, scheme):
    assert scheme.band_for(D("85")) == Band.STANDARDISED
    assert scheme.band_for(D("84.99")) == Band.BASIC
    assert scheme.band_for(D("70")) == Band.BASIC
    assert scheme.band_for(D("69.99")) == Band.NOT_YET


@pytest.mark.django_db
def test_only_the_palaces_manager_self_evaluates(world, scheme):
    for outsider in (
        world.staff_a,
        world.manager_b,
        world.city_officer,
        world.province_officer,
        world.worker,
    ):
        with pytest.raises(NotFound):
            services.evaluation_start(actor=outsider, scheme=scheme, palace=world.palace_a)
    assert not Evaluation.objects.exists()
    evaluation = services.evaluation_start(actor=world.manager_a, scheme=scheme, palace=world.palace_a)
    assert evaluation.scores.count() == 5
    assert (
        services.evaluation_start(actor=world.manager_a, scheme=scheme, palace=world.palace_a) == evaluation
    )


@pytest.mark.django_db
def test_a_draft_scheme_or_a_palace_out_of_service_cannot_be_evaluated(world):
    draft = make_scheme(2025, publish=False)
    with pytest.raises(NotFound):
        services.evaluation_start(actor=world.manager_a, scheme=draft, palace=world.palace_a)
    published = make_scheme(2024)
    Palace.objects.filter(pk=world.palace_a.pk).update(status=Palace.Status.CLOSED)
    world.palace_a.refresh_from_db()
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_start(actor=world.manager_a, scheme=published, palace=world.palace_a)
    assert caught.value.code == "palace_not_in_service"


@pytest.mark.django_db
def test_self_scores_are_bounded_and_all_or_nothing(world, scheme):
    evaluation = services.evaluation_start(actor=world.manager_a, scheme=scheme, palace=world.palace_a)
    for bad in ("-1", "30.5", "abc", "1.234", "NaN", "1e9"):
        with pytest.raises(InvalidInput) as caught:
            services.evaluation_self_save(
                actor=world.manager_a,
                evaluation=evaluation,
                entries={**self_scores(scheme, A2=10), indicator(scheme, "A1").pk: {"score": bad}},
            )
        assert f"score_{indicator(scheme, 'A1').pk}" in caught.value.fields
    assert not Score.objects.filter(evaluation=evaluation, self_score__isnull=False).exists()
    with pytest.raises(InvalidInput):  # a formula indicator scores itself
        services.evaluation_self_save(
            actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A3=5)
        )
    services.evaluation_self_save(
        actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A1="0", A2="20.00")
    )
    assert evaluation.scores.get(indicator=indicator(scheme, "A2")).self_score == D(20)


@pytest.mark.django_db
def test_submitting_needs_every_manual_score_and_then_locks_the_self_evaluation(world, scheme):
    evaluation = services.evaluation_start(actor=world.manager_a, scheme=scheme, palace=world.palace_a)
    services.evaluation_self_save(
        actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A1=20)
    )
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_submit(actor=world.manager_a, evaluation=evaluation)
    assert caught.value.code == "self_evaluation_incomplete"
    assert "A2" in str(caught.value.message)
    assert "B1" in str(caught.value.message)
    evaluation.refresh_from_db()
    assert evaluation.status == Status.DRAFT

    services.evaluation_self_save(
        actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A2=10, B1=10)
    )
    services.evaluation_submit(actor=world.manager_a, evaluation=evaluation)
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_self_save(
            actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A1=30)
        )
    assert caught.value.code == "not_editable"
    assert evaluation.scores.get(indicator=indicator(scheme, "A1")).self_score == D(20)


@pytest.mark.django_db
def test_the_city_reviews_its_own_palaces_only(world, scheme):
    evaluation_b = walk(world, scheme, world.palace_b, to=Status.SUBMITTED)
    with pytest.raises(NotFound):  # palace B is in city 2
        services.evaluation_review(actor=world.city_officer, evaluation=evaluation_b, forward=True)
    for outsider in (world.manager_a, world.staff_a, world.worker):
        with pytest.raises(NotFound):
            services.evaluation_review(actor=outsider, evaluation=evaluation_b, forward=True)
    evaluation_b.refresh_from_db()
    assert evaluation_b.status == Status.SUBMITTED
    # The province stands in for a city without an officer.
    services.evaluation_review(actor=world.province_officer, evaluation=evaluation_b, forward=True)
    evaluation_b.refresh_from_db()
    assert evaluation_b.status == Status.REVIEWED


@pytest.mark.django_db
def test_returning_needs_a_reason_and_reopens_the_self_evaluation(world, scheme):
    evaluation = walk(world, scheme, to=Status.SUBMITTED)
    with pytest.raises(InvalidInput) as caught:
        services.evaluation_review(
            actor=world.city_officer, evaluation=evaluation, forward=False, opinion=" "
        )
    assert "opinion" in caught.value.fields
    services.evaluation_review(
        actor=world.city_officer,
        evaluation=evaluation,
        forward=False,
        opinion="请补充阵地建设佐证",
        comments={indicator(scheme, "A1").pk: "缺少面积测绘材料"},
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.RETURNED
    assert evaluation.scores.get(indicator=indicator(scheme, "A1")).city_comment == "缺少面积测绘材料"
    services.evaluation_self_save(
        actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A1=22)
    )
    services.evaluation_submit(actor=world.manager_a, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == Status.SUBMITTED


@pytest.mark.django_db
def test_steps_out_of_turn_are_refused_and_change_nothing(world, scheme):
    draft = walk(world, scheme, to=Status.DRAFT)
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_review(actor=world.city_officer, evaluation=draft, forward=True)
    assert caught.value.code == "not_submitted"
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_conclude(actor=world.province_officer, evaluation=draft)
    assert caught.value.code == "not_reviewed"
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.steps.count() == 1


@pytest.mark.django_db
def test_only_the_province_scores_and_every_manual_indicator_needs_a_final_score(world, scheme):
    evaluation = walk(world, scheme, to=Status.REVIEWED)
    for outsider in (world.city_officer, world.manager_a):
        with pytest.raises(NotFound):
            services.evaluation_conclude(actor=outsider, evaluation=evaluation)
        with pytest.raises(NotFound):
            services.evaluation_score(
                actor=outsider, evaluation=evaluation, entries=self_scores(scheme, A1=1)
            )
    services.evaluation_score(
        actor=world.province_officer, evaluation=evaluation, entries=self_scores(scheme, A1=25)
    )
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_conclude(actor=world.province_officer, evaluation=evaluation)
    assert caught.value.code == "scoring_incomplete"
    with pytest.raises(InvalidInput):
        services.evaluation_score(
            actor=world.province_officer, evaluation=evaluation, entries=self_scores(scheme, A2=21)
        )
    evaluation.refresh_from_db()
    assert evaluation.status == Status.REVIEWED
    assert evaluation.total is None
    services.evaluation_conclude(
        actor=world.province_officer, evaluation=evaluation, entries=self_scores(scheme, A2=20, B1=25)
    )
    evaluation.refresh_from_db()
    assert evaluation.total == D(70)
    assert evaluation.band == Band.BASIC


@pytest.mark.django_db
def test_the_province_may_return_a_reviewed_evaluation_with_a_reason(world, scheme):
    evaluation = walk(world, scheme, to=Status.REVIEWED)
    with pytest.raises(InvalidInput):
        services.evaluation_return(actor=world.province_officer, evaluation=evaluation, reason="")
    services.evaluation_return(actor=world.province_officer, evaluation=evaluation, reason="佐证材料不足")
    evaluation.refresh_from_db()
    assert evaluation.status == Status.RETURNED
    assert evaluation.steps.last().note == "佐证材料不足"


@pytest.mark.django_db
def test_a_concluded_evaluation_is_final(world, scheme):
    evaluation = walk(world, scheme, to=Status.CONCLUDED)
    with pytest.raises(RuleViolation) as caught:
        services.evaluation_conclude(actor=world.province_officer, evaluation=evaluation)
    assert caught.value.code == "already_concluded"
    with pytest.raises(RuleViolation):
        services.evaluation_self_save(
            actor=world.manager_a, evaluation=evaluation, entries=self_scores(scheme, A1=1)
        )


@pytest.mark.django_db(transaction=True)
def test_two_provincial_officers_concluding_at_once_one_wins(world):
    """Threads with their own connections; SQLite serialises the writers (IMMEDIATE), PostgreSQL
    the row lock: either way the second sees the first's conclusion and changes nothing."""
    from tests.factories import StaffAssignmentFactory, UserFactory

    scheme = make_scheme(2024)
    evaluation = walk(world, scheme, to=Status.REVIEWED)
    second = UserFactory(phone="13800000099")
    StaffAssignmentFactory(user=second, role="province_officer", region=world.province)
    barrier = threading.Barrier(2)
    outcomes = []

    def conclude(officer, a1):
        try:
            barrier.wait()
            for _ in range(200):
                try:
                    services.evaluation_conclude(
                        actor=officer,
                        evaluation=evaluation,
                        conclusion=f"by {officer.pk}",
                        entries=self_scores(scheme, A1=a1, A2=20, B1=25),
                    )
                    outcomes.append("concluded")
                    return
                except OperationalError:  # SQLite: database is locked; try again
                    time.sleep(0.01)
            outcomes.append("gave up")
        except RuleViolation as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=conclude, args=(world.province_officer, 30)),
        threading.Thread(target=conclude, args=(second, 10)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["already_concluded", "concluded"]
    evaluation.refresh_from_db()
    assert EvaluationStep.objects.filter(evaluation=evaluation, action="concluded").count() == 1
    winner_a1 = D(30) if evaluation.conclusion == f"by {world.province_officer.pk}" else D(10)
    assert evaluation.scores.get(indicator=indicator(scheme, "A1")).final_score == winner_a1
    assert evaluation.total == winner_a1 + D(45)
