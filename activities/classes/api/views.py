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
and acted on by its owner, and by staff of its palace (`PalaceScopedApiMixin`, scope `manage`), who
may withdraw it; for anyone else it does not exist (404). Views only translate: the rules live in
`activities.classes.services` and `bookings.services`, the counts in `activities.classes.selectors`.
"""

from __future__ import annotations

from datetime import datetime

import django_filters
from django.db.models import Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.classes.models import Course
from activities.classes.selectors import courses_live, courses_with_counts
from activities.classes.services import enrolment_create
from activities.offerings.api.common import (
    BAD_INPUT,
    NO_SUCH_PAGE,
    SIGN_IN,
    SIGN_UP_REFUSALS,
    EnrolmentStatusField,
    ListFiltersOnlyMixin,
    PageByIdsMixin,
    api_error,
    open_now,
)
from bookings.models import Booking, Occurrence, Offering
from bookings.services.offering import offering_is_open
from palace_portal.api_fields import HourMinuteField, PictureAltField, PictureUrlField
from venues.api.kept_lists import list_name
from venues.filters import IdFilter, StrictBooleanFilter
from venues.home_cache import home_value
from venues.kinds import Centre

Status = Booking.Status


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
    picture = PictureUrlField()
    picture_alt = PictureAltField()

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
            "picture",
            "picture_alt",
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
            "skill_training",
            "offered",
            "drawn_at",
            "timetable",
        ]
        read_only_fields = fields


class CourseEnrolledSerializer(serializers.Serializer):
    """The answer to `POST /courses/{id}/enroll/`: exactly API.md's keys."""

    id = serializers.IntegerField(help_text=_("The enrolment's id (GET /api/v1/enrolments/{id}/)"))
    course = serializers.IntegerField(help_text=_("Course id"))
    status = EnrolmentStatusField(
        help_text=_(
            "enrolled (a place is yours); waitlisted (full); applied (lottery, drawn after enrolment closes)"
        )
    )


# What a kept list of courses may be filtered by (`venues.api.kept_lists.list_name`).
_KEPT_FILTERS = {"palace", "term", "centre", "open"}
_KEPT_NUMBERS = ("palace", "term", "page")

# A list item's keys that sign-ups and closures change without moving the kept list's version.
LIVE_FIELDS = ("sessions", "capacity", "enrolled", "waitlisted", "applied", "available", "open")


def _live_fields(offering: Offering, now: datetime) -> dict:
    """`LIVE_FIELDS` of a course whose offering is `offering` (`selectors.courses_live`), as
    `CourseSerializer` writes them."""
    return {
        "sessions": offering.sessions,
        "capacity": offering.capacity,
        "enrolled": offering.enrolled,
        "waitlisted": offering.waitlisted,
        "applied": offering.applied,
        "available": max(offering.capacity - offering.taken, 0),
        "open": offering_is_open(offering, now=now),
    }


def _next_window_moment(now: datetime) -> datetime | None:
    """The first moment after `now` a published course's sign-up opens or closes (one query): an
    `open` list changes then with no write."""
    found = Course.objects.filter(
        state=Course.State.PUBLISHED, offering__published=True, offering__cancelled=False
    ).aggregate(
        opens=Min("offering__opens_at", filter=Q(offering__opens_at__gt=now)),
        closes=Min("offering__closes_at", filter=Q(offering__closes_at__gt=now)),
    )
    return min((moment for moment in found.values() if moment is not None), default=None)


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
        condition = open_now("offering__", timezone.now())
        return qs.filter(condition) if value else qs.exclude(condition)


@extend_schema_view(
    list=extend_schema(
        summary="List courses",
        description=(
            "Published courses of every palace, newest term first. `open=true`: enrolment is open "
            "now. `sessions` is a count; the detail lists them. `enrolled` counts the people holding "
            "a place (open offers from the waitlist excluded)."
        ),
        responses={200: CourseSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One course",
        description="The list item plus the section, venue, description and every session (`timetable`).",
        responses={200: CourseDetailSerializer, 404: api_error("`not_found`: no such published course.")},
    ),
)
class CourseViewSet(ListFiltersOnlyMixin, PageByIdsMixin, viewsets.ReadOnlyModelViewSet):
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

    def list(self, request, *args, **kwargs):
        """The courses, kept serialised with the home page's blocks (`venues.home_cache.home_value`:
        under the version that a save of a course, term, offering, palace or venue moves, per
        language) per query and address (the pictures' addresses are absolute), for the lists
        people browse (`venues.api.kept_lists`); an `open` list only until a sign-up window opens
        or closes. What sign-ups change without a signal is read live for the page on every
        request (`selectors.courses_live`: `LIVE_FIELDS`), so the figures are exact."""
        asked = list_name(request, filters=_KEPT_FILTERS, numbers=_KEPT_NUMBERS)
        if asked is None:
            return super().list(request, *args, **kwargs)

        def build(now: datetime) -> tuple[tuple[dict, list[int]], datetime | None]:
            data = super(CourseViewSet, self).list(request, *args, **kwargs).data  # bad input: raised
            ids = [item["id"] for item in data["results"]]
            offerings = dict(Course.objects.filter(pk__in=ids).values_list("pk", "offering_id"))
            until = None if ids else now  # an empty list is shown, not kept
            if ids and "open" in request.query_params:
                until = _next_window_moment(now)
            return (data, [offerings[pk] for pk in ids]), until

        data, offering_ids = home_value(f"api-courses:{asked}", build)
        live = courses_live(offering_ids)
        if len(live) < len(offering_ids):  # an offering deleted since: this request reads afresh
            return super().list(request, *args, **kwargs)
        now = timezone.now()
        results = [
            {**item, **_live_fields(live[offering], now)}
            for item, offering in zip(data["results"], offering_ids, strict=True)
        ]
        return Response({**data, "results": results})

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
            401: SIGN_IN,
            404: api_error("`not_found`: no such published course."),
            409: api_error(
                f"A rule said no: {SIGN_UP_REFUSALS}, `limit_reached` (the term's limit of courses "
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
