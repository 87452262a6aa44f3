"""The client's offer page follows the steps as they happen, and works without its script."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.roles import Role
from offers.client_services import CONSENTS
from offers.evidence import ConsentAcceptance, DocumentDownload

from ..conftest import make_user
from ..offers.client.conftest import PESEL, send
from ._client_flow import DOCUMENTS, FIRST_PDF_TIMEOUT
from .harness import check_page, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def _enter(page: Page) -> None:
    sent = send(make_user("agentka", Role.AGENT), "FM_T")
    page.goto(sent.link)
    page.get_by_label("Numer PESEL").fill(PESEL)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/oferta/szczegoly/")


def test_it_marks_each_download_and_enables_pay_without_a_reload(page: Page) -> None:
    _enter(page)
    check_page(page)
    page.evaluate("window.stillTheSamePage = true")
    pay = page.get_by_role("button", name="Zapłać")
    expect(pay).to_be_disabled()

    for number, label in enumerate(DOCUMENTS, start=1):
        item = page.locator(".documents li", has_text=label)
        expect(item.locator(".badge")).to_have_text("do pobrania")
        with page.expect_download(timeout=FIRST_PDF_TIMEOUT):
            page.get_by_role("link", name=f"Pobierz: {label}").click()
        expect(item.locator(".badge")).to_have_text("pobrano", timeout=FIRST_PDF_TIMEOUT)
        expect(page.locator(".documents .badge--ok")).to_have_count(number)
    assert DocumentDownload.objects.count() == 3
    expect(page.locator("#consents-wait")).to_be_hidden()
    expect(pay).to_be_disabled()

    for consent in CONSENTS:
        page.get_by_label(consent.text).check()
    page.get_by_role("button", name="Zapisz zgody").click()

    expect(pay).to_be_enabled()
    expect(page.get_by_text("Zgody zaakceptowane dla tej wersji oferty.")).to_be_visible()
    expect(page.locator("#pay-help")).to_be_hidden()
    assert page.evaluate("window.stillTheSamePage === true"), "the page was reloaded"
    assert ConsentAcceptance.objects.filter(code__in=[c.code for c in CONSENTS]).exists()
    check_page(page)
    pay.click()
    page.wait_for_url("**/platnosci/sandbox/**")


@pytest.fixture
def page_without_script(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="pl-PL"
    )
    context.set_default_timeout(5_000)
    yield context.new_page()
    context.close()


def test_it_works_without_its_script(page_without_script: Page) -> None:
    page = page_without_script
    _enter(page)
    for label in DOCUMENTS:
        with page.expect_download(timeout=FIRST_PDF_TIMEOUT):
            page.get_by_role("link", name=f"Pobierz: {label}").click()
    expect(page.locator(".documents .badge--ok")).to_have_count(0)  # nothing changes by itself
    page.reload()
    expect(page.locator(".documents .badge--ok")).to_have_count(3)
    for consent in CONSENTS:
        page.get_by_label(consent.text).check()
    page.get_by_role("button", name="Zapisz zgody").click()
    expect(page.locator(".alert--success", has_text="Zgody zapisane")).to_be_visible()
    expect(page.get_by_role("button", name="Zapłać")).to_be_enabled()


def test_the_script_is_a_static_file_allowed_by_the_csp(page: Page) -> None:
    _enter(page)
    scripts = page.locator("script[src$='js/client-offer.js']")
    expect(scripts).to_have_count(1)
    assert page.locator("script:not([src])").count() == 0
    visit(page, "/oferta/szczegoly/")
