"""Each entrance opens, says what it is, passes axe and loads nothing from elsewhere."""

import pytest
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

from .harness import assert_no_horizontal_scroll, visit

pytestmark = pytest.mark.browser

ENTRANCES = {
    "/": "Witamy w portalu",
    "/agent/logowanie/": "Logowanie agenta",
    "/oferta/": "Wejście do oferty",
    "/abonent/logowanie/": "Logowanie abonenta",
    "/partner/logowanie/": "Logowanie partnera",
}


@pytest.mark.parametrize(("path", "heading"), ENTRANCES.items(), ids=list(ENTRANCES))
def test_it_opens_each_entrance(
    page: Page, live_server: LiveServer, path: str, heading: str
) -> None:
    # Listened to here as well as in the harness, so this promise does not rest on it alone.
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    visit(page, path)

    assert page.locator("h1").inner_text().strip() == heading
    assert requested, "the listener saw no request at all"
    assert [url for url in requested if not url.startswith(f"{live_server.url}/")] == []


def test_it_fits_every_entrance_in_360_px(mobile_page: Page) -> None:
    for path in ENTRANCES:
        visit(mobile_page, path)
        assert_no_horizontal_scroll(mobile_page)


def test_it_reports_health_as_json(page: Page) -> None:
    response = page.goto("/healthz")

    assert response is not None and response.status == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_it_reaches_every_entrance_from_the_home_page(page: Page) -> None:
    visit(page, "/")

    for path, heading in ENTRANCES.items():
        if path == "/":
            continue
        page.get_by_role("link", name=heading, exact=True).click()
        page.wait_for_url(f"**{path}")
        assert page.locator("h1").inner_text().strip() == heading
        page.go_back()
