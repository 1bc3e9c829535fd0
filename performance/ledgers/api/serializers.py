"""Shapes of the ledger endpoints (API.md, "Staff")."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from palace_portal.months import MONTH_PATTERN, format_month

from ..models import Ledger


def as_number(value: Decimal) -> int | float:
    """A figure as a JSON number: whole numbers as integers, others as decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


class LedgerSerializer(serializers.ModelSerializer):
    month = serializers.SerializerMethodField(help_text="YYYY-MM")
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    figures = serializers.SerializerMethodField(
        help_text="Official figures by metric code: the snapshot once accepted, else the latest computation."
    )

    class Meta:
        model = Ledger
        fields = ["id", "palace", "palace_name", "month", "status", "computed_at", "source_rows", "figures"]

    @extend_schema_field({"type": "string", "pattern": MONTH_PATTERN})
    def get_month(self, ledger: Ledger) -> str:
        return format_month(ledger.month)

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "number"}})
    def get_figures(self, ledger: Ledger) -> dict:
        figures = self.context["figures"].get(ledger.pk, {})
        return {code: as_number(number) for code, number in figures.items()}


class MetricSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField(help_text="The unit as people read it (人次, 小时, % …)")
    unit_code = serializers.CharField(help_text="times, person_times, people, hours, percent, yuan, stars …")
    source = serializers.CharField(help_text="Which raw rows the figure is counted from")
    group = serializers.CharField()
    group_name = serializers.CharField()
    sums = serializers.CharField(
        help_text="How it sums over months and palaces: sum, max, ratio, avg_weighted"
    )
    inputs = serializers.ListField(
        child=serializers.CharField(), help_text="Metrics a derived value is computed from"
    )
    manual = serializers.BooleanField(help_text="Added by hand by the palace's manager, not counted")
