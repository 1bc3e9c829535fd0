"""Validation rules: each one flags what it should, names the numbers, and stays silent otherwise."""

from datetime import date

import pytest

from palace_portal.months import add_months
from performance.workflow import validation
from performance.workflow.validation import flags_for_ledgers, ledger_flags
from tests.performance.workflow_support import line, make_ledger

pytestmark = pytest.mark.django_db

MONTH = date(2025, 6, 1)


def history(palace, months=12, **figures):
    for back in range(1, months + 1):
        make_ledger(palace, add_months(MONTH, -back), status="accepted", **figures)


def codes(flags):
    return [flag.code for flag in flags]


def test_every_rule_has_a_code_a_severity_and_a_description():
    assert {rule.code for rule in validation.RULES} == {
        "no_rows",
        "person_times_per_activity",
        "month_far_from_usual",
        "utilisation_over_100",
        "manual_value_implausible",
    }
    assert all(rule.severity in {"warning", "notice"} and str(rule.description) for rule in validation.RULES)


def test_an_ordinary_month_has_no_flags(world):
    history(world.palace_a, activities=20, person_times=2000, utilisation=50)
    ledger = make_ledger(world.palace_a, MONTH, activities=22, person_times=2300, utilisation=60)
    assert ledger_flags(ledger) == []


def test_a_month_with_no_rows_is_flagged(world):
    ledger = make_ledger(world.palace_a, MONTH, source_rows=0, activities=0, person_times=0)
    flags = ledger_flags(ledger)
    assert codes(flags) == ["no_rows"]
    assert "0" in flags[0].message


def test_a_month_not_computed_is_not_flagged_for_no_rows(world):
    ledger = make_ledger(world.palace_a, MONTH, computed=False, activities=0)
    assert "no_rows" not in codes(ledger_flags(ledger))


def test_person_times_per_activity_far_above_usual_is_flagged(world):
    history(world.palace_a, activities=20, person_times=2000)  # 100 a activity
    # 20 activities with 620 person-times each: 6.2× the usual, though the total stays usual-ish.
    ledger = make_ledger(world.palace_a, MONTH, activities=5, person_times=3100)
    flags = [f for f in ledger_flags(ledger) if f.code == "person_times_per_activity"]
    assert len(flags) == 1
    assert "620" in flags[0].message
    assert "100" in flags[0].message
    assert "6.2" in flags[0].message


def test_per_activity_at_three_times_is_not_flagged(world):
    history(world.palace_a, activities=20, person_times=2000)
    ledger = make_ledger(world.palace_a, MONTH, activities=10, person_times=3000)  # exactly 3×
    assert "person_times_per_activity" not in codes(ledger_flags(ledger))


def test_history_rules_wait_for_enough_months(world):
    history(world.palace_a, months=2, activities=20, person_times=2000)
    ledger = make_ledger(world.palace_a, MONTH, activities=1, person_times=90000)
    assert codes(ledger_flags(ledger)) == []


@pytest.mark.parametrize(("value", "flagged"), [(600, True), (667, False), (6000, False), (6001, True)])
def test_a_month_far_from_its_last_twelve_is_flagged(world, value, flagged):
    history(world.palace_a, activities=20, person_times=2000)
    ledger = make_ledger(world.palace_a, MONTH, activities=value // 100 or 1, person_times=value)
    flags = [f for f in ledger_flags(ledger) if f.code == "month_far_from_usual"]
    assert bool(flags) is flagged
    if flagged:
        assert "2,000" in flags[0].message
        assert f"{value:,}" in flags[0].message


def test_the_history_is_the_palaces_own(world):
    history(world.palace_b, activities=20, person_times=100000)
    history(world.palace_a, activities=20, person_times=2000)
    ledger = make_ledger(world.palace_a, MONTH, activities=20, person_times=2100)
    assert ledger_flags(ledger) == []


def test_utilisation_above_100_is_flagged(world):
    ledger = make_ledger(world.palace_a, MONTH, activities=20, person_times=2000, utilisation="104.5")
    flags = ledger_flags(ledger)
    assert codes(flags) == ["utilisation_over_100"]
    assert "104.5%" in flags[0].message
    assert flags[0].metric == "utilisation"


def test_utilisation_of_exactly_100_is_fine(world):
    ledger = make_ledger(world.palace_a, MONTH, activities=20, person_times=2000, utilisation=100)
    assert ledger_flags(ledger) == []


def test_a_manual_value_above_the_plausible_maximum_is_flagged(world):
    ledger = make_ledger(world.palace_a, MONTH)
    line(ledger, world.manager_a, "jobs_placed", "2500")
    line(ledger, world.manager_a, "jobs_placed", "600")  # 3,100 in total, above 3,000
    line(ledger, world.manager_a, "remark", None)
    flags = ledger_flags(ledger)
    assert codes(flags) == ["manual_value_implausible"]
    assert "3,100" in flags[0].message
    assert "3,000" in flags[0].message


def test_a_manual_value_far_above_the_palaces_usual_is_flagged(world):
    for back in range(1, 5):
        past = make_ledger(world.palace_a, add_months(MONTH, -back), status="accepted")
        line(past, world.manager_a, "volunteer_hours", "100")
    ledger = make_ledger(world.palace_a, MONTH)
    line(ledger, world.manager_a, "volunteer_hours", "301")
    flags = ledger_flags(ledger)
    assert codes(flags) == ["manual_value_implausible"]
    assert "301" in flags[0].message


def test_flags_of_many_ledgers_cost_a_fixed_number_of_queries(world, django_assert_num_queries):
    ledgers = [make_ledger(world.palace_a, MONTH), make_ledger(world.palace_b, MONTH, source_rows=0)]
    history(world.palace_a, activities=20, person_times=2000)
    with django_assert_num_queries(4):
        flags = flags_for_ledgers(ledgers)
    assert (codes(flags[ledgers[0].pk]), codes(flags[ledgers[1].pk])) == ([], ["no_rows"])
