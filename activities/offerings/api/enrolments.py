"""The caller's enrolments (courses) and registrations (events) over the API: `/enrolments/`.

An enrolment is seen and acted on by its owner, and by staff of its palace
(`PalaceScopedApiMixin`, scope `manage`), who may withdraw it; for anyone else it does not exist (404).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Count, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.offerings.api.common import (
    BAD_INPUT,
    BOOKING_STATUSES_OF,
    ENROLMENT_STATUSES,
    NO_SUCH_PAGE,
    SIGN_IN,
    EnrolmentStatusField,
    api_error,
)
from activities.offerings.selectors import enrolments_of_user
from activities.offerings.services import enrolment_withdraw
from bookings.models import Attendance, Booking, Occurrence, Offering
from bookings.services.booking import offer_accept
from bookings.services.offering import offering_waitlist_position
from venues.api.access import PalaceScopedApiMixin
from venues.filters import IdFilter

Status = Booking.Status


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.IntegerField(help_text=_("Sessions attended (check-in code or roll call)"))
    sessions = serializers.IntegerField(help_text=_("Sessions of the course, not counting cancelled ones"))
    held = serializers.IntegerField(help_text=_("Of which already begun"))
    rate = serializers.IntegerField(help_text=_("Attended, in percent of the sessions held"))
    completed = serializers.BooleanField(
        allow_null=True,
        help_text=_("Attended enough of the course's sessions for completion; null for an event"),
    )


class EnrolmentSerializer(serializers.ModelSerializer):
    """A sign-up for a course or an event (reads the annotations of `EnrolmentViewSet`)."""

    kind = serializers.ChoiceField(choices=Offering.Kind.choices, source="offering.kind", read_only=True)
    course = serializers.SerializerMethodField(help_text=_("Course id, for a course"))
    event = serializers.SerializerMethodField(help_text=_("Event id, for an event"))
    title = serializers.CharField(source="offering.title", read_only=True)
    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    venue = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    status = EnrolmentStatusField()
    start = serializers.DateTimeField(read_only=True, help_text=_("Start of the first session"))
    end = serializers.DateTimeField(read_only=True, help_text=_("End of the last session"))
    waitlist_position = serializers.SerializerMethodField(
        help_text=_("status waitlisted: 1 for the head of the queue; otherwise null")
    )
    offer_expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("status offered: accept the place before this")
    )
    check_in_code = serializers.CharField(read_only=True, help_text=_("Shown (as a QR code) at the door"))
    attendance = serializers.SerializerMethodField()
    reason = serializers.CharField(
        source="decision_reason", read_only=True, help_text=_("Staff's reason, when staff withdrew it")
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "kind",
            "course",
            "event",
            "title",
            "palace",
            "venue",
            "status",
            "start",
            "end",
            "waitlist_position",
            "offer_expires_at",
            "check_in_code",
            "attendance",
            "reason",
            "created_at",
            "cancelled_at",
        ]
        read_only_fields = fields

    @staticmethod
    def _course(enrolment: Booking) -> Model | None:  # the offering's course, if it is one
        return getattr(enrolment.offering, "course", None)

    def get_course(self, enrolment: Booking) -> int | None:
        course = self._course(enrolment)
        return course.pk if course else None

    def get_event(self, enrolment: Booking) -> int | None:
        event = getattr(enrolment.offering, "event", None)
        return event.pk if event else None

    def get_waitlist_position(self, enrolment: Booking) -> int | None:
        positions = self.context.get("positions")
        if positions is None:
            return offering_waitlist_position(enrolment)
        return positions.get(enrolment.pk)

    @extend_schema_field(AttendanceSerializer)
    def get_attendance(self, enrolment: Booking) -> dict[str, Any]:
        attended, sessions, held = enrolment.attended, enrolment.session_total, enrolment.session_held
        course = self._course(enrolment)
        completed = None
        if course is not None:
            completed = sessions > 0 and attended * 100 >= course.completion_percent * sessions
        return {
            "attended": attended,
            "sessions": sessions,
            "held": held,
            # (Someone checked in before the start has attended more sessions than have begun.)
            "rate": min(round(attended * 100 / held), 100) if held else 0,
            "completed": completed,
        }


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Staff withdrawing someone: the reason the person will see"),
    )


class EnrolmentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ENROLMENT_STATUSES, method="filter_status", label=_("Status")
    )
    kind = django_filters.ChoiceFilter(
        choices=Offering.Kind.choices, field_name="offering__kind", label=_("Course or event")
    )
    course = IdFilter(method="filter_course", label=_("Course"))
    event = IdFilter(method="filter_event", label=_("Event"))

    class Meta:
        model = Booking
        fields = ["status", "kind", "course", "event"]

    def filter_status(self, qs, name, value: str):
        return qs.filter(status__in=BOOKING_STATUSES_OF[value])

    def filter_course(self, qs, name, value: int):
        return qs.filter(offering__course__pk=value)

    def filter_event(self, qs, name, value: int):
        return qs.filter(offering__event__pk=value)


def _count(qs: QuerySet, group: str) -> Coalesce:
    """Rows of `qs` (correlated with OuterRef) counted in a subquery, 0 when none."""
    counted = qs.order_by().values(group).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _with_attendance(qs: QuerySet[Booking], *, now) -> QuerySet[Booking]:
    sessions = Occurrence.objects.filter(offering=OuterRef("offering_id"), cancelled=False)
    return qs.annotate(
        attended=_count(
            Attendance.objects.filter(booking=OuterRef("pk"), occurrence__cancelled=False), "booking"
        ),
        session_total=_count(sessions, "offering"),
        session_held=_count(sessions.filter(start__lte=now), "offering"),
    )


def _waitlist_positions(enrolments: list[Booking]) -> dict[int, int]:
    """Queue positions of the waitlisted among `enrolments`, in one query whatever their number.

    The queue's order is `bookings.services.offering`'s: queue rank (a lottery's draw order)
    first, then the order of joining.
    """
    offerings = {e.offering_id for e in enrolments if e.status == Status.WAITLISTED}
    if not offerings:
        return {}
    queue = (
        Booking.objects.filter(offering_id__in=offerings, status=Status.WAITLISTED)
        .order_by("offering_id", F("queue_rank").asc(nulls_last=True), "created_at", "pk")
        .values_list("offering_id", "pk")
    )
    positions, last_offering, place = {}, None, 0
    for offering_id, pk in queue:
        place = place + 1 if offering_id == last_offering else 1
        last_offering = offering_id
        positions[pk] = place
    return positions


@extend_schema_view(
    list=extend_schema(
        summary="List my enrolments",
        description=(
            "The caller's own sign-ups for courses and events, latest first, with their status, "
            "place on the waitlist and attendance."
        ),
        responses={200: EnrolmentSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One enrolment",
        description="The owner's, or one of their palace's for staff. Anyone else: 404.",
        responses={
            200: EnrolmentSerializer,
            401: SIGN_IN,
            404: api_error("`not_found`: no such enrolment, or not yours."),
        },
    ),
)
class EnrolmentViewSet(PalaceScopedApiMixin, viewsets.ReadOnlyModelViewSet):
    """Sign-ups for courses and events: the caller's own; staff of the palace may withdraw them."""

    permission_classes = [IsAuthenticated]
    serializer_class = EnrolmentSerializer
    filterset_class = EnrolmentFilter
    queryset = Booking.objects.none()
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Booking]:
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        user = self.request.user
        if self.action == "list":
            qs = enrolments_of_user(user)
        else:
            visible = Q(user=user) | Q(palace__in=self.palaces("manage"))
            qs = (
                Booking.objects.filter(visible, offering__isnull=False)
                .select_related("offering", "offering__course", "offering__event", "palace", "user")
                .order_by("-start", "-pk")
            )
        return _with_attendance(qs, now=timezone.now())

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "positions": _waitlist_positions(page)}
        return self.get_paginated_response(EnrolmentSerializer(page, many=True, context=context).data)

    def _fresh(self, enrolment: Booking) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=enrolment.pk)).data)

    @extend_schema(
        summary="Withdraw an enrolment",
        description=(
            "The owner withdraws (or leaves the waitlist, or turns down an offer) until the course "
            "ends or the event begins; staff of the palace at any time, with a reason the person "
            "sees. A freed place is offered to the first on the waitlist. Answers the enrolment, "
            "now `withdrawn`."
        ),
        request=WithdrawSerializer,
        responses={
            200: EnrolmentSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: api_error("`not_found`: no such enrolment, or not yours."),
            409: api_error(
                "`cancel_deadline_passed` (the course has ended, or the event begun), "
                "`not_cancellable` (already withdrawn or expired)."
            ),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def withdraw(self, request: Request, pk=None) -> Response:
        enrolment = self.get_object()
        incoming = WithdrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        enrolment_withdraw(actor=request.user, enrolment=enrolment, reason=incoming.validated_data["reason"])
        return self._fresh(enrolment)

    @extend_schema(
        summary="Accept a place offered from the waitlist",
        description="The owner of an `offered` enrolment takes the place before `offer_expires_at`.",
        request=None,
        responses={
            200: EnrolmentSerializer,
            401: SIGN_IN,
            404: api_error("`not_found`: no such enrolment, or not yours."),
            409: api_error("`no_offer` (the enrolment is not `offered`), `offer_expired`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def accept(self, request: Request, pk=None) -> Response:
        enrolment = offer_accept(user=request.user, booking=self.get_object())
        return self._fresh(enrolment)
