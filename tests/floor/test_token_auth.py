"""API token authentication (`venues.api.authentication`): one plain statement for the token, its
user and whether the user holds a post; DRF's answers for unknown tokens and inactive users."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from venues import access
from venues.api.authentication import TokenAuthentication

pytestmark = pytest.mark.django_db


def test_a_worker_in_one_statement_with_no_assignment_lookup(world):
    token = Token.objects.create(user=world.worker)
    with CaptureQueriesContext(connection) as queries:
        user, auth = TokenAuthentication().authenticate_credentials(token.key)
        assert access.roles_of(user) == frozenset()
    assert len(queries) == 1
    assert user == world.worker
    assert user.phone == world.worker.phone
    assert (auth.key, auth.user) == (token.key, user)
    assert auth.created == token.created  # read when asked for
    assert not hasattr(user, "portal_has_posts")


def test_staff_roles_are_read_from_their_assignments(world):
    token = Token.objects.create(user=world.staff_a)
    user, _ = TokenAuthentication().authenticate_credentials(token.key)
    assert access.roles_of(user) == {access.Role.PALACE_STAFF}


def test_unknown_token_and_inactive_user_get_drfs_answers(world):
    token = Token.objects.create(user=world.worker2)
    world.worker2.is_active = False
    world.worker2.save(update_fields=["is_active"])
    with translation.override("en"):
        with pytest.raises(AuthenticationFailed, match="Invalid token"):
            TokenAuthentication().authenticate_credentials("0" * 40)
        with pytest.raises(AuthenticationFailed, match="inactive"):
            TokenAuthentication().authenticate_credentials(token.key)


def test_over_http(client, world):
    token = Token.objects.create(user=world.worker)
    assert client.get("/api/v1/bookings/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    assert client.get("/api/v1/bookings/", HTTP_AUTHORIZATION="Token nope").status_code == 401
