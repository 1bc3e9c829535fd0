"""Shapes of the legal-help endpoints. A case's output reaches only those who may read it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from activities.api.responses import api_error
from palace_portal.users.models import mask_phone

from ..models import STEP_STAGE_CHOICES, CaseKind, CaseStep, ContactPreference, LegalCase, Outcome

BAD_INPUT = api_error("`invalid`: bad input; `fields` says which.")
SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")
NO_CASE = api_error("`not_found`: no such case, or not one the caller may read.")


class CaseStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseStep
        fields = ["stage", "outcome", "on", "note"]


class CaseSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    worker_name = serializers.CharField(source="user.real_name", read_only=True)
    worker_phone = serializers.SerializerMethodField()
    steps = CaseStepSerializer(many=True, read_only=True)

    class Meta:
        model = LegalCase
        fields = [
            "id",
            "reference",
            "palace",
            "palace_name",
            "worker_name",
            "worker_phone",
            "kind",
            "description",
            "employer",
            "contact",
            "stage",
            "outcome",
            "opened_on",
            "closed_on",
            "steps",
        ]
        read_only_fields = fields

    def get_worker_phone(self, case: LegalCase) -> str:
        # The number in full only where the worker asked to be called back.
        phone = case.user.phone
        return phone if case.contact == ContactPreference.PHONE else mask_phone(phone)


class CaseCreateSerializer(serializers.Serializer):
    palace = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    description = serializers.CharField(max_length=1000)
    employer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    contact = serializers.ChoiceField(choices=ContactPreference.choices, default=ContactPreference.PHONE)


class CaseStepCreateSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=STEP_STAGE_CHOICES)
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True, default="")
    on = serializers.DateField(required=False, help_text=_("Default: today"))
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CaseWithdrawSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
