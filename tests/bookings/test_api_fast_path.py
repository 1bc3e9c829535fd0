"""The booking API's shortcuts answer exactly what the machinery they skip answers (issue 13).

`booking_input_fast` reads a well-formed body without DRF's serializer, `listed_venue` loads the
venue with raw SQL, `booking_created_data` renders the 201 body, the token authentication and
`palace_portal.rows.insert` skip the ORM's compiler. Each is compared with what it replaces.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation
from rest_framework.authtoken.models import Token

from bookings.api.serializers import (
    BookingCreatedSerializer,
    BookingCreateSerializer,
    booking_created_data,
    booking_input_fast,
)
from bookings.models import Booking, Notification
from bookings.selectors import listed_venue
from palace_portal.rows import insert
from tests.bookings.support import at, book
from tests.factories import VenueFactory
from venues.api.authentication import TokenAuthentication
from venues.models import Palace, Venue

pytestmark = pytest.mark.django_db


def _bodies(venue_id: int) -> list:
    start, end = at(1, 10).isoformat(), at(1, 11).isoformat()
    base = {"venue": venue_id, "start": start, "end": end}
    return [
        base,
        {**base, "party_size": 2, "waitlist": True},
        {**base, "start": "2026-11-24T02:00:00Z", "end": "2026-11-24T03:00:00+00:00"},
        {**base, "purpose": "  team night  ", "organisation": " union ", "matter": ""},
        {**base, "unknown": 1},
        {**base, "purpose": "  " + "x" * 200 + "  "},  # 200 once trimmed, as CharField trims
        # Everything below is not taken by the shortcut: the serializer reads it (and refuses most).
        {**base, "venue": True},
        {**base, "venue": str(venue_id)},
        {**base, "venue": 0},
        {**base, "venue": 2**40},
        {**base, "venue": None},
        {**base, "party_size": "2"},
        {**base, "party_size": 2.0},
        {**base, "party_size": 0},
        {**base, "party_size": 10001},
        {**base, "party_size": True},
        {**base, "waitlist": "true"},
        {**base, "waitlist": 1},
        {**base, "purpose": "x" * 201},
        {**base, "purpose": None},
        {**base, "purpose": 5},
        {**base, "purpose": "a\x00b"},
        {**base, "matter": "a\ud800b"},
        {**base, "start": "2026-11-24T10:00:00"},
        {**base, "start": "2026-11-24"},
        {**base, "start": "tomorrow"},
        {**base, "start": "2026-13-40T10:00:00+08:00"},
        {**base, "start": 1},
        {**base, "start": end},
        {**base, "start": end, "end": start},
        {key: value for key, value in base.items() if key != "end"},
        [],
        "venue",
        None,
    ]


def test_the_shortcut_reads_a_body_as_the_serializer_does_or_leaves_it_to_the_serializer(world):
    venue = world.venue_a
    for body in _bodies(venue.pk):
        fast = booking_input_fast(body)
        serializer = BookingCreateSerializer(data=body)
        valid = serializer.is_valid()
        if fast is None:
            continue
        assert valid, (body, serializer.errors)
        expected = dict(serializer.validated_data)
        assert expected.pop("venue") == venue
        assert fast.pop("venue") == venue.pk
        assert fast == expected, body
        for name in ("start", "end"):
            assert fast[name].tzinfo == expected[name].tzinfo


def test_the_shortcut_takes_the_common_bodies(world):
    taken = [body for body in _bodies(world.venue_a.pk) if booking_input_fast(body) is not None]
    assert len(taken) == 6


def test_the_listed_venue_is_the_one_the_serializer_loads(world, django_assert_num_queries):
    venue = world.venue_a
    with django_assert_num_queries(1):
        fast = listed_venue(venue.pk)
    orm = Venue.objects.listed().select_related("palace", "booking_rule").get(pk=venue.pk)
    assert fast == orm
    for field in Venue._meta.concrete_fields:
        assert getattr(fast, field.attname) == getattr(orm, field.attname), field.name
    for field in Palace._meta.concrete_fields:
        assert getattr(fast.palace, field.attname) == getattr(orm.palace, field.attname), field.name
    with django_assert_num_queries(0):
        assert fast.palace.name == orm.palace.name
        assert getattr(fast, "booking_rule", None) is None or fast.booking_rule.pk


def test_the_listed_venue_carries_its_saved_rule_and_skips_unlisted_venues(world):
    from tests.bookings.support import set_rule

    rule = set_rule(world.venue_a, max_per_day=1)
    fast = listed_venue(world.venue_a.pk)
    assert fast.booking_rule.pk == rule.pk
    assert fast.booking_rule.max_per_day == 1
    assert fast.booking_rule.window_opens_at == rule.window_opens_at
    inactive = VenueFactory(palace=world.palace_a, is_active=False)
    assert listed_venue(inactive.pk) is None
    assert listed_venue(10**9) is None
    Palace.objects.filter(pk=world.palace_a.pk).update(status=Palace.Status.CLOSED)
    assert listed_venue(world.venue_a.pk) is None


def test_the_201_body_is_the_serializers(world):
    booking = book(world.worker, world.venue_a, hour=19)
    with translation.override("zh-hans"):
        assert booking_created_data(booking) == BookingCreatedSerializer(booking).data
    fresh = Booking.objects.get(pk=booking.pk)
    assert booking_created_data(fresh) == BookingCreatedSerializer(fresh).data


def test_token_authentication_answers_the_user_and_whether_they_hold_a_post(world, rf):
    token = Token.objects.create(user=world.worker)
    user, found = TokenAuthentication().authenticate_credentials(token.key)
    assert (user.pk, found.key) == (world.worker.pk, token.key)
    for field in type(user)._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(world.worker, field.attname), field.name
    assert user._portal_assignments == []
    staff_token = Token.objects.create(user=world.staff_a)
    staff, _token = TokenAuthentication().authenticate_credentials(staff_token.key)
    assert not hasattr(staff, "_portal_assignments")  # looked up when asked, as before


def test_rows_insert_writes_what_save_and_bulk_create_write(world):
    booking = book(world.worker, world.venue_a, hour=19)
    copy = Booking.objects.get(pk=booking.pk)
    copy.pk = None
    copy.start, copy.end = copy.start + timedelta(days=1), copy.end + timedelta(days=1)
    copy.check_in_code = "ZZZZ2345"
    insert(copy)
    assert copy.pk
    assert not copy._state.adding
    stored = Booking.objects.get(pk=copy.pk)
    for field in Booking._meta.concrete_fields:
        if field.name not in ("id", "updated_at"):
            assert getattr(stored, field.attname) == getattr(copy, field.attname), field.name
    notes = [
        Notification(
            user=world.worker, booking=stored, kind="x", channel=c, subject="s", body="b", dedupe_key=c
        )
        for c in ("sms", "email")
    ]
    insert(*notes)
    assert [n.pk for n in notes] == list(
        Notification.objects.filter(kind="x").order_by("pk").values_list("pk", flat=True)
    )


def test_the_listed_venue_with_a_day_carries_that_days_hours_and_closures(world):
    from datetime import time

    from tests.factories import OpeningHoursFactory
    from venues import selectors
    from venues.models import Closure

    day = at(1, 10).date()
    venue = world.venue_a
    OpeningHoursFactory(palace=world.palace_a, weekday=day.weekday(), opens=time(6), closes=time(8))
    other = at(2, 10).date()
    Closure.objects.create(palace=world.palace_a, venue=venue, start_date=other, end_date=other, reason="x")
    for when in (day, other, at(3, 10).date()):
        fast = listed_venue(venue.pk, day=when)
        fresh = Venue.objects.get(pk=venue.pk)
        expected_hours, expected_closed = selectors._day_hours(fresh, when)
        hours, closed = selectors._day_hours(fast, when)
        assert closed == expected_closed
        key = sorted((h.opens, h.closes, h.weekday, h.palace_id) for h in hours)
        assert key == sorted((h.opens, h.closes, h.weekday, h.palace_id) for h in expected_hours)
    assert selectors._day_hours(listed_venue(venue.pk, day=other), other)[1] is True
    # Another day than the one read with the venue is read as before.
    fast = listed_venue(venue.pk, day=day)
    assert selectors._day_hours(fast, other)[1] is True
