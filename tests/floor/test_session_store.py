"""`palace_portal.session_store`: Django's database sessions, read by one plain statement, with
Django's answers for a live, an expired, an unknown and a tampered session."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from palace_portal.session_store import SessionStore

pytestmark = pytest.mark.django_db


def test_it_is_the_engine():
    assert settings.SESSION_ENGINE == "palace_portal.session_store"


def test_a_live_session_loads_in_one_statement_and_a_djangos_session_is_readable():
    django_made = DjangoStore()
    django_made["_auth_user_id"] = "7"
    django_made.save()
    store = SessionStore(django_made.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert store["_auth_user_id"] == "7"
    assert len(queries) == 1
    assert store.session_key == django_made.session_key
    # And the other way round.
    ours = SessionStore()
    ours["k"] = [1, 2]
    ours.save()
    assert DjangoStore(ours.session_key)["k"] == [1, 2]


def test_an_expired_session_is_empty_and_loses_its_key():
    store = SessionStore()
    store["k"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    again = SessionStore(store.session_key)
    assert dict(again.items()) == {}
    assert again.session_key is None


def test_an_unknown_key_is_empty_and_a_save_makes_a_new_key():
    store = SessionStore("x" * 32)
    assert dict(store.items()) == {}
    store["k"] = 1
    store.save()
    assert store.session_key != "x" * 32


def test_tampered_data_is_an_empty_session():
    store = SessionStore()
    store["_auth_user_id"] = "1"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(session_data="forged:data")
    assert dict(SessionStore(store.session_key).items()) == {}


def test_a_signed_in_page_reads_the_session_once(client, world):
    client.force_login(world.worker, backend="django.contrib.auth.backends.ModelBackend")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/my/bookings/").status_code == 200
    assert (
        sum('"django_session"' in q["sql"] or "django_session" in q["sql"] for q in queries.captured_queries)
        == 1
    )
