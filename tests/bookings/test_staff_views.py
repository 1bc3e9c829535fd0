"""The palace desk (bookings/staff_views.py): who may open what, and what each page does.

"Now" is frozen at Monday 2026-11-23 09:45 (Asia/Shanghai) unless a test says otherwise: the
10:00 booking below is inside its check-in window (09:30–10:15).
"""

from datetime import time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bookings.models import Appeal, Booking, BookingRule, DutyShift, MatterRead, Suspension
from bookings.rules import rule_for
from bookings.services.staff import duty_shift_create
from tests.bookings.support import NOW, TODAY, at, book, shared_venue, write_booking
from tests.factories import StaffAssignmentFactory, UserFactory, VenueFactory
from venues.models import StaffAssignment, Venue

Status = Booking.Status
BACKEND = "django.contrib.auth.backends.ModelBackend"
DESK_NOW = NOW.replace(hour=9, minute=45)
MATTER = "公司拖欠工资三个月，想咨询仲裁"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _frozen():
    with mock.patch("django.utils.timezone.now", return_value=DESK_NOW):
        yield


def sign_in(client, user):
    if user is not None:
        client.force_login(user, backend=BACKEND)
    return client


@pytest.fixture
def desk(world):
    """Palace A's desk: a court booking at 10:00 today, a legal-aid window with a lawyer on duty
    Mondays 9–12 and an appointment with a confidential matter, a hall with a pending group
    request, and a suspension (with an open appeal) from a no-show at palace A. Palace B has a
    booking of its own."""
    d = world
    d.court_booking = book(d.worker, d.venue_a, days=0, hour=10, now=NOW)
    d.window = VenueFactory(palace=d.palace_a, name="法律援助窗口", kind="legal_aid_window")
    d.shift = duty_shift_create(
        actor=d.staff_a, venue=d.window, person="张律师", weekday=0, starts=time(9), ends=time(12), now=NOW
    )
    d.appointment = book(d.worker2, d.window, days=0, hour=11, matter=MATTER, now=NOW)
    d.hall = VenueFactory(palace=d.palace_a, name="多功能厅", kind="multi_function_hall")
    d.request = book(
        d.worker,
        d.hall,
        days=3,
        hour=14,
        hours=2,
        purpose="职工合唱排练",
        organisation="江铃工会",
        party_size=40,
    )
    d.b_booking = book(d.worker2, d.venue_b, days=0, hour=10, now=NOW)
    d.suspended = UserFactory(phone="13900000003", real_name="冯强")
    no_show = write_booking(d.suspended, d.venue_a, at(-2, 10), status=Status.NO_SHOW)
    d.suspension = Suspension.objects.create(
        user=d.suspended,
        starts_at=at(-1, 9),
        ends_at=at(13, 9),
        reason="3 bookings not attended within 30 days.",
    )
    d.suspension.no_shows.add(no_show)
    d.appeal = Appeal.objects.create(suspension=d.suspension, text="那天生病住院了")
    return d


def stored_rule(venue) -> BookingRule:
    """The rule in force as the database has it now (saved, or the kind's defaults)."""
    return rule_for(Venue.objects.get(pk=venue.pk))


def url(name, *args):
    return reverse(f"bookings_staff:{name}", args=args)


def palace_pages(d) -> dict[str, str]:
    """Every GET page that belongs to palace A."""
    a = d.palace_a.pk
    return {
        "today": url("today", a),
        "check_in": url("check_in", a),
        "requests": url("requests", a),
        "roster": url("roster", a),
        "shift_edit": url("shift_edit", a, d.shift.pk),
        "appointments": url("appointments", a),
        "booking": url("booking", a, d.court_booking.pk),
        "venues": url("venues", a),
        "rules": url("rules", d.venue_a.pk),
    }


PAGE_NAMES = [
    "today",
    "check_in",
    "requests",
    "roster",
    "shift_edit",
    "appointments",
    "booking",
    "venues",
    "rules",
]
# Who may open palace A's pages: its staff, its manager, provincial staff. Everyone else: 404.
ROLE_STATUS = {
    "staff_a": 200,
    "manager_a": 200,
    "province_officer": 200,
    "staff_b": 404,
    "manager_b": 404,
    "city_officer": 404,
    "worker": 404,
}


# --- Access matrix -------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", list(ROLE_STATUS))
def test_palace_pages_answer_by_role(desk, client, page, role):
    sign_in(client, getattr(desk, role))
    response = client.get(palace_pages(desk)[page])
    assert response.status_code == ROLE_STATUS[role]


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_palace_pages_send_anonymous_visitors_to_sign_in(desk, client, page):
    response = client.get(palace_pages(desk)[page])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("users:login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("staff_a", 200),
        ("manager_a", 200),
        ("staff_b", 200),
        ("province_officer", 200),
        ("city_officer", 404),
        ("worker", 404),
    ],
)
@pytest.mark.parametrize("name", ["home", "suspensions"])
def test_desk_home_and_suspensions_by_role(desk, client, name, role, status):
    sign_in(client, getattr(desk, role))
    assert client.get(url(name)).status_code == status


def writes(d) -> list[tuple[str, str, dict]]:
    """Every write on palace A's desk: (name, url, data) with valid data."""
    a = d.palace_a.pk
    return [
        ("check_in", url("check_in", a), {"code": d.court_booking.check_in_code}),
        ("request_decide", url("request_decide", a, d.request.pk), {"decision": "approve"}),
        (
            "roster",
            url("roster", a),
            {"venue": d.window.pk, "person": "王律师", "weekday": "2", "starts": "09:00", "ends": "12:00"},
        ),
        (
            "shift_edit",
            url("shift_edit", a, d.shift.pk),
            {"person": "别人", "weekday": "0", "starts": "09:00", "ends": "12:00"},
        ),
        ("shift_delete", url("shift_delete", a, d.shift.pk), {}),
        ("matter", url("matter", a, d.appointment.pk), {}),
        ("rules", url("rules", d.venue_a.pk), rule_form_data(d.venue_a, window_days=30)),
        ("suspension_lift", url("suspension_lift", d.suspension.pk), {"reason": "生病"}),
        ("appeal_decide", url("appeal_decide", d.suspension.pk), {"decision": "uphold", "reason": "生病"}),
    ]


def snapshot(d) -> tuple:
    """What the writes above would change."""
    d.court_booking.refresh_from_db()
    d.request.refresh_from_db()
    d.suspension.refresh_from_db()
    d.appeal.refresh_from_db()
    return (
        d.court_booking.status,
        d.request.status,
        list(DutyShift.objects.values_list("person", "weekday", "starts", "ends").order_by("pk")),
        MatterRead.objects.count(),
        stored_rule(d.venue_a).window_days,
        d.suspension.lifted_at,
        d.appeal.status,
    )


@pytest.mark.parametrize("role", ["staff_b", "manager_b", "city_officer", "worker"])
def test_writes_by_outsiders_answer_404_and_change_nothing(desk, client, role):
    sign_in(client, getattr(desk, role))
    before = snapshot(desk)
    for name, target, data in writes(desk):
        response = client.post(target, data)
        assert response.status_code == 404, name
    assert snapshot(desk) == before


def test_writes_by_anonymous_visitors_go_to_sign_in_and_change_nothing(desk, client):
    before = snapshot(desk)
    for name, target, data in writes(desk):
        response = client.post(target, data)
        assert response.status_code == 302, name
    assert snapshot(desk) == before


def test_writes_by_palace_staff_succeed(desk, client):
    sign_in(client, desk.staff_a)
    for name, target, data in writes(desk):
        if name in ("shift_delete",):
            continue  # the 11:00 appointment needs the shift; tested below
        response = client.post(target, data)
        assert response.status_code in (200, 302), name
    desk.court_booking.refresh_from_db()
    desk.request.refresh_from_db()
    desk.appeal.refresh_from_db()
    assert desk.court_booking.status == Status.CHECKED_IN
    assert desk.request.status == Status.CONFIRMED
    assert DutyShift.objects.filter(person="王律师", weekday=2).exists()
    assert DutyShift.objects.get(pk=desk.shift.pk).person == "别人"
    assert MatterRead.objects.count() == 1
    assert stored_rule(desk.venue_a).window_days == 30
    assert desk.appeal.status == Appeal.Status.UPHELD


def test_nav_links_to_the_desk_for_palace_roles_only(desk, client):
    sign_in(client, desk.staff_a)
    assert f'href="{url("home")}"' in client.get(reverse("home")).content.decode()
    client.logout()
    sign_in(client, desk.worker)
    assert f'href="{url("home")}"' not in client.get(reverse("home")).content.decode()
    client.logout()
    sign_in(client, desk.city_officer)
    assert f'href="{url("home")}"' not in client.get(reverse("home")).content.decode()


# --- Home and switcher ---------------------------------------------------------------------------


def test_home_shows_each_managed_palace_with_todays_figures(desk, client):
    book(UserFactory(), desk.venue_a, days=0, hour=15, now=NOW)
    Booking.objects.filter(pk=desk.court_booking.pk).update(status=Status.CHECKED_IN)
    sign_in(client, desk.staff_a)
    response = client.get(url("home"))
    items = response.context["items"]
    assert [item["palace"] for item in items] == [desk.palace_a]
    figures = items[0]["figures"]
    # Today at A: the court (checked in), the 15:00 court, the appointment.
    assert (figures["today"], figures["checked_in"], figures["pending"]) == (3, 1, 1)


def test_home_of_provincial_staff_lists_every_palace(desk, client):
    sign_in(client, desk.province_officer)
    response = client.get(url("home"))
    assert {item["palace"] for item in response.context["items"]} == {desk.palace_a, desk.palace_b}


def test_switcher_goes_to_the_same_page_of_another_managed_palace(desk, client):
    both = UserFactory(phone="13800000099")
    StaffAssignmentFactory(user=both, role=StaffAssignment.Role.PALACE_STAFF, palace=desk.palace_a)
    StaffAssignmentFactory(user=both, role=StaffAssignment.Role.PALACE_STAFF, palace=desk.palace_b)
    sign_in(client, both)
    page = client.get(url("requests", desk.palace_a.pk))
    assert {pk for pk, _name in page.context["switch_palaces"]} == {desk.palace_a.pk, desk.palace_b.pk}
    response = client.get(url("switch"), {"palace": desk.palace_b.pk, "to": "requests"})
    assert response["Location"] == url("requests", desk.palace_b.pk)
    # Staff of A only: no switcher, and B is out of reach.
    client.logout()
    sign_in(client, desk.staff_a)
    assert client.get(url("today", desk.palace_a.pk)).context["switch_palaces"] == []
    assert client.get(url("switch"), {"palace": desk.palace_b.pk}).status_code == 404


# --- Today ---------------------------------------------------------------------------------------


def test_today_lists_bookings_per_venue_masked_with_check_in_in_the_window(desk, client):
    later = book(UserFactory(), desk.venue_a, days=0, hour=15, now=NOW)
    sign_in(client, desk.staff_a)
    response = client.get(url("today", desk.palace_a.pk))
    html = response.content.decode()
    groups = {g["venue"].pk: g for g in response.context["groups"]}
    court_rows = {row.booking.pk: row for row in groups[desk.venue_a.pk]["rows"]}
    assert court_rows[desk.court_booking.pk].can_check_in
    assert not court_rows[later.pk].can_check_in
    assert html.count('name="back" value="today"') == 1
    assert desk.worker.masked_name in html
    assert desk.worker.masked_phone in html
    assert desk.worker.phone not in html
    assert desk.worker.real_name not in html
    # Palace B's booking, and the matter, stay out.
    assert desk.b_booking.check_in_code not in html
    assert MATTER not in html
    assert desk.appointment.pk in {row.booking.pk for row in groups[desk.window.pk]["rows"]}


def test_today_shows_no_shows_and_closed_check_in(desk, client):
    Booking.objects.filter(pk=desk.court_booking.pk).update(status=Status.NO_SHOW)
    sign_in(client, desk.staff_a)
    with mock.patch("django.utils.timezone.now", return_value=DESK_NOW + timedelta(hours=2)):
        response = client.get(url("today", desk.palace_a.pk))
    # 11:45: the court was marked a no-show; the 11:00 appointment's check-in closed at 11:15.
    assert response.context["totals"]["no_shows"] == 2
    assert response.context["totals"]["expected"] == 0
    rows = {row.booking.pk: row for group in response.context["groups"] for row in group["rows"]}
    assert rows[desk.appointment.pk].overdue
    assert not any(row.can_check_in for row in rows.values())
    html = response.content.decode()
    assert "badge-red" in html
    assert "check-in closed" in html


def test_today_rows_say_when_check_in_opens_when_it_was_done_and_how_many_come(desk, client):
    """The rows' texts are made in the view: each state's own line, the party, the row's link."""
    later = book(UserFactory(), desk.venue_a, days=0, hour=15, now=NOW)
    yoga = shared_venue(desk.palace_a, capacity=6)
    party = write_booking(UserFactory(), yoga, at(0, 11), party_size=3)
    done = write_booking(
        UserFactory(), yoga, at(0, 9), status=Status.CHECKED_IN, checked_in_at=at(0, 8).replace(minute=52)
    )
    sign_in(client, desk.staff_a)
    with translation.override("en"):
        response = client.get(url("today", desk.palace_a.pk))
    html = response.content.decode()
    rows = {row.booking.pk: row for group in response.context["groups"] for row in group["rows"]}

    opens = timezone.localtime(rows[later.pk].booking.start) - timedelta(
        minutes=rule_for(desk.venue_a).checkin_opens_minutes
    )
    assert rows[later.pk].note == f"from {opens:%H:%M}"
    assert f'<span class="meta small">from {opens:%H:%M}</span>' in html
    assert rows[done.pk].note == "08:52"
    assert rows[done.pk].state == "checked in"
    assert rows[party.pk].about == f"{party.user.masked_phone} · 3 people"
    assert f'<time datetime="{timezone.localtime(party.start).isoformat()}">11:00</time>–12:00' in html
    assert f'href="{reverse("bookings_staff:booking", args=[desk.palace_a.pk, party.pk])}"' in html


def test_today_of_another_day_and_a_bad_date(desk, client):
    sign_in(client, desk.staff_a)
    response = client.get(url("today", desk.palace_a.pk), {"date": (TODAY + timedelta(days=3)).isoformat()})
    assert response.context["day"] == TODAY + timedelta(days=3)
    assert [g["venue"] for g in response.context["groups"]] == [desk.hall]
    bad = client.get(url("today", desk.palace_a.pk), {"date": "2026-13-45"})
    assert bad.status_code == 400
    assert bad.context["day"] == TODAY


def test_today_query_count_does_not_grow_with_bookings(desk, client, django_assert_max_num_queries):
    gym = shared_venue(desk.palace_a, capacity=80, max_party=1)
    for _n in range(40):
        book(UserFactory(), gym, days=0, hour=18, now=NOW)
    sign_in(client, desk.staff_a)
    client.get(url("today", desk.palace_a.pk))  # rules are created on first use elsewhere
    with django_assert_max_num_queries(10) as captured:
        response = client.get(url("today", desk.palace_a.pk))
    assert response.context["totals"]["bookings"] == 42
    few = len(captured.captured_queries)
    for _n in range(20):
        book(UserFactory(), gym, days=0, hour=19, now=NOW)
    with django_assert_max_num_queries(few):
        client.get(url("today", desk.palace_a.pk))


# --- Check-in ------------------------------------------------------------------------------------


def test_check_in_page_has_the_code_field_and_the_camera_script(desk, client):
    sign_in(client, desk.staff_a)
    html = client.get(url("check_in", desk.palace_a.pk)).content.decode()
    assert 'name="code"' in html
    assert "autofocus" in html
    assert "js/checkin.js" in html
    assert "data-scan-start" in html
    assert "<script>" not in html
    assert "style=" not in html


def test_check_in_by_typed_code(desk, client):
    sign_in(client, desk.staff_a)
    typed = (
        " "
        + desk.court_booking.check_in_code.lower()[:4]
        + "-"
        + desk.court_booking.check_in_code.lower()[4:]
    )
    response = client.post(url("check_in", desk.palace_a.pk), {"code": typed})
    assert response.status_code == 200
    assert response.context["result"]["ok"]
    desk.court_booking.refresh_from_db()
    assert desk.court_booking.status == Status.CHECKED_IN
    assert desk.court_booking.checked_in_by == desk.staff_a
    html = response.content.decode()
    assert desk.venue_a.name in html
    assert desk.worker.masked_name in html
    assert desk.worker.real_name not in html


def test_check_in_outside_the_window_says_when_it_opens(desk, client):
    sign_in(client, desk.staff_a)
    with mock.patch("django.utils.timezone.now", return_value=NOW):  # 08:00, window opens 09:30
        response = client.post(url("check_in", desk.palace_a.pk), {"code": desk.court_booking.check_in_code})
    assert response.status_code == 409
    assert response.context["result"]["code"] == "not_checkin_time"
    assert "09:30" in response.content.decode()
    assert "10:15" in response.content.decode()
    desk.court_booking.refresh_from_db()
    assert desk.court_booking.status == Status.CONFIRMED


def test_check_in_twice_is_refused(desk, client):
    sign_in(client, desk.staff_a)
    client.post(url("check_in", desk.palace_a.pk), {"code": desk.court_booking.check_in_code})
    response = client.post(url("check_in", desk.palace_a.pk), {"code": desk.court_booking.check_in_code})
    assert response.status_code == 409
    assert response.context["result"]["code"] == "already_checked_in"
    assert "Already checked in" in response.content.decode()


def test_check_in_of_an_unknown_code_or_another_palaces_code(desk, client):
    both = UserFactory(phone="13800000098")
    StaffAssignmentFactory(user=both, role=StaffAssignment.Role.PALACE_STAFF, palace=desk.palace_a)
    StaffAssignmentFactory(user=both, role=StaffAssignment.Role.PALACE_STAFF, palace=desk.palace_b)
    sign_in(client, both)
    for code in ("ZZZZ2222", desk.b_booking.check_in_code):
        response = client.post(url("check_in", desk.palace_a.pk), {"code": code})
        assert response.status_code == 404
        assert response.context["result"]["code"] == "unknown_code"
    desk.b_booking.refresh_from_db()
    assert desk.b_booking.status == Status.CONFIRMED


def test_check_in_without_a_code_is_a_form_error(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(url("check_in", desk.palace_a.pk), {"code": "  "})
    assert response.status_code == 400
    assert "Enter the check-in code." in response.content.decode()


def test_check_in_from_the_day_list_goes_back_to_it(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(
        url("check_in", desk.palace_a.pk),
        {"code": desk.court_booking.check_in_code, "back": "today", "date": TODAY.isoformat()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url("today", desk.palace_a.pk) + f"?date={TODAY.isoformat()}"
    assert "Checked in" in response.content.decode()


# --- Group requests ------------------------------------------------------------------------------


def test_requests_list_purpose_organisation_and_headcount(desk, client):
    sign_in(client, desk.staff_a)
    html = client.get(url("requests", desk.palace_a.pk)).content.decode()
    assert "职工合唱排练" in html
    assert "江铃工会" in html
    assert ">40<" in html


def test_decline_needs_a_reason_and_changes_nothing(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(url("request_decide", desk.palace_a.pk, desk.request.pk), {"decision": "decline"})
    assert response.status_code == 400
    assert "Give the reason for declining" in response.content.decode()
    desk.request.refresh_from_db()
    assert desk.request.status == Status.PENDING
    response = client.post(
        url("request_decide", desk.palace_a.pk, desk.request.pk),
        {"decision": "decline", "reason": "当天已有演出"},
    )
    assert response.status_code == 302
    desk.request.refresh_from_db()
    assert (desk.request.status, desk.request.decision_reason) == (Status.DECLINED, "当天已有演出")


def test_a_conflicting_request_shows_the_conflict_and_cannot_be_approved(desk, client):
    other = book(UserFactory(), desk.hall, days=3, hour=15, hours=2, purpose="书法讲座")
    sign_in(client, desk.staff_a)
    client.post(url("request_decide", desk.palace_a.pk, desk.request.pk), {"decision": "approve"})
    page = client.get(url("requests", desk.palace_a.pk))
    row = next(r for r in page.context["rows"] if r["booking"].pk == other.pk)
    assert [b.pk for b in row["blocking"]] == [desk.request.pk]
    assert "Conflict: this time is already booked." in page.content.decode()
    response = client.post(url("request_decide", desk.palace_a.pk, other.pk), {"decision": "approve"})
    assert response.status_code == 409
    assert "Another booking already holds this time." in response.content.decode()
    other.refresh_from_db()
    assert other.status == Status.PENDING


def test_requests_query_count_does_not_grow(desk, client, django_assert_max_num_queries):
    for n in range(15):
        book(UserFactory(), desk.hall, days=4 + n % 3, hour=9 + n % 5 * 2, hours=2, purpose=f"活动{n}")
    sign_in(client, desk.staff_a)
    with django_assert_max_num_queries(11):
        response = client.get(url("requests", desk.palace_a.pk))
    assert len(response.context["rows"]) == 16


# --- Duty roster ---------------------------------------------------------------------------------


def test_roster_lists_weekly_shifts_and_adds_one(desk, client):
    sign_in(client, desk.manager_a)
    html = client.get(url("roster", desk.palace_a.pk)).content.decode()
    assert "张律师" in html
    response = client.post(
        url("roster", desk.palace_a.pk),
        {
            "venue": desk.window.pk,
            "person": "李律师",
            "role": "律师",
            "date": (TODAY + timedelta(days=2)).isoformat(),
            "starts": "14:00",
            "ends": "17:00",
        },
    )
    assert response.status_code == 302
    assert DutyShift.objects.filter(person="李律师", date=TODAY + timedelta(days=2)).exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"person": "李律师", "starts": "09:00", "ends": "12:00"}, "either a weekday"),
        ({"person": "李律师", "weekday": "1", "starts": "12:00", "ends": "09:00"}, "end after"),
        ({"person": "张律师", "weekday": "0", "starts": "11:00", "ends": "13:00"}, "already on duty"),
        ({"person": "", "weekday": "1", "starts": "09:00", "ends": "12:00"}, "This field is required."),
    ],
)
def test_roster_bad_input_shows_the_error_and_adds_nothing(desk, client, data, words):
    sign_in(client, desk.staff_a)
    response = client.post(url("roster", desk.palace_a.pk), {"venue": desk.window.pk, **data})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert DutyShift.objects.count() == 1


def test_roster_cannot_add_to_a_venue_that_is_not_a_service_window(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(
        url("roster", desk.palace_a.pk),
        {"venue": desk.venue_a.pk, "person": "李律师", "weekday": "1", "starts": "09:00", "ends": "12:00"},
    )
    assert response.status_code == 400
    assert DutyShift.objects.count() == 1


def test_removing_a_shift_booked_appointments_need_is_refused(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(url("shift_delete", desk.palace_a.pk, desk.shift.pk), follow=True)
    assert "would lose the person on duty" in response.content.decode()
    assert DutyShift.objects.filter(pk=desk.shift.pk).exists()


def test_editing_a_shift_shows_service_errors(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(
        url("shift_edit", desk.palace_a.pk, desk.shift.pk),
        {"person": "张律师", "weekday": "0", "starts": "09:00", "ends": "10:00"},
    )
    assert response.status_code == 409
    assert "would lose the person on duty" in response.content.decode()
    desk.shift.refresh_from_db()
    assert desk.shift.ends == time(12)


# --- Appointments and confidential matters -------------------------------------------------------


def test_the_matter_never_appears_on_lists_or_the_booking_page(desk, client):
    sign_in(client, desk.staff_a)
    a = desk.palace_a.pk
    for target in (
        url("appointments", a),
        url("today", a),
        url("booking", a, desk.appointment.pk),
        url("home"),
        url("requests", a),
    ):
        assert MATTER not in client.get(target).content.decode(), target
    assert MatterRead.objects.count() == 0


def test_reading_the_matter_shows_it_once_and_records_each_read(desk, client):
    sign_in(client, desk.staff_a)
    target = url("matter", desk.palace_a.pk, desk.appointment.pk)
    response = client.post(target)
    assert response.status_code == 200
    assert MATTER in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    client.post(target)
    reads = list(MatterRead.objects.order_by("pk"))
    assert [(r.reader, r.matter.booking_id) for r in reads] == [(desk.staff_a, desk.appointment.pk)] * 2
    # Reading is a POST: a GET of the same address is not allowed.
    assert client.get(target).status_code == 405
    assert MatterRead.objects.count() == 2


def test_others_cannot_read_the_matter(desk, client):
    for who in ("staff_b", "manager_b", "city_officer", "worker", "worker2", "suspended"):
        client.logout()
        sign_in(client, getattr(desk, who))
        response = client.post(url("matter", desk.palace_a.pk, desk.appointment.pk))
        assert response.status_code == 404
        assert MATTER not in response.content.decode()
    assert MatterRead.objects.count() == 0


def test_the_read_log_is_for_the_palace_manager(desk, client):
    sign_in(client, desk.staff_a)
    client.post(url("matter", desk.palace_a.pk, desk.appointment.pk))
    assert client.get(url("matter_reads", desk.palace_a.pk)).status_code == 404
    assert (
        "Reads of this matter"
        not in client.get(url("booking", desk.palace_a.pk, desk.appointment.pk)).content.decode()
    )
    client.logout()
    sign_in(client, desk.manager_a)
    log = client.get(url("matter_reads", desk.palace_a.pk))
    assert log.status_code == 200
    html = log.content.decode()
    assert desk.staff_a.real_name in html
    assert MATTER not in html
    detail = client.get(url("booking", desk.palace_a.pk, desk.appointment.pk)).content.decode()
    assert "Reads of this matter" in detail
    assert desk.staff_a.real_name in detail
    client.logout()
    sign_in(client, desk.manager_b)
    assert client.get(url("matter_reads", desk.palace_a.pk)).status_code == 404


def test_the_booking_page_shows_the_full_name_and_number_to_staff(desk, client):
    sign_in(client, desk.staff_a)
    html = client.get(url("booking", desk.palace_a.pk, desk.court_booking.pk)).content.decode()
    assert desk.worker.real_name in html
    assert desk.worker.phone in html
    assert client.get(url("booking", desk.palace_a.pk, desk.b_booking.pk)).status_code == 404


def test_appointments_query_count_does_not_grow(desk, client, django_assert_max_num_queries):
    for n in range(12):
        duty_shift_create(
            actor=desk.staff_a,
            venue=desk.window,
            person=f"律师{n}",
            weekday=0,
            starts=time(12),
            ends=time(18),
            now=NOW,
        )
    for n in range(12):
        book(UserFactory(), desk.window, days=0, hour=12 + n % 6, matter=f"事项{n}", now=NOW)
    sign_in(client, desk.staff_a)
    with django_assert_max_num_queries(10):
        response = client.get(url("appointments", desk.palace_a.pk))
    assert len(response.context["rows"]) == 13


# --- Rules ---------------------------------------------------------------------------------------


def rule_form_data(venue, **overrides) -> dict:
    rule = rule_for(venue)
    data = {}
    for name in (
        "window_days",
        "max_slots",
        "min_party",
        "max_party",
        "max_active",
        "max_per_day",
        "max_per_week",
        "cancel_deadline_minutes",
        "offer_minutes",
        "checkin_opens_minutes",
        "checkin_closes_minutes",
    ):
        data[name] = getattr(rule, name)
    data |= {
        "window_opens_at": rule.window_opens_at.strftime("%H:%M"),
        "member_hours_start": "",
        "member_hours_end": "",
        "slot_minutes": venue.slot_minutes,
        "capacity": venue.capacity,
        "fee": str(venue.fee),
    }
    if venue.member_only:
        data["member_only"] = "on"
    data.update(overrides)
    return data


def test_rules_page_explains_the_defaults(desk, client):
    sign_in(client, desk.staff_a)
    response = client.get(url("rules", desk.venue_b.pk))
    assert response.status_code == 404  # palace B's gym
    response = client.get(url("rules", desk.venue_a.pk))
    html = response.content.decode()
    assert "Default:" in html
    assert 'name="window_days"' in html
    assert 'name="capacity"' in html


def test_rules_of_a_shared_venue_leave_out_the_longest_booking(desk, client):
    gym = shared_venue(desk.palace_a, capacity=30, max_party=2)
    sign_in(client, desk.staff_a)
    assert 'name="max_slots"' not in client.get(url("rules", gym.pk)).content.decode()
    assert 'name="max_slots"' in client.get(url("rules", desk.venue_a.pk)).content.decode()


def test_rules_are_saved(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(
        url("rules", desk.venue_a.pk),
        rule_form_data(
            desk.venue_a,
            window_days=10,
            member_hours_start="18:00",
            member_hours_end="21:00",
            fee="20",
            member_only="on",
        ),
    )
    assert response.status_code == 302
    rule = BookingRule.objects.get(venue=desk.venue_a)
    desk.venue_a.refresh_from_db()
    assert (rule.window_days, rule.member_hours_start, rule.member_hours_end) == (10, time(18), time(21))
    assert (desk.venue_a.fee, desk.venue_a.member_only) == (20, True)


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"min_party": 3, "max_party": 2}, "cannot be smaller than the smallest party"),
        ({"window_days": 91}, "less than or equal to 90"),
        ({"member_hours_start": "20:00", "member_hours_end": "18:00"}, "must end after they start"),
        ({"member_hours_start": "20:00"}, "or neither"),
        ({"max_party": 9}, "capacity (4)"),
    ],
)
def test_bad_rules_show_the_error_and_change_nothing(desk, client, overrides, words):
    sign_in(client, desk.staff_a)
    before = BookingRule.objects.filter(venue=desk.venue_a).values().first()
    response = client.post(url("rules", desk.venue_a.pk), rule_form_data(desk.venue_a, **overrides))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert BookingRule.objects.filter(venue=desk.venue_a).values().first() == before


def test_capacity_below_places_taken_is_refused_on_the_page(desk, client):
    gym = shared_venue(desk.palace_a, capacity=3, max_party=3)
    book(desk.worker, gym, days=1, hour=10, party_size=3, now=NOW)
    sign_in(client, desk.staff_a)
    response = client.post(url("rules", gym.pk), rule_form_data(gym, capacity=2, max_party=2))
    assert response.status_code == 409
    assert "cannot go below the places already booked" in response.content.decode()
    gym.refresh_from_db()
    assert gym.capacity == 3


# --- Suspensions ---------------------------------------------------------------------------------


def test_suspensions_in_force_first_with_the_open_appeal(desk, client):
    old_no_show = write_booking(desk.worker, desk.venue_a, at(-40, 10), status=Status.NO_SHOW)
    ended = Suspension.objects.create(
        user=desk.worker, starts_at=at(-30, 9), ends_at=at(-16, 9), reason="旧的"
    )
    ended.no_shows.add(old_no_show)
    sign_in(client, desk.staff_a)
    response = client.get(url("suspensions"))
    rows = response.context["rows"]
    assert [r["suspension"].pk for r in rows] == [desk.suspension.pk, ended.pk]
    assert rows[0]["in_force"]
    assert not rows[1]["in_force"]
    assert "那天生病住院了" in response.content.decode()
    assert desk.suspended.phone not in response.content.decode()
    client.logout()
    sign_in(client, desk.staff_b)
    assert client.get(url("suspensions")).context["rows"] == []


def test_lifting_needs_a_reason(desk, client):
    sign_in(client, desk.staff_a)
    response = client.post(url("suspension_lift", desk.suspension.pk), {"reason": " "})
    assert response.status_code == 400
    desk.suspension.refresh_from_db()
    assert desk.suspension.lifted_at is None
    response = client.post(url("suspension_lift", desk.suspension.pk), {"reason": "误记"})
    assert response.status_code == 302
    desk.suspension.refresh_from_db()
    assert (desk.suspension.lifted_by, desk.suspension.lift_reason) == (desk.staff_a, "误记")


def test_deciding_an_appeal(desk, client):
    sign_in(client, desk.manager_a)
    bad = client.post(url("appeal_decide", desk.suspension.pk), {"decision": "reject"})
    assert bad.status_code == 400
    response = client.post(
        url("appeal_decide", desk.suspension.pk), {"decision": "reject", "reason": "无证明"}
    )
    assert response.status_code == 302
    desk.appeal.refresh_from_db()
    desk.suspension.refresh_from_db()
    assert (desk.appeal.status, desk.suspension.lifted_at) == (Appeal.Status.REJECTED, None)
    again = client.post(
        url("appeal_decide", desk.suspension.pk), {"decision": "uphold", "reason": "补充了证明"}
    )
    assert again.status_code == 409
    assert "already been decided" in again.content.decode()


def test_suspensions_query_count_does_not_grow(desk, client, django_assert_max_num_queries):
    for n in range(15):
        user = UserFactory()
        no_show = write_booking(user, desk.venue_a, at(-2, 9 + n % 10), status=Status.NO_SHOW)
        s = Suspension.objects.create(user=user, starts_at=at(-1, 9), ends_at=at(10, 9), reason="未到")
        s.no_shows.add(no_show)
        Appeal.objects.create(suspension=s, text=f"申诉{n}")
    sign_in(client, desk.staff_a)
    with django_assert_max_num_queries(8):
        response = client.get(url("suspensions"))
    assert len(response.context["rows"]) == 16


def test_home_query_count_does_not_grow(desk, client, django_assert_max_num_queries):
    for _n in range(15):
        book(UserFactory(), desk.venue_a, days=1 + _n % 5, hour=9 + _n // 5, now=NOW)
    sign_in(client, desk.province_officer)
    with django_assert_max_num_queries(8):
        client.get(url("home"))


def test_times_are_shown_in_the_palaces_time_zone(desk, client):
    sign_in(client, desk.staff_a)
    html = client.get(url("today", desk.palace_a.pk)).content.decode()
    assert timezone.localtime(desk.court_booking.start).strftime("%H:%M") == "10:00"
    assert ">10:00</time>" in html


def test_today_reads_as_many_queries_for_many_venues_of_every_mode(desk, client):
    """Issue 13: the staff's day view, at most ten queries, as many with twelve more venues of
    every booking mode, their bookings, check-ins, appointments on a second lawyer's shift and
    requests, as with the desk's one of each."""
    from tests.queries import queries_of

    sign_in(client, desk.staff_a)
    client.get(url("today", desk.palace_a.pk))  # rules are created on first use elsewhere
    small = queries_of(lambda: client.get(url("today", desk.palace_a.pk)))
    duty_shift_create(
        actor=desk.staff_a,
        venue=desk.window,
        person="李律师",
        weekday=0,
        starts=time(9),
        ends=time(12),
        now=NOW,
    )
    book(UserFactory(), desk.window, days=0, hour=9, matter=MATTER, now=NOW)
    book(UserFactory(), desk.window, days=0, hour=11, matter=MATTER, now=NOW)
    for n in range(4):
        court = VenueFactory(palace=desk.palace_a, kind="badminton", name=f"羽毛球{n}")
        yoga = shared_venue(desk.palace_a, capacity=10, max_party=1)
        hall = VenueFactory(palace=desk.palace_a, kind="multi_function_hall", name=f"厅{n}")
        for hour in (10, 14, 18):
            book(UserFactory(), court, days=0, hour=hour, now=NOW)
            book(UserFactory(), yoga, days=0, hour=hour, now=NOW)
        write_booking(UserFactory(), court, at(0, 9), status=Booking.Status.CHECKED_IN)
        write_booking(UserFactory(), hall, at(0, 15), status=Booking.Status.PENDING, party_size=30)
    assert queries_of(lambda: client.get(url("today", desk.palace_a.pk))) == small
