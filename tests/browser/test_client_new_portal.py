"""A new-portal client opens the e-mailed link, logs in with PESEL, reads, agrees, pays by BLIK."""

import pytest
from playwright.sync_api import Page, expect

from accounts.roles import Role
from offers.models import Offer

from ..conftest import make_user
from ..offers.client.conftest import PESEL, send
from ._client_flow import (
    accept_consents,
    download_documents,
    opens_with,
    pay_on_sandbox,
    policy_attachment,
)
from .harness import check_page, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_a_client_pays_by_blik_and_gets_the_policy_locked_with_the_pesel(page: Page) -> None:
    agent = make_user("agentka", Role.AGENT)
    sent = send(agent, "FM_T")

    visit(page, sent.link)
    page.wait_for_url("**/oferta/logowanie/")
    assert sent.token not in page.url
    page.get_by_label("Numer PESEL").fill(PESEL)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/oferta/szczegoly/")
    expect(page.locator("h1")).to_have_text(f"Oferta DMS {sent.offer.display_number}")
    expect(page.get_by_text("bez opłacenia w terminie nie ma polisy")).to_be_visible()
    assert PESEL not in page.content()
    check_page(page)

    names = download_documents(page)
    assert names[0] == f"Oferta_FM_T_{sent.offer.number:09d}.pdf"
    accept_consents(page)

    page.get_by_label("BLIK").check()
    page.get_by_role("button", name="Zapłać 406,00 zł").click()
    page.wait_for_url("**/platnosci/sandbox/**")
    pay_on_sandbox(page, blik_code="123456")

    page.wait_for_url("**/oferta/platnosc/wynik/")
    expect(page.locator("h1")).to_have_text("Dziękujemy — polisa wystawiona")
    check_page(page)
    offer = Offer.objects.get(pk=sent.offer.pk)
    assert offer.state == Offer.State.POLICY
    data = policy_attachment(offer.email)
    assert opens_with(data, PESEL)
    assert not opens_with(data, "")
    assert not opens_with(data, PESEL[-4:])


def test_an_expired_blik_code_is_explained_and_can_be_retried(page: Page) -> None:
    agent = make_user("agentka", Role.AGENT)
    sent = send(agent, "FM_T")
    visit(page, sent.link)
    page.get_by_label("Numer PESEL").fill(PESEL)
    page.get_by_role("button", name="Zaloguj").click()
    page.wait_for_url("**/oferta/szczegoly/")
    download_documents(page)
    accept_consents(page)
    page.get_by_role("button", name="Zapłać 406,00 zł").click()
    page.wait_for_url("**/platnosci/sandbox/**")

    pay_on_sandbox(page, blik_code="000000")

    expect(page.get_by_text("Kod BLIK wygasł").first).to_be_visible()
    check_page(page)
    assert Offer.objects.get(pk=sent.offer.pk).state == Offer.State.SENT
