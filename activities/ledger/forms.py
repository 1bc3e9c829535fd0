"""Forms of the activity ledger's staff pages: the list filters and the activity form."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.ledger.models import Activity, ActivityKind
from activities.series.models import Series
from palace_portal.months import month_bounds, month_range, parse_month
from palace_portal.service_forms import ServiceErrorsMixin
from venues.kinds import Centre
from venues.models import Palace, SatellitePoint, Venue


class LedgerFilterForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        validators=[parse_month],  # YYYY-MM of a year the portal accepts
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ActivityKind.choices]
    )
    centre = forms.ChoiceField(
        label=_("Centre"), required=False, choices=[("", _("All centres")), *Centre.choices]
    )

    def apply(self, queryset):
        """Filter `queryset` by the fields that are valid; invalid ones are shown and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("month"):
            first, following = month_range(parse_month(data["month"]))
            # A month is a range of the indexed date column.
            queryset = queryset.filter(date__gte=first, date__lt=following)
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("centre"):
            queryset = queryset.filter(centre=data["centre"])
        return queryset

    def month_range(self) -> tuple[date, date]:
        """First and last day of the chosen month (all time without one)."""
        data = getattr(self, "cleaned_data", {})
        if not data.get("month"):
            return date.min, date.max
        return month_bounds(parse_month(data["month"]))

    def params(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        return {k: data[k] for k in ("month", "kind", "centre") if data.get(k)}


class ActivityForm(ServiceErrorsMixin, forms.ModelForm):
    """Parses the input; the rules live in `activities.ledger.services` and its errors land on the fields."""

    class Meta:
        model = Activity
        fields = [
            "title",
            "kind",
            "centre",
            "date",
            "end_date",
            "venue",
            "satellite_point",
            "off_site",
            "participants",
            "online_viewers",
            "likes",
            "partner_kind",
            "partner_name",
            "programme",
            "series",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, palace: Palace, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(palace=palace).order_by("name")
        self.fields["satellite_point"].queryset = SatellitePoint.objects.filter(palace=palace).order_by(
            "name"
        )
        self.fields["series"].queryset = Series.objects.filter(palace=palace).order_by("kind", "name")

    def _post_clean(self):
        # No model validation here: the service validates and saves.
        pass
