"""Formula indicators: the four safe kinds, their validation against the schema and the catalogue,
and their scores at the edges (zero denominators, above target, tiers)."""

from decimal import Decimal

import pytest
from django.utils import translation

from performance.evaluation.formulas import FormulaError, clean_formula, describe, score
from performance.ledgers.metrics import METRICS

D = Decimal
CODES = {m.code for m in METRICS}


@pytest.fixture(autouse=True)
def _english():
    # The refusals are matched by their English words, whatever language an earlier test left on.
    with translation.override("en"):
        yield


def clean(formula, max_score="10"):
    return clean_formula(formula, max_score=D(max_score), metric_codes=CODES)


def test_it_accepts_each_kind_and_fills_defaults():
    assert clean({"kind": "ratio_to_target", "metric": "activities", "target": 600})["target"] == 600
    assert clean({"kind": "count", "metric": "appointments", "points_per_unit": 0.5})["unit"] == 1
    share = clean({"kind": "share", "numerator": "wishes_answered", "denominator": "wishes", "target": 0.9})
    assert share["direction"] == "at_least"
    tiers = clean(
        {
            "kind": "threshold",
            "metric": "rating_avg",
            "tiers": [{"at_least": 4.5, "points": 10}, {"at_least": 4, "points": 5}],
        }
    )["tiers"]
    assert [t["at_least"] for t in tiers] == [4, 4.5]  # stored lowest first


@pytest.mark.parametrize(
    ("formula", "fragment"),
    [
        ("activities * 2", "object"),
        ({"kind": "eval", "metric": "activities"}, "Unknown formula kind"),
        ({"kind": "ratio_to_target", "metric": "activities"}, "target"),
        ({"kind": "ratio_to_target", "metric": "activities", "target": 0}, "target"),
        ({"kind": "ratio_to_target", "metric": "activities", "target": "600"}, "target"),
        ({"kind": "ratio_to_target", "metric": "activities", "target": 1, "code": "x"}, "code"),
        ({"kind": "ratio_to_target", "metric": "__import__('os')", "target": 1}, "metric"),
        ({"kind": "ratio_to_target", "metric": "visitors_from_mars", "target": 1}, "visitors_from_mars"),
        ({"kind": "share", "numerator": "wishes", "denominator": "wishes", "target": 0.5}, "different"),
        ({"kind": "share", "numerator": "wishes_answered", "denominator": "wishes", "target": 1.5}, "target"),
        ({"kind": "count", "metric": "appointments", "points_per_unit": -1}, "points_per_unit"),
        ({"kind": "threshold", "metric": "activities", "tiers": []}, "tiers"),
        (
            {"kind": "threshold", "metric": "activities", "tiers": [{"at_least": 5, "points": 4}]},
            "full score",
        ),
        (
            {
                "kind": "threshold",
                "metric": "activities",
                "tiers": [{"at_least": 5, "points": 10}, {"at_least": 5, "points": 10}],
            },
            "same figure",
        ),
        (
            {
                "kind": "threshold",
                "metric": "activities",
                "tiers": [{"at_least": 5, "points": 10}, {"at_least": 9, "points": 8}],
            },
            "more points",
        ),
    ],
)
def test_it_refuses_malformed_or_unknown_formulas(formula, fragment):
    with pytest.raises(FormulaError) as caught:
        clean(formula)
    assert fragment in " ".join(caught.value.messages)


def test_ratio_to_target_is_proportional_and_capped_at_the_maximum():
    formula = clean({"kind": "ratio_to_target", "metric": "activities", "target": 600})
    assert score(formula, max_score=D(3), figures={"activities": D(300)})[0] == D("1.50")
    assert score(formula, max_score=D(3), figures={"activities": D(6000)})[0] == D("3.00")
    assert score(formula, max_score=D(3), figures={})[0] == D("0.00")  # no ledger figure: nothing counted
    assert score(formula, max_score=D(3), figures={"activities": D(-5)})[0] == D("0.00")


def test_threshold_gives_the_best_tier_reached():
    formula = clean(
        {
            "kind": "threshold",
            "metric": "rating_avg",
            "tiers": [
                {"at_least": 3.5, "points": 0.5},
                {"at_least": 4, "points": 1.5},
                {"at_least": 4.5, "points": 2.5},
            ],
        },
        max_score="2.5",
    )
    assert score(formula, max_score=D("2.5"), figures={"rating_avg": D("3.4")})[0] == D("0")
    assert score(formula, max_score=D("2.5"), figures={"rating_avg": D("3.5")})[0] == D("0.50")
    assert score(formula, max_score=D("2.5"), figures={"rating_avg": D("4.49")})[0] == D("1.50")
    assert score(formula, max_score=D("2.5"), figures={"rating_avg": D("4.8")})[0] == D("2.50")


def test_count_gives_points_per_whole_unit_up_to_the_maximum():
    formula = clean(
        {"kind": "count", "metric": "appointments", "points_per_unit": 0.5, "unit": 20}, max_score="1.5"
    )
    assert score(formula, max_score=D("1.5"), figures={"appointments": D(39)})[0] == D("0.50")
    assert score(formula, max_score=D("1.5"), figures={"appointments": D(40)})[0] == D("1.00")
    assert score(formula, max_score=D("1.5"), figures={"appointments": D(4000)})[0] == D("1.50")


def test_share_at_least_and_at_most_and_a_zero_denominator():
    at_least = clean(
        {"kind": "share", "numerator": "wishes_answered", "denominator": "wishes", "target": 0.9}, "2"
    )
    assert score(at_least, max_score=D(2), figures={"wishes_answered": D(45), "wishes": D(50)})[0] == D(
        "2.00"
    )
    assert score(at_least, max_score=D(2), figures={"wishes_answered": D(45), "wishes": D(100)})[0] == D(
        "1.00"
    )
    assert score(at_least, max_score=D(2), figures={"wishes_answered": D(5), "wishes": D(0)})[0] == D("0.00")
    at_most = clean(
        {
            "kind": "share",
            "numerator": "no_shows",
            "denominator": "bookings",
            "target": 0.1,
            "direction": "at_most",
        },
        "1",
    )
    assert score(at_most, max_score=D(1), figures={"no_shows": D(5), "bookings": D(100)})[0] == D("1.00")
    assert score(at_most, max_score=D(1), figures={"no_shows": D(55), "bookings": D(100)})[0] == D("0.50")
    assert score(at_most, max_score=D(1), figures={"no_shows": D(200), "bookings": D(100)})[0] == D("0.00")
    assert score(at_most, max_score=D(1), figures={"no_shows": D(0), "bookings": D(0)})[0] == D("0.00")


def test_score_reports_the_figures_it_used():
    formula = clean(
        {"kind": "share", "numerator": "wishes_answered", "denominator": "wishes", "target": 0.9}, "2"
    )
    _value, used = score(
        formula, max_score=D(2), figures={"wishes_answered": D("45.0000"), "wishes": D(50), "x": D(1)}
    )
    assert used == {"wishes_answered": "45", "wishes": "50"}


def test_describe_says_the_rule_in_words():
    formula = clean({"kind": "ratio_to_target", "metric": "activities", "target": 600})
    assert "600" in describe(formula, {"activities": "活动场次"})
    assert "活动场次" in describe(formula, {"activities": "活动场次"})
