"""The back office works under the strict Content-Security-Policy too."""

import pytest
from django.core.management import call_command

from venues.demo.accounts import DEMO_PASSWORD
from venues.models import Palace

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _network_only(network_demo_only):
    """The network is what these tests look at; the bookings step is tested on its own."""


def test_palace_staff_edits_their_palace_in_the_back_office(live_server, desktop_page):
    call_command("seed_demo", "--today", "2026-11-21", verbosity=0)
    palace = Palace.objects.get(name="南昌市工人文化宫")
    page = desktop_page

    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", "13800000003")
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    page.goto(f"{live_server.url}/admin/venues/palace/{palace.pk}/change/")
    page.fill("input[name=phone]", "0791-86000000")
    with page.expect_navigation():
        page.click("input[name=_save]")

    palace.refresh_from_db()
    assert palace.phone == "0791-86000000"
    page.goto(f"{live_server.url}/admin/venues/venue/?palace__id__exact={palace.pk}")
    assert page.locator("#result_list tbody tr").count() == palace.venues.count()


def test_password_pages_of_the_back_office_break_no_rule_of_the_browser(live_server, desktop_page):
    """Under the CSP: no blocked inline style or script, no missing file (the page watch fails the
    test on any console error, CSP violation or 4xx)."""
    from tests.factories import UserFactory

    admin_user = UserFactory(phone="13700000000", real_name="管理员", is_staff=True, is_superuser=True)
    worker = UserFactory(phone="13900000001", real_name="吴刚")
    page = desktop_page
    page.goto(live_server.url + "/admin/login/")
    page.fill("input[name=username]", admin_user.phone)
    page.fill("input[name=password]", "pass-word-123")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    pages = ("/admin/password_change/", f"/admin/users/user/{worker.pk}/password/", "/admin/users/user/add/")
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.locator("input[type=submit]").first.is_visible()
