"""Płatności: invoices of 12 months, PDFs, comparison, paying online, payment form, tariff."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from payments.models import Payment
from subscribers import billing
from subscribers.models import Contract, Invoice, Order, TariffPlan
from subscribers.services import tariffs_apply_due

from .conftest import login_as, make_invoice

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")
# Evening in Warsaw, on purpose: nothing here may depend on the hour.
EVENING = datetime(2026, 12, 1, 21, 30, tzinfo=WARSAW)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def history(alice_account):  # type: ignore[no-untyped-def]
    old = make_invoice(alice_account, date(2025, 10, 1), [("subscription", "tariff:a", "49.99")])
    previous = make_invoice(
        alice_account,
        date(2026, 10, 1),
        [
            ("subscription", "tariff:a", "49.99"),
            ("service", "service:roaming", "9.99"),
            ("one_off", "one-off:duplicate", "5.00"),
            ("usage", "usage:minutes", "3.48"),
        ],
    )
    current = make_invoice(
        alice_account,
        date(2026, 11, 1),
        [
            ("subscription", "tariff:a", "49.99"),
            ("proration", "service:trzy-i-ja", "2.50"),
            ("usage", "usage:minutes", "5.22"),
        ],
    )
    return old, previous, current


@time_machine.travel(EVENING, tick=False)
def test_it_lists_the_invoices_of_the_last_12_months(alice_account, history):
    old, previous, current = history
    html = login_as(alice_account).get("/abonent/platnosci/").content.decode()
    assert current.number in html and previous.number in html
    assert old.number not in html
    assert "od 1. dnia miesiąca" in html and "faktura papierowa" in html


def test_it_explains_each_line_against_the_previous_invoice(alice_account, history):
    _old, previous, current = history
    lines = {line.description: line for line in billing.invoice_compare(current, previous)}
    assert lines["a"].reason == "bez zmian" and not lines["a"].changed
    assert lines["roaming"].reason == "usługa zakończona" and lines["roaming"].current is None
    assert "część" in lines["trzy-i-ja"].reason and lines["trzy-i-ja"].previous is None
    assert lines["duplicate"].reason == "opłata jednorazowa była tylko w poprzednim okresie"
    assert lines["minutes"].difference == Decimal("1.74")
    page = login_as(alice_account).get(f"/abonent/platnosci/faktury/{current.pk}/")
    assert "usługa zakończona" in page.content.decode()


def test_it_downloads_the_invoice_pdf_with_its_items(alice_account, history):
    current = history[2]
    response = login_as(alice_account).get(f"/abonent/platnosci/faktury/{current.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert current.number in text and "Wykaz pozycji" in text and "601 000 001" in text
    assert "ul. Prosta 1" in text


def test_it_marks_an_invoice_paid_only_when_the_provider_confirms(
    alice_account, history, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "sandbox"
    settings.SANDBOX_WEBHOOK_DELIVERY = "internal"
    current = history[2]
    client = login_as(alice_account)
    response = client.post(f"/abonent/platnosci/faktury/{current.pk}/zaplac/", {"method": "blik"})
    assert response.status_code == 303
    payment = Payment.objects.get(payable_type="subscribers.invoice")
    assert payment.amount == current.gross_total
    current.refresh_from_db()
    assert current.paid_at is None  # started is not paid
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            response["Location"], {"method": "blik", "action": "pay", "blik_code": "123456"}
        )
    current.refresh_from_db()
    assert current.paid_at is not None and current.paid_payment_id == payment.pk
    page = client.get(f"/abonent/platnosci/faktury/{current.pk}/").content.decode()
    assert "Zapłacona" in page


def test_it_does_not_mark_a_declined_payment_paid(
    alice_account, history, settings, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "sandbox"
    current = history[2]
    client = login_as(alice_account)
    response = client.post(f"/abonent/platnosci/faktury/{current.pk}/zaplac/", {"method": "card"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(response["Location"], {"method": "card", "action": "decline"})
    current.refresh_from_db()
    assert current.paid_at is None


def test_it_refuses_to_pay_a_paid_invoice_twice(alice_account, history):
    previous = history[1]
    previous.paid_at = EVENING
    previous.save()
    client = login_as(alice_account)
    client.post(f"/abonent/platnosci/faktury/{previous.pk}/zaplac/", {"method": "blik"})
    assert not Payment.objects.exists()


# Payment form -----------------------------------------------------------------------


def test_it_records_a_payment_form_request_with_a_prefilled_pdf(alice_account):
    client = login_as(alice_account, code=True)
    response = client.post(
        "/abonent/platnosci/forma/",
        {"payment_form": "e_invoice", "email": "alice@example.com", "e_invoice_consent": "on"},
    )
    order = Order.objects.get(kind=Order.Kind.PAYMENT_FORM)
    assert response["Location"] == f"/abonent/platnosci/forma/{order.pk}/"
    assert order.state == Order.State.WAITING and order.details["consent_at"]
    alice_account.refresh_from_db()
    assert alice_account.e_invoice_consent_at is not None
    assert alice_account.payment_form == "paper"  # until the signed form arrives
    page = client.get(response["Location"]).content.decode()
    assert "skrytka pocztowa 22" in page
    text = pdf_text(client.get(f"/abonent/platnosci/forma/{order.pk}/pdf/").content)
    assert alice_account.name in text and "e-faktura" in text and "Podpis" in text


def test_it_wants_consent_and_an_address_for_an_e_invoice(alice_account):
    client = login_as(alice_account, code=True)
    page = client.post("/abonent/platnosci/forma/", {"payment_form": "e_invoice", "email": ""})
    html = page.content.decode()
    assert "Podaj adres e-mail" in html and "wymaga Twojej zgody" in html
    assert not Order.objects.exists()


def test_it_wants_26_digits_for_a_direct_debit(alice_account):
    client = login_as(alice_account, code=True)
    page = client.post(
        "/abonent/platnosci/forma/", {"payment_form": "direct_debit", "bank_account": "123"}
    )
    assert "26 cyfr" in page.content.decode()
    ok = client.post(
        "/abonent/platnosci/forma/",
        {"payment_form": "direct_debit", "bank_account": "61 1090 1014 0000 0712 1981 2874"},
    )
    assert ok.status_code == 302


def test_it_refuses_the_form_already_set(alice_account):
    client = login_as(alice_account, code=True)
    page = client.post("/abonent/platnosci/forma/", {"payment_form": "paper"})
    assert "już ustawiona" in page.content.decode()


# Tariff -----------------------------------------------------------------------------


@time_machine.travel(EVENING, tick=False)
def test_it_changes_the_tariff_from_the_next_billing_period(alice_account):
    client = login_as(alice_account, code=True)
    contract = alice_account.contracts.order_by("msisdn").first()
    page = client.get("/abonent/taryfa/ciebie-70/").content.decode()
    assert "01.01.2027" in page and "Idea dla Ciebie 70" in page
    assert "69,99" in page  # the next invoice with the new plan
    assert client.post("/abonent/taryfa/ciebie-70/", {"confirm": "on"}).status_code == 302
    assert "obowiązuje taryfa Idea dla Ciebie 70" in client.get("/abonent/taryfa/").content.decode()
    contract.refresh_from_db()
    assert contract.tariff.code == "ciebie-50" and contract.next_tariff.code == "ciebie-70"
    order = Order.objects.get(kind=Order.Kind.TARIFF)
    assert order.effective_on == date(2027, 1, 1)
    assert tariffs_apply_due(today=date(2026, 12, 31)) == 0
    assert tariffs_apply_due(today=date(2027, 1, 1)) == 1
    contract.refresh_from_db()
    assert contract.tariff.code == "ciebie-70" and contract.next_tariff is None
    order.refresh_from_db()
    assert order.state == Order.State.DONE


def test_it_previews_the_next_invoice_with_a_tariff_considered(alice_account):
    contract = alice_account.contracts.order_by("msisdn").first()
    plan = TariffPlan.objects.get(code="ciebie-bez-limitu")
    today = date(2026, 12, 1)
    now = billing.next_invoice_preview(alice_account, today)
    after = billing.next_invoice_preview(alice_account, today, tariff_for={contract.pk: plan})
    assert after.total - now.total == plan.monthly_fee - contract.tariff.monthly_fee


def test_it_needs_the_confirmation_box(alice_account):
    client = login_as(alice_account, code=True)
    page = client.post("/abonent/taryfa/ciebie-70/", {})
    assert page.status_code == 200
    assert not Contract.objects.filter(next_tariff__isnull=False).exists()


def test_it_keeps_invoices_of_another_account_out_of_the_list(alice_account, charlie_account):
    html = login_as(alice_account).get("/abonent/platnosci/").content.decode()
    assert Invoice.objects.get(account=charlie_account).number not in html
