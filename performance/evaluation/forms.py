"""Forms of the scheme editor. They shape input only; the services decide what is allowed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from palace_portal.months import MAX_YEAR, MIN_YEAR
from palace_portal.service_forms import ServiceErrorsMixin

from .catalogue import metric_names
from .models import Indicator

SCORE = {"min_value": 0, "max_value": 100, "decimal_places": 2, "max_digits": 6}


class SchemeForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    standard_mark = forms.DecimalField(label=_("Mark for 'standardised'"), initial=Decimal(85), **SCORE)
    basic_mark = forms.DecimalField(
        label=_("Mark for 'basically up to standard'"), initial=Decimal(70), **SCORE
    )


class CopyForm(ServiceErrorsMixin, forms.Form):
    source = forms.TypedChoiceField(label=_("Copy the scheme of"), coerce=int)
    year = forms.IntegerField(label=_("For the year"), min_value=MIN_YEAR, max_value=MAX_YEAR)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)

    def __init__(self, *args, schemes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.pk, f"{s.year} · {s.name}") for s in schemes]


class CategoryForm(ServiceErrorsMixin, forms.Form):
    order = forms.IntegerField(
        label=pgettext_lazy("order in a list", "Position"), min_value=1, max_value=999, required=False
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    max_score = forms.DecimalField(label=_("Maximum score"), **SCORE)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


FORMULA_KINDS = [
    ("threshold", _("Threshold tiers: reaching a figure gives its points")),
    ("ratio_to_target", _("Ratio to a target: in proportion up to the full score")),
    ("count", _("Count: points for every unit, up to the full score")),
    ("share", _("Share: one metric divided by another, against a target share")),
]


class IndicatorForm(ServiceErrorsMixin, forms.Form):
    """An indicator; for formula indicators the formula's parameters as plain fields, which
    `formula()` turns into the structured formula the service validates."""

    order = forms.IntegerField(
        label=pgettext_lazy("order in a list", "Position"), min_value=1, max_value=999, required=False
    )
    code = forms.CharField(label=_("Indicator code"), max_length=12)
    text = forms.CharField(label=_("Indicator"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    guide = forms.CharField(
        label=_("Scoring guide"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    max_score = forms.DecimalField(label=_("Maximum score"), **SCORE)
    kind = forms.ChoiceField(label=_("Scoring"), choices=Indicator.Kind.choices, widget=forms.RadioSelect)
    formula_kind = forms.ChoiceField(label=_("Formula"), choices=[("", "—"), *FORMULA_KINDS], required=False)
    metric = forms.ChoiceField(label=_("Metric (numerator for a share)"), required=False)
    denominator = forms.ChoiceField(label=_("Denominator (share only)"), required=False)
    target = forms.DecimalField(
        label=_("Target (a share as 0–1)"), required=False, min_value=0, max_digits=16, decimal_places=4
    )
    points_per_unit = forms.DecimalField(
        label=_("Points per unit (count)"), required=False, min_value=0, max_digits=8, decimal_places=2
    )
    unit = forms.DecimalField(
        label=_("Unit size (count)"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    direction = forms.ChoiceField(
        label=_("Direction (share)"),
        required=False,
        choices=[
            ("at_least", _("at least the target is best")),
            ("at_most", _("at most the target is best")),
        ],
    )
    tiers = forms.CharField(
        label=_("Tiers (threshold): one per line, 'figure points'"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: 300 2, then on the next line 600 4."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *metric_names().items()]
        self.fields["metric"].choices = choices
        self.fields["denominator"].choices = choices

    @staticmethod
    def initial_from(indicator: Indicator) -> dict[str, Any]:
        initial = {
            "order": indicator.order,
            "code": indicator.code,
            "text": indicator.text,
            "guide": indicator.guide,
            "max_score": indicator.max_score,
            "kind": indicator.kind,
        }
        formula = indicator.formula or {}
        if formula:
            initial["formula_kind"] = formula.get("kind")
            initial["metric"] = formula.get("metric") or formula.get("numerator")
            initial["denominator"] = formula.get("denominator", "")
            for key in ("target", "points_per_unit", "unit", "direction"):
                if key in formula:
                    initial[key] = formula[key]
            if "tiers" in formula:
                initial["tiers"] = "\n".join(f"{t['at_least']} {t['points']}" for t in formula["tiers"])
        return initial

    def formula(self) -> Any:
        """The structured formula from the fields (None for a manual indicator). Numbers are
        JSON numbers; whatever is missing or malformed is left for the service to refuse."""
        data = self.cleaned_data
        if data.get("kind") != Indicator.Kind.FORMULA:
            return None
        kind = data.get("formula_kind") or None

        def number(value):
            if value is None:
                return None
            return int(value) if value == value.to_integral_value() else float(value)

        formula: dict[str, Any] = {"kind": kind}
        if kind == "share":
            formula |= {
                "numerator": data.get("metric"),
                "denominator": data.get("denominator"),
                "target": number(data.get("target")),
                "direction": data.get("direction") or "at_least",
            }
        elif kind in ("threshold", "ratio_to_target", "count"):
            formula["metric"] = data.get("metric")
        if kind == "ratio_to_target":
            formula["target"] = number(data.get("target"))
        if kind == "count":
            formula["points_per_unit"] = number(data.get("points_per_unit"))
            if data.get("unit") is not None:
                formula["unit"] = number(data.get("unit"))
        if kind == "threshold":
            tiers = []
            for line in (data.get("tiers") or "").splitlines():
                parts = line.replace(",", " ").replace("，", " ").split()
                if not parts:
                    continue
                try:
                    at_least, points = (Decimal(p) for p in parts) if len(parts) == 2 else (None, None)
                except ArithmeticError:
                    at_least = points = None
                tiers.append({"at_least": number(at_least), "points": number(points)})
            formula["tiers"] = tiers
        return {k: v for k, v in formula.items() if v not in (None, "")}
