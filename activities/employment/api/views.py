"""Employment's endpoints (additive to API v1).

- `GET /jobs/`, `GET /jobs/{id}/`: published postings still valid today, of palaces shown to the
  public. Open to anyone, signed in or not, like the events and the palaces: a job posting is an
  advertisement, and workers browse before they sign up. Filters `city`, `palace` (ids, at least
  1) and `kind`.
- `POST /jobs/{id}/apply/`: the signed-in caller applies (201); a second apply of the same person
  to the same posting is 409 `already_applied` (a database constraint decides a race); a closed or
  expired posting is 409 `posting_closed` / `posting_expired`.
- `GET /job-applications/`, `GET /job-applications/{id}/`, `POST /job-applications/{id}/withdraw/`:
  the caller's own applications; withdrawing before a decision.
- `GET|POST /job-postings/`, `GET|PUT /job-postings/{id}/`, `POST .../publish/`, `POST .../close/`,
  `GET .../applications/`: postings management for staff, scoped by palace: reads for the palaces
  the caller may read (its staff, its city's officers, the province), writes for those they may
  act on; anything else answers 404. Applicants' names and phones are in full only for staff who
  hold a post at the posting's palace.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.api.responses import api_error
from activities.employment import selectors, services
from activities.employment.models import Employer, JobApplication, JobPosting
from activities.offerings.api.common import BAD_INPUT, NO_SUCH_PAGE, SIGN_IN, ListFiltersOnlyMixin
from palace_portal.errors import NotFound
from venues import access
from venues.api.access import PalaceScopedApiMixin

from .filters import PostingFilter, StaffPostingFilter
from .serializers import (
    ApplicantSerializer,
    ApplicationSerializer,
    ApplyRequestSerializer,
    PostingDetailSerializer,
    PostingSerializer,
    PostingWriteSerializer,
    StaffPostingSerializer,
)

NO_POSTING = api_error("`not_found`: no such published posting.")
NOT_YOURS = api_error("`not_found`: no such posting, or not in a palace you may act on.")
REFUSED = api_error(
    "A rule said no: `not_draft` (publish a draft only), `not_published` (close a published one only), "
    "`posting_expired`, `employer_inactive`, `posting_closed`."
)


@extend_schema_view(
    list=extend_schema(
        summary="List open job postings",
        description="Published postings still valid today, newest first. Anyone may read them.",
        responses={200: PostingSerializer, 400: BAD_INPUT, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One open job posting",
        description="The list item plus requirements, description and the job fairs that carry it.",
        responses={200: PostingDetailSerializer, 404: NO_POSTING},
    ),
)
class JobViewSet(ListFiltersOnlyMixin, viewsets.ReadOnlyModelViewSet):
    """Open postings (public) and applying to one (signed in)."""

    filterset_class = PostingFilter
    queryset = JobPosting.objects.none()

    def get_permissions(self):
        return [IsAuthenticated()] if self.action == "apply" else [AllowAny()]

    def get_queryset(self) -> QuerySet[JobPosting]:
        postings = selectors.postings_open(today=timezone.localdate())
        if self.action == "retrieve":
            postings = postings.prefetch_related("events")
        return postings

    def get_serializer_class(self):
        return PostingDetailSerializer if self.action == "retrieve" else PostingSerializer

    @extend_schema(
        summary="Apply for a job",
        description=(
            "The signed-in caller applies, with an optional note. One application per person and "
            "posting: a second one answers 409 `already_applied`."
        ),
        request=ApplyRequestSerializer,
        responses={
            201: ApplicationSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NO_POSTING,
            409: api_error("A rule said no: `already_applied`, `posting_closed`, `posting_expired`."),
        },
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def apply(self, request: Request, pk=None) -> Response:
        posting = self.get_object()
        incoming = ApplyRequestSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        application = services.job_apply(
            user=request.user, posting=posting, note=incoming.validated_data.get("note", "")
        )
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="My job applications",
        description="The caller's applications, newest first, with their status and interviews.",
        responses={200: ApplicationSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One of my job applications",
        responses={200: ApplicationSerializer, 401: SIGN_IN, 404: api_error("`not_found`: not yours.")},
    ),
)
class JobApplicationViewSet(ListFiltersOnlyMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsAuthenticated]
    serializer_class = ApplicationSerializer
    queryset = JobApplication.objects.none()

    def get_queryset(self) -> QuerySet[JobApplication]:
        return selectors.applications_of_user(self.request.user)

    @extend_schema(
        summary="Withdraw my job application",
        description="Before a decision only; afterwards 409 `already_decided`.",
        request=None,
        responses={
            200: ApplicationSerializer,
            401: SIGN_IN,
            404: api_error("`not_found`: not yours."),
            409: api_error("`already_decided`: decided or withdrawn already."),
        },
    )
    @action(detail=True, methods=["post"], pagination_class=None)
    def withdraw(self, request: Request, pk=None) -> Response:
        application = services.application_withdraw(user=request.user, application=self.get_object())
        return Response(ApplicationSerializer(application).data)


class _PostingUpdateSerializer(PostingWriteSerializer):
    palace = None


@extend_schema_view(
    list=extend_schema(
        summary="Job postings of my palaces (staff)",
        description="Every state, of the palaces the caller may read; `palace`, `state` narrow it.",
        responses={200: StaffPostingSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NO_SUCH_PAGE},
    ),
    retrieve=extend_schema(
        summary="One job posting (staff)",
        responses={200: StaffPostingSerializer, 401: SIGN_IN, 404: NOT_YOURS},
    ),
    create=extend_schema(
        summary="Draft a job posting (staff)",
        request=PostingWriteSerializer,
        responses={201: StaffPostingSerializer, 400: BAD_INPUT, 401: SIGN_IN, 404: NOT_YOURS},
    ),
    update=extend_schema(
        summary="Change a job posting (staff)",
        description="A draft or published posting; a closed one answers 409 `posting_closed`.",
        request=_PostingUpdateSerializer,
        responses={
            200: StaffPostingSerializer,
            400: BAD_INPUT,
            401: SIGN_IN,
            404: NOT_YOURS,
            409: REFUSED,
        },
    ),
)
class StaffPostingViewSet(
    PalaceScopedApiMixin,
    ListFiltersOnlyMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated]
    palace_scope = "view"
    serializer_class = StaffPostingSerializer
    filterset_class = StaffPostingFilter
    queryset = JobPosting.objects.none()
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self) -> QuerySet[JobPosting]:
        scope = "view" if self.action in ("list", "retrieve", "applications") else "manage"
        rows = self.scope_queryset(JobPosting.objects.all(), scope)
        return selectors.postings_with_counts(rows).order_by("-created_at", "-pk")

    def _answer(self, posting: JobPosting, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.postings_with_counts(JobPosting.objects.filter(pk=posting.pk)).get()
        return Response(StaffPostingSerializer(fresh).data, status=code)

    @staticmethod
    def _employer(palace, employer_id: int) -> Employer | None:
        return Employer.objects.filter(palace=palace, pk=employer_id).first()

    def create(self, request: Request, *args, **kwargs) -> Response:
        # Staff only, and 404 to others before the input is read.
        if not self.palaces(scope="manage").exists():
            raise NotFound()
        incoming = PostingWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        palace = self.palace_or_404(fields.pop("palace"), scope="manage")
        fields["employer"] = self._employer(palace, fields["employer"])
        posting = services.posting_create(actor=request.user, palace=palace, **fields)
        return self._answer(posting, status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        posting = self.get_object()
        incoming = _PostingUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        fields["employer"] = self._employer(posting.palace, fields["employer"])
        posting = services.posting_update(actor=request.user, posting=posting, **fields)
        return self._answer(posting)

    @extend_schema(
        summary="Publish a job posting (staff)",
        request=None,
        responses={200: StaffPostingSerializer, 401: SIGN_IN, 404: NOT_YOURS, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def publish(self, request: Request, pk=None) -> Response:
        return self._answer(services.posting_publish(actor=request.user, posting=self.get_object()))

    @extend_schema(
        summary="Close a job posting (staff)",
        request=None,
        responses={200: StaffPostingSerializer, 401: SIGN_IN, 404: NOT_YOURS, 409: REFUSED},
    )
    @action(detail=True, methods=["post"], filterset_class=None, pagination_class=None)
    def close(self, request: Request, pk=None) -> Response:
        return self._answer(services.posting_close(actor=request.user, posting=self.get_object()))

    @extend_schema(
        summary="Applicants of a job posting (staff)",
        description=(
            "Everyone who applied, first come first. Names and phones are in full only for staff "
            "holding a post at the posting's palace; masked for officers."
        ),
        responses={200: ApplicantSerializer(many=True), 401: SIGN_IN, 404: NOT_YOURS},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def applications(self, request: Request, pk=None) -> Response:
        posting = self.get_object()
        unmasked = access.is_staff_of(request.user, posting.palace)
        rows = selectors.applicants_of(posting)
        return Response(ApplicantSerializer(rows, many=True, context={"unmasked": unmasked}).data)
