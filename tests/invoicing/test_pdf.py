import base64
import hashlib
import io
from decimal import Decimal

import pytest
from ksef_client.config import KsefClientOptions
from ksef_client.services.verification_link import VerificationLinkService
from pypdf import PdfReader

from invoicing import ksef
from invoicing.ksef import ksef_verification_url
from invoicing.pdf import invoice_pdf, invoice_pdf_filename
from invoicing.services import Buyer, InvoiceLine
from invoicing.tasks import invoice_ksef_submit_task

from .conftest import issue

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.replace("\xa0", " ").split())


def test_it_renders_what_the_law_asks_of_an_invoice(settings):
    invoice = issue(
        "sms-topup:7",
        InvoiceLine(description="Doładowanie konta SMS", unit_gross=Decimal("1234.56")),
    )
    data = invoice_pdf(invoice)
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    for expected in [
        "Faktura VAT FV/",
        invoice.number,
        "Data wystawienia:",
        "Data sprzedaży:",
        settings.INVOICE_SELLER_NAME,
        f"NIP: {settings.INVOICE_SELLER_NIP}",
        "NIP: 7251801126",
        "ul. Polna 1, 00-001 Warszawa",
        "Doładowanie konta SMS",
        "23%",
        "1 003,71",  # net
        "230,85",  # tax
        "1 234,56",  # gross
        "tysiąc dwieście trzydzieści cztery złote, pięćdziesiąt sześć groszy",
        settings.INVOICE_SELLER_IBAN,
        "Faktura jest ważna bez podpisów odbiorcy oraz wystawiającego",
    ]:
        assert expected in text, expected
    assert invoice_pdf_filename(invoice) == f"Faktura_FV_{invoice.year}_000001.pdf"


def test_it_shows_a_consumer_without_a_nip_and_lines_counted_from_net():
    consumer = Buyer(name="Jan Kowalski", address="ul. Leśna 3, 30-001 Kraków")
    invoice = issue(
        "partner-order:9",
        InvoiceLine(
            description="Program Rachmistrz", quantity=Decimal(2), unit_net=Decimal("99.99")
        ),
        InvoiceLine(description="Książka", unit_net=Decimal("10.00"), vat_rate=5),
        buyer=consumer,
    )
    text = text_of(invoice_pdf(invoice))
    assert "Jan Kowalski" in text
    assert text.count("NIP:") == 1  # the seller's only
    assert "199,98" in text and "46,00" in text and "245,98" in text  # the 23 % rate
    assert "10,00" in text and "0,50" in text and "10,50" in text  # the 5 % rate
    assert "256,48" in text  # gross of both


def test_it_prints_ksef_verification_code_once_accepted(ksef_fake, settings):
    invoice = issue()
    assert "KSeF" not in text_of(invoice_pdf(invoice))  # not in KSeF yet: no code
    invoice_ksef_submit_task(invoice.pk)
    invoice.refresh_from_db()
    url = ksef_verification_url(invoice)
    official = VerificationLinkService(
        KsefClientOptions(base_url="https://api-test.ksef.mf.gov.pl")
    ).build_invoice_verification_url(
        invoice.seller_nip,
        invoice.issue_date,
        base64.b64encode(hashlib.sha256(ksef.invoice_fa3_xml(invoice)).digest()).decode(),
    )
    assert url == official
    text = text_of(invoice_pdf(invoice)).replace(" ", "")
    assert invoice.ksef_number in text
    assert url in text


def test_it_prints_a_unit_price_finer_than_a_grosz():
    invoice = issue(
        "t:1",
        InvoiceLine(
            description="Wiadomość SMS", quantity=Decimal(1000), unit_net=Decimal("0.2358")
        ),
    )
    text = text_of(invoice_pdf(invoice))
    assert "0,2358" in text and "235,80" in text
