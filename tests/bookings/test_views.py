"""The worker's booking pages: the grid and its two taps, My bookings, a booking and its QR code,
cancelling, waitlist offers, the calendar feed, the suspension and its appeal.

"Now" is frozen at Monday 2026-11-23 08:00 Asia/Shanghai (tests/bookings/support.py); palaces A and
B open 09:00–21:00 every day. venue_a is a badminton court (booked whole, 7 days ahead, cancel up
to 2 hours before), venue_b a gym (places per slot).
"""

from datetime import time, timedelta
from unittest import mock

import pytest
from django.urls import reverse

from bookings.models import Appeal, AppointmentMatter, Booking, CalendarFeed, DutyShift, Suspension
from bookings.services.booking import booking_cancel
from tests.factories import UserFactory, VenueFactory
from tests.queries import queries_of
from venues.models import Closure

from .support import NOW, TODAY, at, book, member, set_rule, shared_venue, write_booking

S = Booking.Status
BACKEND = "django.contrib.auth.backends.ModelBackend"
TUESDAY = (TODAY + timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English messages; the pages default to Chinese.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen():
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        yield


@pytest.fixture
def client(client):
    # The pages' English msgids (the Chinese catalogue comes later).
    client.cookies["django_language"] = "en"
    return client


def sign_in(client, user):
    client.force_login(user, backend=BACKEND)
    return client


def book_url(venue, **query):
    url = reverse("bookings:venue_book", args=[venue.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def post_booking(client, venue, *, day=TUESDAY, at_="10:00", **fields):
    return client.post(book_url(venue), {"date": day, "at": at_, **fields})


def html(response) -> str:
    return response.content.decode()


# --- The grid ------------------------------------------------------------------------------------------


def test_booking_page_shows_the_days_slots_to_anonymous_visitors(world, client):
    response = client.get(book_url(world.venue_a, date=TUESDAY))
    assert response.status_code == 200
    page = html(response)
    slots = response.context["slots"]
    assert len(slots) == 12
    assert all(s.state == "open" and s.selectable for s in slots)
    assert page.count('class="slot-btn is-open') == 12
    # Tabs from today through the window (7 days) and the next day to open.
    assert response.context["tabs"][0].day == TODAY
    assert len(response.context["tabs"]) == 9
    assert response.context["tabs"][-1].not_open


def test_tapping_a_slot_while_signed_out_leads_to_sign_in_and_back(world, client):
    response = client.get(book_url(world.venue_a, date=TUESDAY, at="10:00"))
    page = html(response)
    assert 'id="confirm"' in page
    assert "Sign in to book" in page
    next_url = reverse("venues:venue_detail", args=[world.venue_a.pk])
    assert (
        f"{reverse('users:login')}?next={next_url.replace('/', '%2F')}%3Fdate%3D{TUESDAY}%26at%3D10%253A00"
        in page
    )
    assert f'action="{book_url(world.venue_a)}"' not in page  # no booking form before signing in


def test_anonymous_post_is_sent_to_sign_in_and_books_nothing(world, client):
    response = post_booking(client, world.venue_a)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))
    assert not Booking.objects.exists()


def test_without_a_date_the_grid_opens_on_the_first_day_with_a_free_time(world, client):
    for day in (0, 1):
        Closure.objects.create(
            palace=world.palace_a,
            start_date=TODAY + timedelta(days=day),
            end_date=TODAY + timedelta(days=day),
            reason="检修",
        )
    response = client.get(book_url(world.venue_a))
    assert response.context["day"] == TODAY + timedelta(days=2)


def test_availability_is_an_htmx_fragment_and_a_redirect_to_the_page_otherwise(world, client):
    url = reverse("bookings:availability", args=[world.venue_a.pk]) + f"?date={TUESDAY}"
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in html(fragment)
    assert 'class="slot-grid"' in html(fragment)
    assert "HX-Request" in fragment["Vary"]
    # Day tabs push the venue page's URL, so that a reload shows the same day there.
    assert f'hx-push-url="{reverse("venues:venue_detail", args=[world.venue_a.pk])}?date=' in html(fragment)
    page = client.get(url)
    assert page.status_code == 302
    assert page["Location"] == reverse("venues:venue_detail", args=[world.venue_a.pk]) + f"?date={TUESDAY}"


def test_venue_page_renders_the_grid_with_the_tapped_slot_without_javascript(world, client):
    sign_in(client, world.worker)
    response = client.get(
        reverse("venues:venue_detail", args=[world.venue_a.pk]), {"date": TUESDAY, "at": "10:00"}
    )
    page = html(response)
    grid = page.split('id="availability"')[1]
    assert 'id="confirm"' in grid
    assert f'action="{book_url(world.venue_a)}"' in grid
    # Links reload the venue page itself; htmx swaps only the grid.
    venue_url = reverse("venues:venue_detail", args=[world.venue_a.pk])
    assert f'href="{venue_url}?date={TUESDAY}&amp;at=11:00#confirm"' in grid


def test_grid_of_an_unknown_or_inactive_venue_is_404(world, client):
    world.venue_a.is_active = False
    world.venue_a.save()
    assert client.get(book_url(world.venue_a)).status_code == 404
    assert (
        client.get(reverse("bookings:availability", args=[99999]), HTTP_HX_REQUEST="true").status_code == 404
    )


def test_grid_reflects_taken_places_and_waiting_people(world, client):
    gym = shared_venue(world.palace_a, capacity=5, max_party=3)
    book(UserFactory(), gym, party_size=3)
    book(UserFactory(), gym, hour=11, party_size=3)
    book(UserFactory(), gym, hour=11, party_size=2)
    book(UserFactory(), gym, hour=11, party_size=1, waitlist=True)
    response = client.get(book_url(gym, date=TUESDAY))
    slots = {s.at: s for s in response.context["slots"]}
    assert slots["10:00"].state == "open"
    assert slots["10:00"].slot.available == 2
    assert slots["11:00"].state == "full"
    assert slots["11:00"].slot.waiting == 1
    page = html(response)
    assert "2 places left" in page
    assert "Full · 1 waiting" in page


def test_a_booked_court_shows_full_with_the_waitlist_offer(world, client):
    book(world.worker2, world.venue_a)
    response = client.get(book_url(world.venue_a, date=TUESDAY))
    slots = {s.at: s for s in response.context["slots"]}
    assert slots["10:00"].state == "full"
    assert "join the waitlist" in html(response)


def test_closed_day_shows_the_reason(world, client):
    Closure.objects.create(
        palace=world.palace_a,
        start_date=TODAY + timedelta(days=1),
        end_date=TODAY + timedelta(days=1),
        reason="消防演练",
    )
    response = client.get(book_url(world.venue_a, date=TUESDAY))
    page = html(response)
    assert "Closed: 消防演练" in page
    assert response.context["slots"] == []
    tab = next(t for t in response.context["tabs"] if t.day.isoformat() == TUESDAY)
    assert tab.closed


def test_a_day_beyond_the_window_says_when_it_opens(world, client):
    day = TODAY + timedelta(days=8)
    response = client.get(book_url(world.venue_a, date=day.isoformat()))
    assert all(s.state == "not_yet_open" and not s.selectable for s in response.context["slots"])
    assert "Booking for this day opens at 08:00 on November 24." in html(response)


def test_past_slots_cannot_be_tapped(world, client):
    with mock.patch("django.utils.timezone.now", return_value=at(0, 12, 30)):
        response = client.get(book_url(world.venue_a, date=TODAY.isoformat(), at="10:00"))
    states = [s.state for s in response.context["slots"]]
    assert states[:5] == ["past", "past", "past", "past", "open"]
    assert response.context["panel"] is None
    assert "That time has already begun." in html(response)


def test_members_only_times_are_closed_to_non_members_and_open_to_members(world, client):
    world.venue_a.member_only = True
    world.venue_a.save()
    sign_in(client, world.worker)
    response = client.get(book_url(world.venue_a, date=TUESDAY))
    assert {s.state for s in response.context["slots"]} == {"members_only"}
    assert "Members only" in html(response)
    sign_in(client, member(phone="13911112222"))
    response = client.get(book_url(world.venue_a, date=TUESDAY, at="10:00"))
    assert response.context["panel"]["members_only"]
    assert "This time is for trade-union members only." in html(response)


def test_a_suspended_worker_sees_the_banner_and_no_bookable_slot(world, client):
    Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=13),
        reason="30天内3次未到场",
    )
    sign_in(client, world.worker)
    response = client.get(book_url(world.venue_a, date=TUESDAY))
    page = html(response)
    assert "You cannot book until 2026-12-06" in page
    assert "30天内3次未到场" in page
    assert reverse("bookings:suspension") in page
    assert not any(s.selectable for s in response.context["slots"])


def test_the_workers_own_booking_is_marked_in_the_grid(world, client):
    mine = book(world.worker, world.venue_a)
    sign_in(client, world.worker)
    response = client.get(book_url(world.venue_a, date=TUESDAY))
    slots = {s.at: s for s in response.context["slots"]}
    assert slots["10:00"].state == "mine"
    assert reverse("bookings:detail", args=[mine.pk]) in html(response)


def test_tap_one_shows_date_fee_and_cancel_deadline_before_booking(world, client):
    world.venue_a.fee = 20
    world.venue_a.save()
    sign_in(client, world.worker)
    response = client.get(book_url(world.venue_a, date=TUESDAY, at="10:00"))
    panel = response.context["panel"]
    assert panel["deadline"] == at(1, 8)  # 2 hours before
    page = html(response)
    confirm = page.split('id="confirm"')[1]
    assert "Tuesday November 24" in confirm
    assert "10:00–11:00" in confirm
    assert "¥20, paid at the palace" in confirm
    assert "Cancel until</dt>" in confirm
    assert "November 24 08:00" in confirm
    # A court may be booked for up to two consecutive slots.
    assert [e["value"] for e in panel["ends"]] == ["11:00", "12:00"]


def test_grid_query_count_does_not_grow_with_bookings(world, client, django_assert_max_num_queries):
    gym = shared_venue(world.palace_a, capacity=40, max_party=1)
    sign_in(client, world.worker)
    for n in range(60):
        write_booking(UserFactory(), gym, at(1, 9 + n % 12), status=S.CONFIRMED)
        write_booking(UserFactory(), world.venue_a, at(1 + n % 7, 9 + n % 12), status=S.WAITLISTED)
    write_booking(world.worker, gym, at(1, 20))
    with django_assert_max_num_queries(10):
        response = client.get(book_url(gym, date=TUESDAY, at="10:00"))
    assert response.status_code == 200
    with django_assert_max_num_queries(10):
        client.get(reverse("bookings:availability", args=[world.venue_a.pk]), HTTP_HX_REQUEST="true")


def _window(palace):
    """A legal-aid window (appointments): slots only while someone is on duty."""
    window = VenueFactory(palace=palace, kind="legal_aid_window")
    for weekday in range(7):
        DutyShift.objects.create(
            palace=palace, venue=window, person="张律师", weekday=weekday, starts=time(9), ends=time(17)
        )
    return window


@pytest.mark.parametrize("mode", ["exclusive", "shared", "appointment"])
def test_venue_page_and_grid_read_as_many_queries_for_a_booked_up_fortnight(world, client, mode):
    """Issue 13: the venue page with its grid, and the grid alone (htmx), as a signed-in worker:
    at most ten queries, as many with a fortnight of bookings, waits, closures and duty as without
    (the grid looks for the first free day among three, whatever they hold)."""
    venue = {
        "exclusive": lambda: world.venue_a,
        "shared": lambda: shared_venue(world.palace_a, capacity=2, max_party=1),
        "appointment": lambda: _window(world.palace_a),
    }[mode]()
    sign_in(client, world.worker)
    pages = [
        lambda: client.get(reverse("venues:venue_detail", args=[venue.pk])),
        lambda: client.get(reverse("bookings:availability", args=[venue.pk]), HTTP_HX_REQUEST="true"),
        lambda: client.get(book_url(venue, date=TUESDAY, at="10:00")),
    ]
    small = [queries_of(page) for page in pages]
    for days in range(0, 14):
        for hour in range(9, 20):
            write_booking(UserFactory(), venue, at(days, hour), status=S.CONFIRMED)
            write_booking(UserFactory(), venue, at(days, hour), status=S.WAITLISTED)
        write_booking(world.worker, venue, at(days, 20), status=S.CONFIRMED)
        Closure.objects.create(
            palace=world.palace_a,
            venue=venue,
            start_date=TODAY + timedelta(days=days + 20),
            end_date=TODAY + timedelta(days=days + 20),
            reason="检修",
        )
    if mode == "appointment":
        for days in range(14):
            DutyShift.objects.create(
                palace=world.palace_a,
                venue=venue,
                person="李律师",
                date=TODAY + timedelta(days=days),
                starts=time(18),
                ends=time(20),
            )
    large = [queries_of(page) for page in pages]
    assert small == large


# --- Tap two: booking --------------------------------------------------------------------------------


def test_worker_books_a_court_in_two_taps(world, client):
    sign_in(client, world.worker)
    tap_one = client.get(book_url(world.venue_a, date=TUESDAY, at="10:00"))
    assert f'action="{book_url(world.venue_a)}"' in html(tap_one)
    assert not Booking.objects.exists()  # tap 1 only shows what booking it would be
    response = post_booking(client, world.venue_a, until="12:00")
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings:detail", args=[booking.pk])
    assert booking.status == S.CONFIRMED
    assert (booking.start, booking.end) == (at(1, 10), at(1, 12))
    detail = client.get(response["Location"])
    page = html(detail)
    assert "Booked: " in page
    assert booking.check_in_code in page
    assert reverse("bookings:qr", args=[booking.pk]) in page


def test_worker_books_places_in_a_shared_slot(world, client):
    gym = shared_venue(world.palace_a, capacity=5, max_party=3)
    sign_in(client, world.worker)
    response = post_booking(client, gym, party_size="2")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert booking.party_size == 2
    client.logout()
    assert html(client.get(book_url(gym, date=TUESDAY))).count("3 places left") == 1


def test_a_group_request_needs_a_purpose_and_waits_for_staff(world, client):
    hall = VenueFactory(palace=world.palace_a, kind="multi_function_hall")
    sign_in(client, world.worker)
    page = html(client.get(book_url(hall, date=TUESDAY, at="10:00")))
    for field in ('name="purpose"', 'name="organisation"', "Headcount"):
        assert field in page
    response = post_booking(client, hall, party_size="80", organisation="江铃工会")
    assert response.status_code == 400
    assert "Say what the venue is for." in html(response)
    assert 'value="江铃工会"' in html(response)  # what was typed is kept
    assert not Booking.objects.exists()
    response = post_booking(client, hall, party_size="80", purpose="职工合唱排练", organisation="江铃工会")
    booking = Booking.objects.get()
    assert booking.status == S.PENDING
    assert (booking.purpose, booking.organisation, booking.party_size) == ("职工合唱排练", "江铃工会", 80)
    assert "has been sent" in html(client.get(response["Location"]))


def test_an_appointment_takes_the_matter_and_keeps_it_out_of_the_pages(world, client):
    window = VenueFactory(palace=world.palace_a, kind="legal_aid_window")
    DutyShift.objects.create(
        palace=world.palace_a,
        venue=window,
        person="张律师",
        role="律师",
        weekday=1,
        starts=time(9),
        ends=time(12),
    )
    sign_in(client, world.worker)
    response = client.get(book_url(window, date=TUESDAY))
    assert len(response.context["slots"]) == 3
    assert 'name="matter"' in html(client.get(book_url(window, date=TUESDAY, at="09:00")))
    response = post_booking(client, window, at_="09:00")
    assert response.status_code == 400
    assert "Describe your matter" in html(response)
    response = post_booking(client, window, at_="09:00", matter="工资被拖欠三个月")
    booking = Booking.objects.get()
    assert AppointmentMatter.objects.get(booking=booking).text == "工资被拖欠三个月"
    detail = html(client.get(reverse("bookings:detail", args=[booking.pk])))
    assert "工资被拖欠三个月" not in detail
    assert "Sent to the service staff of the palace only." in detail


def test_a_full_slot_joins_the_waitlist_and_shows_the_position(world, client):
    book(world.worker2, world.venue_a)
    book(UserFactory(), world.venue_a, waitlist=True)
    sign_in(client, world.worker)
    panel = client.get(book_url(world.venue_a, date=TUESDAY, at="10:00")).context["panel"]
    assert panel["waitlist"]
    assert panel["position"] == 2
    response = post_booking(client, world.venue_a, until="11:00", waitlist="on")
    mine = Booking.objects.get(user=world.worker)
    assert mine.status == S.WAITLISTED
    assert "number 2 on the waitlist" in html(client.get(response["Location"]))
    assert "You are number 2 on the waitlist." in html(client.get(reverse("bookings:my_bookings")))


@pytest.mark.parametrize(
    ("setup", "fields", "message", "status"),
    [
        ("taken", {}, "Someone has just booked this time.", 409),
        ("suspended", {}, "Your booking is suspended until 2026-12-06", 409),
        ("members_only", {}, "This is for trade-union members only.", 409),
        ("limit", {}, "You already have 1 active bookings", 409),
        ("already", {"until": "11:00"}, "You already have a booking at this time here.", 409),
        (
            "beyond",
            {"day": (TODAY + timedelta(days=9)).isoformat()},
            "Booking for that day is not open yet",
            409,
        ),
        ("tampered", {"at_": "10:17", "until": "11:17"}, "The venue has no slot at that time", 409),
        ("vanished", {}, "not offered on this day any more", 409),
        ("garbage", {"day": "someday"}, "Check the details and try again.", 400),
    ],
)
def test_each_refusal_shows_its_message_and_changes_nothing(world, client, setup, fields, message, status):
    venue = world.venue_a
    if setup == "taken":
        book(world.worker2, venue)
    elif setup == "suspended":
        Suspension.objects.create(
            user=world.worker,
            starts_at=NOW - timedelta(days=1),
            ends_at=NOW + timedelta(days=13),
            reason="未到场",
        )
    elif setup == "members_only":
        venue.member_only = True
        venue.save()
    elif setup == "limit":
        set_rule(venue, max_active=1)
        book(world.worker, venue, hour=15)
    elif setup == "already":
        book(world.worker, venue)
    elif setup == "vanished":
        Closure.objects.create(
            palace=world.palace_a,
            start_date=TODAY + timedelta(days=1),
            end_date=TODAY + timedelta(days=1),
            reason="停电",
        )
    before = list(Booking.objects.values_list("pk", "status"))
    sign_in(client, world.worker)
    response = post_booking(client, venue, **fields)
    assert response.status_code == status
    assert message in html(response)
    assert list(Booking.objects.values_list("pk", "status")) == before


def test_a_slot_filled_meanwhile_offers_the_waitlist_in_the_answer(world, client):
    sign_in(client, world.worker)
    client.get(book_url(world.venue_a, date=TUESDAY, at="10:00"))
    book(world.worker2, world.venue_a)  # someone else was quicker
    response = post_booking(client, world.venue_a, until="11:00")
    assert response.status_code == 409
    assert response.context["panel"]["waitlist"]
    assert "Join the waitlist" in html(response)


# --- My bookings -------------------------------------------------------------------------------------


def test_my_bookings_needs_sign_in(world, client):
    response = client.get(reverse("bookings:my_bookings"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))


def test_my_bookings_lists_upcoming_and_past_with_codes_and_reasons(world, client):
    confirmed = book(world.worker, world.venue_a)
    waiting_for = book(world.worker2, world.venue_a, days=2)
    waiting = book(world.worker, world.venue_a, days=2, waitlist=True)
    declined = write_booking(
        world.worker, world.venue_a, at(-3, 10), status=S.DECLINED, decision_reason="场地维修"
    )
    other = book(world.worker2, world.venue_b)
    sign_in(client, world.worker)
    response = client.get(reverse("bookings:my_bookings"))
    page = html(response)
    assert [i.booking for i in response.context["upcoming"]] == [confirmed, waiting]
    assert [row.pk for row in response.context["past"]] == [declined.pk]
    assert confirmed.check_in_code in page
    assert reverse("bookings:qr", args=[confirmed.pk]) in page
    assert reverse("bookings:qr", args=[waiting.pk]) not in page
    assert f"/api/v1/bookings/{confirmed.pk}/ics/" in page
    # A waitlisted place may never come: no calendar entry that would block the time.
    assert f"/api/v1/bookings/{waiting.pk}/ics/" not in page
    assert "You are number 1 on the waitlist." in page
    assert "场地维修" in page
    assert reverse("bookings:detail", args=[other.pk]) not in page
    assert waiting_for.check_in_code not in page


def test_my_bookings_past_lines_show_local_time_palace_status_and_reason(world, client):
    """The past list is read as tuples, not bookings: each line still says where, when (local
    time), how it ended and why."""
    declined = write_booking(
        world.worker, world.venue_a, at(-3, 19, 30), status=S.DECLINED, decision_reason="场地维修"
    )
    write_booking(world.worker, world.venue_b, at(-5, 9), status=S.NO_SHOW)
    sign_in(client, world.worker)
    page = html(client.get(reverse("bookings:my_bookings")))
    assert f"2026-11-20 19:30–20:30 · {world.palace_a.name}" in page
    assert f"2026-11-18 09:00–10:00 · {world.venue_b.palace.name}" in page
    assert page.index("2026-11-20 19:30") < page.index("2026-11-18 09:00")  # the latest first
    assert reverse("bookings:detail", args=[declined.pk]) in page
    assert "Reason: 场地维修" in page
    assert '<span class="badge badge-red">declined</span>' in page
    assert '<span class="badge badge-red">no-show</span>' in page


def test_my_bookings_query_count_does_not_grow_with_bookings(world, client, django_assert_max_num_queries):
    venues = [VenueFactory(palace=world.palace_a, kind="karaoke", name=f"K{n}") for n in range(8)]
    for n in range(40):
        venue = venues[n % 8]
        write_booking(world.worker, venue, at(-1 - n, 10), status=S.CHECKED_IN)
        write_booking(
            world.worker,
            venue,
            at(1 + n % 6, 9 + n // 6),
            status=(S.CONFIRMED, S.WAITLISTED, S.PENDING)[n % 3],
        )
    sign_in(client, world.worker)
    client.get(reverse("bookings:my_bookings"))  # the calendar feed is made on the first visit
    with django_assert_max_num_queries(9):
        response = client.get(reverse("bookings:my_bookings"))
    assert len(response.context["upcoming"]) == 40
    assert len(response.context["past"]) == 20


def test_my_bookings_reads_as_many_queries_for_many_bookings_of_every_kind(world, client):
    """Issue 13: a worker's page, at most ten queries, as many with forty bookings of eight venues
    in every state (past, upcoming, waiting, pending, cancelled) as with one."""
    venues = [VenueFactory(palace=world.palace_a, kind="karaoke", name=f"K{n}") for n in range(8)]
    # One of each kind the page shows: upcoming, waiting (its position is read), past.
    write_booking(world.worker, venues[0], at(1, 10))
    write_booking(world.worker, venues[1], at(1, 10), status=S.WAITLISTED)
    write_booking(world.worker, venues[0], at(-1, 10), status=S.CHECKED_IN)
    sign_in(client, world.worker)
    client.get(reverse("bookings:my_bookings"))  # the calendar feed is made on the first visit
    small = queries_of(lambda: client.get(reverse("bookings:my_bookings")))
    for n in range(40):
        venue = venues[n % 8]
        write_booking(
            world.worker, venue, at(-2 - n, 10), status=(S.CHECKED_IN, S.NO_SHOW, S.CANCELLED)[n % 3]
        )
        write_booking(
            world.worker,
            venue,
            at(1 + n % 6, 9 + n // 6),
            status=(S.CONFIRMED, S.WAITLISTED, S.PENDING)[n % 3],
        )
        write_booking(UserFactory(), venue, at(8 + n % 6, 9 + n // 6), status=S.CONFIRMED)
    assert queries_of(lambda: client.get(reverse("bookings:my_bookings"))) == small


def test_an_offer_shows_its_expiry_and_can_be_accepted(world, client):
    holder = book(world.worker2, world.venue_a)
    waiting = book(world.worker, world.venue_a, waitlist=True)
    booking_cancel(actor=world.worker2, booking=holder, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == S.OFFERED
    sign_in(client, world.worker)
    page = html(client.get(reverse("bookings:my_bookings")))
    assert "Accept it before 08:30 on November 23" in page
    response = client.post(reverse("bookings:accept", args=[waiting.pk]))
    assert response["Location"] == reverse("bookings:detail", args=[waiting.pk])
    waiting.refresh_from_db()
    assert waiting.status == S.CONFIRMED


def test_an_expired_offer_cannot_be_accepted(world, client):
    offered = write_booking(
        world.worker, world.venue_a, at(1, 10), status=S.OFFERED, offer_expires_at=NOW - timedelta(minutes=1)
    )
    sign_in(client, world.worker)
    response = client.post(reverse("bookings:accept", args=[offered.pk]), follow=True)
    assert "The offer has expired." in html(response)
    offered.refresh_from_db()
    assert offered.status == S.OFFERED


def test_cancel_before_the_deadline_asks_first_then_cancels(world, client):
    booking = book(world.worker, world.venue_a)
    sign_in(client, world.worker)
    page = html(client.get(reverse("bookings:cancel", args=[booking.pk])))
    assert "You may cancel until 08:00 on November 24." in page
    assert f'action="{reverse("bookings:cancel", args=[booking.pk])}"' in page
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED  # the GET changed nothing
    response = client.post(reverse("bookings:cancel", args=[booking.pk]))
    assert response["Location"] == reverse("bookings:my_bookings")
    booking.refresh_from_db()
    assert booking.status == S.CANCELLED
    assert "Cancelled: " in html(client.get(response["Location"]))


def test_after_the_deadline_the_cancel_button_is_replaced_by_the_reason(world, client):
    booking = book(world.worker, world.venue_a, days=0, hour=9)  # starts in an hour; deadline 2 h
    sign_in(client, world.worker)
    card = html(client.get(reverse("bookings:my_bookings")))
    assert reverse("bookings:cancel", args=[booking.pk]) not in card
    assert "can be cancelled up to 120 minutes before the start" in card
    page = html(client.get(reverse("bookings:cancel", args=[booking.pk])))
    assert "This booking can no longer be cancelled" in page
    assert f'action="{reverse("bookings:cancel", args=[booking.pk])}"' not in page
    response = client.post(reverse("bookings:cancel", args=[booking.pk]), follow=True)
    assert "Bookings here can be cancelled up to 120 minutes before the start." in html(response)
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_leaving_the_waitlist_needs_no_deadline(world, client):
    book(world.worker2, world.venue_a, days=0, hour=9)
    waiting = book(world.worker, world.venue_a, days=0, hour=9, waitlist=True)
    sign_in(client, world.worker)
    assert "Leave the waitlist" in html(client.get(reverse("bookings:cancel", args=[waiting.pk])))
    client.post(reverse("bookings:cancel", args=[waiting.pk]))
    waiting.refresh_from_db()
    assert waiting.status == S.CANCELLED


@pytest.mark.parametrize("name", ["detail", "cancel", "qr"])
def test_booking_pages_are_the_owners_only(world, client, name):
    booking = book(world.worker, world.venue_a)
    url = reverse(f"bookings:{name}", args=[booking.pk])
    assert client.get(url).status_code == 302  # anonymous: sign in
    for other in (world.worker2, world.staff_a):
        sign_in(client, other)
        assert client.get(url).status_code == 404
    sign_in(client, world.worker)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["cancel", "accept"])
def test_another_workers_post_is_404_and_changes_nothing(world, client, name):
    booking = book(world.worker, world.venue_a)
    sign_in(client, world.worker2)
    assert client.post(reverse(f"bookings:{name}", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED


def test_qr_code_is_an_svg_of_the_check_in_code_for_the_owner_only(world, client):
    booking = book(world.worker, world.venue_a)
    sign_in(client, world.worker)
    response = client.get(reverse("bookings:qr", args=[booking.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    assert b"<svg" in response.content
    assert "private" in response["Cache-Control"]
    booking_cancel(actor=world.worker, booking=booking, now=NOW)
    assert client.get(reverse("bookings:qr", args=[booking.pk])).status_code == 404


def test_booking_detail_shows_place_time_and_check_in_window(world, client):
    booking = book(world.worker, world.venue_a)
    sign_in(client, world.worker)
    page = html(client.get(reverse("bookings:detail", args=[booking.pk])))
    for text in (world.venue_a.name, world.palace_a.name, world.palace_a.address, booking.check_in_code):
        assert text in page
    assert "Check in between 09:30 and 10:15" in page


@pytest.mark.parametrize("status", [S.WAITLISTED, S.PENDING, S.OFFERED])
def test_a_place_not_held_offers_no_calendar_entry(world, client, status):
    booking = write_booking(world.worker, world.venue_a, at(2, 10), status=status, offer_expires_at=at(1, 10))
    held = write_booking(world.worker, world.venue_a, at(3, 10), status=S.CONFIRMED)
    sign_in(client, world.worker)
    ics = f"/api/v1/bookings/{booking.pk}/ics/"
    assert ics not in html(client.get(reverse("bookings:detail", args=[booking.pk])))
    assert ics not in html(client.get(reverse("bookings:my_bookings")))
    assert f"/api/v1/bookings/{held.pk}/ics/" in html(client.get(reverse("bookings:detail", args=[held.pk])))


def test_resetting_the_calendar_feed_changes_its_address(world, client):
    sign_in(client, world.worker)
    first = client.get(reverse("bookings:my_bookings")).context["feed_url"]
    token = CalendarFeed.objects.get(user=world.worker).token
    assert first == f"http://testserver/calendar/{token}.ics"
    assert client.get(reverse("bookings:calendar_reset")).status_code == 405
    response = client.post(reverse("bookings:calendar_reset"))
    assert response["Location"] == reverse("bookings:my_bookings") + "#calendar"
    second = client.get(reverse("bookings:my_bookings")).context["feed_url"]
    assert second != first
    assert CalendarFeed.objects.get(user=world.worker).token in second


# --- Suspension and appeal -------------------------------------------------------------------------------


@pytest.fixture
def suspended(world):
    no_shows = [write_booking(world.worker, world.venue_a, at(-d, 10), status=S.NO_SHOW) for d in (3, 5, 9)]
    suspension = Suspension.objects.create(
        user=world.worker,
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=13),
        reason="30天内3次未到场",
    )
    suspension.no_shows.set(no_shows)
    return suspension


def test_suspension_page_shows_reason_end_date_and_the_no_shows(world, client, suspended):
    sign_in(client, world.worker)
    page = html(client.get(reverse("bookings:suspension")))
    assert "You cannot book until 2026-12-06 08:00" in page
    assert "30天内3次未到场" in page
    assert page.count(world.venue_a.name) == 3
    assert 'name="text"' in page


def test_an_appeal_is_sent_once_and_its_status_shown(world, client, suspended):
    sign_in(client, world.worker)
    response = client.post(reverse("bookings:suspension"), {"text": "   "})
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    response = client.post(reverse("bookings:suspension"), {"text": "那天加班，无法取消"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.suspension == suspended
    page = html(client.get(reverse("bookings:suspension")))
    assert "awaiting decision" in page
    assert 'name="text"' not in page
    response = client.post(reverse("bookings:suspension"), {"text": "再说一次"})
    assert "You have already appealed this suspension." in html(response)
    assert Appeal.objects.count() == 1


def test_suspension_page_of_a_worker_in_good_standing(world, client):
    sign_in(client, world.worker2)
    page = html(client.get(reverse("bookings:suspension")))
    assert "Your bookings are not suspended." in page
    assert client.post(reverse("bookings:suspension"), {"text": "?"}).status_code == 404


def test_my_bookings_shows_the_suspension_banner(world, client, suspended):
    sign_in(client, world.worker)
    page = html(client.get(reverse("bookings:my_bookings")))
    assert "You cannot book until 2026-12-06" in page
