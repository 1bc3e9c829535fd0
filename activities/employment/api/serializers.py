"""The shapes of employment's endpoints: a published posting (public), a posting as its palace's
staff see it, a worker's own application, an applicant as staff see them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.employment.models import (
    MAX_OPENINGS,
    MAX_PAY,
    ApplicationStatus,
    Interview,
    JobApplication,
    JobKind,
    JobPosting,
)

MAX_ID = 2**63 - 1


class PostingSerializer(serializers.ModelSerializer):
    """A published posting: who, what, where, for how much, until when."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    palace_name = serializers.CharField(source="palace.name", read_only=True)
    employer = serializers.CharField(source="employer.name", read_only=True, help_text=_("Employer's name"))
    pay_min = serializers.IntegerField(read_only=True, help_text=_("Lowest monthly pay, yuan"))
    pay_max = serializers.IntegerField(read_only=True, help_text=_("Highest monthly pay, yuan"))
    published_on = serializers.DateField(read_only=True, help_text=_("Local date it was published"))

    class Meta:
        model = JobPosting
        fields = [
            "id",
            "palace",
            "palace_name",
            "employer",
            "title",
            "kind",
            "pay_min",
            "pay_max",
            "place",
            "openings",
            "valid_until",
            "published_on",
        ]
        read_only_fields = fields


class PostingDetailSerializer(PostingSerializer):
    job_fairs = serializers.SerializerMethodField(help_text=_("Ids of the job fairs (events) that carry it"))

    class Meta(PostingSerializer.Meta):
        fields = [*PostingSerializer.Meta.fields, "requirements", "description", "job_fairs"]
        read_only_fields = fields

    def get_job_fairs(self, posting: JobPosting) -> list[int]:
        return sorted(event.pk for event in posting.events.all())


class StaffPostingSerializer(PostingSerializer):
    """A posting as its palace's staff see it: any state, with its counts."""

    applied = serializers.IntegerField(read_only=True, help_text=_("Applications not withdrawn"))
    placed = serializers.IntegerField(read_only=True, help_text=_("People placed"))

    class Meta(PostingSerializer.Meta):
        fields = [
            *PostingSerializer.Meta.fields,
            "requirements",
            "description",
            "state",
            "applied",
            "placed",
        ]
        read_only_fields = fields


class PostingWriteSerializer(serializers.Serializer):
    """A new posting (saved as a draft) or its changes; `palace` only when creating."""

    palace = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("Palace id"))
    employer = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text=_("Employer id (of the palace)")
    )
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=JobKind.choices)
    pay_min = serializers.IntegerField(min_value=0, max_value=MAX_PAY, help_text=_("Yuan a month"))
    pay_max = serializers.IntegerField(min_value=0, max_value=MAX_PAY, help_text=_("Yuan a month"))
    place = serializers.CharField(max_length=200)
    requirements = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    openings = serializers.IntegerField(min_value=1, max_value=MAX_OPENINGS)
    valid_until = serializers.DateField(help_text=_("Last valid day, YYYY-MM-DD (today or later)"))

    def validate(self, attrs):
        if attrs["pay_min"] > attrs["pay_max"]:
            raise serializers.ValidationError({"pay_max": [_("The highest pay cannot be below the lowest.")]})
        return attrs


class ApplyRequestSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=300, help_text=_("A short note to the employer")
    )


class InterviewSerializer(serializers.ModelSerializer):
    date = serializers.DateField(source="held_on", read_only=True)

    class Meta:
        model = Interview
        fields = ["date", "outcome"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """The caller's own application and where it stands."""

    posting = serializers.PrimaryKeyRelatedField(read_only=True)
    posting_title = serializers.CharField(source="posting.title", read_only=True)
    employer = serializers.CharField(source="posting.employer.name", read_only=True)
    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)
    applied_on = serializers.DateField(source="local_date", read_only=True)
    interviews = InterviewSerializer(many=True, read_only=True)

    class Meta:
        model = JobApplication
        fields = [
            "id",
            "posting",
            "posting_title",
            "employer",
            "palace",
            "status",
            "applied_on",
            "placed_on",
            "interviews",
        ]
        read_only_fields = fields


class ApplicantSerializer(serializers.ModelSerializer):
    """An applicant as staff see them: the name and phone in full only for staff who hold a post at
    the posting's palace (they call them); masked for officers reading it."""

    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=ApplicationStatus.choices, read_only=True)
    applied_on = serializers.DateField(source="local_date", read_only=True)
    interviews = InterviewSerializer(many=True, read_only=True)

    class Meta:
        model = JobApplication
        fields = ["id", "name", "phone", "status", "applied_on", "note", "placed_on", "interviews"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_name(self, application: JobApplication) -> str:
        user = application.user
        return user.real_name if self.context.get("unmasked") else user.masked_name

    @extend_schema_field(serializers.CharField())
    def get_phone(self, application: JobApplication) -> str:
        user = application.user
        return user.phone if self.context.get("unmasked") else user.masked_phone
