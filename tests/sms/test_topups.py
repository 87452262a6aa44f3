import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree
from pypdf import PdfReader

from invoicing.ksef import FA3_NAMESPACE, invoice_fa3_xml
from invoicing.models import Invoice
from invoicing.pdf import invoice_pdf
from notifications.sms import services, topups
from notifications.sms.models import StatementLine, TopUp

NS = {"fa": FA3_NAMESPACE}

MT940 = """:20:STARTUMS
:25:PL76114020040000350243465646
:28C:00001/001
:60F:C261130PLN1000,00
:61:2612011201CN150,00NTRFNONREF//BANKREF1
:86:166~00TRANSFER~20DOLADOWANIE SMS-ALFA22~21KONTA~32JAN KOWALSKI
:61:2612011201CN99,99NTRFNONREF//BANKREF2
:86:166~00TRANSFER~20ZA FAKTURE 12~32ANNA NOWAK
:61:2612011201DN10,00NTRFNONREF//BANKREF3
:86:020~00OPLATA
:62F:C261201PLN1239,99
"""

CSV = """data;kwota;tytul;nadawca;id
2026-12-01;200,00;Kod SMSOBCA33 doladowanie;Obca sp. z o.o.;T-1
2026-12-01;50,00;brak kodu;Ktos;T-2
"""


def test_an_mt940_statement_credits_transfers_with_the_code_once(
    agency, staff, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        result = topups.statement_post(filename="wyciag.sta", raw=MT940.encode(), by=staff)
    assert (result.credited, result.unmatched, result.repeated) == (1, 1, 0)
    assert services.agency_balance(agency) == Decimal("150.00")
    again = topups.statement_post(filename="wyciag.sta", raw=MT940.encode(), by=staff)
    assert (again.credited, again.unmatched, again.repeated) == (0, 0, 2)
    assert services.agency_balance(agency) == Decimal("150.00")
    invoice = Invoice.objects.get()
    assert invoice.topic == f"sms-topup:{TopUp.objects.get().pk}"
    assert invoice.gross_total == Decimal("150.00")
    assert invoice.buyer_nip == "5260250274"
    assert any(m.to == ["biuro@smsalfa22.pl"] for m in mail.outbox)


def test_a_csv_statement_and_manual_assignment(agency, other_agency, staff) -> None:
    result = topups.statement_post(filename="wyciag.csv", raw=CSV.encode(), by=staff)
    assert (result.credited, result.unmatched) == (1, 1)
    assert services.agency_balance(other_agency) == Decimal("200.00")
    unmatched = StatementLine.objects.get(state="unmatched")
    topups.statement_line_assign(line=unmatched, agency=agency)
    assert services.agency_balance(agency) == Decimal("50.00")
    with pytest.raises(services.SmsError):
        topups.statement_line_assign(line=unmatched, agency=agency)
    assert services.agency_balance(agency) == Decimal("50.00")


def test_staff_upload_a_statement_in_the_admin(staff_client, agency) -> None:
    client = staff_client
    upload = SimpleUploadedFile("wyciag.sta", MT940.encode())
    response = client.post("/admin/sms/bankstatement/add/", {"file": upload}, follow=True)
    assert "Zaksięgowano: 1" in response.content.decode()
    assert services.agency_balance(agency) == Decimal("150.00")
    page = client.get("/admin/sms/statementline/?state__exact=unmatched").content.decode()
    assert "ZA FAKTURE 12" in page


def test_an_online_top_up_is_credited_once_paid_and_invoiced(
    alice_client, agency, settings, django_capture_on_commit_callbacks
) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SANDBOX_WEBHOOK_DELIVERY = "internal"
    response = alice_client.post("/sms/konto/doladuj/", {"amount": "100.00"})
    assert response.status_code == 303
    with django_capture_on_commit_callbacks(execute=True):
        paid = alice_client.post(
            response["Location"], {"method": "blik", "action": "pay", "blik_code": "123456"}
        )
    assert paid.status_code == 303
    assert services.agency_balance(agency) == Decimal("100.00")
    invoice = Invoice.objects.get()
    page = alice_client.get("/sms/konto/").content.decode()
    assert invoice.number in page
    pdf = alice_client.get(f"/sms/konto/faktury/{invoice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_another_agencys_invoice_answers_404(charlie_client, agency, staff) -> None:
    topups.statement_post(filename="w.sta", raw=MT940.encode(), by=staff)
    invoice = Invoice.objects.get()
    assert charlie_client.get(f"/sms/konto/faktury/{invoice.pk}/pdf/").status_code == 404
    assert invoice.number not in charlie_client.get("/sms/konto/").content.decode()


def _pdf_text(invoice: Invoice) -> str:
    return "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(invoice_pdf(invoice))).pages
    )


def _fa3_payment_form(schema: etree.XMLSchema, invoice: Invoice) -> str | None:
    document = etree.fromstring(invoice_fa3_xml(invoice))
    assert schema.validate(document), schema.error_log
    return document.findtext("fa:Fa/fa:Platnosc/fa:FormaPlatnosci", namespaces=NS)


def test_a_statement_top_ups_invoice_says_it_was_paid_by_transfer(
    agency, staff, fa3_schema
) -> None:
    topups.statement_post(filename="wyciag.sta", raw=MT940.encode(), by=staff)
    invoice = Invoice.objects.get()
    assert invoice.payment_method == Invoice.PaymentMethod.TRANSFER
    assert "Forma płatności przelew" in _pdf_text(invoice)
    assert _fa3_payment_form(fa3_schema, invoice) == "6"


def test_a_manually_assigned_transfer_is_invoiced_as_a_transfer(
    agency, other_agency, staff
) -> None:
    topups.statement_post(filename="wyciag.csv", raw=CSV.encode(), by=staff)
    topups.statement_line_assign(line=StatementLine.objects.get(state="unmatched"), agency=agency)
    methods = list(Invoice.objects.values_list("payment_method", flat=True))
    assert methods == ["transfer", "transfer"]


@pytest.mark.parametrize(
    ("method", "paid", "label", "code"),
    [
        ("blik", {"blik_code": "123456"}, "płatność mobilna (BLIK)", "7"),
        ("card", {}, "karta płatnicza", "2"),
        ("p24", {}, "przelew", "6"),
    ],
)
def test_an_online_top_ups_invoice_says_how_it_was_paid(
    alice_client,
    agency,
    settings,
    fa3_schema,
    django_capture_on_commit_callbacks,
    method,
    paid,
    label,
    code,
) -> None:
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SANDBOX_WEBHOOK_DELIVERY = "internal"
    response = alice_client.post("/sms/konto/doladuj/", {"amount": "100.00"})
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(response["Location"], {"method": method, "action": "pay", **paid})
    invoice = Invoice.objects.get()
    assert TopUp.objects.get().payment.method == method
    assert f"Forma płatności {label}" in _pdf_text(invoice)
    assert _fa3_payment_form(fa3_schema, invoice) == code
