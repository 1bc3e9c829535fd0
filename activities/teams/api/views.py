"""Teams over the API (`/teams/`): the public information of the listed palaces' active teams
(members' names masked unless the caller reads the palace's staff side), and asking to join
(`POST /teams/{id}/join/`; `DELETE` takes an open request back)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from activities.api.responses import api_error
from palace_portal.errors import NotFound
from venues import access
from venues.filters import IdFilter

from .. import selectors, services
from ..models import Team, TeamKind
from .serializers import JoinRequestSerializer, TeamDetailSerializer, TeamJoinInputSerializer, TeamSerializer

BAD_INPUT = api_error("`invalid`: bad input; `fields` says which.")
SIGN_IN = api_error("`not_authenticated`: sign in (a token or a session).")
NO_TEAM = api_error("`not_found`: no such team, or not shown to the public.")


class TeamFilter(django_filters.FilterSet):
    palace = IdFilter(field_name="palace_id", label=gettext_lazy("Palace"))
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices, label=gettext_lazy("Kind"))

    class Meta:
        model = Team
        fields = ["palace", "kind"]


class TeamViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Volunteer organisations and professional teams of the palaces."""

    queryset = Team.objects.none()
    serializer_class = TeamSerializer
    filterset_class = TeamFilter
    lookup_value_regex = "[^/]+"

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self) -> QuerySet[Team]:
        if getattr(self, "swagger_fake_view", False):
            return Team.objects.none()
        return selectors.public_teams()

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self) -> Team:
        pk = str(self.kwargs.get("pk", ""))
        team = self.get_queryset().filter(pk=int(pk)).first() if pk.isdigit() and len(pk) < 10 else None
        if team is None:
            raise NotFound()
        return team

    @extend_schema(summary="List teams", description="Filters `palace`, `kind`. No sign-in needed.",
                   responses={200: TeamSerializer, 400: BAD_INPUT})  # fmt: skip
    def list(self, request: Request) -> Response:
        return super().list(request)

    @extend_schema(
        summary="One team with its members",
        description="Members' names are masked (张*) unless the caller is staff reading the palace.",
        responses={200: TeamDetailSerializer, 404: NO_TEAM},
    )
    def retrieve(self, request: Request, pk=None) -> Response:
        team = self.get_object()
        context = {
            "members": selectors.team_members(team),
            "unmasked": access.may_view_palace(request.user, team.palace),
        }
        return Response(TeamDetailSerializer(team, context=context).data)

    @extend_schema(
        summary="Ask to join a team, or take the open request back",
        description="`POST` asks (one open request per person and team); `DELETE` withdraws it.",
        request=TeamJoinInputSerializer,
        responses={
            201: JoinRequestSerializer,
            200: JoinRequestSerializer,
            401: SIGN_IN,
            404: NO_TEAM,
            409: api_error("`request_open`, `already_member` or `team_closed`."),
        },
    )
    @action(detail=True, methods=["post", "delete"])
    def join(self, request: Request, pk=None) -> Response:
        team = self.get_object()
        if request.method == "DELETE":
            withdrawn = services.join_request_withdraw(actor=request.user, team=team)
            return Response(JoinRequestSerializer(withdrawn).data)
        incoming = TeamJoinInputSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        created = services.join_request_create(
            actor=request.user, team=team, message=incoming.validated_data["message"]
        )
        return Response(JoinRequestSerializer(created).data, status=status.HTTP_201_CREATED)
