"""Steps shared by the two client browser tests (new and old portal)."""

import io

from django.core import mail
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from offers.evidence import CONSENTS

from .harness import check_page

DOCUMENTS = ("Oferta", "Ogólne warunki ubezpieczenia", "Regulamin płatności")
# The first PDF a server process renders loads WeasyPrint's fonts: seconds on a busy machine.
FIRST_PDF_TIMEOUT = 30_000


def download_documents(page: Page) -> list[str]:
    names = []
    for label in DOCUMENTS:
        with page.expect_download(timeout=FIRST_PDF_TIMEOUT) as download:
            page.get_by_role("link", name=f"Pobierz: {label}").click()
        names.append(download.value.suggested_filename)
    # client-offer.js marks each one as the portal records it: no reload needed.
    expect(page.locator(".documents .badge--ok")).to_have_count(3)
    return names


def accept_consents(page: Page) -> None:
    pay = page.get_by_role("button", name="Zapłać")
    expect(pay).to_be_disabled()
    for consent in CONSENTS:
        page.get_by_label(consent.text).check()
    page.get_by_role("button", name="Zapisz zgody").click()
    expect(page.locator(".alert--success", has_text="Zgody zaakceptowane")).to_be_visible()
    expect(pay).to_be_enabled()
    check_page(page)


def policy_attachment(to: str) -> bytes:
    message = next(m for m in mail.outbox if m.to == [to] and "Twoja polisa" in m.subject)
    return message.attachments[0][1]


def opens_with(data: bytes, password: str) -> bool:
    reader = PdfReader(io.BytesIO(data))
    return reader.is_encrypted and bool(reader.decrypt(password)) and len(reader.pages) > 0


def pay_on_sandbox(page: Page, *, blik_code: str = "") -> None:
    """Complete the sandbox's hosted page as a person would, and leave it."""
    check_page(page)
    if blik_code:
        page.get_by_label("Kod BLIK").fill(blik_code)
    with page.expect_navigation():
        page.get_by_role("button", name="Zapłać", exact=True).click()
