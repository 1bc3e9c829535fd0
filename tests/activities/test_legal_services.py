"""Legal help: opening a case, who may read it (and that every read is recorded), its lifecycle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.legal import services
from activities.legal.access import cases_readable_by
from activities.legal.models import CaseRead, CaseStep, LegalCase, Outcome, Stage
from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from tests.factories import PalaceFactory, StaffAssignmentFactory
from venues import services as venue_services
from venues.models import Palace, StaffAssignment

from .legal_support import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def test_a_worker_opens_a_case_at_intake_dated_today(world):
    case = open_case(world)

    assert (case.stage, case.outcome, case.closed_on) == (Stage.INTAKE, "", None)
    assert case.opened_on == timezone.localdate()
    assert list(case.steps.values_list("stage", "on")) == [(Stage.INTAKE, timezone.localdate())]
    assert case.reference.startswith(f"FY{timezone.localdate():%Y}-")


def test_a_case_at_an_unlisted_palace_is_not_found(world):
    hidden = PalaceFactory(status=Palace.Status.PLANNED, region=world.city1)
    with pytest.raises(NotFound):
        services.case_create(actor=world.worker, palace=hidden, kind="wages", description="x")


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"kind": "nonsense"}, "kind"), ({"description": "  "}, "description"), ({"contact": "fax"}, "contact"),
     ({"description": "长" * 1001}, "description")],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_written(world, fields, field):
    with pytest.raises(InvalidInput) as refused:
        open_case(world, **fields)
    assert field in refused.value.fields
    assert not LegalCase.objects.exists()


def test_a_worker_has_at_most_three_open_cases_at_a_palace(world):
    for _ in range(services.MAX_OPEN_CASES):
        open_case(world)
    with pytest.raises(RuleViolation) as refused:
        open_case(world)
    assert refused.value.code == "too_many_open_cases"
    # Another worker is not limited by them.
    open_case(world, user=world.worker2)


@pytest.mark.parametrize(
    ("role", "may"),
    [("worker", True), ("lawyer", True), ("worker2", False), ("staff_a", False), ("manager_a", False),
     ("staff_b", False), ("city_officer", False), ("province_officer", False)],
)  # fmt: skip
def test_only_the_worker_concerned_and_legal_service_staff_read_a_case(world, lawyer, role, may):
    case = open_case(world)
    reader = lawyer if role == "lawyer" else getattr(world, role)

    if may:
        services.case_read(reader=reader, case=case)
        assert CaseRead.objects.filter(case=case, reader=reader).count() == 1
        assert cases_readable_by(reader).filter(pk=case.pk).exists()
    else:
        with pytest.raises(NotFound):
            services.case_read(reader=reader, case=case)
        assert not CaseRead.objects.filter(reader=reader).exists()
        assert not cases_readable_by(reader).exists()


def test_a_superuser_is_not_a_reader_by_being_one(world, superuser):
    case = open_case(world)
    with pytest.raises(NotFound):
        services.case_read(reader=superuser, case=case)


def test_legal_duty_at_another_palace_reads_nothing_here(world):
    other = StaffAssignmentFactory(
        role=StaffAssignment.Role.PALACE_STAFF, palace=world.palace_b, legal_service=True
    ).user
    case = open_case(world)
    with pytest.raises(NotFound):
        services.case_read(reader=other, case=case)


def test_a_list_records_one_read_per_case_shown(world, lawyer):
    cases = [open_case(world), open_case(world, user=world.worker2)]
    services.cases_read(reader=lawyer, cases=cases)
    assert CaseRead.objects.filter(reader=lawyer, via=CaseRead.Via.LIST).count() == 2


def test_a_case_moves_through_mediation_arbitration_and_court_to_a_judgment(world, lawyer):
    case = open_case(world)
    today = timezone.localdate()
    for stage in (Stage.MEDIATION, Stage.ARBITRATION, Stage.LITIGATION):
        case = services.case_advance(actor=lawyer, case=case, stage=stage, note=f"到{stage}")
    case = services.case_advance(actor=lawyer, case=case, stage=Stage.CLOSED, outcome=Outcome.JUDGMENT)

    case.refresh_from_db()
    assert (case.stage, case.outcome, case.closed_on) == (Stage.CLOSED, Outcome.JUDGMENT, today)
    assert list(case.steps.values_list("stage", flat=True)) == [
        Stage.INTAKE, Stage.MEDIATION, Stage.ARBITRATION, Stage.LITIGATION, Stage.CLOSED,
    ]  # fmt: skip


def test_a_stage_may_be_skipped_forward(world, lawyer):
    case = services.case_advance(actor=lawyer, case=open_case(world), stage=Stage.ARBITRATION)
    assert case.stage == Stage.ARBITRATION


@pytest.mark.parametrize(
    ("path", "target"),
    [((Stage.MEDIATION,), Stage.MEDIATION), ((Stage.ARBITRATION,), Stage.MEDIATION),
     ((Stage.LITIGATION,), Stage.ARBITRATION), ((), Stage.INTAKE)],
)  # fmt: skip
def test_a_case_never_moves_back_or_stays(world, lawyer, path, target):
    case = open_case(world)
    for stage in path:
        case = services.case_advance(actor=lawyer, case=case, stage=stage)
    with pytest.raises(RuleViolation) as refused:
        services.case_advance(actor=lawyer, case=case, stage=target)
    assert refused.value.code == "illegal_transition"
    assert CaseStep.objects.filter(case=case).count() == 1 + len(path)


@pytest.mark.parametrize(
    ("path", "outcome", "ok"),
    [((), Outcome.MEDIATED, False), ((), Outcome.ADVICE, True), ((Stage.MEDIATION,), Outcome.MEDIATED, True),
     ((Stage.MEDIATION,), Outcome.JUDGMENT, False), ((Stage.ARBITRATION,), Outcome.AWARD, True),
     ((Stage.MEDIATION,), Outcome.AWARD, False), ((Stage.LITIGATION,), Outcome.JUDGMENT, True),
     ((Stage.MEDIATION,), "", False)],
)  # fmt: skip
def test_closing_takes_an_outcome_that_fits_the_stage(world, lawyer, path, outcome, ok):
    case = open_case(world)
    for stage in path:
        case = services.case_advance(actor=lawyer, case=case, stage=stage)
    if ok:
        assert (
            services.case_advance(actor=lawyer, case=case, stage=Stage.CLOSED, outcome=outcome).outcome
            == outcome
        )
    else:
        with pytest.raises(InvalidInput) as refused:
            services.case_advance(actor=lawyer, case=case, stage=Stage.CLOSED, outcome=outcome)
        assert "outcome" in refused.value.fields
        assert LegalCase.objects.get(pk=case.pk).is_open


def test_only_closing_records_an_outcome(world, lawyer):
    with pytest.raises(InvalidInput):
        services.case_advance(
            actor=lawyer, case=open_case(world), stage=Stage.MEDIATION, outcome=Outcome.MEDIATED
        )


def test_a_closed_case_moves_no_more(world, lawyer):
    case = services.case_advance(
        actor=lawyer, case=open_case(world), stage=Stage.CLOSED, outcome=Outcome.ADVICE
    )
    for stage in (Stage.MEDIATION, Stage.CLOSED):
        with pytest.raises(RuleViolation) as refused:
            services.case_advance(actor=lawyer, case=case, stage=stage, outcome=Outcome.WITHDRAWN)
        assert refused.value.code == "case_closed"


def test_a_step_is_not_dated_in_the_future_nor_before_the_previous_one(world, lawyer):
    case = open_case(world)
    today = timezone.localdate()
    with pytest.raises(InvalidInput):
        services.case_advance(actor=lawyer, case=case, stage=Stage.MEDIATION, on=today + timedelta(days=1))
    with pytest.raises(InvalidInput):
        services.case_advance(actor=lawyer, case=case, stage=Stage.MEDIATION, on=today - timedelta(days=1))
    assert (
        services.case_advance(actor=lawyer, case=case, stage=Stage.MEDIATION, on=today).stage
        == Stage.MEDIATION
    )


@pytest.mark.parametrize("role", ["worker", "staff_a", "manager_a", "province_officer", "city_officer"])
def test_only_legal_service_staff_move_a_case(world, role):
    case = open_case(world)
    with pytest.raises(NotFound):
        services.case_advance(actor=getattr(world, role), case=case, stage=Stage.MEDIATION)
    assert LegalCase.objects.get(pk=case.pk).stage == Stage.INTAKE


def test_the_worker_withdraws_their_own_open_case_only(world, lawyer):
    case = open_case(world)
    for other in (world.worker2, lawyer):
        with pytest.raises(NotFound):
            services.case_withdraw(actor=other, case=case)
    case = services.case_withdraw(actor=world.worker, case=case, note="已经和公司谈妥")
    assert (case.stage, case.outcome) == (Stage.CLOSED, Outcome.WITHDRAWN)
    with pytest.raises(RuleViolation):
        services.case_withdraw(actor=world.worker, case=case)


def test_the_database_wants_an_outcome_exactly_when_closed(world):
    case = open_case(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalCase.objects.filter(pk=case.pk).update(stage=Stage.CLOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalCase.objects.filter(pk=case.pk).update(outcome=Outcome.MEDIATED)


def test_the_legal_duty_is_for_palace_roles_only(world):
    with pytest.raises(InvalidInput):
        venue_services.staff_assignment_create(
            actor=world.province_officer,
            user=world.worker2,
            role=StaffAssignment.Role.CITY_OFFICER,
            region=world.city1,
            legal_service=True,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffAssignmentFactory(user=world.worker2, role=StaffAssignment.Role.CITY_OFFICER, region=world.city1,
                               legal_service=True)  # fmt: skip


def test_a_manager_gives_the_legal_duty_and_it_applies_at_once(world):
    case = open_case(world)
    venue_services.staff_assignment_create(
        actor=world.manager_a, user=world.worker2, role=StaffAssignment.Role.PALACE_STAFF,
        palace=world.palace_a, legal_service=True,
    )  # fmt: skip
    services.case_read(reader=world.worker2, case=case)
