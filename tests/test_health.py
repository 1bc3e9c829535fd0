"""GET /api/v1/health/: for load balancers, and the benchmark's one-query baseline."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db

URL = "/api/v1/health/"


def test_health_answers_with_one_query_and_no_cache(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"ok": True, "db": 1}
    assert "no-cache" in response["Cache-Control"]


def test_health_is_open_to_anonymous_callers_and_sets_no_cookie(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert not response.cookies


def test_health_answers_503_when_the_database_does_not(client):
    with mock.patch("palace_portal.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(URL)
    assert response.status_code == 503
    assert response.json() == {"ok": False, "db": 0}


def test_health_refuses_other_methods(client):
    response = client.post(URL)
    assert response.status_code == 405
