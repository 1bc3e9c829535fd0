"""The page frame in a real browser: language, assets, CSP. Relies only on base.html's frame."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_home_page_is_chinese_and_switches_to_english_and_back(live_server, phone_page):
    page = phone_page
    page.goto(live_server.url + "/")
    assert _html_lang(page) == "zh-hans"

    # On a phone the menu is folded behind the toggle.
    switch_to_english = page.locator("form.lang-switch button[value='en']")
    assert switch_to_english.is_hidden()
    page.locator("[data-nav-toggle]").click()
    with page.expect_navigation():
        switch_to_english.click()
    assert _html_lang(page) == "en"

    page.locator("[data-nav-toggle]").click()
    with page.expect_navigation():
        page.locator("form.lang-switch button[value='zh-hans']").click()
    assert _html_lang(page) == "zh-hans"


def test_a_browser_language_the_portal_lacks_gets_chinese(live_server, open_page):
    page = open_page("desktop", locale="fr-FR")
    page.goto(live_server.url + "/")
    assert _html_lang(page) == "zh-hans"


def test_home_page_assets_all_load_from_the_portal_itself(live_server, desktop_page, page_watch):
    page = desktop_page
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")
    watch = page_watch[page]

    assert watch.foreign_requests(live_server.url) == []
    static = {url: status for url, status in watch.responses.items() if "/static/" in url}
    for asset in ("css/portal.css", "js/portal.js", "django_htmx/htmx-2.min.js", "img/favicon.svg"):
        assert any(url.endswith(asset) for url in static), f"{asset} was not requested"
    assert all(status == 200 for status in static.values()), static
    # The stylesheet really applies: at desktop width the menu toggle is hidden, the menu shown.
    assert page.locator("[data-nav-toggle]").is_hidden()
    assert page.locator("#site-nav").is_visible()


def test_watch_catches_csp_violations_and_console_errors(live_server, phone_page, page_watch):
    # The safety net the other browser tests rely on must itself work.
    page = phone_page
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "document.body.dataset.inline = 'ran'";
          document.head.append(script);
          console.error("deliberate error");
        }"""
    )
    page.wait_for_timeout(200)

    assert page.locator("body").get_attribute("data-inline") is None
    problems = page_watch[page].take_problems()
    assert any(p.startswith("CSP: script-src") for p in problems), problems
    assert any("deliberate error" in p for p in problems), problems
