"""Forms of the rating pages: the star form, the staff filters, the hide form. Shape only: the
rules live in `activities.ratings.services`."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.ratings.models import COMMENT_MAX
from activities.ratings.services import REASON_MAX
from palace_portal.months import add_months, month_bounds, month_of, parse_month

# The staff page without filters: the last twelve months.
DEFAULT_MONTHS = 12
# Ids fit a signed 64-bit column; a larger number would overflow the database driver.
ID_MAX = 2**63 - 1

STAR_CHOICES = [(n, str(n)) for n in (5, 4, 3, 2, 1)]  # 5 first: the CSS draws them right to left


class StarsField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Stars"))
        kwargs.setdefault("choices", STAR_CHOICES)
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("error_messages", {"required": _("Choose 1 to 5 stars.")})
        super().__init__(**kwargs)


def _comment_field() -> forms.CharField:
    return forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": COMMENT_MAX}),
    )


class RateForm(forms.Form):
    """One thing to rate. Built with `auto_id` per item so that many share a page."""

    booking = forms.IntegerField(min_value=1, max_value=ID_MAX, widget=forms.HiddenInput)
    occurrence = forms.IntegerField(min_value=1, max_value=ID_MAX, required=False, widget=forms.HiddenInput)
    stars = StarsField()
    comment = _comment_field()


class RatingEditForm(forms.Form):
    stars = StarsField()
    comment = _comment_field()


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why hide it?"), max_length=REASON_MAX)


class RatingFilterForm(forms.Form):
    """Which ratings the staff page counts: one month, or a range of dates (of what was rated)."""

    month = forms.CharField(
        label=_("Month"),
        required=False,
        validators=[parse_month],  # YYYY-MM of a year the portal accepts
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        return data

    def period(self, *, today: date) -> tuple[date, date]:
        """The dates to count, both included: the month if given, else the range, else the last
        twelve months. Invalid fields are shown and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if data.get("month"):
            return month_bounds(parse_month(data["month"]))
        default_start = add_months(month_of(today), -(DEFAULT_MONTHS - 1))
        start = data.get("start") or default_start
        end = data.get("end") or today
        if "end" in self.errors:
            start, end = default_start, today
        return start, end

    def params(self) -> dict:
        data = getattr(self, "cleaned_data", {})
        values = {}
        if data.get("month"):
            values["month"] = data["month"]
        for name in ("start", "end"):
            if data.get(name) and name not in self.errors:
                values[name] = data[name].isoformat()
        return values
