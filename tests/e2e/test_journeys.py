"""What people do first, end to end in a phone-sized browser."""

import re

import pytest
from django.core.management import call_command

from palace_portal.users import sms
from palace_portal.users.models import User
from venues.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _network_only(network_demo_only):
    """The network is what these tests look at; the bookings step is tested on its own."""


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--today", "2026-11-21", verbosity=0)


@pytest.fixture
def outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_worker_signs_up_with_a_code_sent_to_their_phone(live_server, phone_page, outbox):
    page = phone_page
    page.goto(live_server.url + "/accounts/signup/")

    page.fill("input[name=phone]", "138 1234 5678")
    page.click("button[name=send_code]")
    # htmx swaps only the status line; the message has been handed to the SMS backend.
    page.wait_for_function("() => document.querySelector('#code-status').textContent.trim() !== ''")
    assert len(outbox) == 1
    code = re.search(r"\b(\d{6})\b", outbox[0].text).group(1)

    page.fill("input[name=code]", code)
    page.fill("input[name=real_name]", "黄小梅")
    page.fill("input[name=password1]", "night-school-2026")
    page.fill("input[name=password2]", "night-school-2026")
    with page.expect_navigation():
        page.click("form.account-form button[type=submit]:not([name])")

    user = User.objects.get(phone="13812345678")
    assert user.real_name == "黄小梅"
    page.goto(live_server.url + "/accounts/profile/")
    assert "13812345678" in page.content()


def test_worker_finds_a_palace_and_its_venue_from_the_home_page(live_server, phone_page, demo):
    page = phone_page
    page.goto(live_server.url + "/")

    page.fill("input[name=q]", "瑞金")
    with page.expect_navigation():
        page.press("input[name=q]", "Enter")
    assert "/palaces/" in page.url
    page.locator("a", has_text="瑞金市工人文化宫").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().strip().startswith("瑞金市工人文化宫")

    page.locator(".centre-health a, .centre-culture a, .centre-education a").first.click()
    page.wait_for_load_state()
    assert "/venues/" in page.url
    # The venue page shows its week of slots (or the closure that replaces them).
    assert page.locator("#week-title").is_visible()


def test_provincial_officer_sees_the_published_figures(live_server, desktop_page, demo):
    page = desktop_page
    page.goto(live_server.url + "/network/")
    assert "/accounts/login/" in page.url

    page.fill("input[name=username]", "13800000006")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")

    assert page.url.endswith("/network/")
    stats = page.locator(".stat-value").all_inner_texts()
    assert [s.strip() for s in stats[:4]] == ["98", "83", "79%", "24"]
