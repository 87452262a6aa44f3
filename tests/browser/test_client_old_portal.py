"""An old-portal client enters with e-mail + access code, the file password, and pays by card."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from offers.models import Offer

from ..conftest import make_user
from ..offers.client.conftest import NIP, send
from ._client_flow import (
    accept_consents,
    download_documents,
    opens_with,
    pay_on_sandbox,
    policy_attachment,
)
from .harness import assert_no_horizontal_scroll, check_page, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_a_client_enters_with_the_access_code_and_pays_by_card(page: Page) -> None:
    agent = make_user("agentka", Role.AGENT)
    offer = send(agent, "POC_T").offer

    visit(page, "/oferta/")
    page.get_by_label("Adres e-mail").fill(offer.email)
    page.get_by_label("Kod dostępu").fill(offer.access_code)
    page.get_by_role("button", name="Zaloguj do oferty").click()
    page.wait_for_url("**/oferta/haslo/")
    check_page(page)
    page.get_by_label("Hasło do pliku").fill("1111")
    page.get_by_role("button", name="ZOBACZ OFERTĘ").click()
    expect(page.get_by_role("alert")).to_contain_text("Podane dane są nieprawidłowe")
    check_page(page)
    page.get_by_label("Hasło do pliku").fill(NIP[-4:])
    page.get_by_role("button", name="ZOBACZ OFERTĘ").click()
    page.wait_for_url("**/oferta/szczegoly/")
    assert NIP not in page.content()
    check_page(page)

    download_documents(page)
    accept_consents(page)
    page.get_by_label("Karta płatnicza").check()
    page.get_by_role("button", name="Zapłać").click()
    page.wait_for_url("**/platnosci/sandbox/**")
    pay_on_sandbox(page)

    page.wait_for_url("**/oferta/platnosc/wynik/")
    expect(page.locator("h1")).to_have_text("Dziękujemy — polisa wystawiona")
    offer.refresh_from_db()
    assert offer.state == Offer.State.POLICY
    data = policy_attachment(offer.email)
    assert opens_with(data, NIP[-4:])
    assert not opens_with(data, "0000")


def test_the_client_pages_fit_a_phone(mobile_page: Page) -> None:
    agent = make_user("agentka", Role.AGENT)
    sent = send(agent, "POC_T")

    visit(mobile_page, sent.link)
    mobile_page.wait_for_url("**/oferta/haslo/")
    assert_no_horizontal_scroll(mobile_page)
    mobile_page.get_by_label("Hasło do pliku").fill(NIP[-4:])
    mobile_page.get_by_role("button", name="ZOBACZ OFERTĘ").click()
    mobile_page.wait_for_url("**/oferta/szczegoly/")
    check_page(mobile_page)
    assert_no_horizontal_scroll(mobile_page)
