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
