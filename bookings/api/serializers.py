"""Shapes of the bookings endpoints (API.md, "Bookings").

Serializers only translate: every rule lives in `bookings.services`. Nothing here reads the
appointment matter: `matter` is an input field only (write-only), and no output serializer has a
path to `AppointmentMatter`.

Personal data of the person who booked (`booker`): the owner sees their own; staff see it masked
in lists and in full in the detail of a booking of their palace (they need to call people). The
view decides per booking through the `full_booker` callable in the serializer context.
"""

from __future__ import annotations

import re

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from palace_portal.users.models import mask_name, mask_phone
from venues.kinds import BookingMode
from venues.models import Venue

from ..models import Booking
from ..rules import cancel_deadline, checkin_window, rule_for
from ..selectors import waitlist_position

# The promised keys of a booking (API.md: the answer to `POST /bookings/`).
BOOKING_FIELDS = ["id", "venue", "start", "end", "party_size", "status", "check_in_code"]


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date-time that must carry its offset; any offset is converted to local time.

    A naive time would be a guess (whose 19:00?), so it is refused rather than assumed local.
    """

    default_error_messages = {
        "naive": _("Give the time with its offset, e.g. 2026-03-02T19:00:00+08:00."),
    }

    def enforce_timezone(self, value):
        if timezone.is_naive(value):
            self.fail("naive")
        return super().enforce_timezone(value)


# --- Input ----------------------------------------------------------------------------------------


class BookingCreateSerializer(serializers.Serializer):
    venue = serializers.PrimaryKeyRelatedField(
        queryset=Venue.objects.listed().select_related("palace", "booking_rule"),
        help_text=_("A venue of the public directory (GET /api/v1/venues/)"),
    )
    start = AwareDateTimeField(help_text=_("Start of a slot, with offset, e.g. 2026-03-02T19:00:00+08:00"))
    end = AwareDateTimeField(help_text=_("End of the same or a later consecutive slot, with offset"))
    party_size = serializers.IntegerField(
        min_value=1,
        max_value=10000,
        default=1,
        help_text=_("Places wanted; the venue's rule sets the smallest and largest party"),
    )
    waitlist = serializers.BooleanField(
        default=False,
        help_text=_("true: join the waitlist when the slot is full (201 `waitlisted`) instead of 409"),
    )
    purpose = serializers.CharField(
        max_length=200,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Group requests (booking mode `request`): what the venue is for. Required there."),
    )
    organisation = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Group requests: the enterprise union or group asking"),
    )
    matter = serializers.CharField(
        max_length=2000,
        required=False,
        default="",
        allow_blank=True,
        write_only=True,
        help_text=_(
            "Service windows (booking mode `appointment`): your matter, briefly. Required there. "
            "Confidential: read only by the palace's service staff, never returned by the API."
        ),
    )

    def validate(self, attrs):
        if attrs["start"] >= attrs["end"]:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        return attrs


_TEXT_LIMITS = {"purpose": 200, "organisation": 100, "matter": 2000}
# What CharField's validators refuse: null characters, lone surrogates.
_REFUSED_CHARACTERS = re.compile("[\x00\ud800-\udfff]")


def booking_input_fast(data) -> dict | None:
    """`BookingCreateSerializer`'s validated data for a well-formed body, without its machinery;
    None for anything else, which the serializer then reads (and answers with its errors).

    The booking API's hot path: DRF's field machinery cost more Python than a booking's SQL.
    Taken only where the serializer's answer is certain: JSON types exactly (an int venue and
    party size, a bool waitlist, strings), aware ISO 8601 times in order, the same bounds; the
    times converted to the current time zone as `AwareDateTimeField` does. The venue is the
    caller's to load (`selectors.listed_venue`, falling back to the serializer when not listed).
    """
    if not isinstance(data, dict):
        return None
    venue, party_size, waitlist = data.get("venue"), data.get("party_size", 1), data.get("waitlist", False)
    if type(venue) is not int or not 0 < venue < 2**31 or type(party_size) is not int:
        return None
    if not 1 <= party_size <= 10000 or type(waitlist) is not bool:
        return None
    values = {"venue": venue, "party_size": party_size, "waitlist": waitlist}
    for name, limit in _TEXT_LIMITS.items():
        text = data.get(name, "")
        if type(text) is not str:
            return None
        text = text.strip()  # CharField's trim_whitespace, before its max_length
        if len(text) > limit or (text and _REFUSED_CHARACTERS.search(text)):
            return None
        values[name] = text
    zone = timezone.get_current_timezone()
    for name in ("start", "end"):
        text = data.get(name)
        if type(text) is not str:
            return None
        try:
            moment = parse_datetime(text)
            if moment is None or timezone.is_naive(moment):
                return None
            values[name] = moment.astimezone(zone)
        except (ValueError, TypeError, OverflowError):
            return None
    if values["start"] >= values["end"]:
        return None
    return values


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Staff cancelling someone's booking: the reason the worker will see"),
    )


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=40, help_text=_("The booking's check-in code (spaces and dashes are ignored)")
    )


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true: approve the request; false: decline it"))
    reason = serializers.CharField(
        max_length=300,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Shown to the applicant; required when declining"),
    )


# --- Output ---------------------------------------------------------------------------------------


class BookingCreatedSerializer(serializers.ModelSerializer):
    """The answer to `POST /bookings/`: exactly the keys API.md promises."""

    venue = serializers.PrimaryKeyRelatedField(read_only=True)
    start = serializers.DateTimeField(read_only=True, help_text=_("Local time with offset (+08:00)"))
    end = serializers.DateTimeField(read_only=True, help_text=_("Local time with offset (+08:00)"))
    status = serializers.ChoiceField(
        choices=Booking.Status.choices,
        read_only=True,
        help_text=_(
            "confirmed; pending (a group request awaiting staff); waitlisted (full, and you asked "
            "to wait); offered (a place from the waitlist, to accept before offer_expires_at); "
            "checked_in; cancelled; declined; expired (offer not taken up); no_show"
        ),
    )
    check_in_code = serializers.CharField(
        read_only=True, help_text=_("Shown (as a QR code) to staff on arrival")
    )

    class Meta:
        model = Booking
        fields = BOOKING_FIELDS
        read_only_fields = fields


_TIME = serializers.DateTimeField()


def booking_created_data(booking: Booking) -> dict:
    """`BookingCreatedSerializer(booking).data` without the serializer's per-instance machinery
    (the booking API's hot path); tests/bookings compare the two."""
    return {
        "id": booking.pk,
        "venue": booking.venue_id,
        "start": _TIME.to_representation(booking.start),
        "end": _TIME.to_representation(booking.end),
        "party_size": booking.party_size,
        "status": str(booking.status),
        "check_in_code": booking.check_in_code,
    }


class BookerSerializer(serializers.Serializer):
    """Who booked. Masked (张*, 138****8000) unless the reader may see it in full."""

    name = serializers.CharField()
    phone = serializers.CharField()


class BookingSerializer(BookingCreatedSerializer):
    """A booking in a list: the promised keys plus the venue's name, its palace and who booked."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    booker = serializers.SerializerMethodField(
        help_text=_("The owner sees their own; staff see it masked in lists, in full in the detail")
    )
    offer_expires_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("status offered: accept the place before this")
    )

    class Meta(BookingCreatedSerializer.Meta):
        fields = [*BOOKING_FIELDS, "palace", "venue_name", "booker", "offer_expires_at"]
        read_only_fields = fields

    @extend_schema_field(BookerSerializer)
    def get_booker(self, booking: Booking) -> dict:
        user = booking.user
        if self.context["full_booker"](booking):
            return {"name": user.real_name, "phone": user.phone}
        return {"name": mask_name(user.real_name), "phone": mask_phone(user.phone)}


class BookingDetailSerializer(BookingSerializer):
    """One booking with its rule's deadlines, its place in the queue and staff's decision.

    A few queries for one booking (its venue's rule, its place in the queue): detail only.
    """

    mode = serializers.ChoiceField(
        choices=BookingMode.choices, read_only=True, help_text=_("The venue's booking mode when booked")
    )
    fee = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    waitlist_position = serializers.SerializerMethodField(
        help_text=_("status waitlisted: 1 for the head of the queue; otherwise null")
    )
    cancel_deadline = serializers.SerializerMethodField(
        help_text=_("The owner may cancel a confirmed booking until this time")
    )
    checkin_opens_at = serializers.SerializerMethodField()
    checkin_closes_at = serializers.SerializerMethodField()

    class Meta(BookingSerializer.Meta):
        fields = [
            *BookingSerializer.Meta.fields,
            "mode",
            "fee",
            "purpose",
            "organisation",
            "decision_reason",
            "waitlist_position",
            "cancel_deadline",
            "checkin_opens_at",
            "checkin_closes_at",
            "created_at",
            "cancelled_at",
            "checked_in_at",
        ]
        read_only_fields = fields

    def _dt(self, value):
        return serializers.DateTimeField().to_representation(value)

    def get_waitlist_position(self, booking: Booking) -> int | None:
        return waitlist_position(booking)

    @extend_schema_field(serializers.DateTimeField())
    def get_cancel_deadline(self, booking: Booking):
        return self._dt(cancel_deadline(rule_for(booking.venue), booking.start))

    @extend_schema_field(serializers.DateTimeField())
    def get_checkin_opens_at(self, booking: Booking):
        return self._dt(checkin_window(rule_for(booking.venue), booking.start)[0])

    @extend_schema_field(serializers.DateTimeField())
    def get_checkin_closes_at(self, booking: Booking):
        return self._dt(checkin_window(rule_for(booking.venue), booking.start)[1])


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(
        help_text=_("The secret address of your calendar feed; subscribe to it in a calendar app")
    )


# --- Availability ---------------------------------------------------------------------------------

SLOT_STATES = [
    ("open", _("open")),
    ("full", _("full")),
    ("past", _("past")),
    ("not_yet_open", _("not yet open for booking")),
]


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    capacity = serializers.IntegerField(help_text=_("Places the slot offers (1 for a whole-venue booking)"))
    taken = serializers.IntegerField(help_text=_("Places held by bookings (and offers from the waitlist)"))
    available = serializers.IntegerField(help_text=_("capacity − taken"))
    bookable = serializers.BooleanField(
        help_text=_("The slot can be booked now: not started, inside the booking window, places free")
    )
    state = serializers.ChoiceField(
        choices=SLOT_STATES,
        help_text=_(
            "open; full (no places, or people are waiting: join the waitlist); past; not_yet_open "
            "(beyond the booking window)"
        ),
    )
    waiting = serializers.IntegerField(help_text=_("People on the waitlist for this slot"))
    members_only = serializers.BooleanField(help_text=_("Only trade-union members may book this slot"))


class AvailabilitySerializer(serializers.Serializer):
    venue = serializers.IntegerField()
    date = serializers.DateField()
    slots = SlotSerializer(many=True)


class AvailabilityQuerySerializer(serializers.Serializer):
    """`?date=YYYY-MM-DD`, at most MAX_DAYS from today either way (the view passes `today`)."""

    date = serializers.DateField(
        input_formats=["iso-8601"], help_text=_("Local date, YYYY-MM-DD (within a year of today)")
    )

    MAX_DAYS = 366

    def validate_date(self, value):
        today = self.context["today"]
        if abs((value - today).days) > self.MAX_DAYS:
            raise serializers.ValidationError(
                _("Choose a date within %(days)d days of today.") % {"days": self.MAX_DAYS},
                code="out_of_range",
            )
        return value
