from decimal import Decimal

import pytest
import time_machine

from invoicing.models import Invoice, InvoiceCounter, InvoiceEvent
from invoicing.services import Buyer, InvoiceError, InvoiceLine

from .conftest import AGENCY, at, issue

pytestmark = pytest.mark.django_db


def test_it_numbers_invoices_per_year_from_one(settings):
    with time_machine.travel(at("2026-12-31 23:59:59"), tick=False):
        first = issue("sms-topup:1")
        second = issue("sms-topup:2")
    with time_machine.travel(at("2027-01-01 00:00:00"), tick=False):
        third = issue("sms-topup:3")
    assert [first.number, second.number, third.number] == [
        "FV/2026/000001",
        "FV/2026/000002",
        "FV/2027/000001",
    ]
    assert third.issue_date.isoformat() == "2027-01-01"
    assert dict(InvoiceCounter.objects.values_list("year", "last_number")) == {2026: 2, 2027: 1}


def test_it_returns_the_same_invoice_for_the_same_topic():
    first = issue("partner-order:5")
    again = issue("partner-order:5")
    assert again.pk == first.pk
    assert Invoice.objects.count() == 1
    assert InvoiceCounter.objects.get().last_number == 1


def test_it_keeps_seller_and_buyer_as_they_were_at_issue(settings):
    settings.INVOICE_SELLER_NAME = "Sprzedawca Testowy S.A."
    invoice = issue()
    settings.INVOICE_SELLER_NAME = "Inna Nazwa S.A."
    invoice.refresh_from_db()
    assert invoice.seller_name == "Sprzedawca Testowy S.A."
    assert invoice.seller_nip == settings.INVOICE_SELLER_NIP
    assert invoice.seller_iban == settings.INVOICE_SELLER_IBAN
    assert (invoice.buyer_name, invoice.buyer_nip) == (AGENCY.name, "7251801126")
    assert list(invoice.events.values_list("kind", flat=True)) == [InvoiceEvent.Kind.ISSUED]


def test_it_dates_the_sale_by_the_payment_in_warsaw_time():
    with time_machine.travel(at("2026-03-02 00:10"), tick=False):
        invoice = issue(paid_at=at("2026-03-01 23:50"))
    assert invoice.sale_date.isoformat() == "2026-03-01"
    assert invoice.issue_date.isoformat() == "2026-03-02"


def test_it_compacts_a_formatted_buyer_nip():
    buyer = Buyer(name="Firma", address="ul. A 1, 00-001 Warszawa", nip="PL 725-180-11-26")
    assert issue(buyer=buyer).buyer_nip == "7251801126"


@pytest.mark.parametrize(
    ("buyer", "lines"),
    [
        (Buyer(name="Firma", address="ul. A 1, 00-001 Warszawa", nip="1234567890"), None),
        (AGENCY, [InvoiceLine(description="x", unit_net=Decimal(1), unit_gross=Decimal(1))]),
        (AGENCY, [InvoiceLine(description="x")]),
        (Buyer(name=" ", address="ul. A 1, 00-001 Warszawa"), None),
        (Buyer(name="Firma", address=""), None),
        (AGENCY, [InvoiceLine(description="x", unit_net=Decimal(1), vat_rate=22)]),
        (AGENCY, [InvoiceLine(description="x", unit_net=Decimal(1), quantity=Decimal(0))]),
        (AGENCY, [InvoiceLine(description="x", unit_net=Decimal(1), quantity=Decimal("0.0001"))]),
        (AGENCY, [InvoiceLine(description="x", unit_net=Decimal("0.00001"))]),
        (AGENCY, [InvoiceLine(description=" ", unit_net=Decimal(1))]),
        (
            AGENCY,
            [
                InvoiceLine(description="x", unit_net=Decimal(1)),
                InvoiceLine(description="y", unit_gross=Decimal(1)),
            ],
        ),
    ],
)
def test_it_refuses_what_no_invoice_may_say(buyer, lines):
    with pytest.raises(InvoiceError):
        issue("t:1", *(lines or []), buyer=buyer)
    assert not Invoice.objects.exists()
    assert not InvoiceCounter.objects.filter(last_number__gt=0).exists()


def test_it_refuses_an_unknown_payment_method():
    with pytest.raises(InvoiceError):
        issue(payment_method="cash")
    assert not Invoice.objects.exists()


def test_it_keeps_the_seller_numbers_compact_however_the_settings_spell_them(settings):
    settings.INVOICE_SELLER_NIP = "525-000-12-33"
    settings.INVOICE_SELLER_IBAN = "PL61 1090 1014 0000 0712 1981 2874"
    invoice = issue()
    assert (invoice.seller_nip, invoice.seller_iban) == (
        "5250001233",
        "PL61109010140000071219812874",
    )
