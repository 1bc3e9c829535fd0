"""Issue 3 end to end on a phone: a worker books a court in two taps, sees the QR code, cancels."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from bookings.models import Booking
from tests.factories import OpeningHoursFactory, PalaceFactory, RegionFactory, UserFactory, VenueFactory
from venues.models import Region

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-word-123"  # tests/factories.UserFactory


@pytest.fixture
def court(db):
    province = RegionFactory(code="360000", name="江西省", level=Region.Level.PROVINCE)
    city = RegionFactory(code="360100", name="南昌市", level=Region.Level.CITY, parent=province)
    palace = PalaceFactory(name="南昌市工人文化宫", level="city", region=city)
    for weekday in range(7):
        OpeningHoursFactory(palace=palace, weekday=weekday, opens=time(9), closes=time(21))
    return VenueFactory(palace=palace, name="羽毛球馆1号场", kind="badminton")


def sign_in(page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def test_worker_books_a_court_sees_the_qr_code_and_cancels(live_server, phone_page, court):
    worker = UserFactory(phone="13900000011", real_name="吴刚")
    tomorrow = timezone.localdate() + timedelta(days=1)
    page = phone_page
    sign_in(page, live_server.url, worker.phone)

    # The venue page shows the bookings grid; a day tab swaps it (htmx) and updates the address.
    page.goto(f"{live_server.url}/venues/{court.pk}/")
    with page.expect_request(f"**/venues/{court.pk}/availability/?date={tomorrow.isoformat()}"):
        page.locator(".day-tab").nth(1).click()
    page.wait_for_url(f"**/venues/{court.pk}/?date={tomorrow.isoformat()}")
    page.wait_for_selector(f'.day-tab[aria-current="date"][href$="date={tomorrow.isoformat()}"]')

    # Tap 1: the first free time shows what booking it means, with the cancellation deadline.
    with page.expect_request("**/availability/?date=*&at=09:00"):
        page.locator(".slot-btn.is-open").first.click()
    panel = page.locator("#confirm")
    panel.wait_for()
    assert "09:00–10:00" in panel.inner_text()
    assert "07:00" in panel.inner_text()  # cancel until two hours before the start

    # Tap 2: book. The booking's page shows the QR code (a loaded image) and the code in text.
    with page.expect_navigation():
        panel.locator("button[type=submit]").click()
    booking = Booking.objects.get(user=worker)
    assert booking.status == Booking.Status.CONFIRMED
    assert page.url.endswith(f"/my/bookings/{booking.pk}/")
    qr = page.locator("img.qr-large")
    qr.wait_for()
    assert page.evaluate("() => document.querySelector('img.qr-large').naturalWidth") > 0
    assert qr.bounding_box()["width"] >= 200  # large enough to scan from the phone's screen
    assert page.locator(".checkin-code-large").inner_text().strip() == booking.check_in_code

    # Cancel: a confirmation step first, then back to My bookings with the booking cancelled.
    with page.expect_navigation():
        page.locator(f'a[href$="/my/bookings/{booking.pk}/cancel/"]').click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/my/bookings/")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert page.locator(".past-list").inner_text().count(court.name) == 1


def test_booking_works_without_javascript(live_server, open_page, court):
    worker = UserFactory(phone="13900000012", real_name="郑丽")
    page = open_page("phone", java_script_enabled=False)
    sign_in(page, live_server.url, worker.phone)

    # The venue page has the grid without JavaScript; every tap reloads it.
    page.goto(f"{live_server.url}/venues/{court.pk}/")
    with page.expect_navigation():
        page.locator(".day-tab").nth(1).click()
    with page.expect_navigation():
        page.locator(".slot-btn.is-open").first.click()
    with page.expect_navigation():
        page.locator("#confirm button[type=submit]").click()
    booking = Booking.objects.get(user=worker)
    assert booking.status == Booking.Status.CONFIRMED
    assert page.locator(".checkin-code-large").inner_text().strip() == booking.check_in_code
