"""Back-office views of the evaluation: read-only lists for provincial staff (the evaluation's
pages write, through the services)."""

from django.contrib import admin

from palace_portal.admin_mixins import ReadOnlyMixin
from venues.admin.scoping import ProvincialAdmin

from .models import Evaluation, Indicator, Scheme


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["year", "name", "status", "standard_mark", "basic_mark", "published_at"]
    list_filter = ["status"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["code", "text", "category", "max_score", "kind"]
    list_filter = ["scheme", "kind"]
    list_select_related = ["category"]
    search_fields = ["code", "text"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, ProvincialAdmin):
    list_display = ["palace", "scheme", "status", "total", "band", "concluded_at"]
    list_filter = ["scheme", "status", "band"]
    list_select_related = ["palace", "scheme"]
    search_fields = ["palace__name"]
