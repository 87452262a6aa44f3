"""The error pages at 360 px: no sideways scroll, axe-clean, nothing from elsewhere."""

import pytest
from playwright.sync_api import Page

from .harness import assert_no_horizontal_scroll, check_accessibility, offsite_requests

# Like every live-server test here: keep the data migrations' rows across the flush.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.portal.error_urls"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]

PAGES = {
    "/nie-ma-takiej-strony/": (404, "Nie ma takiej strony"),
    "/test/zabronione/": (403, "Nie masz dostępu do tej strony"),
    "/test/podejrzane/": (400, "Nie udało się odczytać żądania"),
    "/test/blad/": (500, "Coś poszło nie tak po naszej stronie"),
}


def test_it_fits_every_error_page_in_360_px(mobile_page: Page, settings) -> None:  # type: ignore[no-untyped-def]
    settings.DEBUG = False
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    for path, (status, heading) in PAGES.items():
        response = mobile_page.goto(path, wait_until="load")
        assert response is not None and response.status == status, path
        assert mobile_page.locator("h1").inner_text().strip() == heading
        assert mobile_page.evaluate("document.scrollingElement.scrollWidth") <= 360, path
        assert_no_horizontal_scroll(mobile_page)
        check_accessibility(mobile_page)
        mobile_page.get_by_role("link", name="Strona główna portalu").click()
        mobile_page.wait_for_url("**/")
    assert offsite_requests(mobile_page) == []
