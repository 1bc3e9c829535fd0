"""The bookings endpoints against API.md ("Bookings"), the venue availability, the calendar feed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bookings.models import AppointmentMatter, Booking, DutyShift, MatterRead, Suspension
from bookings.rules import rule_for
from palace_portal.users.models import mask_name, mask_phone
from tests.bookings.support import write_booking as make_booking
from tests.factories import OpeningHoursFactory, PalaceFactory, UserFactory, VenueFactory
from venues.models import Closure, Palace

Status = Booking.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=SHANGHAI)  # a Monday; the world's palaces open 9–21 daily
TODAY = NOW.date()
URL = "/api/v1/bookings/"
PROMISED = {"id", "venue", "start", "end", "party_size", "status", "check_in_code"}
# Additive keys of a list item (documented in the schema): the venue's name and palace, who booked
# (masked for staff), and the deadline of an offer from the waitlist.
LIST_EXTRA = {"palace", "venue_name", "booker", "offer_expires_at"}
DETAIL_EXTRA = {
    "mode",
    "fee",
    "purpose",
    "organisation",
    "decision_reason",
    "waitlist_position",
    "cancel_deadline",
    "checkin_opens_at",
    "checkin_closes_at",
    "created_at",
    "cancelled_at",
    "checked_in_at",
}
SLOT_FIELDS = {"start", "end", "capacity", "taken", "available", "bookable"}
SLOT_EXTRA = {"state", "waiting", "members_only"}
SECRET = "MATTER-劳动合同纠纷-7Q3X"


class Clock:
    """The frozen "now" of the services, selectors and views (they call `timezone.now()`)."""

    def __init__(self, monkeypatch):
        self.now = NOW
        monkeypatch.setattr(timezone, "now", lambda: self.now.astimezone(UTC))

    def set(self, value: datetime) -> None:
        self.now = value


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def api():
    return APIClient()


def at(days: int, hour: int, minute: int = 0) -> datetime:
    """The local time `hour:minute` on the day `days` after today."""
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute), tzinfo=SHANGHAI)


def set_rule(venue, **values):
    rule = rule_for(venue)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.save()
    return rule


def member():
    return UserFactory(membership_number="36010012345")


def _iso(value: datetime) -> str:
    return value.isoformat()


def book(api, user, venue, start: datetime, *, hours: int = 1, **extra):
    api.force_authenticate(user)
    payload = {"venue": venue.pk, "start": _iso(start), "end": _iso(start + timedelta(hours=hours)), **extra}
    return api.post(URL, payload, format="json")


def as_user(api, user):
    api.force_authenticate(user)
    return api


def _created(response) -> dict:
    assert response.status_code == 201, response.content
    return response.json()


def _refused(response, code: str, status: int = 409) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["detail"]


def _invalid(response, *fields) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] in {"invalid", "invalid_party_size"}
    assert set(body["fields"]) == set(fields)


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


# --- Creating -----------------------------------------------------------------------------------


def test_create_answers_exactly_the_promised_keys(api, world, clock):
    body = _created(book(api, world.worker, world.venue_a, at(1, 19)))

    assert set(body) == PROMISED
    booking = Booking.objects.get()
    assert body == {
        "id": booking.pk,
        "venue": world.venue_a.pk,
        "start": "2026-11-24T19:00:00+08:00",
        "end": "2026-11-24T20:00:00+08:00",
        "party_size": 1,
        "status": "confirmed",
        "check_in_code": booking.check_in_code,
    }
    assert booking.user == world.worker


def test_create_accepts_any_offset_and_answers_in_local_time(api, world, clock):
    api.force_authenticate(world.worker)
    response = api.post(
        URL,
        {"venue": world.venue_a.pk, "start": "2026-11-24T11:00:00Z", "end": "2026-11-24T14:00:00+02:00"},
        format="json",
    )

    body = _created(response)
    assert (body["start"], body["end"]) == ("2026-11-24T19:00:00+08:00", "2026-11-24T20:00:00+08:00")


@pytest.mark.parametrize(
    ("start", "end", "fields"),
    [
        ("2026-11-24T19:00:00", "2026-11-24T20:00:00+08:00", {"start"}),
        ("2026-11-24T19:00:00+08:00", "2026-11-24T20:00:00", {"end"}),
        ("2026-11-24", "2026-11-24T20:00:00+08:00", {"start"}),
        ("tomorrow", "2026-11-24T20:00:00+08:00", {"start"}),
        ("2026-11-24T20:00:00+08:00", "2026-11-24T19:00:00+08:00", {"end"}),
    ],
)
def test_create_refuses_naive_or_bad_times(api, world, clock, start, end, fields):
    api.force_authenticate(world.worker)

    response = api.post(URL, {"venue": world.venue_a.pk, "start": start, "end": end}, format="json")

    _invalid(response, *fields)
    assert not Booking.objects.exists()


def test_create_with_an_unknown_or_unlisted_venue_is_bad_input(api, world, clock):
    inactive = VenueFactory(palace=world.palace_a, is_active=False)
    planned = VenueFactory(palace=PalaceFactory(status=Palace.Status.PLANNED, region=world.city1))

    for venue in (999999, "abc", 2**70, inactive.pk, planned.pk, None):
        response = as_user(api, world.worker).post(
            URL, {"venue": venue, "start": _iso(at(1, 19)), "end": _iso(at(1, 20))}, format="json"
        )
        _invalid(response, "venue")
    assert not Booking.objects.exists()


def test_create_refuses_a_party_too_large(api, world, clock):
    response = book(api, world.worker, world.venue_b, at(1, 10), party_size=5)  # a gym: one each

    _invalid(response, "party_size")
    assert response.json()["code"] == "invalid_party_size"
    assert not Booking.objects.exists()


def test_create_with_a_token(world, clock):
    token = Token.objects.create(user=world.worker)
    api = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.post(
        URL, {"venue": world.venue_a.pk, "start": _iso(at(1, 19)), "end": _iso(at(1, 20))}, format="json"
    )

    assert _created(response)["status"] == "confirmed"


def _slot_taken(world, api):
    _created(book(api, world.worker2, world.venue_a, at(1, 19)))
    return world.venue_a, at(1, 19)


def _slot_full(world, api):
    venue = VenueFactory(palace=world.palace_a, kind="gym", capacity=1)
    _created(book(api, world.worker2, venue, at(1, 10)))
    return venue, at(1, 10)


def _outside_opening_hours(world, api):
    return world.venue_a, at(1, 3)


def _outside_booking_window(world, api):
    rule = set_rule(world.venue_a, window_days=7)
    return world.venue_a, at(rule.window_days + 1, 19)


def _limit_reached(world, api):
    set_rule(world.venue_a, max_active=1)
    _created(book(api, world.worker, world.venue_a, at(1, 10)))
    return world.venue_a, at(1, 19)


def _suspended(world, api):
    Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=2),
        ends_at=NOW + timedelta(days=12),
        reason="3 no-shows",
    )
    return world.venue_a, at(1, 19)


def _members_only(world, api):
    world.venue_a.member_only = True
    world.venue_a.save()
    return world.venue_a, at(1, 19)


@pytest.mark.parametrize(
    ("code", "setup"),
    [
        ("slot_taken", _slot_taken),
        ("slot_full", _slot_full),
        ("outside_opening_hours", _outside_opening_hours),
        ("outside_booking_window", _outside_booking_window),
        ("limit_reached", _limit_reached),
        ("suspended", _suspended),
        ("members_only", _members_only),
    ],
)
def test_each_refusal_answers_409_with_its_code_and_changes_nothing(api, world, clock, code, setup):
    venue, start = setup(world, api)
    before = set(Booking.objects.values_list("pk", "status"))

    response = book(api, world.worker, venue, start)

    _refused(response, code)
    assert set(response.json()) == {"code", "detail"}
    assert set(Booking.objects.values_list("pk", "status")) == before


def test_a_member_may_book_a_members_only_venue(api, world, clock):
    world.venue_a.member_only = True
    world.venue_a.save()

    assert _created(book(api, member(), world.venue_a, at(1, 19)))["status"] == "confirmed"


def test_anonymous_callers_must_sign_in(api, world, clock):
    booking = make_booking(world.worker, world.venue_a, at(1, 19))
    requests = [
        ("get", URL, None),
        ("post", URL, {"venue": world.venue_a.pk, "start": _iso(at(1, 19)), "end": _iso(at(1, 20))}),
        ("get", f"{URL}{booking.pk}/", None),
        ("post", f"{URL}{booking.pk}/cancel/", {}),
        ("post", f"{URL}{booking.pk}/accept-offer/", {}),
        ("post", f"{URL}{booking.pk}/decide/", {"approve": True}),
        ("get", f"{URL}{booking.pk}/ics/", None),
        ("post", f"{URL}check-in/", {"code": booking.check_in_code}),
        ("get", "/api/v1/calendar/feed/", None),
        ("post", "/api/v1/calendar/feed/reset/", {}),
    ]
    for method, url, data in requests:
        response = getattr(api, method)(url, data, format="json") if data is not None else api.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated", url
    assert Booking.objects.get().status == Status.CONFIRMED


# --- Waitlist -----------------------------------------------------------------------------------


def test_waitlist_flow(api, world, clock):
    first = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    _refused(book(api, world.worker2, world.venue_a, at(1, 19)), "slot_taken")

    waiting = _created(book(api, world.worker2, world.venue_a, at(1, 19), waitlist=True))
    assert waiting["status"] == "waitlisted"
    detail = as_user(api, world.worker2).get(f"{URL}{waiting['id']}/").json()
    assert detail["waitlist_position"] == 1

    cancelled = as_user(api, world.worker).post(f"{URL}{first['id']}/cancel/", {}, format="json")
    assert cancelled.status_code == 200, cancelled.content
    assert cancelled.json()["status"] == "cancelled"

    offered = as_user(api, world.worker2).get(f"{URL}{waiting['id']}/").json()
    assert offered["status"] == "offered"
    assert offered["offer_expires_at"]
    # Only the owner takes up the offer.
    assert as_user(api, world.worker).post(f"{URL}{waiting['id']}/accept-offer/").status_code == 404

    accepted = as_user(api, world.worker2).post(f"{URL}{waiting['id']}/accept-offer/")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "confirmed"
    _refused(as_user(api, world.worker2).post(f"{URL}{waiting['id']}/accept-offer/"), "no_offer")


def test_waitlist_on_a_full_shared_slot(api, world, clock):
    venue = VenueFactory(palace=world.palace_a, kind="gym", capacity=1)
    _created(book(api, world.worker, venue, at(1, 10)))

    _refused(book(api, world.worker2, venue, at(1, 10)), "slot_full")
    assert _created(book(api, world.worker2, venue, at(1, 10), waitlist=True))["status"] == "waitlisted"


# --- Listing ------------------------------------------------------------------------------------


def test_list_shows_a_worker_only_their_own(api, world, clock):
    mine = make_booking(world.worker, world.venue_a, at(1, 19))
    make_booking(world.worker2, world.venue_a, at(1, 10))

    response = as_user(api, world.worker).get(URL)

    assert _ids(response) == [mine.pk]
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    item = body["results"][0]
    assert set(item) == PROMISED | LIST_EXTRA
    assert item["booker"] == {"name": world.worker.real_name, "phone": world.worker.phone}
    assert item["venue_name"] == world.venue_a.name
    assert item["start"] == "2026-11-24T19:00:00+08:00"


def test_list_shows_staff_their_palaces_bookings_with_the_booker_masked(api, world, clock):
    in_a = make_booking(world.worker, world.venue_a, at(1, 19))
    in_b = make_booking(world.worker2, world.venue_b, at(1, 10))

    staff_a = as_user(api, world.staff_a).get(URL).json()["results"]
    assert [item["id"] for item in staff_a] == [in_a.pk]
    assert staff_a[0]["booker"] == {
        "name": mask_name(world.worker.real_name),
        "phone": mask_phone(world.worker.phone),
    }
    assert world.worker.phone not in str(staff_a)

    assert _ids(as_user(api, world.staff_b).get(URL)) == [in_b.pk]
    assert _ids(as_user(api, world.city_officer).get(URL)) == []  # reads, does not act on bookings
    assert set(_ids(as_user(api, world.province_officer).get(URL))) == {in_a.pk, in_b.pk}


def test_staff_also_see_their_own_bookings_elsewhere(api, world, clock):
    own_in_b = make_booking(world.staff_a, world.venue_b, at(1, 10))
    in_a = make_booking(world.worker, world.venue_a, at(1, 19))

    assert set(_ids(as_user(api, world.staff_a).get(URL))) == {own_in_b.pk, in_a.pk}
    assert _ids(api.get(URL, {"mine": "true"})) == [own_in_b.pk]
    assert _ids(api.get(URL, {"mine": "false"})) == [in_a.pk]


def test_list_filters(api, world, clock):
    court2 = VenueFactory(palace=world.palace_a, kind="badminton")
    a1 = make_booking(world.worker, world.venue_a, at(1, 19))
    a2 = make_booking(world.worker2, world.venue_a, at(2, 19), status=Status.CANCELLED)
    c1 = make_booking(world.worker2, court2, at(1, 10))
    api = as_user(api, world.staff_a)

    assert set(_ids(api.get(URL, {"venue": world.venue_a.pk}))) == {a1.pk, a2.pk}
    assert set(_ids(api.get(URL, {"date": (TODAY + timedelta(days=1)).isoformat()}))) == {a1.pk, c1.pk}
    assert _ids(api.get(URL, {"status": "cancelled"})) == [a2.pk]
    assert _ids(api.get(URL, {"venue": world.venue_a.pk, "status": "confirmed"})) == [a1.pk]
    assert _ids(api.get(URL)) == [a2.pk, a1.pk, c1.pk]  # latest first
    assert _ids(api.get(URL, {"ordering": "start"})) == [c1.pk, a1.pk, a2.pk]
    # A worker filters their own the same way.
    assert _ids(as_user(api, world.worker2).get(URL, {"status": "cancelled"})) == [a2.pk]
    assert _ids(api.get(URL, {"venue": world.venue_a.pk})) == [a2.pk]


def test_list_refuses_bad_filters(api, world, clock):
    api = as_user(api, world.staff_a)

    _invalid(api.get(URL, {"date": "2026-13-01"}), "date")
    _invalid(api.get(URL, {"status": "happy", "venue": "x"}), "status", "venue")
    _invalid(api.get(URL, {"ordering": "user"}), "ordering")
    _invalid(api.get(URL, {"mine": "maybe"}), "mine")
    _invalid(api.get(URL, {"page_size": "0"}), "page_size")


def test_list_query_count_does_not_depend_on_the_number_of_bookings(
    api, world, clock, django_assert_max_num_queries
):
    courts = [world.venue_a, *(VenueFactory(palace=world.palace_a, kind="badminton") for _ in range(2))]
    for i in range(36):
        make_booking(UserFactory(), courts[i % 3], at(1 + i // 12, 9 + i % 12))
    api = as_user(api, world.staff_a)

    with django_assert_max_num_queries(4):  # assignments, count, page (venue and user joined)
        response = api.get(URL, {"page_size": 100})
    assert len(response.json()["results"]) == 36
    with django_assert_max_num_queries(4):
        response = api.get(URL, {"page_size": 5, "page": 2})
    assert len(response.json()["results"]) == 5
    assert response.json()["count"] == 36


# --- One booking --------------------------------------------------------------------------------


def test_detail_for_the_owner_and_staff_of_the_palace_only(api, world, clock):
    booking = make_booking(world.worker, world.venue_a, at(1, 19))
    url = f"{URL}{booking.pk}/"

    own = as_user(api, world.worker).get(url)
    assert own.status_code == 200
    assert set(own.json()) == PROMISED | LIST_EXTRA | DETAIL_EXTRA
    assert own.json()["cancel_deadline"] == "2026-11-24T17:00:00+08:00"  # 120 minutes before

    staff = as_user(api, world.staff_a).get(url).json()
    # Staff of the palace call people: the detail shows the booker in full.
    assert staff["booker"] == {"name": world.worker.real_name, "phone": world.worker.phone}

    for outsider in (world.worker2, world.staff_b, world.manager_b, world.city_officer):
        response = as_user(api, outsider).get(url)
        assert response.status_code == 404, outsider
        assert response.json()["code"] == "not_found"
    for missing in ("999999", "abc", "1.5"):
        assert as_user(api, world.worker).get(f"{URL}{missing}/").status_code == 404


# --- Cancelling ---------------------------------------------------------------------------------


def test_owner_cancels_before_the_deadline(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))

    response = as_user(api, world.worker).post(f"{URL}{booking['id']}/cancel/", {}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert Booking.objects.get().status == Status.CANCELLED
    _refused(api.post(f"{URL}{booking['id']}/cancel/"), "not_cancellable")


def test_cancel_after_the_deadline_is_refused(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    clock.set(at(1, 17, 1))  # the deadline was 17:00

    response = as_user(api, world.worker).post(f"{URL}{booking['id']}/cancel/")

    _refused(response, "cancel_deadline_passed")
    assert Booking.objects.get().status == Status.CONFIRMED


def test_staff_cancel_with_a_reason_after_the_deadline_and_outsiders_cannot(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    clock.set(at(1, 18))
    url = f"{URL}{booking['id']}/cancel/"

    for outsider in (world.worker2, world.staff_b):
        assert as_user(api, outsider).post(url).status_code == 404
    assert Booking.objects.get().status == Status.CONFIRMED

    response = as_user(api, world.staff_a).post(url, {"reason": "场地维修"}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["decision_reason"] == "场地维修"


# --- Check-in -----------------------------------------------------------------------------------


def test_check_in_within_the_window(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    check_in = f"{URL}check-in/"
    api = as_user(api, world.staff_a)

    clock.set(at(1, 18, 29))  # opens 30 minutes before the start
    _refused(api.post(check_in, {"code": booking["check_in_code"]}, format="json"), "not_checkin_time")

    clock.set(at(1, 18, 45))
    response = api.post(check_in, {"code": booking["check_in_code"].lower()}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "checked_in"
    assert response.json()["id"] == booking["id"]
    assert response.json()["checked_in_at"] == "2026-11-24T18:45:00+08:00"

    _refused(api.post(check_in, {"code": booking["check_in_code"]}, format="json"), "already_checked_in")


def test_check_in_closes_after_the_start(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    clock.set(at(1, 19, 16))  # closed 15 minutes after the start

    response = as_user(api, world.staff_a).post(f"{URL}check-in/", {"code": booking["check_in_code"]})

    _refused(response, "not_checkin_time")
    assert Booking.objects.get().status == Status.CONFIRMED


def test_check_in_of_another_palace_or_an_unknown_code_is_not_found(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    clock.set(at(1, 18, 45))

    for outsider in (world.staff_b, world.manager_b, world.city_officer, world.worker):
        response = as_user(api, outsider).post(f"{URL}check-in/", {"code": booking["check_in_code"]})
        _refused(response, "not_found", 404)
    _refused(as_user(api, world.staff_a).post(f"{URL}check-in/", {"code": "ZZZZ9999"}), "not_found", 404)
    _invalid(api.post(f"{URL}check-in/", {}), "code")
    assert Booking.objects.get().status == Status.CONFIRMED


# --- Group requests -----------------------------------------------------------------------------


def test_group_request_is_pending_until_staff_decide(api, world, clock):
    hall = VenueFactory(palace=world.palace_a, kind="multi_function_hall")
    _invalid(book(api, world.worker, hall, at(3, 14), hours=2, party_size=80), "purpose")

    request = _created(
        book(
            api,
            world.worker,
            hall,
            at(3, 14),
            hours=2,
            party_size=80,
            purpose="职工合唱排练",
            organisation="某厂工会",
        )
    )
    assert request["status"] == "pending"
    url = f"{URL}{request['id']}/decide/"

    assert as_user(api, world.staff_b).post(url, {"approve": True}, format="json").status_code == 404
    assert as_user(api, world.worker).post(url, {"approve": True}, format="json").status_code == 404
    _invalid(as_user(api, world.staff_a).post(url, {"approve": False}, format="json"), "reason")
    _invalid(api.post(url, {}, format="json"), "approve")
    assert Booking.objects.get().status == Status.PENDING

    response = api.post(url, {"approve": True, "reason": ""}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert response.json()["purpose"] == "职工合唱排练"
    _refused(api.post(url, {"approve": False, "reason": "x"}, format="json"), "already_decided")


# --- Calendars ----------------------------------------------------------------------------------


def test_booking_ics(api, world, clock):
    booking = _created(book(api, world.worker, world.venue_a, at(1, 19)))
    url = f"{URL}{booking['id']}/ics/"

    response = as_user(api, world.worker).get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert f"booking-{booking['id']}@" in body
    # Calendar apps ask for text/calendar; that must not be refused.
    assert api.get(url, HTTP_ACCEPT="text/calendar").status_code == 200
    assert as_user(api, world.staff_a).get(url).status_code == 200
    missing = as_user(api, world.staff_b).get(url, HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_calendar_feed_url_works_without_sign_in_until_reset(api, world, clock):
    _created(book(api, world.worker, world.venue_a, at(1, 19)))
    api = as_user(api, world.worker)

    url = api.get("/api/v1/calendar/feed/").json()["url"]
    assert url.startswith("http://testserver/calendar/")
    assert api.get("/api/v1/calendar/feed/").json()["url"] == url  # stable until reset
    anonymous = Client()
    feed = anonymous.get(url)
    assert feed.status_code == 200
    assert feed["Content-Type"].startswith("text/calendar")
    assert feed.content.decode().count("BEGIN:VEVENT") == 1

    new_url = api.post("/api/v1/calendar/feed/reset/").json()["url"]

    assert new_url != url
    assert anonymous.get(url).status_code == 404
    assert anonymous.get(new_url).status_code == 200
    assert anonymous.get("/calendar/not-a-token.ics").status_code == 404


# --- Confidential matters -----------------------------------------------------------------------


def test_appointment_matter_is_never_in_any_response(api, world, clock):
    window = VenueFactory(palace=world.palace_a, kind="legal_aid_window")
    day = TODAY + timedelta(days=1)
    DutyShift.objects.create(
        palace=world.palace_a,
        venue=window,
        person="张律师",
        weekday=day.weekday(),
        starts=time(9),
        ends=time(12),
    )
    _invalid(book(api, world.worker, window, at(1, 10)), "matter")

    created = book(api, world.worker, window, at(1, 10), matter=SECRET)
    booking = _created(created)
    assert AppointmentMatter.objects.get().text == SECRET
    detail_url = f"{URL}{booking['id']}/"
    responses = [
        created,
        as_user(api, world.worker).get(URL),
        api.get(detail_url),
        api.get(f"{detail_url}ics/"),
        Client().get(api.get("/api/v1/calendar/feed/").json()["url"]),
        as_user(api, world.staff_a).get(URL),
        api.get(detail_url),
        api.get(f"/api/v1/venues/{window.pk}/availability/", {"date": day.isoformat()}),
    ]
    clock.set(at(1, 9, 50))
    responses.append(api.post(f"{URL}check-in/", {"code": booking["check_in_code"]}))
    assert responses[-1].json()["status"] == "checked_in"

    for response in responses:
        assert response.status_code == 200 or response.status_code == 201
        assert SECRET not in response.content.decode()
        assert "matter" not in response.content.decode()
    assert not MatterRead.objects.exists()  # the API never reads it


# --- Availability -------------------------------------------------------------------------------


def _availability(api, venue, day):
    return api.get(f"/api/v1/venues/{venue.pk}/availability/", {"date": str(day)})


def test_availability_shape_and_local_times(api, world, clock):
    response = _availability(api, world.venue_a, TODAY + timedelta(days=1))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"venue", "date", "slots"}
    assert (body["venue"], body["date"]) == (world.venue_a.pk, "2026-11-24")
    slots = body["slots"]
    assert len(slots) == 12  # 9:00–21:00 in slots of 60 minutes
    for slot in slots:
        assert set(slot) == SLOT_FIELDS | SLOT_EXTRA
    assert slots[0] == {
        "start": "2026-11-24T09:00:00+08:00",
        "end": "2026-11-24T10:00:00+08:00",
        "capacity": 1,  # an exclusive court is booked whole
        "taken": 0,
        "available": 1,
        "bookable": True,
        "state": "open",
        "waiting": 0,
        "members_only": False,
    }
    assert slots[-1]["end"] == "2026-11-24T21:00:00+08:00"


def test_availability_reflects_bookings(api, world, clock):
    _created(book(api, world.worker, world.venue_a, at(1, 19)))
    _created(book(api, world.worker, world.venue_b, at(1, 10)))
    _created(book(api, world.worker2, world.venue_a, at(1, 19), waitlist=True))
    api.force_authenticate(None)

    court = {
        s["start"][11:16]: s
        for s in _availability(api, world.venue_a, TODAY + timedelta(days=1)).json()["slots"]
    }
    gym = {
        s["start"][11:16]: s
        for s in _availability(api, world.venue_b, TODAY + timedelta(days=1)).json()["slots"]
    }

    assert (court["19:00"]["taken"], court["19:00"]["available"], court["19:00"]["bookable"]) == (1, 0, False)
    assert (court["19:00"]["state"], court["19:00"]["waiting"]) == ("full", 1)
    assert court["18:00"]["taken"] == 0
    assert court["18:00"]["bookable"] is True
    assert (gym["10:00"]["capacity"], gym["10:00"]["taken"], gym["10:00"]["available"]) == (40, 1, 39)
    assert gym["10:00"]["bookable"] is True


def test_availability_beyond_the_booking_window_is_not_yet_open(api, world, clock):
    rule = set_rule(world.venue_a, window_days=7)

    slots = _availability(api, world.venue_a, TODAY + timedelta(days=rule.window_days + 1)).json()["slots"]

    assert {(s["state"], s["bookable"]) for s in slots} == {("not_yet_open", False)}


def test_availability_shows_members_only_slots(api, world, clock):
    set_rule(world.venue_a, member_hours_start=time(18), member_hours_end=time(21))

    slots = _availability(api, world.venue_a, TODAY + timedelta(days=1)).json()["slots"]

    assert [s["start"][11:16] for s in slots if s["members_only"]] == ["18:00", "19:00", "20:00"]


def test_availability_of_a_service_window_follows_the_duty_roster(api, world, clock):
    window = VenueFactory(palace=world.palace_a, kind="legal_aid_window")
    day = TODAY + timedelta(days=1)
    DutyShift.objects.create(
        palace=world.palace_a,
        venue=window,
        person="张律师",
        weekday=day.weekday(),
        starts=time(9),
        ends=time(11),
    )

    slots = _availability(api, window, day).json()["slots"]

    assert [(s["start"][11:16], s["capacity"]) for s in slots] == [("09:00", 1), ("10:00", 1)]


def test_availability_today_only_future_slots_are_bookable(api, world, clock):
    clock.set(datetime.combine(TODAY, time(10, 30), tzinfo=SHANGHAI))

    slots = _availability(api, world.venue_a, TODAY).json()["slots"]

    bookable = {s["start"][11:16]: s["bookable"] for s in slots}
    assert bookable["09:00"] is False
    assert bookable["10:00"] is False  # started at 10:00, it is 10:30
    assert bookable["11:00"] is True
    assert bookable["20:00"] is True


def test_availability_of_a_past_date_is_shown_but_not_bookable(api, world, clock):
    slots = _availability(api, world.venue_a, TODAY - timedelta(days=30)).json()["slots"]

    assert len(slots) == 12
    assert {(s["state"], s["bookable"]) for s in slots} == {("past", False)}


def test_availability_of_a_shared_venue_offers_its_capacity(api, world, clock):
    slots = _availability(api, world.venue_b, TODAY + timedelta(days=1)).json()["slots"]

    assert {(s["capacity"], s["available"]) for s in slots} == {(40, 40)}


def test_availability_follows_the_weekday_hours(api, world, clock):
    tuesday, wednesday = TODAY + timedelta(days=1), TODAY + timedelta(days=2)
    world.palace_a.opening_hours.filter(weekday=tuesday.weekday()).delete()
    world.palace_a.opening_hours.filter(weekday=wednesday.weekday()).update(closes=time(12))
    OpeningHoursFactory(
        palace=world.palace_a, weekday=wednesday.weekday(), opens=time(14), closes=time(16, 30)
    )

    assert _availability(api, world.venue_a, tuesday).json()["slots"] == []
    slots = _availability(api, world.venue_a, wednesday).json()["slots"]
    assert [s["start"][11:16] for s in slots] == ["09:00", "10:00", "11:00", "14:00", "15:00"]


@pytest.mark.parametrize("venue_only", [False, True])
def test_availability_on_a_closure_day_has_no_slots(api, world, clock, venue_only):
    Closure.objects.create(
        palace=world.palace_a,
        venue=world.venue_a if venue_only else None,
        start_date=TODAY + timedelta(days=1),
        end_date=TODAY + timedelta(days=2),
        reason="全民健身日活动",
    )

    assert _availability(api, world.venue_a, TODAY + timedelta(days=1)).json()["slots"] == []
    assert _availability(api, world.venue_a, TODAY + timedelta(days=2)).json()["slots"] == []
    assert len(_availability(api, world.venue_a, TODAY + timedelta(days=3)).json()["slots"]) == 12


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"date": ""},
        {"date": "abc"},
        {"date": "2026-13-01"},
        {"date": "05/03/2026"},
        {"date": "2026-03-05T09:00"},
    ],
)
def test_availability_needs_a_valid_date(api, world, clock, params):
    _invalid(api.get(f"/api/v1/venues/{world.venue_a.pk}/availability/", params), "date")


def test_availability_refuses_dates_more_than_a_year_away(api, world, clock):
    assert _availability(api, world.venue_a, TODAY + timedelta(days=366)).status_code == 200
    assert _availability(api, world.venue_a, TODAY - timedelta(days=366)).status_code == 200
    _invalid(_availability(api, world.venue_a, TODAY + timedelta(days=367)), "date")
    _invalid(_availability(api, world.venue_a, date(1, 1, 1)), "date")


def test_availability_of_an_unknown_or_unlisted_venue_is_not_found(api, world, clock):
    inactive = VenueFactory(palace=world.palace_a, is_active=False)

    for venue_id in ("999999", "abc", "1.5", str(2**70), "-1", str(inactive.pk)):
        response = api.get(f"/api/v1/venues/{venue_id}/availability/", {"date": "2026-11-24"})
        assert response.status_code == 404, venue_id
        assert response.json()["code"] == "not_found"
    # An id written otherwise names the venue, as the ORM reads it.
    for venue_id in (f"000{world.venue_a.pk}", f"%2B{world.venue_a.pk}"):
        response = api.get(f"/api/v1/venues/{venue_id}/availability/", {"date": "2026-11-24"})
        assert response.json()["venue"] == world.venue_a.pk, venue_id


def test_availability_is_read_only(api, world, clock):
    api.force_authenticate(world.province_officer)

    response = api.post(f"/api/v1/venues/{world.venue_a.pk}/availability/", {"date": "2026-11-24"})

    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_availability_query_count_does_not_depend_on_bookings(
    api, world, clock, django_assert_max_num_queries
):
    day = TODAY + timedelta(days=1)
    for hour in range(9, 21):
        make_booking(UserFactory(), world.venue_a, at(1, hour))
    _availability(api, world.venue_a, day)  # the venue's rule is created on first use

    # venue with palace and rule, closures, hours, waitlist, held ranges
    with django_assert_max_num_queries(5):
        response = _availability(api, world.venue_a, day)
    assert {s["taken"] for s in response.json()["slots"]} == {1}


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("", "venue"),
        ("{id}/cancel/", "reason"),
        ("{id}/decide/", "approve"),
        ("check-in/", "code"),
        ("{id}/accept-offer/", None),
        ("{id}/", None),
    ],
)
def test_it_answers_options_on_every_bookings_route_describing_its_input(api, world, clock, path, field):
    # OPTIONS used to be a 500 for a signed-in user: the viewset had no serializer for DRF's
    # metadata (issue 11).
    booking = make_booking(world.worker, world.venue_a, at(1, 10))
    for user in (world.worker, world.staff_a):
        as_user(api, user)
        response = api.options(URL + path.format(id=booking.pk))
        assert response.status_code == 200
        post = response.json().get("actions", {}).get("POST", {})
        if field:
            assert field in post
        else:
            assert "venue" not in post


@pytest.mark.parametrize("value", ["", "  ", "2026-02-30", "tomorrow"])
def test_it_refuses_an_empty_or_bad_date_filter(api, world, clock, value):
    # The schema says `format: date`; `?date=` used to be read as "no filter" (issue 11).
    make_booking(world.worker, world.venue_a, at(1, 10))
    api = as_user(api, world.worker)
    _invalid(api.get(URL, {"date": value}), "date")
    assert len(_ids(api.get(URL))) == 1  # absent is still "any date"


@pytest.mark.parametrize("kind", ["badminton", "yoga"])
def test_availability_and_own_bookings_read_as_many_queries_for_many_bookings(api, world, clock, kind):
    """Issue 13: a worker signed in with a token (as the mini-program is): a venue's day and their
    own bookings, at most ten queries, as many with a week of everyone's bookings, waits and their
    own forty as with one."""
    from tests.queries import queries_of

    venue = VenueFactory(palace=world.palace_a, kind=kind, capacity=4)
    token = Token.objects.create(user=world.worker)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    make_booking(world.worker, venue, at(1, 20))
    make_booking(world.worker, world.venue_b, at(1, 10), status=Booking.Status.WAITLISTED)
    make_booking(world.worker, venue, at(-1, 10), status=Booking.Status.CHECKED_IN)
    pages = [
        lambda: api.get(f"/api/v1/venues/{venue.pk}/availability/", {"date": str(TODAY + timedelta(days=1))}),
        lambda: api.get(URL),
        lambda: api.get(URL, {"page_size": 100}),
    ]
    small = [queries_of(page) for page in pages]
    for days in range(1, 8):
        for hour in range(9, 20):
            make_booking(UserFactory(), venue, at(days, hour))
            make_booking(UserFactory(), venue, at(days, hour), status=Booking.Status.WAITLISTED)
    for n in range(40):
        court = world.venue_a if n % 2 else world.venue_b
        make_booking(world.worker, court, at(-2 - n, 20), status=Booking.Status.CHECKED_IN)
    assert [queries_of(page) for page in pages] == small
