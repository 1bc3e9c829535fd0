"""Rating endpoints, included under `/api/v1/` (before the API's catch-all):

- `GET /ratings/` the caller's own ratings; `POST /ratings/` `{"booking", "occurrence"?, "stars",
  "comment"?}` rates something the caller attended (201; 409 `not_attended`, `too_early`,
  `too_late`, `already_rated`; 404 for a booking not theirs);
- `GET /ratings/pending/` what the caller attended and may still rate;
- `GET|PATCH /ratings/{id}/` one own rating; PATCH `{"stars"?, "comment"?}` within 14 days (409 `too_late`);
- `GET /ratings/summary/?palace=&month=YYYY-MM` a palace's month: count, average, the 1–5
  distribution, and per course, teacher, venue and event (anyone who may read the palace:
  `access.palaces_visible_to`; others 404).

Views only translate: rules live in `activities.ratings.services`, reads in `activities.ratings.selectors`.
"""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.api.responses import api_error
from activities.ratings import selectors, services
from activities.ratings.models import COMMENT_MAX, Rating
from bookings.models import Booking
from palace_portal.months import MONTH_PATTERN, month_bounds, month_of, parse_month
from palace_portal.schema import ID_SCHEMA
from venues.api.access import PalaceScopedApiMixin

ID_MAX = 2**63 - 1


_BAD_INPUT = api_error("`invalid`: bad input; `fields` says which.")
_SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")
_NOT_FOUND = api_error("`not_found`: no such rating or booking, or not yours.")
_REFUSED = api_error("A rule said no: `not_attended`, `too_early`, `too_late` or `already_rated`.")


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# --- Shapes ---------------------------------------------------------------------------------------


_RATING_ID = OpenApiParameter("id", ID_SCHEMA, OpenApiParameter.PATH, description="The rating's id.")


class RatingSerializer(serializers.ModelSerializer):
    """One rating, as its author sees it."""

    date = serializers.DateField(
        source="local_date", read_only=True, help_text=_("Local date of what was rated")
    )
    hidden = serializers.SerializerMethodField(help_text=_("Staff hid the comment (the stars still count)"))
    editable_until = serializers.SerializerMethodField()

    class Meta:
        model = Rating
        fields = [
            "id",
            "subject",
            "palace",
            "booking",
            "occurrence",
            "venue",
            "course",
            "event",
            "teacher",
            "date",
            "stars",
            "comment",
            "hidden",
            "hidden_reason",
            "created_at",
            "updated_at",
            "editable_until",
        ]
        read_only_fields = fields

    def get_hidden(self, rating: Rating) -> bool:
        return rating.is_hidden

    @extend_schema_field(OpenApiTypes.DATETIME)
    def get_editable_until(self, rating: Rating) -> str:
        return serializers.DateTimeField().to_representation(services.rating_editable_until(rating))


class RatingCreateSerializer(serializers.Serializer):
    booking = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("Your booking or sign-up"))
    occurrence = serializers.IntegerField(
        min_value=1,
        max_value=ID_MAX,
        required=False,
        allow_null=True,
        help_text=_("The class session rated (classes only)"),
    )
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX, default="")


class RatingUpdateSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5, required=False)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_MAX)


class RatableSerializer(serializers.Serializer):
    subject = serializers.ChoiceField(source="kind", choices=Rating.Subject.choices)
    booking = serializers.IntegerField(source="booking.pk")
    occurrence = serializers.IntegerField(source="occurrence.pk", allow_null=True, default=None)
    title = serializers.CharField()
    place = serializers.CharField()
    palace = serializers.CharField(source="palace_name")
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    earlier = serializers.IntegerField(help_text=_("Classes: earlier sessions also not rated (listed later)"))


class SummaryQuerySerializer(serializers.Serializer):
    palace = serializers.IntegerField(min_value=1, max_value=ID_MAX)
    month = serializers.RegexField(
        MONTH_PATTERN, required=False, help_text=_("YYYY-MM (default: this month)")
    )

    def validate_month(self, value: str) -> date:
        # The shape is the field's pattern; the year's range (and the date) is `parse_month`'s.
        return parse_month(value)


class _Figures(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)


class _StarCount(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()


class _CourseFigures(_Figures):
    course = serializers.IntegerField()
    title = serializers.CharField()
    term = serializers.CharField()
    section = serializers.CharField()
    teacher = serializers.CharField()


class _TeacherFigures(_Figures):
    teacher = serializers.CharField()


class _VenueFigures(_Figures):
    venue = serializers.IntegerField()
    name = serializers.CharField()
    bookings = serializers.IntegerField(help_text=_("Ratings of venue bookings (not classes or events)"))
    bookings_average = serializers.FloatField(allow_null=True)


class _EventFigures(_Figures):
    event = serializers.IntegerField()
    title = serializers.CharField()
    date = serializers.DateField()


class RatingSummarySerializer(_Figures):
    palace = serializers.IntegerField()
    month = serializers.CharField()
    distribution = _StarCount(many=True)
    by_course = _CourseFigures(many=True)
    by_teacher = _TeacherFigures(many=True)
    by_venue = _VenueFigures(many=True)
    by_event = _EventFigures(many=True)


# --- Endpoints ------------------------------------------------------------------------------------


@extend_schema_view(
    get=extend_schema(
        summary="List my ratings",
        description="The caller's own ratings, newest first.",
        responses={200: RatingSerializer, 400: _BAD_INPUT, 401: _SIGN_IN},
    ),
    post=extend_schema(
        summary="Rate something I attended",
        description=(
            "1–5 stars and an optional comment (at most 500 characters) for a venue booking that "
            "was checked in, a class session attended (give `occurrence`), or an event attended; "
            "from its start until 30 days after; once each."
        ),
        request=RatingCreateSerializer,
        responses={201: RatingSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NOT_FOUND, 409: _REFUSED},
    ),
)
class RatingListCreateApi(generics.ListCreateAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RatingSerializer
    queryset = Rating.objects.none()  # for the schema's model; the real one is below

    def get_queryset(self) -> QuerySet[Rating]:
        return selectors.ratings_of_user(self.request.user)

    def create(self, request: Request, *args, **kwargs) -> Response:
        incoming = RatingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        booking, occurrence = selectors.rating_target(
            request.user, booking_id=data["booking"], occurrence_id=data.get("occurrence")
        )
        rating = services.rating_create(
            user=request.user,
            booking=booking,
            occurrence=occurrence,
            stars=data["stars"],
            comment=data["comment"],
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="One of my ratings",
        parameters=[_RATING_ID],
        responses={200: RatingSerializer, 401: _SIGN_IN, 404: _NOT_FOUND},
    ),
    patch=extend_schema(
        summary="Change one of my ratings",
        description="Stars and comment may be changed for 14 days after rating (409 `too_late`).",
        parameters=[_RATING_ID],
        request=RatingUpdateSerializer,
        responses={200: RatingSerializer, 400: _BAD_INPUT, 401: _SIGN_IN, 404: _NOT_FOUND, 409: _REFUSED},
    ),
)
class RatingDetailApi(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RatingSerializer
    queryset = Rating.objects.none()
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[Rating]:
        return selectors.ratings_of_user(self.request.user)

    def patch(self, request: Request, *args, **kwargs) -> Response:
        rating = self.get_object()
        incoming = RatingUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        rating = services.rating_update(
            user=request.user,
            rating=rating,
            stars=data.get("stars", rating.stars),
            comment=data.get("comment", rating.comment),
        )
        return Response(RatingSerializer(rating).data)


@extend_schema(
    summary="What I may still rate",
    description=(
        "Venue bookings checked in, class sessions and events attended in the last 30 days, not yet rated."
    ),
    responses={200: RatableSerializer, 400: _BAD_INPUT, 401: _SIGN_IN},
)
class RatingPendingApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RatableSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Booking.objects.none()
        return selectors.ratables_of_user(self.request.user)


@extend_schema(
    summary="A palace's ratings in one month",
    description=(
        "Count, average stars and the 1–5 distribution of the ratings of things the palace held in "
        "the month (local dates), and the same per course, teacher, venue and event. For staff and "
        "officers who may read the palace."
    ),
    parameters=[SummaryQuerySerializer],
    responses={
        200: RatingSummarySerializer,
        400: _BAD_INPUT,
        401: _SIGN_IN,
        404: api_error("`not_found`: no such palace, or not yours to read."),
    },
)
class RatingSummaryApi(PalaceScopedApiMixin, APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        query = SummaryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        palace = self.palace_or_404(query.validated_data["palace"], scope="view")
        month = query.validated_data.get("month")
        first = month or month_of(timezone.localdate())
        start, end = month_bounds(first)
        summary = selectors.rating_summary(palace, start=start, end=end)
        return Response(_summary_data(palace.pk, first, summary))


def _summary_data(palace_id: int, month: date, summary) -> dict:
    return {
        "palace": palace_id,
        "month": month.strftime("%Y-%m"),
        "count": summary.count,
        "average": _rounded(summary.average),
        "distribution": [{"stars": bar.stars, "count": bar.count} for bar in reversed(summary.distribution)],
        "by_course": [
            {
                "course": row["course"],
                "title": row["course__title"],
                "term": row["course__term__name"],
                "section": row["course__section_label"],
                "teacher": row["course__teacher"],
                "count": row["count"],
                "average": _rounded(row["average"]),
            }
            for row in summary.by_course
        ],
        "by_teacher": [
            {"teacher": row["teacher"], "count": row["count"], "average": _rounded(row["average"])}
            for row in summary.by_teacher
        ],
        "by_venue": [
            {
                "venue": row["venue"],
                "name": row["venue__name"],
                "count": row["count"],
                "average": _rounded(row["average"]),
                "bookings": row["bookings"],
                "bookings_average": _rounded(row["bookings_average"]),
            }
            for row in summary.by_venue
        ],
        "by_event": [
            {
                "event": row["event"],
                "title": row["event__title"],
                "date": row["local_date"].isoformat(),
                "count": row["count"],
                "average": _rounded(row["average"]),
            }
            for row in summary.by_event
        ],
    }
