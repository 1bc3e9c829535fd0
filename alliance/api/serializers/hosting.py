"""Hosting calls, applications, reviews, decisions and subsidies."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.models import ActivityKind
from venues.models import Palace, Venue

from ...models import ApplicationReview, Campaign, HostingApplication, HostingCall, Subsidy
from .common import ID, MONEY, AlliancePalaceRefSerializer, VenueRefSerializer


class EligibilitySerializer(serializers.Serializer):
    """Who may apply: palace levels, in service, alliance member, a venue for at least N people."""

    levels = serializers.ListField(
        child=serializers.ChoiceField(choices=Palace.Level.choices),
        required=False,
        help_text=_("Palace levels that may apply; empty or left out: every level"),
    )
    in_service = serializers.BooleanField(required=False, default=True)
    member = serializers.BooleanField(required=False, default=True, help_text=_("Alliance members only"))
    min_capacity = serializers.IntegerField(
        required=False, default=0, min_value=0, max_value=1_000_000, help_text=_("0: no minimum")
    )


class CriterionSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max = serializers.IntegerField(min_value=1, max_value=100, help_text=_("The highest score"))


class HostingCallSerializer(serializers.ModelSerializer):
    """A call for palaces to host a provincial event."""

    campaign = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    budget = serializers.DecimalField(**MONEY, read_only=True, help_text=_("Yuan"))

    class Meta:
        model = HostingCall
        fields = [
            "id",
            "title",
            "event_kind",
            "status",
            "starts_on",
            "ends_on",
            "deadline",
            "budget",
            "campaign",
        ]
        read_only_fields = fields


class CallBudgetSerializer(serializers.Serializer):
    granted = serializers.DecimalField(**MONEY, read_only=True)
    paid = serializers.DecimalField(**MONEY, read_only=True)
    left = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=True, read_only=True, help_text=_("Not yet granted")
    )


class PalaceEligibilitySerializer(serializers.Serializer):
    """Whether one of the caller's palaces may apply, and why not."""

    palace = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    eligible = serializers.BooleanField(read_only=True)
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    application = serializers.IntegerField(
        read_only=True, allow_null=True, help_text=_("The palace's application to this call, if any")
    )


class HostingCallDetailSerializer(HostingCallSerializer):
    """The call with its rules; `budget_used` for provincial and city officers, `my_palaces` for
    palace staff (each palace they run: may it apply, and why not)."""

    eligibility = EligibilitySerializer(read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)
    budget_used = CallBudgetSerializer(read_only=True, allow_null=True)
    my_palaces = PalaceEligibilitySerializer(many=True, read_only=True)

    class Meta(HostingCallSerializer.Meta):
        fields = [
            *HostingCallSerializer.Meta.fields,
            "description",
            "eligibility",
            "criteria",
            "budget_used",
            "my_palaces",
        ]
        read_only_fields = fields


class HostingCallWriteSerializer(serializers.Serializer):
    """A call's content. `deadline` needs an offset; the service checks the dates and the budget."""

    title = serializers.CharField(max_length=200)
    event_kind = serializers.ChoiceField(choices=ActivityKind.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    starts_on = serializers.DateField(help_text=_("First day of the event window"))
    ends_on = serializers.DateField(help_text=_("Last day of the event window"))
    deadline = serializers.DateTimeField(help_text=_("Applications close, ISO 8601 with an offset"))
    budget = serializers.DecimalField(**MONEY, help_text=_("Yuan"))
    eligibility = EligibilitySerializer(required=False)
    criteria = CriterionSerializer(many=True, allow_empty=False)
    campaign = serializers.PrimaryKeyRelatedField(
        queryset=Campaign.objects.all(), required=False, allow_null=True, help_text=_("Campaign id")
    )

    def validate_deadline(self, value):
        # Without an offset the time would be read in the server's zone: refuse it instead.
        raw = self.initial_data.get("deadline") if hasattr(self.initial_data, "get") else None
        parsed = parse_datetime(raw.strip()) if isinstance(raw, str) else None
        if parsed is not None and parsed.tzinfo is None:
            raise serializers.ValidationError(_("Give the time with its offset, e.g. +08:00."))
        return value


# --- Applications, reviews, subsidies ------------------------------------------------------------------


class SubsidySerializer(serializers.ModelSerializer):
    """A host's subsidy: granted and paid (paid never exceeds granted)."""

    application = serializers.PrimaryKeyRelatedField(read_only=True)
    call = serializers.PrimaryKeyRelatedField(read_only=True)
    palace = AlliancePalaceRefSerializer(read_only=True)
    granted = serializers.DecimalField(**MONEY, read_only=True)
    paid = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Subsidy
        fields = ["id", "application", "call", "palace", "year", "granted", "paid", "paid_on"]
        read_only_fields = fields


class ApplicationSubsidySerializer(serializers.ModelSerializer):
    granted = serializers.DecimalField(**MONEY, read_only=True)
    paid = serializers.DecimalField(**MONEY, read_only=True)

    class Meta:
        model = Subsidy
        fields = ["id", "year", "granted", "paid", "paid_on"]
        read_only_fields = fields


class HostingApplicationSerializer(serializers.ModelSerializer):
    """An application to host. `review_count` and `average_score` are for the reviewers
    (provincial and city officers): null for the palace's own staff."""

    call = serializers.PrimaryKeyRelatedField(read_only=True)
    call_title = serializers.CharField(source="call.title", read_only=True)
    palace = AlliancePalaceRefSerializer(read_only=True)
    venue = VenueRefSerializer(read_only=True)
    requested_subsidy = serializers.DecimalField(**MONEY, read_only=True)
    review_count = serializers.SerializerMethodField()
    average_score = serializers.SerializerMethodField()
    subsidy = serializers.SerializerMethodField()

    class Meta:
        model = HostingApplication
        fields = [
            "id",
            "call",
            "call_title",
            "palace",
            "status",
            "plan",
            "venue",
            "capacity",
            "support",
            "requested_subsidy",
            "event_date",
            "event_title",
            "decision_reason",
            "submitted_at",
            "decided_at",
            "review_count",
            "average_score",
            "subsidy",
        ]
        read_only_fields = fields

    def _for_reviewers(self) -> bool:
        return bool(self.context.get("reviewer_view"))

    def get_review_count(self, application: HostingApplication) -> int | None:
        return getattr(application, "review_count", None) if self._for_reviewers() else None

    @extend_schema_field(
        serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=True, allow_null=True)
    )
    def get_average_score(self, application: HostingApplication):
        average = getattr(application, "average", None)
        if not self._for_reviewers() or average is None:
            return None
        return f"{average:.2f}"

    @extend_schema_field(ApplicationSubsidySerializer(allow_null=True))
    def get_subsidy(self, application: HostingApplication):
        # Loaded with the application (select_related); when there is none, the access raises.
        try:
            subsidy = application.subsidy
        except Subsidy.DoesNotExist:
            return None
        return ApplicationSubsidySerializer(subsidy).data


class ApplicationCreateSerializer(serializers.Serializer):
    palace = serializers.IntegerField(**ID, help_text=_("Your palace's id"))
    plan = serializers.CharField(max_length=5000)
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.all(), help_text=_("A venue of the palace")
    )
    capacity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    support = serializers.CharField(max_length=5000, help_text=_("Staff, volunteers, equipment, partners"))
    requested_subsidy = serializers.DecimalField(**MONEY, help_text=_("Yuan"))
    event_date = serializers.DateField(help_text=_("Within the call's event window"))


class ReviewCreateSerializer(serializers.Serializer):
    scores = serializers.ListField(
        child=serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0),
        allow_empty=False,
        max_length=50,
        help_text=_("One score per criterion, in the call's order, from 0 to its maximum"),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ApplicationReviewSerializer(serializers.ModelSerializer):
    application = serializers.PrimaryKeyRelatedField(read_only=True)
    scores = serializers.ListField(child=serializers.FloatField(), read_only=True)
    total = serializers.DecimalField(max_digits=7, decimal_places=2, coerce_to_string=True, read_only=True)

    class Meta:
        model = ApplicationReview
        fields = ["id", "application", "scores", "total", "comment", "reviewed_at"]
        read_only_fields = fields


class ApplicationDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=500, help_text=_("Required to decline")
    )
    event_title = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=200,
        help_text=_("The event's public title on the calendar; default: the call's title"),
    )


class SubsidyGrantSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        **MONEY, help_text=_("The whole grant in yuan (replaces an earlier one)")
    )


class PaymentSerializer(serializers.Serializer):
    amount = serializers.DecimalField(**MONEY, help_text=_("Yuan paid now"))
    paid_on = serializers.DateField()
