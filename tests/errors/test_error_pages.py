"""The portal's own error pages (issue 11): Chinese, in the portal's layout, with a way back; and
the API's JSON error shape for anything under /api/, even a crash or a missing CSRF token."""

import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def production_errors(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.errors.urls"


@pytest.fixture
def visitor():
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="zh-hans")
    return client


@pytest.mark.django_db
def test_it_answers_a_missing_page_with_a_chinese_page_and_a_way_home(production_errors, visitor):
    response = visitor.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面没有找到" in body
    assert 'href="/"' in body
    assert "Not Found" not in body


@pytest.mark.django_db
def test_it_answers_a_refusal_with_the_portals_403_page(production_errors, visitor):
    response = visitor.get("/test-refuse/")
    assert response.status_code == 403
    assert "不允许" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_a_crash_with_the_portals_500_page_without_details(production_errors, visitor):
    response = visitor.get("/test-boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "出错" in body
    assert "RuntimeError" not in body
    assert "a bug" not in body


@pytest.mark.django_db
def test_api_crash_answers_json_not_html(production_errors, visitor):
    response = visitor.get("/api/v1/test-boom/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "server_error"


@pytest.mark.django_db
def test_api_csrf_failure_answers_json(production_errors):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(UserFactory())
    response = client.post("/api/v1/no-such-endpoint/", {}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.django_db
def test_page_csrf_failure_explains_in_chinese(production_errors):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post("/accounts/login/", {"username": "1", "password": "2"})
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
