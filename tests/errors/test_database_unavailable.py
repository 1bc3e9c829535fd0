"""A database that does not answer is a 503 with Retry-After: the API's `{"code", "detail"}` under
/api/, the portal's page elsewhere; never a 500 (the PostgreSQL restart itself is in
tests/integration/test_faults_postgres.py)."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from palace_portal.views import server_error


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.errors.urls"


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")


@pytest.mark.django_db
def test_api_answers_503_json_with_a_retry_hint(production_errors, visitor):
    response = visitor.get("/api/v1/test-db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "detail"}
    assert body["code"] == "database_unavailable"
    assert "5432" not in body["detail"]  # nothing of the server's own message


@pytest.mark.django_db
def test_a_page_answers_the_portals_503_page(production_errors, visitor):
    response = visitor.get("/test-db-down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "503" in body
    assert "暂时无法使用" in body
    assert 'href="/"' in body
    assert "5432" not in body


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), InterfaceError("gone")])
@pytest.mark.parametrize("path", ["/api/v1/bookings/", "/palaces/"])
def test_a_database_error_outside_the_view_is_a_503_too(error, path):
    """Raised by a middleware (saving a session, say), it reaches handler500 instead."""
    request = RequestFactory().get(path)
    try:
        raise error
    except type(error):
        response = server_error(request)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"


def test_a_crash_that_is_not_the_database_stays_a_500():
    request = RequestFactory().get("/api/v1/bookings/")
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
