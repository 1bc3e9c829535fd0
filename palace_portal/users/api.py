"""API sign-in: a phone number and password for a token (DRF authtoken), guarded by axes."""

from __future__ import annotations

from django.contrib.auth import authenticate, user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from palace_portal import ratelimit
from palace_portal.errors import InvalidInput, RateLimited

from .auth import is_locked_out
from .validators import clean_phone


class ClientAddressThrottle(BaseThrottle):
    """The view's `throttle_scope` rate (DEFAULT_THROTTLE_RATES) per client address.

    Counted by `palace_portal.ratelimit`, which keeps counting in the database when Redis is down:
    DRF's own throttles read a cache that answers nothing during an outage and so let every
    request through. The address is the portal's `client_ip`: DRF would otherwise believe any
    X-Forwarded-For header a client sends.
    """

    # None: the settings' DEFAULT_THROTTLE_RATES (tests may set their own).
    THROTTLE_RATES: dict | None = None

    def allow_request(self, request, view) -> bool:
        scope = view.throttle_scope
        rates = (
            self.THROTTLE_RATES if self.THROTTLE_RATES is not None else api_settings.DEFAULT_THROTTLE_RATES
        )
        rate = rates.get(scope)
        if not rate:
            return True
        self.limit, self.period = SimpleRateThrottle.parse_rate(None, rate)
        ident = ratelimit.client_ip(request._request)
        return ratelimit.hit(f"throttle:{scope}:{ident}", self.limit, self.period)

    def wait(self) -> float | None:
        return getattr(self, "period", None)


class TokenObtainSerializer(serializers.Serializer):
    phone = serializers.CharField(
        max_length=20, help_text=gettext_lazy("Mainland mobile number, 11 digits; +86 accepted.")
    )
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})

    def validate_phone(self, value: str) -> str:
        try:
            return clean_phone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=gettext_lazy("Send it as `Authorization: Token <token>`."))


class TokenErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class TokenObtainApi(APIView):
    """Exchange a mobile number and password for the user's API token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [ClientAddressThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        description=(
            "Sign in with a mobile number and password; the answer is the user's token, sent "
            "afterwards as `Authorization: Token <token>`. After repeated wrong passwords for one "
            "number from one address, sign-in is locked for a while (429)."
        ),
        tags=["auth"],
        auth=[],
        request=TokenObtainSerializer,
        responses={
            200: OpenApiResponse(TokenSerializer, description="The user's API token."),
            400: OpenApiResponse(
                TokenErrorSerializer,
                description="`invalid` (bad input, with `fields`) or `invalid_credentials`.",
            ),
            429: OpenApiResponse(
                TokenErrorSerializer, description="`rate_limited`: too many requests, or locked out."
            ),
        },
        examples=[
            OpenApiExample(
                "Sign in", value={"phone": "13800000000", "password": "secret"}, request_only=True
            ),
            OpenApiExample(
                "Wrong password",
                value={"code": "invalid_credentials", "detail": "The mobile number or password is wrong."},
                response_only=True,
                status_codes=["400"],
            ),
        ],
    )
    def post(self, request):
        serializer = TokenObtainSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        phone = serializer.validated_data["phone"]
        # The Django request, not DRF's wrapper, so that axes records and checks this attempt.
        django_request = request._request
        user = authenticate(
            request=django_request, username=phone, password=serializer.validated_data["password"]
        )
        if user is None:
            if is_locked_out(django_request):
                # Answer in the API's own format; without this the axes middleware would
                # replace the response with the HTML lockout page.
                django_request.axes_locked_out = False
                raise RateLimited(
                    _("Too many failed sign-ins for this number. Please try again later."),
                    code="rate_limited",
                )
            raise InvalidInput(_("The mobile number or password is wrong."), code="invalid_credentials")
        token, _created = Token.objects.get_or_create(user=user)
        # A token is a sign-in: last_login is updated and axes clears the failures.
        user_logged_in.send(sender=user.__class__, request=django_request, user=user)
        return Response({"token": token.key})
