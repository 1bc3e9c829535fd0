"""Bookings endpoints (API.md, "Bookings"), the venue availability, and the calendar feed's address.

Who sees what:
- A signed-in user sees their own bookings; staff (anyone with palaces in the "manage" scope of
  `PalaceScopedApiMixin`) also see their palaces' bookings. Anything else answers 404.
- The person who booked (`booker`): the owner sees their own; staff see it masked in lists and in
  full in the detail (and the answers to check-in, cancel and decide) of a booking of their palace
  (`bookings.access.may_see_booker`).
- The appointment matter is never returned, to anyone: staff read it on the pages, where each
  read is recorded.

Views only translate: rules live in `bookings.services`, reads in `bookings.selectors`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from palace_portal.api import ErrorSerializer
from palace_portal.errors import NotFound
from palace_portal.schema import ID_SCHEMA
from venues.api.access import PalaceScopedApiMixin

from ..access import may_see_booker
from ..calendars import booking_ics, calendar_feed_for, calendar_feed_reset
from ..models import Booking
from ..selectors import listed_venue, venue_availability
from ..services import (
    booking_cancel,
    booking_check_in,
    booking_create,
    offer_accept,
    request_decide,
)
from .filters import BookingFilter
from .serializers import (
    AvailabilityQuerySerializer,
    AvailabilitySerializer,
    BookingCancelSerializer,
    BookingCreatedSerializer,
    BookingCreateSerializer,
    BookingDetailSerializer,
    BookingSerializer,
    CalendarFeedSerializer,
    CheckInSerializer,
    DecisionSerializer,
    booking_created_data,
    booking_input_fast,
)


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


_BAD_INPUT = _error("`invalid`: bad input; `fields` says which.")
_SIGN_IN = _error("`not_authenticated`: sign in (a token or a session).")
_NOT_FOUND = _error("`not_found`: no such booking, or not yours to see.")
_NO_SUCH_PAGE = _error("`not_found`: the page is past the end of the list.")


class _IgnoreClientContentNegotiation(BaseContentNegotiation):
    """The .ics endpoint answers text/calendar whatever a calendar app sends in `Accept`; its
    errors are JSON like every other endpoint's."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return (renderers[0], renderers[0].media_type)


_INPUT_SERIALIZERS = {
    "create": BookingCreateSerializer,
    "cancel": BookingCancelSerializer,
    "decide": DecisionSerializer,
    "check_in": CheckInSerializer,
    "accept_offer": serializers.Serializer,  # no input
}


class BookingViewSet(PalaceScopedApiMixin, viewsets.GenericViewSet):
    """Venue bookings: the caller's own, and for staff their palaces'."""

    permission_classes = [IsAuthenticated]
    # Staff see the bookings of the palaces they act on; everyone sees their own.
    palace_scope = "manage"
    filterset_class = BookingFilter
    queryset = Booking.objects.none()  # for the schema's model; the real one is below
    # Any id reaches the view, so that `/bookings/1.5/` is a JSON 404 like `/bookings/abc/`.
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> QuerySet[Booking]:
        if getattr(self, "swagger_fake_view", False):
            return Booking.objects.none()
        user = self.request.user
        # Own bookings, and every booking of the palaces the user acts on (none for a worker). The
        # palaces' ids are read first: with a subquery in the OR, PostgreSQL filtered every booking
        # of the day in the province (50 ms at ten times the province); with the ids it reads the
        # user's and the palaces' day from their indexes (under 1 ms warm).
        palace_ids = list(self.palaces().values_list("pk", flat=True))  # a worker's none: no query
        visible = Q(user=user) | Q(palace_id__in=palace_ids)
        # Sign-ups of courses and events are enrolments, with their own endpoints.
        qs = Booking.objects.of_venues().filter(visible).select_related("venue", "user")
        if self.action != "list":
            qs = qs.select_related("palace", "venue__palace")
        return qs.order_by("-start", "-id")

    def get_serializer_class(self):
        # DRF's OPTIONS answer (action `metadata`) describes each POST by this serializer, on a
        # clone of the request whose method is POST: the route's action is the one of that method.
        # The actions below read their input with these serializers themselves.
        action = self.action
        if action == "metadata":
            action = self.action_map.get(self.request.method.lower())
        return _INPUT_SERIALIZERS.get(action, BookingSerializer)

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a detail URL is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def _detail(self, booking: Booking, status_code: int = status.HTTP_200_OK) -> Response:
        user = self.request.user
        context = {
            **self.get_serializer_context(),
            "full_booker": lambda b: may_see_booker(user, b),
        }
        return Response(BookingDetailSerializer(booking, context=context).data, status=status_code)

    @extend_schema(
        summary="List bookings",
        description=(
            "The caller's own bookings; for staff also every booking of their palaces. Filters "
            "`venue`, `date` (the local date of the start), `status`, `mine`; latest first unless "
            "`ordering=start`. The person who booked (`booker`) is masked unless it is the caller. "
            "The appointment matter is never included."
        ),
        responses={200: BookingSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "full_booker": lambda b: b.user_id == request.user.pk}
        return self.get_paginated_response(BookingSerializer(page, many=True, context=context).data)

    @extend_schema(
        summary="One booking",
        description=(
            "The owner, or staff of the booking's palace (who see the booker's name and phone in "
            "full). Anyone else: 404."
        ),
        responses={200: BookingDetailSerializer, 401: _SIGN_IN, 404: _NOT_FOUND},
    )
    def retrieve(self, request: Request, pk=None) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="Book a venue",
        description=(
            "Reserve one slot, or consecutive slots of a venue booked whole. Times in ISO 8601 with "
            "an offset (any offset; converted to +08:00); times without one are refused (400). "
            "The answer's `status` is `confirmed`, `pending` (a group request awaiting staff) or "
            "`waitlisted` (the slot is full and `waitlist` was true). Group requests need "
            "`purpose`; service-window appointments need `matter` (confidential, never returned). "
            "An unknown or unlisted venue is bad input (400, `fields.venue`)."
        ),
        request=BookingCreateSerializer,
        responses={
            201: BookingCreatedSerializer,
            400: _error(
                "`invalid` (with `fields`: venue, start, end, purpose, matter…) or "
                "`invalid_party_size` (with `fields.party_size`)."
            ),
            401: _SIGN_IN,
            409: _error(
                "A rule said no: `slot_taken` (a venue booked whole is taken), `slot_full` (no "
                "places left; send `waitlist: true` to wait), `outside_opening_hours` (closed, not "
                "on a slot boundary, or too many slots), `outside_booking_window` (already begun, "
                "or the day is not open for booking yet), `limit_reached` (per-person limits), "
                "`suspended` (repeated no-shows), `members_only`, `already_booked` (you already "
                "hold this time here)."
            ),
        },
        examples=[
            OpenApiExample(
                "Book a court",
                value={
                    "venue": 12,
                    "start": "2026-03-02T19:00:00+08:00",
                    "end": "2026-03-02T20:00:00+08:00",
                    "party_size": 1,
                },
                request_only=True,
            ),
            OpenApiExample(
                "Full",
                value={"code": "slot_full", "detail": "This time slot is full."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    def create(self, request: Request) -> Response:
        # The hot path (docs/performance.md, "Bookings"): a well-formed body of a listed venue is
        # read without the serializer's machinery; anything else goes through the serializer,
        # which answers with its errors.
        data = booking_input_fast(request.data)
        if data is not None:
            # With the day's opening hours: one round trip less in the booking's transaction.
            data["venue"] = listed_venue(data["venue"], day=timezone.localtime(data["start"]).date())
        if data is None or data["venue"] is None:
            serializer = BookingCreateSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        booking = booking_create(
            user=request.user,
            venue=data["venue"],
            start=data["start"],
            end=data["end"],
            party_size=data["party_size"],
            waitlist=data["waitlist"],
            purpose=data["purpose"],
            organisation=data["organisation"],
            matter=data["matter"],
        )
        return Response(booking_created_data(booking), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel a booking",
        description=(
            "The owner cancels (or leaves the waitlist, or turns down an offer) until the venue's "
            "cancellation deadline; staff of the palace at any time, with a reason the worker "
            "sees. A freed place is offered to the first on the waitlist. Answers the booking."
        ),
        request=BookingCancelSerializer,
        responses={
            200: BookingDetailSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _NOT_FOUND,
            409: _error(
                "`cancel_deadline_passed` (too close to the start, or begun), `not_cancellable` "
                "(already cancelled, declined, expired, checked in or a no-show)."
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk=None) -> Response:
        booking = self.get_object()
        serializer = BookingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = booking_cancel(
            actor=request.user, booking=booking, reason=serializer.validated_data["reason"]
        )
        return self._detail(booking)

    @extend_schema(
        summary="Accept a place offered from the waitlist",
        description="The owner of an `offered` booking confirms it before `offer_expires_at`.",
        request=None,
        responses={
            200: BookingDetailSerializer,
            401: _SIGN_IN,
            404: _NOT_FOUND,
            409: _error("`no_offer` (the booking is not `offered`), `offer_expired`."),
        },
    )
    @action(detail=True, methods=["post"], url_path="accept-offer", url_name="accept-offer")
    def accept_offer(self, request: Request, pk=None) -> Response:
        booking = offer_accept(user=request.user, booking=self.get_object())
        return self._detail(booking)

    @extend_schema(
        summary="Approve or decline a group request",
        description=(
            "Staff of the venue's palace decide a `pending` request; declining needs a reason, "
            "which the applicant sees. Others: 404."
        ),
        request=DecisionSerializer,
        responses={
            200: BookingDetailSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _NOT_FOUND,
            409: _error("`already_decided`, `slot_taken` (another booking holds the time)."),
        },
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        booking = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = request_decide(
            actor=request.user,
            booking=booking,
            approve=serializer.validated_data["approve"],
            reason=serializer.validated_data["reason"],
        )
        return self._detail(booking)

    @extend_schema(
        summary="Check a booking in by its code",
        description=(
            "Staff of the booking's palace, within the check-in window around the start. An "
            "unknown code, or a booking of another palace: 404. Answers the booking, now "
            "`checked_in`."
        ),
        request=CheckInSerializer,
        responses={
            200: BookingDetailSerializer,
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _error("`not_found`: no booking of your palaces has this code."),
            409: _error(
                "`not_checkin_time` (outside the window), `already_checked_in`, `not_confirmed` "
                "(waiting, pending, cancelled…)."
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="check-in", url_name="check-in")
    def check_in(self, request: Request) -> Response:
        # Staff only, and 404 to others before the code is read (a 400 would show them the form).
        if not self.palaces(scope="manage").exists():
            raise NotFound()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = booking_check_in(actor=request.user, code=serializer.validated_data["code"])
        return self._detail(booking)

    @extend_schema(
        summary="One booking as iCalendar",
        description="An .ics file to add the booking to a calendar (owner or staff of the palace).",
        responses={
            (200, "text/calendar"): OpenApiResponse(OpenApiTypes.STR, description="An iCalendar file."),
            (401, "application/json"): _SIGN_IN,
            (404, "application/json"): _NOT_FOUND,
        },
    )
    @action(detail=True, methods=["get"], content_negotiation_class=_IgnoreClientContentNegotiation)
    def ics(self, request: Request, pk=None) -> HttpResponse:
        booking = self.get_object()
        response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="booking-{booking.pk}.ics"'
        return response


# --- The personal calendar feed ------------------------------------------------------------------


def _feed_url(request: Request, token: str) -> str:
    return request.build_absolute_uri(reverse("bookings_calendar:feed", kwargs={"token": token}))


class CalendarFeedApi(APIView):
    """The secret address of the caller's calendar feed (calendar apps cannot send headers)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Address of my calendar feed",
        description=(
            "A secret URL serving the caller's bookings (and, later, classes) as iCalendar, "
            "without sign-in: keep it private, and reset it if it leaks."
        ),
        responses={200: CalendarFeedSerializer, 401: _SIGN_IN},
    )
    def get(self, request: Request) -> Response:
        feed = calendar_feed_for(request.user)
        return Response(CalendarFeedSerializer({"url": _feed_url(request, feed.token)}).data)


class CalendarFeedResetApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Give my calendar feed a new address",
        description="The old address stops working at once; the answer is the new one.",
        request=None,
        responses={200: CalendarFeedSerializer, 401: _SIGN_IN},
    )
    def post(self, request: Request) -> Response:
        feed = calendar_feed_reset(user=request.user)
        return Response(CalendarFeedSerializer({"url": _feed_url(request, feed.token)}).data)


# --- Availability --------------------------------------------------------------------------------


class VenueAvailabilityApi(APIView):
    """Public: the slots of a venue on a date, with the places taken by bookings."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Slots of a venue on a date",
        description=(
            "The venue's slots on a local date: the palace's opening hours cut into slots of the "
            "venue's length (none on a closure day; for a service window, only while someone is "
            "on duty), with the places taken and whether each can be booked now (`state` says "
            "why not). Dates more than 366 days away are refused."
        ),
        parameters=[
            OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH, description="The venue's id."),
            OpenApiParameter(
                "date",
                OpenApiTypes.DATE,
                OpenApiParameter.QUERY,
                required=True,
                description="Local date, YYYY-MM-DD (within 366 days of today).",
            ),
        ],
        responses={
            200: AvailabilitySerializer,
            400: _BAD_INPUT,
            404: _error("`not_found`: no such venue (or not offered to the public)."),
        },
    )
    def get(self, request: Request, id: str) -> Response:
        # The venue, its palace and rule in one statement written once (`listed_venue`, as the
        # grid and the booking read them): an id is read as the ORM reads one (`int`).
        try:
            venue = listed_venue(int(id))
        except (TypeError, ValueError):
            venue = None
        if venue is None:
            raise Http404
        query = AvailabilityQuerySerializer(
            data=request.query_params, context={"today": timezone.localdate()}
        )
        query.is_valid(raise_exception=True)
        day = query.validated_data["date"]
        slots = [
            {
                "start": slot.start,
                "end": slot.end,
                "capacity": slot.capacity,
                "taken": slot.taken,
                "available": slot.available,
                "bookable": slot.bookable,
                "state": slot.state,
                "waiting": slot.waiting,
                "members_only": slot.members_only,
            }
            for slot in venue_availability(venue, day)
        ]
        return Response(AvailabilitySerializer({"venue": venue.pk, "date": day, "slots": slots}).data)
