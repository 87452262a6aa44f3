"""Helpers that browser tests share; the fixtures that use them are in conftest.py.

    visit(page, path)            open a page on the live server, require a status
                                 below 400, then ``check_page(page)``
    check_page(page)             no off-site request, no console error (a CSP
                                 refusal is one), no serious/critical axe violation
    check_accessibility(page)    only the axe part (optionally limited to a selector)
    offsite_requests(page)       URLs this page asked of any host but the live server
    console_errors(page)         console errors and uncaught exceptions so far
    assert_no_horizontal_scroll(page)

Pages opened through the fixtures record requests and console errors from their
first moment, so a check made late still sees the whole history of the page.
"""

import weakref
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Page, Request, Response, ViewportSize

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
MOBILE: ViewportSize = {"width": 360, "height": 740}
FAILING_IMPACTS = frozenset({"serious", "critical"})

_axe = Axe()


@dataclass
class _PageLog:
    origin: str
    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_logs: "weakref.WeakKeyDictionary[Page, _PageLog]" = weakref.WeakKeyDictionary()


def track(page: Page, server_url: str) -> None:
    """Start recording the page's off-site requests and console errors."""
    log = _PageLog(origin=_origin(server_url))
    _logs[page] = log

    def on_request(request: Request) -> None:
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and (
            _origin(request.url) != log.origin
        ):
            log.offsite.append(request.url)

    def on_console(message: ConsoleMessage) -> None:
        # CSP refusals (an inline style or script without the nonce) arrive here.
        if message.type == "error":
            log.errors.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: log.errors.append(f"uncaught: {exc}"))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port}"


def _log(page: Page) -> _PageLog:
    try:
        return _logs[page]
    except KeyError:
        raise AssertionError("open pages with the page/new_page fixtures to track them") from None


def offsite_requests(page: Page) -> list[str]:
    return list(_log(page).offsite)


def console_errors(page: Page) -> list[str]:
    return list(_log(page).errors)


def check_accessibility(page: Page, *, selector: str | None = None) -> None:
    """Fail the test if axe-core finds a serious or critical violation on the page."""
    results = _axe.run(page, context=selector)
    violations: list[dict[str, Any]] = results.response["violations"]
    blocking = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
    if blocking:
        pytest.fail(
            f"axe found {len(blocking)} serious/critical violation(s) on {page.url}:\n"
            + "\n".join(_describe(v) for v in blocking),
            pytrace=False,
        )


def _describe(violation: dict[str, Any]) -> str:
    nodes = violation["nodes"]
    lines = [f"- [{violation['impact']}] {violation['id']}: {violation['help']}"]
    for node in nodes[:5]:
        target = " ".join(str(part) for part in node["target"])
        summary = " ".join(node.get("failureSummary", "").split())
        lines.append(f"    at {target}: {summary}")
        lines.append(f"      {node.get('html', '')[:200]}")
    if len(nodes) > 5:
        lines.append(f"    … and {len(nodes) - 5} more")
    lines.append(f"    see {violation['helpUrl']}")
    return "\n".join(lines)


def check_page(page: Page, *, accessibility: bool = True) -> None:
    """Check what every page must satisfy: local assets only, no CSP errors, axe."""
    offsite = offsite_requests(page)
    assert not offsite, f"{page.url} made requests to other hosts: {offsite}"
    errors = console_errors(page)
    assert not errors, f"console errors on {page.url}:\n" + "\n".join(errors)
    if accessibility:
        check_accessibility(page)


def visit(page: Page, path: str, *, accessibility: bool = True) -> Response:
    """Open `path` on the live server and run `check_page`; return the response."""
    response = page.goto(path, wait_until="load")
    assert response is not None, f"no response for {path}"
    assert response.status < 400, f"{path} answered {response.status}"
    check_page(page, accessibility=accessibility)
    return response


def assert_no_horizontal_scroll(page: Page) -> None:
    width = (page.viewport_size or DESKTOP)["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{page.url} scrolls sideways at {width} px: its content is {scroll_width} px wide"
    )
