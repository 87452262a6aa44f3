"""Browser-test fixtures: Debian's Chromium driven by Playwright against `live_server`.

    browser       session-wide headless Chromium; fails in one line if it is missing
    viewport      size used by `page` (desktop); a test may override it with
                  ``@pytest.mark.parametrize("viewport", [MOBILE])``
    page          fresh context per test whose base URL is the live server,
                  so ``page.goto("/oferta/")`` works
    mobile_page   the same at 360 px wide, with touch and mobile viewport rules
    new_page      factory for more pages in one test: ``new_page(viewport=MOBILE, mobile=True)``

Checks to run on the pages are in harness.py (`visit`, `check_page`, …). Every
test here gets the `browser` marker. A failed test leaves a full-page
screenshot of each of its pages in tests/browser/artifacts/.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

from .harness import DESKTOP, MOBILE, track

# Playwright's sync API keeps an asyncio loop running in this thread, and Django
# refuses ORM calls from a thread with a running loop; the tests' own ORM calls
# (fixtures that create users) are still plain synchronous code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Nothing may leave the machine: no update checks, sync, metrics or QUIC probes.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
HERE = Path(__file__).parent.resolve()

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test in this folder needs Chromium, so `-m "not browser"` must leave all of them out.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    # Fixture teardown runs before the teardown report exists, so the page
    # fixtures read the setup and call outcomes from here.
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: install it with `apt-get install chromium`.",
            pytrace=False,
        )
    instance = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield instance
    instance.close()


@pytest.fixture
def viewport() -> ViewportSize:
    return DESKTOP


@pytest.fixture
def new_page(
    browser: Browser, live_server: LiveServer, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh contexts; screenshot every one of them if the test fails."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def open_page(*, viewport: ViewportSize = DESKTOP, mobile: bool = False) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            is_mobile=mobile,
            has_touch=mobile,
            locale="pl-PL",
            timezone_id="Europe/Warsaw",
        )
        # Everything is local, so anything slower than this is a hang, not a slow network.
        context.set_default_timeout(5_000)
        page = context.new_page()
        track(page, live_server.url)
        contexts.append(context)
        pages.append(page)
        return page

    yield open_page

    reports = request.node.stash.get(_REPORTS, {})
    if any(report.failed for report in reports.values()):
        for number, page in enumerate(pages):
            _screenshot(page, request.node.nodeid, number)
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page], viewport: ViewportSize) -> Page:
    return new_page(viewport=viewport, mobile=viewport["width"] <= MOBILE["width"])


@pytest.fixture
def mobile_page(new_page: Callable[..., Page]) -> Page:
    return new_page(viewport=MOBILE, mobile=True)


def _screenshot(page: Page, nodeid: str, number: int) -> None:
    if page.is_closed():
        return
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", nodeid).strip("_")
    suffix = f"-{number}" if number else ""
    path = ARTIFACTS / f"{name}{suffix}.png"
    try:
        page.screenshot(path=path, full_page=True)
    except Exception as exc:  # a failed screenshot must never hide the test's own failure
        print(f"browser harness: no screenshot for {nodeid}: {exc}")
    else:
        print(f"browser harness: screenshot saved to {path}")
