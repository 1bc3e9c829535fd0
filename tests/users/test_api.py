import pytest
from django.urls import reverse
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory

from palace_portal.users.api import ClientAddressThrottle
from tests.factories import UserFactory

PHONE = "13712345678"
PASSWORD = "pass-word-123"  # the factories' password
URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def worker(db):
    return UserFactory(phone=PHONE)


def post(api, phone=PHONE, password=PASSWORD, **extra):
    return api.post(URL, {"phone": phone, "password": password}, format="json", **extra)


def test_token_url_is_where_api_md_says():
    assert reverse("api-auth-token") == URL


@pytest.mark.django_db
def test_token_is_issued_for_the_right_password(api, worker):
    response = post(api)
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(user=worker).key == token
    # Asking again gives the same token, and the user's last sign-in is recorded.
    assert post(api).json()["token"] == token
    worker.refresh_from_db()
    assert worker.last_login is not None


@pytest.mark.django_db
def test_token_accepts_a_plus_86_number(api, worker):
    assert post(api, phone="+86 137 1234 5678").status_code == 200


@pytest.mark.django_db
def test_token_authenticates_later_requests(api, worker):
    token = post(api).json()["token"]
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {token}")
    user, _auth = TokenAuthentication().authenticate(request)
    assert user == worker


@pytest.mark.django_db
@pytest.mark.parametrize(("phone", "password"), [(PHONE, "wrong-password"), ("13700000009", PASSWORD)])
def test_wrong_number_or_password_is_400_invalid_credentials(api, worker, phone, password):
    response = post(api, phone=phone, password=password)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_credentials"
    assert body["detail"]
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_inactive_user_gets_no_token(api, worker):
    worker.is_active = False
    worker.save()
    response = post(api)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_credentials"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"phone": "1371234567", "password": "x"}, "phone"),
        ({"phone": "abc", "password": "x"}, "phone"),
        ({"phone": PHONE}, "password"),
        ({}, "phone"),
    ],
)
def test_bad_input_is_400_with_fields(api, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]


@pytest.mark.django_db
def test_malformed_json_is_400_not_500(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.django_db
def test_repeated_failures_lock_out_with_429_json(api, worker):
    codes = [post(api, password="wrong-password").status_code for _ in range(5)]
    assert codes == [400, 400, 400, 400, 429]
    response = post(api)  # the right password, but locked
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "rate_limited"
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_api_failures_count_for_the_web_login_lockout_too(api, client, worker):
    for _ in range(5):
        post(api, password="wrong-password")
    response = client.post(reverse("users:login"), {"username": PHONE, "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_successful_token_resets_the_failure_count(api, worker):
    for _ in range(4):
        post(api, password="wrong-password")
    assert post(api).status_code == 200
    assert [post(api, password="wrong-password").status_code for _ in range(4)] == [400] * 4


@pytest.mark.django_db
def test_token_endpoint_is_throttled_per_address_ignoring_x_forwarded_for(api, worker, monkeypatch):
    monkeypatch.setattr(ClientAddressThrottle, "THROTTLE_RATES", {"token": "2/min"})
    responses = [post(api, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}") for i in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[-1].json()["code"] == "rate_limited"
    # Another client address is not affected.
    assert post(api, REMOTE_ADDR="198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_token_endpoint_is_documented_in_the_openapi_schema(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/auth/token/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "429"}
    schema_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    component = response.json()["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert set(component["required"]) == {"phone", "password"}
