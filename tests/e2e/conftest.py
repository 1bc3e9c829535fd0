"""Browser tests: Debian's Chromium driven by pytest-playwright against Django's live_server.

Every test in this folder is marked `e2e` (run them with `make e2e` or `pytest -m e2e`). Pages are
opened through `phone_page` / `desktop_page` (or the `open_page` factory); each such page is
watched, and the test fails when the page logs a console error, throws, reports a Content-Security-
Policy violation or gets an error status (>= 400) for anything it requests.
"""

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# A browser in the province: Chinese first, China's time zone. Tests may override either.
REGION = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai"}

HERE = Path(__file__).resolve().parent

# Runs in every document before the page's own scripts (Playwright injects it through the
# DevTools protocol, so the page's CSP does not apply to it) and forwards CSP violations.
_REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__reportCspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`
  );
});
"""


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session", autouse=True)
def _allow_django_orm_beside_playwright():
    # Playwright's sync API keeps an event loop on the main thread, so Django refuses ORM calls
    # there (test data, transactional flush) unless told that this is intended. Browser tests only:
    # this fixture is only active once the first test of this folder runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"No Chromium at {CHROMIUM}: `apt-get install -y chromium` (never `playwright install`)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@dataclass
class PageWatch:
    """What one page did: every URL it requested, and every problem it ran into."""

    requests: list[str] = field(default_factory=list)
    responses: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def attach(self, page) -> None:
        page.expose_function("__reportCspViolation", lambda text: self.problems.append(f"CSP: {text}"))
        page.add_init_script(_REPORT_CSP_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", self._on_response)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text} ({message.location.get('url')})")

    def _on_request_failed(self, request) -> None:
        # A navigation cancels what the previous page still had in flight: not a fault.
        if request.failure != "net::ERR_ABORTED":
            self.problems.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response) -> None:
        self.responses[response.url] = response.status
        if response.status >= 400:
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def take_problems(self) -> list[str]:
        """Return the problems seen so far and forget them (for tests that provoke one on purpose)."""
        taken, self.problems = self.problems, []
        return taken

    def foreign_requests(self, origin: str) -> list[str]:
        """Requests that left `origin` (scheme://host:port); data: and blob: URLs stay in the page."""
        own = urlsplit(origin)
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in {"data", "blob", "about"}
            and (urlsplit(url).scheme, urlsplit(url).netloc) != (own.scheme, own.netloc)
        ]


@pytest.fixture
def page_watch() -> Iterator[dict]:
    """Maps each opened page to its PageWatch; fails the test if any watched page had a problem."""
    watches: dict = {}
    yield watches
    problems = [problem for watch in watches.values() for problem in watch.problems]
    if problems:
        pytest.fail("The browser reported problems:\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture
def open_page(new_context, page_watch):
    """Factory: `open_page("phone" | "desktop", **context_args)` returns a new, watched page.

    Use it rather than pytest-playwright's `page`: that one is an unwatched en-US desktop.
    """

    def _open(kind: str = "phone", **context_args):
        device = {"phone": PHONE, "desktop": DESKTOP}[kind]
        context = new_context(**{**REGION, **device, **context_args})
        page = context.new_page()
        watch = PageWatch()
        watch.attach(page)
        page_watch[page] = watch
        return page

    return _open


@pytest.fixture
def phone_page(open_page):
    """A 390×844 touch phone, the portal's main device."""
    return open_page("phone")


@pytest.fixture
def desktop_page(open_page):
    """A 1280 px wide desktop browser."""
    return open_page("desktop")
