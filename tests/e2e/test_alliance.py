"""Issue 5 end to end: a palace's staff apply on a phone to host a provincial event, the
provincial union reviews and approves it (services: the review pages are the provincial
workspace's), and the public calendar on a desktop shows the event with its host."""

from datetime import timedelta

import pytest

from alliance import services
from alliance.models import HostingApplication
from tests.alliance.support import after_deadline, court, join, open_call

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pass-word-123"  # tests/factories.UserFactory


def sign_in(page, base_url: str, phone: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.fill("input[name=username]", phone)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")


def test_palace_applies_is_approved_and_the_calendar_shows_the_event(
    live_server, phone_page, desktop_page, page_watch, world
):
    join(world, world.palace_a, world.palace_b)
    call = open_call(world, title="全省职工篮球友谊赛")
    county_only = open_call(world, title="全省县级职工排舞联谊赛", eligibility={"levels": ["county"]})
    venue = court(world.palace_a)

    # Palace A's staff on a phone: the desk links the palace's alliance page.
    page = phone_page
    sign_in(page, live_server.url, world.staff_a.phone)
    page.goto(f"{live_server.url}/staff/")
    hub_url = f"/alliance/palace/{world.palace_a.pk}/"
    page.locator(f'a[href="{hub_url}"]').click()
    page.wait_for_url(f"**{hub_url}")
    # The county-level call says why the city-level palace cannot apply.
    ineligible = page.locator(".al-call.is-ineligible")
    assert ineligible.count() == 1
    assert "全省县级职工排舞联谊赛" in ineligible.inner_text()
    assert ineligible.locator(".al-verdict-no li").count() == 1
    assert not ineligible.locator(
        f'a[href$="/calls/{county_only.pk}/apply/"].btn:not(.btn-secondary)'
    ).count()

    page.locator(f'a.btn[href="{hub_url}calls/{call.pk}/apply/"]').click()
    page.wait_for_url(f"**/calls/{call.pk}/apply/")
    page.fill("textarea[name=plan]", "三天赛程，16支队伍，开幕式在室外广场")
    page.select_option("select[name=venue]", str(venue.pk))
    page.fill("input[name=capacity]", "300")
    page.fill("textarea[name=support]", "志愿者30人，医疗点一处")
    page.fill("input[name=requested_subsidy]", "500000")  # more than the whole budget
    event_day = call.starts_on + timedelta(days=10)
    page.fill("input[name=event_date]", event_day.isoformat())
    with page.expect_navigation():
        page.locator("form.al-form button[type=submit]").click()
    # The form comes back with the error on the subsidy, the rest kept.
    assert page.locator(".field.has-error input[name=requested_subsidy]").count() == 1
    assert page.input_value("textarea[name=plan]") == "三天赛程，16支队伍，开幕式在室外广场"
    assert not HostingApplication.objects.exists()
    # That page answered 400 (invalid input) on purpose: the only problem the browser saw (the
    # status and the console's note of it).
    problems = page_watch[page].take_problems()
    assert problems
    assert all("400" in problem and "/apply/" in problem for problem in problems)

    page.fill("input[name=requested_subsidy]", "40000")
    with page.expect_navigation():
        page.locator("form.al-form button[type=submit]").click()
    page.wait_for_url(f"**{hub_url}")
    assert page.locator(".al-application-submitted").count() == 1
    application = HostingApplication.objects.get()
    assert (application.palace, application.venue, application.event_date) == (
        world.palace_a,
        venue,
        event_day,
    )

    # The provincial union reviews and approves after the deadline.
    later = after_deadline(call)
    services.application_review(
        actor=world.province_officer, application=application, scores=[36, 27], now=later
    )
    services.application_decide(
        actor=world.province_officer,
        application=application,
        approve=True,
        event_title="2027年全省职工篮球友谊赛",
        now=later,
    )

    # The palace sees the decision.
    page.reload()
    assert page.locator(".al-application-approved").count() == 1

    # Anyone, on a desktop: the public calendar lists the event with its host.
    desk = desktop_page
    desk.goto(f"{live_server.url}/alliance/calendar/")
    event = desk.locator(".al-cal-event")
    assert event.count() == 1
    text = event.inner_text()
    assert "2027年全省职工篮球友谊赛" in text
    assert world.palace_a.name in text
    assert venue.name in text
    assert event.locator(f'time[datetime="{event_day.isoformat()}"]').count() == 1
    # The host's page shows its membership.
    event.locator(f'a[href="/palaces/{world.palace_a.pk}/"]').click()
    desk.wait_for_url(f"**/palaces/{world.palace_a.pk}/")
    assert desk.locator(".al-membership").count() == 1
