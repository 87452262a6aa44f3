"""The FA(3) document validates against the official schema that ksef-client ships."""

from decimal import Decimal

import pytest
from lxml import etree

from invoicing.ksef import FA3_NAMESPACE, invoice_fa3_filename, invoice_fa3_xml
from invoicing.services import Buyer, InvoiceLine

from .conftest import issue

pytestmark = pytest.mark.django_db
NS = {"fa": FA3_NAMESPACE}


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
