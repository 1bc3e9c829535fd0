"""Issue 4 end to end on a phone: a worker finds a night-school course in the catalogue, enrols,
and sees it in My classes with its timetable and check-in code."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from activities.classes.services import course_create, course_publish, term_create
from bookings.models import Booking
from tests.factories import (
    OpeningHoursFactory,
    PalaceFactory,
    RegionFactory,
    StaffAssignmentFactory,
    UserFactory,
    VenueFactory,
)
from venues.models import Region, StaffAssignment

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-word-123"  # tests/factories.UserFactory


@pytest.fixture
def course(db):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="360100", name="南昌市", level=Region.Level.CITY, parent=province)
    palace = PalaceFactory(name="南昌市工人文化宫", level="city", region=city)
    for weekday in range(7):
        OpeningHoursFactory(palace=palace, weekday=weekday, opens=time(9), closes=time(21))
    staff = UserFactory(phone="13800000021", real_name="王小明")
    StaffAssignmentFactory(user=staff, role=StaffAssignment.Role.PALACE_STAFF, palace=palace)
    classroom = VenueFactory(palace=palace, name="职工课堂", kind="classroom")
    now = timezone.now()
    today = timezone.localdate()
    term = term_create(
        actor=staff,
        palace=palace,
        name="冬季职工夜校",
        starts_on=today,
        ends_on=today + timedelta(weeks=8),
        enrolment_opens=now - timedelta(days=1),
        enrolment_closes=now + timedelta(days=5),
        max_courses=2,
    )
    tomorrow = (today + timedelta(days=1)).weekday()
    course = course_create(
        actor=staff,
        term=term,
        title="书法入门",
        centre="education",
        venue=classroom,
        teacher="陈老师",
        weekdays=[tomorrow],
        starts_at=time(19),
        ends_at=time(21),
        capacity=20,
        selection="first_come",
        description="零基础，欢迎参加。",
    )
    return course_publish(actor=staff, course=course)


def sign_in(page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def test_worker_enrols_in_a_course_and_sees_it_in_my_classes(live_server, phone_page, course):
    worker = UserFactory(phone="13900000031", real_name="吴刚")
    page = phone_page
    sign_in(page, live_server.url, worker.phone)

    # The catalogue on a phone: the course's card, then its page.
    page.goto(f"{live_server.url}/classes/")
    card = page.locator(".course-card", has_text="书法入门")
    card.wait_for()
    assert "陈老师" in card.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    with page.expect_navigation():
        card.locator(f'a[href="/classes/{course.pk}/"]').click()
    assert "零基础，欢迎参加。" in page.locator("main").inner_text()

    # Enrol: back on the course's page with the message, the state and the check-in code.
    with page.expect_navigation():
        page.locator("form.signup-form button[type=submit]").click()
    booking = Booking.objects.get(user=worker, offering=course.offering)
    assert booking.status == Booking.Status.CONFIRMED
    assert page.url.endswith(f"/classes/{course.pk}/")
    page.locator(".message-success").wait_for()
    assert booking.check_in_code in page.locator(".my-state").inner_text()

    # My classes, through the phone's menu: the course with its code and QR, and the timetable.
    page.locator("[data-nav-toggle]").click()
    # "My classes" sits in the menu's 我的 group: open it first (a locator inside `has` is relative).
    group = page.locator("#site-nav details.nav-group", has=page.locator('a[href="/classes/mine/"]'))
    group.locator("summary").click()
    with page.expect_navigation():
        group.locator('a[href="/classes/mine/"]').click()
    item = page.locator(".signup-item", has_text="书法入门")
    item.wait_for()
    assert booking.check_in_code in item.inner_text()
    qr = item.locator(".booking-qr img")
    qr.wait_for()
    assert page.evaluate("() => document.querySelector('.booking-qr img').naturalWidth") > 0
    timetable = page.locator(".timetable")
    assert "书法入门" in timetable.inner_text()
    assert "19:00" in timetable.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
