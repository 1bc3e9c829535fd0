from datetime import timedelta

import pytest
from django.utils import timezone

from palace_portal.users.models import OneTimeCode
from palace_portal.users.tasks import purge_expired_codes


def make_code(phone, expires_in):
    now = timezone.now()
    return OneTimeCode.objects.create(
        phone=phone, purpose=OneTimeCode.Purpose.SIGNUP, code_hash="x", expires_at=now + expires_in
    )


@pytest.mark.django_db
def test_purge_expired_codes_deletes_expired_codes_and_keeps_live_ones():
    make_code("13700000001", timedelta(minutes=-5))
    make_code("13700000002", timedelta(days=-2))
    live = make_code("13700000003", timedelta(minutes=5))
    assert purge_expired_codes.delay().get() == 2
    assert list(OneTimeCode.objects.all()) == [live]


@pytest.mark.django_db
def test_purge_expired_codes_is_idempotent():
    make_code("13700000001", timedelta(minutes=-5))
    assert purge_expired_codes() == 1
    assert purge_expired_codes() == 0


def test_purge_expired_codes_is_registered_under_the_scheduled_name(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert purge_expired_codes.name == "palace_portal.users.tasks.purge_expired_codes"
    assert purge_expired_codes.name in scheduled


@pytest.mark.django_db
def test_clear_expired_sessions_deletes_only_expired_sessions():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from palace_portal.users.tasks import clear_expired_sessions

    live, old = SessionStore(), SessionStore()
    live["k"], old["k"] = 1, 2
    live.save()
    old.save()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    clear_expired_sessions.delay()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
