"""Shapes of the evaluation endpoints. Scores are JSON numbers (two decimals), not strings."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..formulas import openapi_schema
from ..models import SCHEME_TOTAL, Band, Category, Evaluation, Indicator, Scheme


def _score(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True, **kwargs
    )


@extend_schema_field({**openapi_schema(), "nullable": True})
class FormulaField(serializers.JSONField):
    """The formula as stored: `{"kind", parameters}` (see the schema's `oneOf`), null for manual."""


class IndicatorSerializer(serializers.ModelSerializer):
    max_score = _score()
    weight = _score(help_text=_("Share of the scheme's 100 points, in percent."))
    formula = FormulaField(read_only=True, allow_null=True)

    class Meta:
        model = Indicator
        fields = ["id", "order", "code", "text", "guide", "max_score", "weight", "kind", "formula"]


class CategorySerializer(serializers.ModelSerializer):
    max_score = _score()
    weight = _score(help_text=_("Share of the scheme's 100 points, in percent."))
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "order", "name", "description", "max_score", "weight", "indicators"]


class SchemeSerializer(serializers.ModelSerializer):
    standard_mark = _score(help_text=_("Lowest total in the band 'standardised'."))
    basic_mark = _score(help_text=_("Lowest total in the band 'basically up to standard'."))
    max_total = serializers.SerializerMethodField(help_text=_("The scheme's total points (100)."))
    indicator_count = serializers.SerializerMethodField()
    categories = CategorySerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = [
            "id",
            "year",
            "name",
            "description",
            "status",
            "standard_mark",
            "basic_mark",
            "max_total",
            "indicator_count",
            "published_at",
            "categories",
        ]

    def get_max_total(self, scheme) -> int:
        return int(SCHEME_TOTAL)

    def get_indicator_count(self, scheme) -> int:
        return sum(len(c.indicators.all()) for c in scheme.categories.all())


class CategoryTotalSerializer(serializers.Serializer):
    category = serializers.IntegerField(help_text=_("Category id"))
    name = serializers.CharField()
    max_score = _score()
    self_score = _score(
        allow_null=True, help_text=_("The palace's self-evaluation (formula results included).")
    )
    score = _score(allow_null=True, help_text=_("The final score; null until the evaluation is concluded."))


class EvaluationSerializer(serializers.ModelSerializer):
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    year = serializers.IntegerField(source="scheme.year", read_only=True)
    status = serializers.ChoiceField(choices=Evaluation.Status.choices, read_only=True)
    categories = serializers.SerializerMethodField()
    self_total = serializers.SerializerMethodField()
    total = _score(allow_null=True, help_text=_("Final total out of 100; null until concluded."))
    band = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "palace",
            "palace_name",
            "year",
            "scheme",
            "status",
            "categories",
            "self_total",
            "total",
            "band",
            "submitted_at",
            "reviewed_at",
            "concluded_at",
        ]

    def _totals(self, evaluation) -> dict:
        return self.context.get("totals", {}).get(evaluation.pk, {})

    @extend_schema_field(CategoryTotalSerializer(many=True))
    def get_categories(self, evaluation) -> list[dict]:
        totals = self._totals(evaluation)
        concluded = evaluation.status == Evaluation.Status.CONCLUDED
        return [
            {
                "category": c.pk,
                "name": c.name,
                "max_score": c.max_score,
                "self_score": (totals.get(c.pk) or {}).get("self"),
                "score": (totals.get(c.pk) or {}).get("final") if concluded else None,
            }
            for c in self.context["categories"].get(evaluation.scheme_id, [])
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False))
    def get_self_total(self, evaluation):
        values = [t["self"] for t in self._totals(evaluation).values() if t["self"] is not None]
        return sum(values) if values else None

    @extend_schema_field(serializers.ChoiceField(choices=Band.choices, allow_null=True))
    def get_band(self, evaluation) -> str | None:
        return evaluation.band or None
