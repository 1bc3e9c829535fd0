"""Limits that protect accounts and money hold while Redis is down (issue 11).

The cache here is django-redis, as in production, pointed at a port where nothing listens:
every cache call fails and is ignored (IGNORE_EXCEPTIONS), as in a real outage.
"""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from palace_portal.errors import RateLimited
from palace_portal.users import services
from palace_portal.users.api import ClientAddressThrottle
from tests.factories import UserFactory

PHONE = "13912345678"
PASSWORD = "pass-word-123"  # the factories' password


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            },
        }
    }
    assert caches["default"].add("probe", 1) is None  # the outage is real
    yield
    caches["default"].close()


@pytest.mark.django_db
def test_sms_codes_to_one_number_stay_limited_without_redis(redis_down, settings):
    settings.OTP_RATE_PER_PHONE = (5, 3600)
    settings.OTP_RESEND_INTERVAL = 0
    outcomes = []
    for i in range(7):
        try:
            services.otp_send(phone=PHONE, purpose="signup", client_ip=f"198.51.100.{i}")
            outcomes.append("sent")
        except RateLimited:
            outcomes.append("refused")
    assert outcomes == ["sent"] * 5 + ["refused"] * 2


@pytest.mark.django_db
def test_resend_interval_holds_without_redis(redis_down, settings):
    settings.OTP_RESEND_INTERVAL = 60
    services.otp_send(phone=PHONE, purpose="signup", client_ip="198.51.100.1")
    with pytest.raises(RateLimited) as refused:
        services.otp_send(phone=PHONE, purpose="signup", client_ip="198.51.100.2")
    assert refused.value.code == "otp_resend_too_soon"


@pytest.mark.django_db
def test_token_endpoint_answers_429_without_redis(redis_down, monkeypatch):
    monkeypatch.setattr(ClientAddressThrottle, "THROTTLE_RATES", {"token": "10/min"})
    UserFactory(phone=PHONE)
    api = APIClient()
    codes = [
        api.post("/api/v1/auth/token/", {"phone": PHONE, "password": PASSWORD}, format="json").status_code
        for _ in range(12)
    ]
    # Right passwords, so the sign-in lockout plays no part: this is the throttle alone.
    assert codes == [200] * 10 + [429] * 2
