"""axe-core over the main pages of every role, at 390 px (a phone) and 1280 px (a desktop): no
WCAG 2.1 A/AA violation of impact serious or critical.

The data is the access matrix's world (tests/access/world.py: one of every object a URL can point
at — a booking, a course, an event, a rating, a hosting application, a monthly ledger, an
evaluation …, all palace A's), built through the services, with the clock frozen at its "now".
One test per role; each signs in once (its session cookie) and opens its pages in one browser
context, every page at both widths. A failure lists every violation of every page of the role.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from alliance import services as alliance
from tests.access.world import build_access_world, frozen
from tests.alliance.support import apply, open_call
from tests.bookings.support import NOW
from tests.factories import UserFactory

from .axe import describe, serious_violations

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 1280)
HEIGHT = 844

Path = Callable[[object], str]


def url(name: str, *args: str | int) -> Path:
    """A page named by its route; each argument an attribute of the world whose pk it takes, or
    a literal string (a month) / int."""

    def build(w) -> str:
        values = [arg if isinstance(arg, int) or "-" in arg else getattr(w, arg).pk for arg in args]
        return reverse(name, args=values)

    return build


A = "palace_a"
OCTOBER = "2026-10"

PAGES: dict[str, list[tuple[str, Path]]] = {
    "anonymous": [
        ("home", url("home")),
        ("palace directory", url("venues:palace_list")),
        ("a palace", url("venues:palace_detail", A)),
        ("a venue", url("venues:venue_detail", "venue_a")),
        ("classes", url("classes:catalogue")),
        ("events", url("classes:events")),
        ("sign in", url("users:login")),
        ("sign up", url("users:signup")),
        ("API docs", url("api-docs")),
    ],
    "worker": [
        ("my bookings", url("bookings:my_bookings")),
        ("a booking", url("bookings:detail", "booking")),
        ("my classes", url("classes:mine")),
        ("a course", url("classes:course", "course")),
        ("my ratings", url("ratings:mine")),
        ("voice", url("voice:wishes")),
        ("profile", url("users:profile")),
    ],
    "staff_a": [
        ("staff desk", url("bookings_staff:home")),
        ("day view", url("bookings_staff:today", A)),
        ("activity ledger", url("activities:ledger", A)),
        ("ratings detail", url("ratings:staff", A)),
        ("terms", url("classes_staff:terms", A)),
        ("course management", url("classes_staff:course", A, "course")),
        ("voice inbox", url("voice_staff:inbox", A)),
        ("alliance hub", url("alliance:hub", A)),
    ],
    "manager_a": [
        ("palace ledgers", url("performance:palace_ledgers", A)),
        ("a monthly ledger", url("performance:ledger", A, OCTOBER)),
        ("a manual line", url("performance:line_edit", A, OCTOBER, "manual_line")),
        ("palace dashboard", url("performance:dashboard_palace", A)),
        ("an evaluation", url("performance:evaluation:evaluation", "evaluation")),
    ],
    "city_officer": [
        ("city dashboard", url("performance:dashboard_city", "city1")),
        ("rankings", url("performance:rankings")),
        ("ledger review", lambda w: reverse("performance:review") + f"?month={OCTOBER}"),
        ("alliance manage", url("alliance_manage:home")),
        ("calls", url("alliance_manage:calls")),
        ("an application", url("alliance_manage:application", "application")),
        ("a reviewed application", url("alliance_manage:application", "wide_application")),
        ("subsidies", url("alliance_manage:subsidies")),
        ("evaluation overview", url("performance:evaluation:overview")),
        ("an evaluation", url("performance:evaluation:evaluation", "evaluation")),
    ],
    "province_officer": [
        ("province dashboard", url("performance:dashboard_province")),
        ("network overview", url("venues:network_overview")),
        ("rankings", url("performance:rankings")),
        ("alliance manage", url("alliance_manage:home")),
        ("campaigns", url("alliance_manage:campaigns")),
        ("a call", url("alliance_manage:call", "call")),
        ("an application", url("alliance_manage:application", "application")),
        ("a reviewed application", url("alliance_manage:application", "wide_application")),
        ("evaluation league", lambda w: reverse("performance:evaluation:league") + "?year=2023"),
        ("evaluation schemes", url("performance:evaluation:schemes")),
    ],
    "superuser": [
        ("admin index", lambda w: reverse("admin:index")),
    ],
}

# A call judged on the demo's four criteria: its reviews' table is wider than a phone, so the
# application's page has a box that scrolls sideways (the keyboard must reach it).
DEMO_CRITERIA = [
    {"name": "赛事方案", "max": 35},
    {"name": "场地与设施", "max": 30},
    {"name": "组织保障能力", "max": 25},
    {"name": "经费预算", "max": 10},
]


def add_a_widely_reviewed_application(w) -> None:
    with mock.patch("django.utils.timezone.now", return_value=NOW - timedelta(days=40)):
        call = open_call(w, title="全省职工乒乓球邀请赛", criteria=DEMO_CRITERIA)
        application = apply(w, call)
    w.wide_application = alliance.application_review(
        actor=w.province_officer, application=application, scores=[30, 26, 20, 8]
    ).application


# Rules a page is excused from, with the reason; each entry names whose fix removes it.
# Rules turned off on one page, with the reason; none today (the API docs page carries its lang
# since templates/api/swagger_ui.html writes the whole document).
EXCUSED: dict[str, tuple[str, ...]] = {}


@pytest.fixture
def axe_world(settings, tmp_path):
    # The evaluation's evidence file is written under MEDIA_ROOT: a folder of this test's.
    settings.MEDIA_ROOT = tmp_path
    with frozen():
        w = build_access_world()
        add_a_widely_reviewed_application(w)
        w.superuser = UserFactory(phone="13700000000", real_name="管理员", is_staff=True, is_superuser=True)
        yield w


def session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


def wait_until_drawn(page, name: str) -> None:
    if name == "API docs":
        # Swagger UI draws the operations after fetching the schema.
        page.locator(".opblock").first.wait_for(timeout=15000)


@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violations(role, live_server, open_page, axe_world):
    page = open_page("desktop", viewport={"width": WIDTHS[0], "height": HEIGHT})
    if role != "anonymous":
        page.context.add_cookies([session_cookie(getattr(axe_world, role), live_server.url)])

    found: list[str] = []
    for name, path in PAGES[role]:
        address = path(axe_world)
        response = page.goto(live_server.url + address)
        # The page itself, not a sign-in page or an error: axe must look at what the role sees.
        assert response.ok, (name, address, response.status)
        assert address.split("?")[0] in page.url, (name, address, page.url)
        wait_until_drawn(page, name)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": HEIGHT})
            violations = serious_violations(page, disabled=EXCUSED.get(name, ()))
            found += describe(violations, f"{role} {name} {address} @{width}px")
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})

    assert not found, "axe found serious or critical WCAG 2.1 A/AA violations:\n" + "\n".join(found)


def test_a_table_wider_than_the_phone_is_a_named_tab_stop_that_the_arrow_keys_scroll(
    live_server, open_page, axe_world
):
    page = open_page("desktop", viewport={"width": 390, "height": HEIGHT})
    page.context.add_cookies([session_cookie(axe_world.province_officer, live_server.url)])
    page.goto(live_server.url + reverse("alliance_manage:application", args=[axe_world.wide_application.pk]))

    box = page.locator('section[aria-labelledby="reviews-title"] .table-wrap')
    assert box.get_attribute("tabindex") == "0"
    assert box.get_attribute("role") == "region"
    assert box.get_attribute("aria-labelledby") == "reviews-title"  # "评审"
    page.locator("#reviews-title").click()  # the keyboard starts just before the box
    page.keyboard.press("Tab")
    assert box.evaluate("(el) => el === document.activeElement")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=box.element_handle())

    # On a tablet the page has one column and the table fits: the box is no tab stop any more.
    # (At 1280 px the reviews share the width with the application and may scroll again.)
    page.set_viewport_size({"width": 860, "height": HEIGHT})
    page.wait_for_function("(el) => !el.hasAttribute('tabindex')", arg=box.element_handle())
    assert box.get_attribute("role") is None
