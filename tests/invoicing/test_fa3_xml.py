"""The FA(3) document validates against the official schema that ksef-client ships."""

from decimal import Decimal

import pytest
import time_machine
from lxml import etree

from invoicing.ksef import FA3_NAMESPACE, invoice_fa3_filename, invoice_fa3_xml
from invoicing.models import Invoice
from invoicing.services import Buyer, InvoiceLine

from .conftest import at, issue

pytestmark = pytest.mark.django_db
NS = {"fa": FA3_NAMESPACE}
D4 = Decimal("0.2358")  # a net price per SMS part


def valid(schema: etree.XMLSchema, xml: bytes) -> etree._Element:
    document = etree.fromstring(xml)
    if not schema.validate(document):
        raise AssertionError(str(schema.error_log))
    return document


def test_it_writes_a_top_up_counted_from_gross_that_validates(fa3_schema, settings):
    invoice = issue("sms-topup:1")
    document = valid(fa3_schema, invoice_fa3_xml(invoice))
    assert document.findtext("fa:Fa/fa:P_2", namespaces=NS) == invoice.number
    assert document.findtext("fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP", namespaces=NS) == (
        settings.INVOICE_SELLER_NIP
    )
    assert document.findtext("fa:Podmiot2/fa:DaneIdentyfikacyjne/fa:NIP", namespaces=NS) == (
        "7251801126"
    )
    assert document.findtext("fa:Podmiot2/fa:Adres/fa:AdresL2", namespaces=NS) == (
        "00-001 Warszawa"
    )
    assert document.findtext("fa:Fa/fa:P_13_1", namespaces=NS) == "81.30"
    assert document.findtext("fa:Fa/fa:P_14_1", namespaces=NS) == "18.70"
    assert document.findtext("fa:Fa/fa:P_15", namespaces=NS) == "100.00"
    line = document.find("fa:Fa/fa:FaWiersz", namespaces=NS)
    assert line.findtext("fa:P_9B", namespaces=NS) == "100.00"
    assert line.findtext("fa:P_11A", namespaces=NS) == "100.00"
    assert line.findtext("fa:P_12", namespaces=NS) == "23"
    assert invoice_fa3_filename(invoice) == f"Faktura_FV_{invoice.year}_000001.xml"


def test_it_writes_several_rates_counted_from_net_that_validate(fa3_schema):
    invoice = issue(
        "partner-order:3",
        InvoiceLine(description="Licencja programu", quantity=Decimal(3), unit_net=Decimal("0.10")),
        InvoiceLine(description="Podręcznik", unit_net=Decimal("40.00"), vat_rate=5),
        InvoiceLine(description="Dostawa", unit_net=Decimal("12.00"), vat_rate=8),
        InvoiceLine(description="Usługa ze stawką 0%", unit_net=Decimal("5.00"), vat_rate=0),
    )
    document = valid(fa3_schema, invoice_fa3_xml(invoice))
    fa = document.find("fa:Fa", namespaces=NS)
    assert [fa.findtext(f"fa:{tag}", namespaces=NS) for tag in ("P_13_1", "P_14_1")] == [
        "0.30",
        "0.07",  # the tax of the rate's sum, not 3 × 0.02
    ]
    assert [fa.findtext(f"fa:{tag}", namespaces=NS) for tag in ("P_13_2", "P_14_2")] == [
        "12.00",
        "0.96",
    ]
    assert [fa.findtext(f"fa:{tag}", namespaces=NS) for tag in ("P_13_3", "P_14_3")] == [
        "40.00",
        "2.00",
    ]
    assert fa.findtext("fa:P_13_6_1", namespaces=NS) == "5.00"
    assert fa.findtext("fa:P_15", namespaces=NS) == "60.33"
    codes = [line.findtext("fa:P_12", namespaces=NS) for line in fa.findall("fa:FaWiersz", NS)]
    assert codes == ["23", "5", "8", "0 KR"]


def test_it_writes_a_consumer_without_a_nip_that_validates(fa3_schema):
    consumer = Buyer(name="Anna Wiśniewska", address="Zakopane")
    invoice = issue("partner-order:4", buyer=consumer)
    document = valid(fa3_schema, invoice_fa3_xml(invoice))
    ids = document.find("fa:Podmiot2/fa:DaneIdentyfikacyjne", namespaces=NS)
    assert ids.findtext("fa:BrakID", namespaces=NS) == "1"
    assert ids.find("fa:NIP", namespaces=NS) is None
    assert document.findtext("fa:Podmiot2/fa:Adres/fa:AdresL1", namespaces=NS) == "Zakopane"


def test_the_schema_catches_a_broken_document(fa3_schema):
    """The check above can fail: a document without its number does not validate."""
    document = etree.fromstring(invoice_fa3_xml(issue()))
    number = document.find("fa:Fa/fa:P_2", namespaces=NS)
    number.getparent().remove(number)
    assert not fa3_schema.validate(document)


@pytest.mark.parametrize(
    ("method", "code"),
    [
        (Invoice.PaymentMethod.TRANSFER, "6"),
        (Invoice.PaymentMethod.CARD, "2"),
        (Invoice.PaymentMethod.MOBILE, "7"),
    ],
)
def test_it_states_how_the_buyer_paid(fa3_schema, method, code):
    invoice = issue(payment_method=method)
    document = valid(fa3_schema, invoice_fa3_xml(invoice))
    payment = document.find("fa:Fa/fa:Platnosc", namespaces=NS)
    assert payment.findtext("fa:Zaplacono", namespaces=NS) == "1"
    assert payment.findtext("fa:FormaPlatnosci", namespaces=NS) == code
    assert payment.findtext("fa:RachunekBankowy/fa:NrRB", namespaces=NS) == (
        "61109010140000071219812874"
    )


def test_it_states_the_sale_date_only_when_it_differs_from_the_issue_date(fa3_schema):
    with time_machine.travel(at("2026-03-02 09:00"), tick=False):
        same_day = issue("t:1", paid_at=at("2026-03-02 08:00"))
        day_before = issue("t:2", paid_at=at("2026-03-01 23:59"))
    first = valid(fa3_schema, invoice_fa3_xml(same_day))
    second = valid(fa3_schema, invoice_fa3_xml(day_before))
    assert first.find("fa:Fa/fa:P_6", namespaces=NS) is None
    assert second.findtext("fa:Fa/fa:P_1", namespaces=NS) == "2026-03-02"
    assert second.findtext("fa:Fa/fa:P_6", namespaces=NS) == "2026-03-01"
    assert second.findtext("fa:Fa/fa:Platnosc/fa:DataZaplaty", namespaces=NS) == "2026-03-01"


def test_it_keeps_the_document_written_at_issue(settings):
    invoice = issue()
    written = invoice_fa3_xml(invoice)
    Invoice.objects.filter(pk=invoice.pk).update(buyer_name="Zmieniona nazwa")
    invoice.refresh_from_db()
    assert invoice_fa3_xml(invoice) == written
    assert b"Zmieniona nazwa" not in written


def test_it_keeps_a_unit_price_finer_than_a_grosz(fa3_schema):
    invoice = issue(
        "t:1", InvoiceLine(description="Wiadomość SMS", quantity=Decimal(1000), unit_net=D4)
    )
    document = valid(fa3_schema, invoice_fa3_xml(invoice))
    line = document.find("fa:Fa/fa:FaWiersz", namespaces=NS)
    assert line.findtext("fa:P_8B", namespaces=NS) == "1000"
    assert line.findtext("fa:P_9A", namespaces=NS) == "0.2358"
    assert line.findtext("fa:P_11", namespaces=NS) == "235.80"


def test_it_splits_an_address_typed_on_two_lines(fa3_schema):
    buyer = Buyer(name="Firma", nip="7251801126", address="ul. Polna 1\r\n00-001 Warszawa\n")
    document = valid(fa3_schema, invoice_fa3_xml(issue(buyer=buyer)))
    address = document.find("fa:Podmiot2/fa:Adres", namespaces=NS)
    assert address.findtext("fa:AdresL1", namespaces=NS) == "ul. Polna 1"
    assert address.findtext("fa:AdresL2", namespaces=NS) == "00-001 Warszawa"
