"""iCalendar: one booking, the personal feed and its secret address."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone, translation

from bookings import calendars
from bookings.calendars import (
    booking_ics,
    calendar_feed_for,
    calendar_feed_reset,
    calendar_feed_user,
    feed_ics,
)
from bookings.models import AppointmentMatter, Booking, CalendarFeed
from tests.factories import PalaceFactory, VenueFactory

S = Booking.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def parse(data: bytes) -> icalendar.Calendar:
    assert isinstance(data, bytes)
    return icalendar.Calendar.from_ical(data)


def events(data: bytes) -> list:
    return parse(data).walk("VEVENT")


def test_booking_ics_has_the_booking_at_its_local_time(world, make_booking):
    start = datetime(2026, 12, 1, 19, 0, tzinfo=SHANGHAI)
    booking = Booking.objects.get(pk=make_booking(start=start, minutes=90, check_in_code="K7Q2M9XA").pk)

    calendar = parse(booking_ics(booking))
    [event] = calendar.walk("VEVENT")

    assert event["uid"] == f"booking-{booking.pk}@palace-portal"
    assert event["dtstart"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("dtstart") == start
    assert event.decoded("dtstart").utcoffset() == timedelta(hours=8)
    assert event.decoded("dtend") == start + timedelta(minutes=90)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    assert event["summary"] == "羽毛球馆1号场"
    assert "南昌市工人文化宫" in event["location"]
    assert world.palace_a.address in event["location"]
    assert "K7Q2M9XA" in event["description"]
    assert event["status"] == "CONFIRMED"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("trigger") == timedelta(hours=-1)
    assert b"DTSTART;TZID=Asia/Shanghai:20261201T190000" in booking_ics(booking)


def test_booking_ics_uid_is_stable_and_status_follows_the_booking(make_booking):
    booking = make_booking(status=S.PENDING)
    [before] = events(booking_ics(booking))

    booking.status = S.CANCELLED
    [after] = events(booking_ics(booking))

    assert before["uid"] == after["uid"]
    assert (before["status"], after["status"]) == ("TENTATIVE", "CANCELLED")
    # Calendar apps replace a known event only when its sequence grows.
    assert after["sequence"] > before["sequence"]
    assert after.walk("VALARM") == []


@pytest.mark.parametrize(
    ("status", "ics_status", "shows_code"),
    [
        (S.WAITLISTED, "TENTATIVE", False),
        (S.OFFERED, "TENTATIVE", False),
        (S.PENDING, "TENTATIVE", False),
        (S.CONFIRMED, "CONFIRMED", True),
        (S.CHECKED_IN, "CONFIRMED", True),
        (S.CANCELLED, "CANCELLED", False),
        (S.DECLINED, "CANCELLED", False),
        (S.EXPIRED, "CANCELLED", False),
        (S.NO_SHOW, "CANCELLED", False),
    ],
)
def test_booking_ics_status_and_check_in_code(make_booking, status, ics_status, shows_code):
    booking = make_booking(status=status, check_in_code="CODE1234")
    [event] = events(booking_ics(booking))
    assert event["status"] == ics_status
    assert ("CODE1234" in event["description"]) is shows_code


def test_booking_ics_never_contains_the_appointment_matter(world, make_booking):
    window = VenueFactory(palace=world.palace_a, name="法律援助窗口", kind="legal_aid_window")
    booking = make_booking(venue=window)
    AppointmentMatter.objects.create(booking=booking, palace=booking.palace, text="拖欠工资 secret-matter")

    data = booking_ics(booking)

    assert "法律援助窗口".encode() in data
    assert b"secret-matter" not in data


def test_feed_has_only_the_users_open_bookings_from_30_days_ago(world, make_booking):
    now = timezone.now()
    ahead = make_booking(start=now + timedelta(days=2))
    waiting = make_booking(start=now + timedelta(days=3), status=S.WAITLISTED)
    recent = make_booking(start=now - timedelta(days=10), status=S.CHECKED_IN)
    make_booking(start=now - timedelta(days=40), status=S.CHECKED_IN)  # too long ago
    make_booking(start=now + timedelta(days=4), status=S.CANCELLED)
    make_booking(start=now - timedelta(days=5), status=S.NO_SHOW)
    make_booking(user=world.worker2, venue=world.venue_b, start=now + timedelta(days=2))

    uids = {str(event["uid"]) for event in events(feed_ics(world.worker))}

    assert uids == {f"booking-{b.pk}@palace-portal" for b in (ahead, waiting, recent)}


def test_feed_of_a_user_without_bookings_is_a_valid_empty_calendar(world):
    calendar = parse(feed_ics(world.worker2))
    assert calendar.walk("VEVENT") == []
    assert calendar["x-wr-calname"]


def test_feed_reads_its_bookings_in_one_query(world, make_booking, django_assert_num_queries):
    start = timezone.now() + timedelta(days=1)
    for n in range(30):
        palace = PalaceFactory(region=world.county1)
        venue = VenueFactory(palace=palace, kind="gym")
        make_booking(venue=venue, start=start + timedelta(hours=n))

    # One query per provider (the bookings' own, and those later apps register: classes, events).
    with django_assert_num_queries(len(calendars.FEED_PROVIDERS)):
        data = feed_ics(world.worker)

    assert len(events(data)) == 30


def test_feed_includes_events_of_other_providers(world, monkeypatch):
    def classes(user, since):
        event = icalendar.Event()
        event.add("uid", f"class-1-{user.pk}@palace-portal")
        event.add("summary", "书法班")
        event.add("dtstart", datetime(2026, 12, 2, 14, 0, tzinfo=SHANGHAI))
        event.add("dtend", datetime(2026, 12, 2, 16, 0, tzinfo=SHANGHAI))
        event.add("dtstamp", timezone.now())
        return [event]

    monkeypatch.setattr(calendars, "FEED_PROVIDERS", [*calendars.FEED_PROVIDERS, classes])

    [event] = events(feed_ics(world.worker))

    assert event["summary"] == "书法班"


def test_calendar_feed_is_created_once_with_a_long_random_token(world):
    first = calendar_feed_for(world.worker)
    again = calendar_feed_for(world.worker)
    other = calendar_feed_for(world.worker2)

    assert first.pk == again.pk
    assert first.token == again.token
    assert len(first.token) >= 40
    assert other.token != first.token
    assert CalendarFeed.objects.count() == 2


def test_calendar_feed_reset_changes_the_token_and_the_old_one_stops_working(world):
    old = calendar_feed_for(world.worker).token
    assert calendar_feed_user(old) == world.worker

    new = calendar_feed_reset(user=world.worker).token

    assert new != old
    assert calendar_feed_user(old) is None
    assert calendar_feed_user(new) == world.worker
    assert CalendarFeed.objects.filter(user=world.worker).count() == 1


def test_calendar_feed_reset_without_a_feed_creates_one(world):
    feed = calendar_feed_reset(user=world.worker)
    assert calendar_feed_user(feed.token) == world.worker


@pytest.mark.parametrize("token", ["", "nope", "x" * 500])
def test_unknown_feed_tokens_find_nobody(world, token):
    calendar_feed_for(world.worker)
    assert calendar_feed_user(token) is None


def test_feed_token_of_a_deactivated_user_finds_nobody(world):
    token = calendar_feed_for(world.worker).token
    world.worker.is_active = False
    world.worker.save(update_fields=["is_active"])
    assert calendar_feed_user(token) is None
