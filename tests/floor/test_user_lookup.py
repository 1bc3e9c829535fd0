"""`User.objects.get(pk=…)` (every signed-in request's user, `ModelBackend.get_user`) is one
statement written once: it must answer exactly what the ORM answers."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user
from django.db.models import QuerySet
from django.test import RequestFactory

from palace_portal.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _orm_get(**kwargs):
    return QuerySet(User).get(**kwargs)


def _same(a: User, b: User) -> None:
    assert type(a) is type(b)
    for field in User._meta.concrete_fields:
        assert getattr(a, field.attname) == getattr(b, field.attname), field.name
    assert a._state.db == b._state.db
    assert a._state.adding is b._state.adding is False


def test_the_user_is_the_orm_s_in_one_query(django_assert_num_queries):
    made = UserFactory(real_name="王小明", email="wang@example.com", new_form_worker=True)
    made.refresh_from_db()
    for pk in (made.pk, str(made.pk)):  # the session holds the id as text
        with django_assert_num_queries(1):
            found = User.objects.get(pk=pk)
        _same(found, _orm_get(pk=made.pk))
        assert found.get_deferred_fields() == set()


@pytest.mark.parametrize("pk", [0, -1, 2**63 - 1, 2**63, "12345678"])
def test_a_missing_user_is_does_not_exist(pk):
    UserFactory()
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=pk)


@pytest.mark.parametrize("pk", ["abc", "1.5", "", None])
def test_an_id_that_is_not_a_number_fails_as_with_the_orm(pk):
    UserFactory()
    assert _error_of(lambda: User.objects.get(pk=pk)) is _error_of(lambda: _orm_get(pk=pk)) is not None


def _error_of(call):
    try:
        call()
    except Exception as error:
        return type(error)
    return None


def test_other_lookups_are_the_orm_s():
    made = UserFactory()
    _same(User.objects.get(phone=made.phone), made)
    _same(User.objects.get(pk=made.pk, is_active=True), made)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=made.pk, is_active=False)


def test_a_session_s_user_is_read_through_it(client):
    made = UserFactory()
    client.force_login(made)
    request = RequestFactory().get("/")
    request.session = client.session
    user = get_user(request)
    assert user.is_authenticated
    _same(user, _orm_get(pk=made.pk))
