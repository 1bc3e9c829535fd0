"""Classes and events over the API (API.md, "Classes and events"): the catalogue of published
courses and events, enrolling and registering, and the caller's enrolments.

Shapes decided here (promised once published; see the serializers' docstrings and the schema):
- `term` is the term's id; `palace`, `venue` are ids too.
- A course's `schedule` is structured: `{"weekdays": [1], "starts": "19:00", "ends": "21:00",
  "venue": 7, "first": "…T19:00:00+08:00", "last": "…T21:00:00+08:00"}`; weekdays count
  0 = Monday … 6 = Sunday, as the palaces' opening hours do; `first`/`last` are the start of the
  first session and the end of the last one.
- A course's `sessions` is a count (sessions not cancelled) in the list and the detail alike; the
  detail adds `timetable`, every session with `start`, `end`, `cancelled` and `note`.
- `enrolled` counts the people holding a place (`confirmed` and `checked_in` sign-ups); places
  offered from the waitlist and not yet accepted are not in it (the detail has `offered`;
  `available` is what neither holds). `waitlisted` counts the queue; `applied` a lottery's
  applications before the draw.
- One status vocabulary for every sign-up, courses and events alike (`EnrolmentStatus`):
  `applied` (lottery not drawn yet), `waitlisted`, `offered` (a place from the waitlist, to accept
  before `offer_expires_at`), `enrolled` (holds a place; for an event, registered), `attended`
  (an event after check-in at the door; a course's attendance is counted per session instead),
  `withdrawn` (by the person or by staff), `expired` (an offer not taken up in time, or a wait
  that ended with the course or event).

Who sees what: the catalogue is public; enrolling needs a signed-in user; an enrolment is seen
and acted on by its owner, and by staff of its palace (`venues.access.palaces_managed_by`), who
may withdraw it; for anyone else it does not exist (404). Views only translate: the rules live in
`activities.services` and `bookings.services`, the counts in `activities.selectors`.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.classes.models import Course
from activities.classes.selectors import courses_with_counts, enrolments_of_user, events_with_counts
from activities.classes.services.courses import enrolment_create, enrolment_withdraw
from activities.events.models import Event
from activities.events.services import event_register
from activities.ledger.models import ActivityKind
from bookings.models import Attendance, Booking, Occurrence, Offering
from bookings.services.booking import offer_accept
from bookings.services.offering import offering_is_open, offering_waitlist_position
from palace_portal.api import ErrorSerializer
from palace_portal.api_fields import HourMinuteField
from venues import access
from venues.filters import IdFilter, StrictBooleanFilter
from venues.kinds import Centre

Status = Booking.Status


# --- The status words of a sign-up ------------------------------------------------------------------


class EnrolmentStatus:
    """The API's words for a sign-up's status (a `Booking` with an offering underneath)."""

    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    OFFERED = "offered"
    ENROLLED = "enrolled"
    ATTENDED = "attended"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


ENROLMENT_STATUSES = [
    (EnrolmentStatus.APPLIED, _("applied (lottery not drawn yet)")),
    (EnrolmentStatus.WAITLISTED, _("on the waitlist")),
    (EnrolmentStatus.OFFERED, _("place offered")),
    (EnrolmentStatus.ENROLLED, _("enrolled")),
    (EnrolmentStatus.ATTENDED, _("attended")),
    (EnrolmentStatus.WITHDRAWN, _("withdrawn")),
    (EnrolmentStatus.EXPIRED, _("expired")),
]

# Booking status → API word. `declined` and `no_show` never happen to sign-ups (no staff
# decision; attendance is kept per session instead); they are mapped so that nothing breaks.
STATUS_WORD = {
    Status.PENDING: EnrolmentStatus.APPLIED,
    Status.WAITLISTED: EnrolmentStatus.WAITLISTED,
    Status.OFFERED: EnrolmentStatus.OFFERED,
    Status.CONFIRMED: EnrolmentStatus.ENROLLED,
    Status.CHECKED_IN: EnrolmentStatus.ATTENDED,
    Status.CANCELLED: EnrolmentStatus.WITHDRAWN,
    Status.DECLINED: EnrolmentStatus.WITHDRAWN,
    Status.EXPIRED: EnrolmentStatus.EXPIRED,
    Status.NO_SHOW: EnrolmentStatus.ENROLLED,
}
BOOKING_STATUSES_OF = {
    word: [s for s, w in STATUS_WORD.items() if w == word] for word, _label in ENROLMENT_STATUSES
}

_STATUS_HELP = _(
    "applied (lottery not drawn yet); waitlisted; offered (a place from the waitlist: accept it "
    "before offer_expires_at); enrolled (holds a place; for an event: registered); attended (an "
    "event, checked in); withdrawn; expired"
)


class EnrolmentStatusField(serializers.ChoiceField):
    """A booking's status, written in the API's words."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _STATUS_HELP)
        super().__init__(choices=ENROLMENT_STATUSES, read_only=True, **kwargs)

    def to_representation(self, value):
        return STATUS_WORD[value]


# --- Courses -----------------------------------------------------------------------------------------


class CourseScheduleSerializer(serializers.Serializer):
    """When and where a course meets each week."""

    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        read_only=True,
        help_text=_("0 = Monday … 6 = Sunday"),
    )
    starts = HourMinuteField(source="starts_at", read_only=True, help_text=_("Local time, HH:MM"))
    ends = HourMinuteField(source="ends_at", read_only=True, help_text=_("Local time, HH:MM"))
    venue = serializers.IntegerField(source="venue_id", read_only=True, help_text=_("Venue id"))
    first = serializers.DateTimeField(
        source="offering.starts_at", read_only=True, help_text=_("Start of the first session")
    )
    last = serializers.DateTimeField(
        source="offering.ends_at", read_only=True, help_text=_("End of the last session")
    )


class CourseSerializer(serializers.ModelSerializer):
    """A published course in the catalogue (reads what `courses_with_counts` loads: no query).

    API.md's keys, and `centre`, `teacher`, `fee`, `members_only`, `applied`, `available`, `open`.
    """

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    title = serializers.CharField(
        source="__str__", read_only=True, help_text=_("With the section in brackets for a further section")
    )
    term = serializers.PrimaryKeyRelatedField(read_only=True, help_text=_("Term id"))
    schedule = CourseScheduleSerializer(source="*", read_only=True)
    sessions = serializers.IntegerField(
        source="session_count",
        read_only=True,
        help_text=_("Sessions of the course, not counting those cancelled (closures); see the detail"),
    )
    capacity = serializers.IntegerField(source="offering.capacity", read_only=True, help_text=_("Places"))
    enrolled = serializers.IntegerField(
        read_only=True,
        help_text=_("People holding a place (enrolled, or checked in); open offers are not counted"),
    )
    waitlisted = serializers.IntegerField(read_only=True, help_text=_("People on the waitlist"))
    enrolment_opens = serializers.DateTimeField(source="offering.opens_at", read_only=True)
    enrolment_closes = serializers.DateTimeField(source="offering.closes_at", read_only=True)
    selection = serializers.ChoiceField(
        choices=Offering.Selection.choices,
        source="offering.selection",
        read_only=True,
        help_text=_("first_come: places go in order of enrolment; lottery: drawn after enrolment closes"),
    )
    fee = serializers.DecimalField(
        source="offering.fee", max_digits=8, decimal_places=2, read_only=True, help_text=_("Yuan")
    )
    members_only = serializers.BooleanField(
        source="offering.members_only", read_only=True, help_text=_("Only trade-union members may enrol")
    )
    applied = serializers.IntegerField(
        read_only=True, help_text=_("Lottery applications not drawn yet (0 for first come)")
    )
    available = serializers.SerializerMethodField(
        help_text=_("Places neither held nor offered to someone on the waitlist")
    )
    open = serializers.SerializerMethodField(help_text=_("Enrolment is open now"))

    class Meta:
        model = Course
        fields = [
            "id",
            "palace",
            "title",
            "term",
            "schedule",
            "sessions",
            "capacity",
            "enrolled",
            "waitlisted",
            "enrolment_opens",
            "enrolment_closes",
            "selection",
            "centre",
            "teacher",
            "fee",
            "members_only",
            "applied",
            "available",
            "open",
        ]
        read_only_fields = fields

    def get_available(self, course: Course) -> int:
        return max(course.offering.capacity - course.offering.taken, 0)

    def get_open(self, course: Course) -> bool:
        return offering_is_open(course.offering, now=timezone.now())


class SessionSerializer(serializers.ModelSerializer):
    """One meeting of a course (or an event's one session)."""

    note = serializers.CharField(read_only=True, help_text=_("Why it is cancelled (a closure), if it is"))

    class Meta:
        model = Occurrence
        fields = ["start", "end", "cancelled", "note"]
        read_only_fields = fields


class CourseDetailSerializer(CourseSerializer):
    """One course: the list item plus its description, section, venue and every session."""

    term_name = serializers.CharField(source="term.name", read_only=True)
    section_of = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("The first section's id, for a further section")
    )
    venue_name = serializers.CharField(source="venue.name", read_only=True)
    offered = serializers.IntegerField(
        read_only=True, help_text=_("Places offered from the waitlist, not accepted yet")
    )
    drawn_at = serializers.DateTimeField(
        source="offering.drawn_at", read_only=True, allow_null=True, help_text=_("When the lottery was drawn")
    )
    picture = serializers.ImageField(read_only=True, allow_null=True, use_url=True)
    timetable = SessionSerializer(
        source="offering.timetable",
        many=True,
        read_only=True,
        help_text=_("Every session in order, cancelled ones (closures) included"),
    )

    class Meta(CourseSerializer.Meta):
        fields = [
            *CourseSerializer.Meta.fields,
            "term_name",
            "section_of",
            "section_label",
            "venue_name",
            "partner",
            "description",
            "completion_percent",
            "offered",
            "drawn_at",
            "picture",
            "timetable",
        ]
        read_only_fields = fields


# --- Events ------------------------------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    """A published event. Without registration (`registration` false) people just come: then
    `capacity`, `registration_closes` are null and the counts 0."""

    palace = serializers.PrimaryKeyRelatedField(read_only=True)
    venue = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("Venue id; null for an event held online only")
    )
    online_url = serializers.CharField(read_only=True, help_text=_("The online link, or empty"))
    start = serializers.DateTimeField(source="starts_at", read_only=True)
    end = serializers.DateTimeField(source="ends_at", read_only=True)
    date = serializers.DateField(source="local_date", read_only=True, help_text=_("Local date of the start"))
    registration = serializers.BooleanField(
        source="has_registration", read_only=True, help_text=_("People register (sign up) to come")
    )
    capacity = serializers.SerializerMethodField(help_text=_("Places; null: no limit, or no registration"))
    enrolled = serializers.IntegerField(
        source="registered", read_only=True, help_text=_("People registered (or checked in)")
    )
    waitlisted = serializers.IntegerField(read_only=True, help_text=_("People on the waitlist"))
    registration_closes = serializers.SerializerMethodField(help_text=_("null without registration"))
    members_only = serializers.SerializerMethodField(help_text=_("Only trade-union members may register"))
    open = serializers.SerializerMethodField(help_text=_("Registration is open now"))

    class Meta:
        model = Event
        fields = [
            "id",
            "palace",
            "title",
            "kind",
            "centre",
            "venue",
            "online_url",
            "start",
            "end",
            "date",
            "speaker",
            "registration",
            "capacity",
            "enrolled",
            "waitlisted",
            "registration_closes",
            "members_only",
            "open",
        ]
        read_only_fields = fields

    def get_capacity(self, event: Event) -> int | None:
        return event.offering.capacity if event.offering else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_registration_closes(self, event: Event):
        if event.offering is None:
            return None
        return serializers.DateTimeField().to_representation(event.offering.closes_at)

    def get_members_only(self, event: Event) -> bool:
        return bool(event.offering and event.offering.members_only)

    def get_open(self, event: Event) -> bool:
        return bool(event.offering and offering_is_open(event.offering, now=timezone.now()))


class EventDetailSerializer(EventSerializer):
    venue_name = serializers.CharField(source="venue.name", read_only=True, allow_null=True, default=None)

    class Meta(EventSerializer.Meta):
        fields = [
            *EventSerializer.Meta.fields,
            "venue_name",
            "programme",
            "partner_kind",
            "partner_name",
            "description",
        ]
        read_only_fields = fields


# --- Enrolments --------------------------------------------------------------------------------------


class CourseEnrolledSerializer(serializers.Serializer):
    """The answer to `POST /courses/{id}/enroll/`: exactly API.md's keys."""

    id = serializers.IntegerField(help_text=_("The enrolment's id (GET /api/v1/enrolments/{id}/)"))
    course = serializers.IntegerField(help_text=_("Course id"))
    status = EnrolmentStatusField(
        help_text=_(
            "enrolled (a place is yours); waitlisted (full); applied (lottery, drawn after enrolment closes)"
        )
    )


class EventRegisteredSerializer(serializers.Serializer):
    """The answer to `POST /events/{id}/register/`: as for courses, with `event`."""

    id = serializers.IntegerField(help_text=_("The enrolment's id (GET /api/v1/enrolments/{id}/)"))
    event = serializers.IntegerField(help_text=_("Event id"))
    status = EnrolmentStatusField(help_text=_("enrolled (registered: a place is yours); waitlisted (full)"))


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
    def _course(enrolment: Booking) -> Course | None:
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


# --- Filters -----------------------------------------------------------------------------------------


def _open_now(prefix: str, now) -> Q:
    """The offering at `prefix` takes sign-ups now (as `offering_is_open`)."""
    return Q(
        **{
            f"{prefix}published": True,
            f"{prefix}cancelled": False,
            f"{prefix}closes_at__gt": now,
        }
    ) & (Q(**{f"{prefix}opens_at__isnull": True}) | Q(**{f"{prefix}opens_at__lte": now}))


class CourseFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=_("Palace"))
    term = IdFilter(method="filter_term", label=_("Term"))
    centre = django_filters.ChoiceFilter(choices=Centre.choices, label=_("Centre"))
    open = StrictBooleanFilter(
        method="filter_open",
        label=_("Enrolment open"),
        help_text=_("true: enrolment is open now; false: not open (not yet, or closed)"),
    )

    class Meta:
        model = Course
        fields = ["palace", "term", "centre", "open"]

    def filter_palace(self, qs, name, value: int):
        # The type hint tells the OpenAPI schema that the parameter is an integer.
        return qs.filter(palace_id=value)

    def filter_term(self, qs, name, value: int):
        return qs.filter(term_id=value)

    def filter_open(self, qs, name, value: bool):
        if value is None:
            return qs
        condition = _open_now("offering__", timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)


class _EventFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("from"), cleaned.get("to")
        if first and last and first > last:
            self.add_error("to", _("The last date is before the first."))
        return cleaned


class EventFilter(django_filters.FilterSet):
    palace = IdFilter(method="filter_palace", label=_("Palace"))
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("Kind"))
    centre = django_filters.ChoiceFilter(choices=Centre.choices, label=_("Centre"))
    # `from` is a Python keyword: declared under another name and renamed below.
    from_date = django_filters.DateFilter(
        field_name="local_date",
        lookup_expr="gte",
        input_formats=["%Y-%m-%d"],
        label=_("From"),
        help_text=_("Events on or after this local date, YYYY-MM-DD (past ones too); default: not yet ended"),
    )
    to = django_filters.DateFilter(
        field_name="local_date",
        lookup_expr="lte",
        input_formats=["%Y-%m-%d"],
        label=_("To"),
        help_text=_("Events on or before this local date, YYYY-MM-DD"),
    )
    registration = StrictBooleanFilter(
        field_name="offering",
        lookup_expr="isnull",
        exclude=True,
        label=_("With registration"),
        help_text=_("true: only events people register for; false: only those without"),
    )

    class Meta:
        model = Event
        fields = ["palace", "kind", "centre", "to", "registration"]
        form = _EventFilterForm

    def filter_palace(self, qs, name, value: int):
        return qs.filter(palace_id=value)

    def filter_queryset(self, queryset):
        if not self.form.cleaned_data.get("from"):
            # Upcoming by default: not yet ended.
            queryset = queryset.filter(ends_at__gt=timezone.now())
        return super().filter_queryset(queryset)


EventFilter.base_filters = {
    ("from" if name == "from_date" else name): f for name, f in EventFilter.base_filters.items()
}


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


# --- Views -------------------------------------------------------------------------------------------


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


_BAD_INPUT = _error("`invalid`: bad input or filter; `fields` says which.")
_SIGN_IN = _error("`not_authenticated`: sign in (a token or a session).")
_NO_SUCH_PAGE = _error("`not_found`: the page is past the end of the list.")
_SIGN_UP_REFUSALS = (
    "`enrolment_not_open` (sign-up opens later), `enrolment_closed`, `already_enrolled` (you "
    "signed up already, or hold a place in another section of the course), `members_only` (for "
    "trade-union members), `suspended` (repeated no-shows)"
)


class _ListFiltersOnlyMixin:
    # Any id reaches the view, so that `/courses/1.5/` is a JSON 404 like `/courses/abc/`.
    lookup_value_regex = "[^/]+"

    def filter_queryset(self, queryset):
        # The filters narrow the list only: a detail URL is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


@extend_schema_view(
    list=extend_schema(
        summary="List courses",
        description=(
            "Published courses of every palace, newest term first. `open=true`: enrolment is open "
            "now. `sessions` is a count; the detail lists them. `enrolled` counts the people holding "
            "a place (open offers from the waitlist excluded)."
        ),
        responses={200: CourseSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One course",
        description="The list item plus the section, venue, description and every session (`timetable`).",
        responses={200: CourseDetailSerializer, 404: _error("`not_found`: no such published course.")},
    ),
)
class CourseViewSet(_ListFiltersOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """The catalogue of courses (public) and enrolling (signed in)."""

    filterset_class = CourseFilter
    queryset = Course.objects.none()  # for the schema's model; the real one is below

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "enroll" else [AllowAny()]

    def get_queryset(self) -> QuerySet[Course]:
        published = Course.objects.filter(state=Course.State.PUBLISHED)
        if self.action == "enroll":
            return published.select_related("offering")
        qs = courses_with_counts(published)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch(
                    "offering__occurrences",
                    queryset=Occurrence.objects.order_by("start"),
                    to_attr="timetable",
                )
            )
        return qs.order_by("-term__starts_on", "term_id", "title", "section_label", "pk")

    def get_serializer_class(self):
        return CourseDetailSerializer if self.action == "retrieve" else CourseSerializer

    @extend_schema(
        summary="Enrol in a course",
        description=(
            "The signed-in caller signs up. `status`: `enrolled` (a place is yours), `waitlisted` "
            "(the course is full, or people are already waiting: you get an offer when a place "
            "frees up) or `applied` (a lottery: drawn after enrolment closes). An unknown or "
            "unpublished course: 404."
        ),
        request=None,
        responses={
            201: CourseEnrolledSerializer,
            401: _SIGN_IN,
            404: _error("`not_found`: no such published course."),
            409: _error(
                f"A rule said no: {_SIGN_UP_REFUSALS}, `limit_reached` (the term's limit of courses "
                "per person)."
            ),
        },
        examples=[
            OpenApiExample(
                "Enrolled",
                value={"id": 812, "course": 31, "status": "enrolled"},
                response_only=True,
                status_codes=["201"],
            ),
            OpenApiExample(
                "Closed",
                value={"code": "enrolment_closed", "detail": "Sign-up has closed."},
                response_only=True,
                status_codes=["409"],
            ),
        ],
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def enroll(self, request: Request, pk=None) -> Response:
        course = self.get_object()
        enrolment = enrolment_create(user=request.user, course=course)
        body = {"id": enrolment.pk, "course": course.pk, "status": enrolment.status}
        return Response(CourseEnrolledSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List events",
        description=(
            "Published events, soonest first; those not yet ended unless `from` is given. "
            "`registration=true`: only events people register for."
        ),
        responses={200: EventSerializer, 400: _BAD_INPUT, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One event",
        description="The list item plus the programme, partner and description (past events too).",
        responses={200: EventDetailSerializer, 404: _error("`not_found`: no such published event.")},
    ),
)
class EventViewSet(_ListFiltersOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """Events (public) and registering for those with registration (signed in)."""

    filterset_class = EventFilter
    queryset = Event.objects.none()

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "register" else [AllowAny()]

    def get_queryset(self) -> QuerySet[Event]:
        published = Event.objects.filter(state=Event.State.PUBLISHED)
        if self.action == "register":
            return published.select_related("offering")
        return events_with_counts(published).order_by("starts_at", "pk")

    def get_serializer_class(self):
        return EventDetailSerializer if self.action == "retrieve" else EventSerializer

    @extend_schema(
        summary="Register for an event",
        description=(
            "The signed-in caller registers, with the same status words as courses: `enrolled` "
            "(registered: a place is yours) or `waitlisted` (full). Events without registration "
            "answer 409 `no_registration`: just come."
        ),
        request=None,
        responses={
            201: EventRegisteredSerializer,
            401: _SIGN_IN,
            404: _error("`not_found`: no such published event."),
            409: _error(f"A rule said no: `no_registration` (no sign-up needed), {_SIGN_UP_REFUSALS}."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def register(self, request: Request, pk=None) -> Response:
        event = self.get_object()
        enrolment = event_register(user=request.user, event=event)
        body = {"id": enrolment.pk, "event": event.pk, "status": enrolment.status}
        return Response(EventRegisteredSerializer(body).data, status=status.HTTP_201_CREATED)


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
        responses={200: EnrolmentSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One enrolment",
        description="The owner's, or one of their palace's for staff. Anyone else: 404.",
        responses={
            200: EnrolmentSerializer,
            401: _SIGN_IN,
            404: _error("`not_found`: no such enrolment, or not yours."),
        },
    ),
)
class EnrolmentViewSet(viewsets.ReadOnlyModelViewSet):
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
            visible = Q(user=user) | Q(palace__in=access.palaces_managed_by(user))
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
            400: _BAD_INPUT,
            401: _SIGN_IN,
            404: _error("`not_found`: no such enrolment, or not yours."),
            409: _error(
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
            401: _SIGN_IN,
            404: _error("`not_found`: no such enrolment, or not yours."),
            409: _error("`no_offer` (the enrolment is not `offered`), `offer_expired`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def accept(self, request: Request, pk=None) -> Response:
        enrolment = offer_accept(user=request.user, booking=self.get_object())
        return self._fresh(enrolment)


__all__ = [
    "BOOKING_STATUSES_OF",
    "ENROLMENT_STATUSES",
    "STATUS_WORD",
    "CourseViewSet",
    "EnrolmentViewSet",
    "EventViewSet",
]
