"""The ledger workflow's services: every transition allowed or refused by status and role."""

from decimal import Decimal

import pytest
from django.utils import timezone

from palace_portal.errors import InvalidInput, NotFound, RuleViolation
from performance.models import Ledger, LedgerFigure, LedgerStep, ManualLine
from performance.workflow import services
from tests.performance.workflow_support import line, make_ledger, reload

pytestmark = pytest.mark.django_db

Status = Ledger.Status


def submitted(world, palace=None, **kw):
    ledger = make_ledger(palace or world.palace_a, **kw)
    manager = world.manager_a if ledger.palace == world.palace_a else world.manager_b
    return services.ledger_submit(actor=manager, ledger=ledger)


# --- Submission


def test_it_lets_the_manager_submit_an_ended_computed_month(world):
    ledger = make_ledger(world.palace_a)
    services.ledger_submit(actor=world.manager_a, ledger=ledger, explanation="已核对")
    ledger = reload(ledger)
    assert ledger.status == Status.SUBMITTED
    assert ledger.submitted_at is not None
    step = LedgerStep.objects.get(ledger=ledger)
    assert (step.action, step.actor, step.reason) == ("submitted", world.manager_a, "已核对")


@pytest.mark.parametrize("who", ["staff_a", "manager_b", "city_officer", "province_officer", "worker"])
def test_it_refuses_submission_by_anyone_but_the_palace_manager(world, who):
    ledger = make_ledger(world.palace_a)
    with pytest.raises(NotFound):
        services.ledger_submit(actor=getattr(world, who), ledger=ledger)
    assert reload(ledger).status == Status.OPEN
    assert not LedgerStep.objects.exists()


def test_it_refuses_to_submit_a_month_that_has_not_ended(world):
    this_month = timezone.localdate().replace(day=1)
    ledger = make_ledger(world.palace_a, this_month)
    with pytest.raises(RuleViolation) as error:
        services.ledger_submit(actor=world.manager_a, ledger=ledger)
    assert error.value.code == "month_not_over"
    assert reload(ledger).status == Status.OPEN


def test_it_refuses_to_submit_a_month_never_computed(world):
    ledger = make_ledger(world.palace_a, computed=False)
    with pytest.raises(RuleViolation) as error:
        services.ledger_submit(actor=world.manager_a, ledger=ledger)
    assert error.value.code == "ledger_not_computed"


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_it_refuses_to_submit_twice(world, status):
    ledger = make_ledger(world.palace_a, status=status)
    with pytest.raises(RuleViolation) as error:
        services.ledger_submit(actor=world.manager_a, ledger=ledger)
    assert error.value.code == "ledger_not_open"


def test_it_asks_the_manager_to_confirm_flagged_figures(world):
    ledger = make_ledger(world.palace_a, source_rows=0, activities=0, person_times=0)
    with pytest.raises(InvalidInput) as error:
        services.ledger_submit(actor=world.manager_a, ledger=ledger)
    assert error.value.code == "flags_unchecked"
    assert "flags_checked" in error.value.fields
    assert reload(ledger).status == Status.OPEN
    services.ledger_submit(
        actor=world.manager_a, ledger=ledger, flags_checked=True, explanation="本月闭馆维修"
    )
    assert reload(ledger).status == Status.SUBMITTED
    assert LedgerStep.objects.get().reason == "本月闭馆维修"


def test_it_lets_a_returned_month_be_submitted_again(world):
    ledger = submitted(world)
    services.ledger_return(actor=world.city_officer, ledger=ledger, reason="志愿时长缺说明")
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    assert reload(ledger).status == Status.SUBMITTED
    assert list(LedgerStep.objects.values_list("action", flat=True)) == ["submitted", "returned", "submitted"]


# --- Review by the city and the province


def test_the_city_accepts_and_the_month_stays_submitted_for_the_province(world):
    ledger = submitted(world)
    services.ledger_accept(actor=world.city_officer, ledger=ledger)
    ledger = reload(ledger)
    assert ledger.status == Status.SUBMITTED
    assert ledger.city_accepted_at is not None
    assert ledger.accepted_at is None
    assert not LedgerFigure.objects.filter(locked_value__isnull=False).exists()
    assert LedgerStep.objects.last().action == "city_accepted"


def test_the_city_cannot_accept_twice_nor_return_after_accepting(world):
    ledger = submitted(world)
    services.ledger_accept(actor=world.city_officer, ledger=ledger)
    with pytest.raises(RuleViolation) as error:
        services.ledger_accept(actor=world.city_officer, ledger=ledger)
    assert error.value.code == "already_city_accepted"
    with pytest.raises(RuleViolation) as error:
        services.ledger_return(actor=world.city_officer, ledger=ledger, reason="再看看")
    assert error.value.code == "already_city_accepted"


def test_a_city_officer_cannot_review_another_citys_palace(world):
    ledger = submitted(world, world.palace_b)  # palace B is in city 2
    with pytest.raises(NotFound):
        services.ledger_accept(actor=world.city_officer, ledger=ledger)
    with pytest.raises(NotFound):
        services.ledger_return(actor=world.city_officer, ledger=ledger, reason="x")
    assert reload(ledger).city_accepted_at is None


@pytest.mark.parametrize("who", ["staff_a", "manager_a", "worker"])
def test_palace_people_cannot_review(world, who):
    ledger = submitted(world)
    with pytest.raises(NotFound):
        services.ledger_accept(actor=getattr(world, who), ledger=ledger)
    with pytest.raises(NotFound):
        services.ledger_return(actor=getattr(world, who), ledger=ledger, reason="x")


@pytest.mark.parametrize("city_first", [True, False])
def test_the_province_accepts_with_or_without_the_city_and_takes_the_snapshot(world, city_first):
    ledger = submitted(world)
    if city_first:
        services.ledger_accept(actor=world.city_officer, ledger=ledger)
    services.ledger_accept(actor=world.province_officer, ledger=ledger, note="数据完整")
    ledger = reload(ledger)
    assert ledger.status == Status.ACCEPTED
    assert ledger.is_locked
    assert ledger.accepted_at is not None
    assert (ledger.city_accepted_at is not None) is city_first
    figures = LedgerFigure.objects.filter(ledger=ledger)
    assert figures.count() == 3
    assert all(f.locked_value == f.value for f in figures)
    assert LedgerStep.objects.last().reason == "数据完整"


@pytest.mark.parametrize("status", ["open", "returned", "accepted"])
def test_only_a_submitted_month_can_be_accepted_or_returned(world, status):
    ledger = make_ledger(world.palace_a, status=status)
    for actor in (world.city_officer, world.province_officer):
        with pytest.raises(RuleViolation) as error:
            services.ledger_accept(actor=actor, ledger=ledger)
        assert error.value.code == "ledger_not_submitted"
        with pytest.raises(RuleViolation):
            services.ledger_return(actor=actor, ledger=ledger, reason="理由")
    assert reload(ledger).status == status
    assert not LedgerStep.objects.exists()


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_return_needs_a_reason(world, reason):
    ledger = submitted(world)
    with pytest.raises(InvalidInput) as error:
        services.ledger_return(actor=world.city_officer, ledger=ledger, reason=reason)
    assert "reason" in error.value.fields
    assert reload(ledger).status == Status.SUBMITTED


def test_the_province_returns_even_after_the_city_accepted(world):
    ledger = submitted(world)
    services.ledger_accept(actor=world.city_officer, ledger=ledger)
    services.ledger_return(actor=world.province_officer, ledger=ledger, reason="就业人数与台账不符")
    ledger = reload(ledger)
    assert ledger.status == Status.RETURNED
    assert ledger.city_accepted_at is None
    assert LedgerStep.objects.last().reason == "就业人数与台账不符"


def test_a_superuser_reviews_as_the_province(world, superuser):
    ledger = submitted(world)
    services.ledger_accept(actor=superuser, ledger=ledger)
    assert reload(ledger).status == Status.ACCEPTED


# --- Lock, late data and reopening


def accepted(world):
    ledger = submitted(world)
    return services.ledger_accept(actor=world.province_officer, ledger=ledger)


def test_late_rows_change_the_value_but_not_the_snapshot(world):
    from performance.workflow.selectors import ledger_page

    ledger = accepted(world)
    # The nightly recomputation after a late row: the aggregation updates `value` only.
    LedgerFigure.objects.filter(ledger=ledger, metric="person_times").update(value=Decimal("2150"))
    figure = LedgerFigure.objects.with_official().get(ledger=ledger, metric="person_times")
    assert figure.official == Decimal("2000")
    page = ledger_page(reload(ledger))
    assert [(row.code, row.locked_value, row.value, row.difference) for row in page.changed] == [
        ("person_times", Decimal("2000"), Decimal("2150"), Decimal("150"))
    ]


def test_reopen_needs_the_province_and_a_reason_and_keeps_history(world):
    ledger = accepted(world)
    with pytest.raises(NotFound):
        services.ledger_reopen(actor=world.city_officer, ledger=ledger, reason="x")
    with pytest.raises(NotFound):
        services.ledger_reopen(actor=world.manager_a, ledger=ledger, reason="x")
    with pytest.raises(InvalidInput):
        services.ledger_reopen(actor=world.province_officer, ledger=ledger, reason=" ")
    assert reload(ledger).status == Status.ACCEPTED
    services.ledger_reopen(actor=world.province_officer, ledger=ledger, reason="补录法律援助案件")
    ledger = reload(ledger)
    assert ledger.status == Status.RETURNED
    assert (ledger.accepted_at, ledger.city_accepted_at) == (None, None)
    assert not LedgerFigure.objects.filter(locked_value__isnull=False).exists()
    assert list(LedgerStep.objects.values_list("action", flat=True)) == ["submitted", "accepted", "reopened"]
    # The manager can now correct and submit again.
    services.manual_line_add(
        actor=world.manager_a, ledger=ledger, metric="legal_aid_cases", value="3", note="补录"
    )
    services.ledger_submit(actor=world.manager_a, ledger=ledger)
    assert reload(ledger).status == Status.SUBMITTED


@pytest.mark.parametrize("status", ["open", "submitted", "returned"])
def test_only_an_accepted_month_can_be_reopened(world, status):
    ledger = make_ledger(world.palace_a, status=status)
    with pytest.raises(RuleViolation) as error:
        services.ledger_reopen(actor=world.province_officer, ledger=ledger, reason="理由")
    assert error.value.code == "ledger_not_accepted"


# --- Manual lines


def test_the_manager_adds_edits_and_deletes_manual_lines_while_open(world):
    ledger = make_ledger(world.palace_a)
    added = services.manual_line_add(
        actor=world.manager_a, ledger=ledger, metric="volunteer_hours", value="86.5", note="志愿者签到表"
    )
    assert (added.value, added.created_by) == (Decimal("86.5"), world.manager_a)
    services.manual_line_update(
        actor=world.manager_a, line=added, metric="jobs_placed", value="12", note="招聘会"
    )
    added.refresh_from_db()
    assert (added.metric, added.value, added.note) == ("jobs_placed", Decimal("12"), "招聘会")
    remark = services.manual_line_add(
        actor=world.manager_a, ledger=ledger, metric="remark", value=None, note="闭馆三天"
    )
    assert remark.value is None
    services.manual_line_delete(actor=world.manager_a, line=added)
    assert list(ManualLine.objects.values_list("metric", flat=True)) == ["remark"]


@pytest.mark.parametrize(
    ("metric", "value", "note", "field"),
    [
        ("volunteer_hours", "-1", "说明", "value"),
        ("volunteer_hours", "1000001", "说明", "value"),
        ("volunteer_hours", "abc", "说明", "value"),
        ("volunteer_hours", "NaN", "说明", "value"),
        ("volunteer_hours", "1.234", "说明", "value"),
        ("volunteer_hours", "", "说明", "value"),
        ("volunteer_hours", "5", "  ", "note"),
        ("volunteer_hours", "5", "长" * 2001, "note"),
        ("remark", "5", "说明", "value"),
        ("person_times", "5", "说明", "metric"),
    ],
)
def test_bad_manual_lines_are_refused_and_change_nothing(world, metric, value, note, field):
    ledger = make_ledger(world.palace_a)
    with pytest.raises(InvalidInput) as error:
        services.manual_line_add(actor=world.manager_a, ledger=ledger, metric=metric, value=value, note=note)
    assert field in error.value.fields
    assert not ManualLine.objects.exists()


@pytest.mark.parametrize("status", ["submitted", "accepted"])
def test_manual_lines_are_frozen_once_submitted(world, status):
    ledger = make_ledger(world.palace_a)
    existing = line(ledger, world.manager_a)
    Ledger.objects.filter(pk=ledger.pk).update(status=status)
    with pytest.raises(RuleViolation) as error:
        services.manual_line_add(
            actor=world.manager_a, ledger=ledger, metric="jobs_placed", value="1", note="x"
        )
    assert error.value.code == "ledger_not_editable"
    with pytest.raises(RuleViolation):
        services.manual_line_update(
            actor=world.manager_a, line=existing, metric="jobs_placed", value="1", note="x"
        )
    with pytest.raises(RuleViolation):
        services.manual_line_delete(actor=world.manager_a, line=existing)
    existing.refresh_from_db()
    assert (existing.metric, existing.value) == ("volunteer_hours", Decimal("120"))


@pytest.mark.parametrize("who", ["staff_a", "manager_b", "city_officer", "province_officer"])
def test_only_the_palace_manager_touches_manual_lines(world, who):
    ledger = make_ledger(world.palace_a)
    existing = line(ledger, world.manager_a)
    actor = getattr(world, who)
    with pytest.raises(NotFound):
        services.manual_line_add(actor=actor, ledger=ledger, metric="jobs_placed", value="1", note="x")
    with pytest.raises(NotFound):
        services.manual_line_update(actor=actor, line=existing, metric="jobs_placed", value="1", note="x")
    with pytest.raises(NotFound):
        services.manual_line_delete(actor=actor, line=existing)
    assert ManualLine.objects.count() == 1


def test_manual_lines_add_up_into_the_ledger_figure_of_their_metric(world):
    ledger = make_ledger(world.palace_a)

    def figure(code):
        return LedgerFigure.objects.filter(ledger=ledger, metric=code).values_list("value", flat=True).first()

    first = services.manual_line_add(
        actor=world.manager_a, ledger=ledger, metric="jobs_placed", value="12", note="a"
    )
    services.manual_line_add(actor=world.manager_a, ledger=ledger, metric="jobs_placed", value="8", note="b")
    services.manual_line_add(actor=world.manager_a, ledger=ledger, metric="remark", value=None, note="备注")
    assert figure("jobs_placed") == Decimal(20)
    assert figure("remark") is None  # a remark is no metric
    services.manual_line_update(
        actor=world.manager_a, line=first, metric="volunteer_hours", value="30", note="a"
    )
    assert (figure("jobs_placed"), figure("volunteer_hours")) == (Decimal(8), Decimal(30))
    services.manual_line_delete(actor=world.manager_a, line=first)
    assert figure("volunteer_hours") is None  # no line left: no figure (reads as zero)
