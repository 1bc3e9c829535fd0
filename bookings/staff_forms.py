"""Forms of the palace desk (staff pages). Input shape only: the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from palace_portal.errors import PortalError
from palace_portal.images import add_picture_fields
from palace_portal.service_forms import ServiceErrorsMixin
from venues.kinds import BookingMode
from venues.models import OpeningHours, Palace, Venue

from .forms import PortalDateField
from .models import BookingRule, DutyShift
from .services.staff import INT_RANGES, RULE_FIELDS


def add_service_errors(form: forms.Form, exc: PortalError) -> None:
    """Show a service's refusal on the form: on the fields it names, otherwise above the form."""
    placed = False
    for field, messages in (exc.fields or {}).items():
        for message in messages:
            if field in form.fields:
                form.add_error(field, message)
                placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class DayForm(forms.Form):
    date = PortalDateField(label=_("Day"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "inputmode": "text",
                "enterkeyhint": "go",
                "class": "code-input",
                "placeholder": "ABCD2345",
            }
        ),
        error_messages={"required": _("Enter the check-in code.")},
    )
    # Where to go back after a check-in started from another page ("today").
    back = forms.ChoiceField(choices=[("", ""), ("today", "today")], required=False, widget=forms.HiddenInput)
    date = PortalDateField(required=False, widget=forms.HiddenInput)

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper().replace(" ", "").replace("-", "")


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("decline", _("Decline"))]
    )
    reason = forms.CharField(
        label=_("Reason (shown to the applicant)"),
        max_length=300,
        required=False,
        widget=forms.TextInput(),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the worker)"),
        max_length=300,
        error_messages={"required": _("Give the reason; the worker will see it.")},
    )


class AppealDecideForm(ReasonForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold: lift the suspension")), ("reject", _("Reject"))],
    )


WEEKDAY_CHOICES = [("", _("— one date instead —")), *OpeningHours.Weekday.choices]


class DutyShiftForm(forms.Form):
    person = forms.CharField(label=_("Person on duty"), max_length=50)
    role = forms.CharField(
        label=_("Role"), max_length=50, required=False, help_text=_("e.g. lawyer, counsellor")
    )
    weekday = forms.TypedChoiceField(
        label=_("Every"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Choose a weekday for a weekly shift, or leave it and give a date."),
    )
    date = PortalDateField(
        label=_("On this date only"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    @classmethod
    def for_shift(cls, shift: DutyShift, **kwargs) -> DutyShiftForm:
        initial = {f: getattr(shift, f) for f in ("person", "role", "weekday", "date", "starts", "ends")}
        return cls(initial=initial, **kwargs)


class NewDutyShiftForm(DutyShiftForm):
    venue = forms.TypedChoiceField(label=_("Service window"), coerce=int)

    field_order = ["venue", "person", "role", "weekday", "date", "starts", "ends"]

    def __init__(self, *args, venues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [(v.pk, v.name) for v in venues]


def _rule_field(name: str) -> forms.Field:
    """A form field for one rule setting, labelled and bounded like the model field."""
    model_field = BookingRule._meta.get_field(name)
    if name in INT_RANGES:
        low, high = INT_RANGES[name]
        return forms.IntegerField(
            label=capfirst(model_field.verbose_name),
            min_value=low,
            max_value=high,
            help_text=model_field.help_text,
        )
    return forms.TimeField(
        label=capfirst(model_field.verbose_name),
        required=not model_field.null,
        help_text=model_field.help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class RuleForm(forms.Form):
    """The venue's booking rule and the venue settings staff own, in the page's order."""

    slot_minutes = forms.IntegerField(
        label=_("Slot length (minutes)"),
        min_value=INT_RANGES["slot_minutes"][0],
        max_value=INT_RANGES["slot_minutes"][1],
        help_text=_("Slots start at opening time and follow each other without gaps."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=INT_RANGES["capacity"][0],
        max_value=INT_RANGES["capacity"][1],
        help_text=_("People at once. For a shared venue: the places of each slot."),
    )
    fee = forms.DecimalField(
        label=_("Fee (yuan)"), min_value=0, max_digits=6, decimal_places=2, help_text=_("0: free.")
    )
    member_only = forms.BooleanField(label=_("Trade-union members only"), required=False)

    GROUPS = (
        (_("Slots and fee"), ("slot_minutes", "max_slots", "capacity", "fee")),
        (_("How far ahead"), ("window_days", "window_opens_at")),
        (_("Party size"), ("min_party", "max_party")),
        (_("Limits per person"), ("max_active", "max_per_day", "max_per_week")),
        (_("Members"), ("member_only", "member_hours_start", "member_hours_end")),
        (
            _("Cancelling, waitlist and check-in"),
            ("cancel_deadline_minutes", "offer_minutes", "checkin_opens_minutes", "checkin_closes_minutes"),
        ),
    )

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RULE_FIELDS:
            self.fields[name] = _rule_field(name)
        if venue.booking_mode in (BookingMode.SHARED, BookingMode.APPOINTMENT):
            # One slot per booking there, whatever the rule says: the setting would mislead.
            del self.fields["max_slots"]
        self.order_fields([name for _title, names in self.GROUPS for name in names])

    def groups(self):
        return [
            (title, [self[name] for name in names if name in self.fields]) for title, names in self.GROUPS
        ]


class PalacePageForm(ServiceErrorsMixin, forms.Form):
    """What the palace page says about the palace: introduction, directions, picture."""

    description = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("A few sentences shown at the top of the palace page: what it offers, for whom."),
    )
    directions = forms.CharField(
        label=_("How to get there"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bus lines and stop, metro station and exit, parking: shown beside the address."),
    )

    def __init__(self, *args, palace: Palace, **kwargs):
        super().__init__(*args, **kwargs)
        add_picture_fields(self, current=palace.picture, prefix="palace")


class VenuePictureForm(ServiceErrorsMixin, forms.Form):
    """A venue's picture and its description."""

    def __init__(self, *args, venue: Venue, **kwargs):
        super().__init__(*args, **kwargs)
        add_picture_fields(self, current=venue.picture, prefix="venue")
