"""Formula indicators: a fixed set of safe kinds over the year's ledger figures.

A formula is structured data, `{"kind": ..., parameters}`, checked against `FORMULA_SCHEMA` (JSON
Schema) and then against the metric catalogue and the indicator's maximum. Scoring is plain
arithmetic on Decimals here; nothing is ever evaluated as code. The kinds:

- `threshold`: tiers `[{"at_least": x, "points": p}, ...]`; the best tier the metric reaches
  scores its points; the highest tier must give the indicator's full score.
  (`{"kind": "threshold", "metric": "activities", "tiers": [{"at_least": 300, "points": 2}, ...]}`)
- `ratio_to_target`: `min(value / target, 1) × max`.
- `count`: `points_per_unit` for every whole `unit` (default 1) of the metric, up to the maximum.
- `share`: `numerator / denominator` against a target share (0..1); `direction` `at_least`
  (default: proportional up to the target) or `at_most` (full at or below the target, falling to
  zero at a share of 1). A zero denominator scores 0: with nothing to divide, nothing is shown.

A metric missing from the ledgers counts as 0 (no row counted, nothing to credit). Negative
figures are treated as 0. Scores are rounded to 0.01 and never exceed the indicator's maximum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

CENT = Decimal("0.01")
ZERO = Decimal("0")
KINDS = ("threshold", "ratio_to_target", "count", "share")

_METRIC = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,39}$"}
_POSITIVE = {"type": "number", "exclusiveMinimum": 0, "maximum": 1e12}
_NON_NEGATIVE = {"type": "number", "minimum": 0, "maximum": 1e12}


def _kind(name: str, properties: dict, required: list[str]) -> dict:
    return {
        "type": "object",
        "properties": {"kind": {"const": name}, **properties},
        "required": ["kind", *required],
        "additionalProperties": False,
    }


FORMULA_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Formula of an evaluation indicator",
    "oneOf": [
        _kind(
            "threshold",
            {
                "metric": _METRIC,
                "tiers": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 10,
                    "items": {
                        "type": "object",
                        "properties": {"at_least": _NON_NEGATIVE, "points": _POSITIVE},
                        "required": ["at_least", "points"],
                        "additionalProperties": False,
                    },
                },
            },
            ["metric", "tiers"],
        ),
        _kind("ratio_to_target", {"metric": _METRIC, "target": _POSITIVE}, ["metric", "target"]),
        _kind(
            "count",
            {"metric": _METRIC, "points_per_unit": _POSITIVE, "unit": _POSITIVE},
            ["metric", "points_per_unit"],
        ),
        _kind(
            "share",
            {
                "numerator": _METRIC,
                "denominator": _METRIC,
                "target": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
                "direction": {"enum": ["at_least", "at_most"]},
            },
            ["numerator", "denominator", "target"],
        ),
    ],
}


def openapi_schema(node: Any = None) -> Any:
    """`FORMULA_SCHEMA` in OpenAPI 3.0's dialect (no `const`, boolean `exclusiveMinimum`), for
    the API's published schema."""
    node = FORMULA_SCHEMA if node is None else node
    if isinstance(node, list):
        return [openapi_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "$schema":
            continue
        if key == "const":
            out["enum"] = [value]
        elif key == "exclusiveMinimum":
            out["minimum"], out["exclusiveMinimum"] = value, True
        else:
            out[key] = openapi_schema(value)
    return out


class FormulaError(ValueError):
    """The formula is malformed; `messages` says why, in the user's language."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("; ".join(messages))


def _d(value) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return ZERO


def metrics_of(formula: Mapping[str, Any]) -> list[str]:
    """The metric codes a (valid) formula reads, in a stable order."""
    if formula.get("kind") == "share":
        return [formula["numerator"], formula["denominator"]]
    return [formula["metric"]]


def clean_formula(formula: Any, *, max_score: Decimal, metric_codes: Iterable[str]) -> dict[str, Any]:
    """The formula in its stored form if it is valid for an indicator of `max_score` over the
    catalogue's `metric_codes`; `FormulaError` with every problem otherwise."""
    if not isinstance(formula, dict):
        raise FormulaError([_("A formula is an object with a kind and its parameters.")])
    kind = formula.get("kind")
    if kind not in KINDS:
        raise FormulaError(
            [
                _("Unknown formula kind %(kind)r: use one of %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(KINDS)}
            ]
        )
    branch = Draft202012Validator(FORMULA_SCHEMA["oneOf"][KINDS.index(kind)])
    problems = sorted(branch.iter_errors(formula), key=lambda e: list(e.absolute_path))
    if problems:
        raise FormulaError([_describe_schema_error(e) for e in problems])
    known = set(metric_codes)
    errors = [
        _("Unknown metric %(code)r: choose one from the ledger's catalogue.") % {"code": code}
        for code in metrics_of(formula)
        if code not in known
    ]
    cleaned = dict(formula)
    if kind == "threshold":
        tiers = sorted(
            ({"at_least": t["at_least"], "points": t["points"]} for t in formula["tiers"]),
            key=lambda t: _d(t["at_least"]),
        )
        for lower, upper in pairwise(tiers):
            if _d(lower["at_least"]) == _d(upper["at_least"]):
                errors.append(_("Two tiers start at the same figure."))
            elif _d(lower["points"]) >= _d(upper["points"]):
                errors.append(_("A higher tier must give more points than a lower one."))
        if _d(tiers[-1]["points"]) != max_score:
            errors.append(
                _("The highest tier must give the indicator's full score (%(max)s).") % {"max": max_score}
            )
        cleaned["tiers"] = tiers
    elif kind == "count":
        cleaned.setdefault("unit", 1)
    elif kind == "share":
        cleaned.setdefault("direction", "at_least")
        if formula["numerator"] == formula["denominator"]:
            errors.append(_("The numerator and the denominator must be different metrics."))
    if errors:
        raise FormulaError(errors)
    return cleaned


def _describe_schema_error(error) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or _("formula")
    return _("%(where)s: %(problem)s") % {"where": where, "problem": error.message}


def score(
    formula: Mapping[str, Any], *, max_score: Decimal, figures: Mapping[str, Decimal]
) -> tuple[Decimal, dict]:
    """The indicator's score under `formula` from the palace's year `figures` ({code: value}),
    and the figures it used ({code: "value"}, for display next to the score)."""
    used = {code: max(_d(figures.get(code, ZERO)), ZERO) for code in metrics_of(formula)}
    kind = formula["kind"]
    if kind == "threshold":
        value = used[formula["metric"]]
        points = ZERO
        for tier in formula["tiers"]:
            if value >= _d(tier["at_least"]):
                points = max(points, _d(tier["points"]))
        result = points
    elif kind == "ratio_to_target":
        result = min(used[formula["metric"]] / _d(formula["target"]), Decimal(1)) * max_score
    elif kind == "count":
        unit = _d(formula.get("unit", 1))
        units = (used[formula["metric"]] / unit).to_integral_value(rounding=ROUND_FLOOR)
        result = units * _d(formula["points_per_unit"])
    elif kind == "share":
        numerator, denominator = used[formula["numerator"]], used[formula["denominator"]]
        if denominator == ZERO:
            result = ZERO
        else:
            share, target = numerator / denominator, _d(formula["target"])
            if formula.get("direction", "at_least") == "at_most":
                if share <= target:
                    result = max_score
                else:
                    result = max_score * max((Decimal(1) - share) / (Decimal(1) - target), ZERO)
            else:
                result = min(share / target, Decimal(1)) * max_score
    else:  # pragma: no cover - clean_formula admits only the kinds above
        raise FormulaError([_("Unknown formula kind.")])
    result = min(max(result, ZERO), max_score).quantize(CENT, rounding=ROUND_HALF_UP)
    return result, {code: f"{value.normalize():f}" if value else "0" for code, value in used.items()}


def describe(formula: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """The rule in words, for the scoring guide beside a formula indicator."""

    def name(code: str) -> str:
        return names.get(code, code)

    def n(value) -> str:
        number = _d(value)
        return f"{number:,.0f}" if number == number.to_integral_value() else f"{number.normalize():,}"

    kind = formula.get("kind")
    if kind == "threshold":
        tiers = sorted(formula["tiers"], key=lambda t: _d(t["at_least"]), reverse=True)
        return _("; ").join(
            _("%(metric)s at least %(x)s: %(points)s points")
            % {"metric": name(formula["metric"]), "x": n(t["at_least"]), "points": n(t["points"])}
            for t in tiers
        )
    if kind == "ratio_to_target":
        return _("%(metric)s against a target of %(target)s, in proportion up to the full score") % {
            "metric": name(formula["metric"]),
            "target": n(formula["target"]),
        }
    if kind == "count":
        return _("%(points)s points for every %(unit)s of %(metric)s, up to the full score") % {
            "points": n(formula["points_per_unit"]),
            "unit": n(formula.get("unit", 1)),
            "metric": name(formula["metric"]),
        }
    if kind == "share":
        values = {
            "numerator": name(formula["numerator"]),
            "denominator": name(formula["denominator"]),
            "target": f"{_d(formula['target']) * 100:.0f}%",
        }
        if formula.get("direction") == "at_most":
            return (
                _("%(numerator)s / %(denominator)s at most %(target)s: full score; less as it rises") % values
            )
        return (
            _("%(numerator)s / %(denominator)s at least %(target)s: full score; in proportion below") % values
        )
    return ""
