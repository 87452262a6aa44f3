"""Buying: price list by right, cart, an order paid through payments, invoice, keys."""

from decimal import Decimal

from django.core import mail
from django.urls import reverse

from invoicing.models import Invoice
from partners.models import CartItem, Order, Program

from .conftest import level_client

SHOP = reverse("partners:shop")


def _programs():
    program = Program.objects.create(code="rewizor", name="Rewizor", price_net=Decimal("1000.00"))
    subscription = Program.objects.create(
        code="abo-rewizor",
        name="Abonament Rewizor",
        kind=Program.Kind.SUBSCRIPTION,
        price_net=Decimal("200.00"),
        period_months=12,
    )
    return program, subscription


def _pay(client, order, capture, method="blik"):
    url = reverse("partners:order", args=[order.pk])
    response = client.post(url, {"method": method})
    assert response.status_code == 303
    with capture(execute=True):
        paid = client.post(
            response["Location"], {"method": method, "action": "pay", "blik_code": "123456"}
        )
    assert paid.status_code == 303
    return url


def test_it_shows_subscriptions_only_to_the_subscription_sales_system(db):
    program, subscription = _programs()
    plain, _ = level_client("zwykly", 2)
    member, _ = level_client("abonament", 2, subscription_sales=True)
    assert "Abonament Rewizor" not in plain.get(SHOP).text
    assert "Abonamenty kupują tylko Partnerzy" in plain.get(SHOP).text
    assert "Abonament Rewizor" in member.get(SHOP).text
    plain.post(reverse("partners:cart-add"), {"program": subscription.pk, "quantity": 1})
    assert not CartItem.objects.exists()


def test_it_sells_a_program_and_shows_keys_and_the_invoice_after_payment(
    alice, client, django_capture_on_commit_callbacks
):
    program, _ = _programs()
    client.force_login(alice)
    client.post(reverse("partners:cart-add"), {"program": program.pk, "quantity": 2})
    response = client.post(reverse("partners:order-place"))
    order = Order.objects.get()
    assert response["Location"] == reverse("partners:order", args=[order.pk])
    assert order.total_gross == Decimal("2460.00") and not CartItem.objects.exists()
    url = _pay(client, order, django_capture_on_commit_callbacks)
    order.refresh_from_db()
    assert order.state == "paid" and order.payment_id is not None
    invoice = Invoice.objects.get(topic=f"partner-order:{order.pk}")
    assert invoice.gross_total == Decimal("2460.00") and invoice.buyer_nip == "5260250274"
    page = client.get(url).text
    assert page.count("<li><code>") == 2 and invoice.number in page
    pdf = client.get(reverse("partners:order-invoice", args=[order.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    xml = client.get(reverse("partners:order-invoice", args=[order.pk, "xml"]))
    assert b"<Faktura" in xml.content
    assert any(m.attachments for m in mail.outbox)


def test_it_shows_the_subscription_period_after_payment(db, django_capture_on_commit_callbacks):
    _, subscription = _programs()
    client, _ = level_client("abonament", 2, subscription_sales=True)
    client.post(reverse("partners:cart-add"), {"program": subscription.pk, "quantity": 1})
    client.post(reverse("partners:order-place"))
    order = Order.objects.get()
    url = _pay(client, order, django_capture_on_commit_callbacks, method="card")
    line = order.lines.get()
    assert line.period_start is not None
    assert (line.period_end - line.period_start).days in (364, 365)
    assert "Abonament od" in client.get(url).text


def test_it_hides_an_order_and_its_invoice_from_another_company(
    alice, charlie, client, django_capture_on_commit_callbacks
):
    program, _ = _programs()
    client.force_login(alice)
    client.post(reverse("partners:cart-add"), {"program": program.pk, "quantity": 1})
    client.post(reverse("partners:order-place"))
    order = Order.objects.get()
    _pay(client, order, django_capture_on_commit_callbacks)
    xml = reverse("partners:order-invoice", args=[order.pk, "xml"])
    assert client.get(xml).status_code == 200  # the owner's invoice is there
    client.force_login(charlie)
    assert client.get(reverse("partners:order", args=[order.pk])).status_code == 404
    assert client.get(reverse("partners:order-invoice", args=[order.pk, "pdf"])).status_code == 404
    assert client.get(xml).status_code == 404
    assert "ZP/" not in client.get(SHOP).text
    item = CartItem.objects.create(company=alice.organisations.get(), program=program)
    assert client.post(reverse("partners:cart-remove", args=[item.pk])).status_code == 404


def test_it_keeps_level_1_out_of_the_shop(db):
    one, _ = level_client("jeden", 1)
    response = one.get(SHOP)
    assert response.status_code == 403 and "Zakup programów" in response.text


def test_it_refuses_an_empty_cart(alice, client):
    client.force_login(alice)
    response = client.post(reverse("partners:order-place"), follow=True)
    assert "Koszyk jest pusty." in response.text


def test_it_tells_the_company_of_a_refund(alice, client, django_capture_on_commit_callbacks):
    from partners import payables
    from payments.models import Payment

    program, _ = _programs()
    client.force_login(alice)
    client.post(reverse("partners:cart-add"), {"program": program.pk, "quantity": 1})
    client.post(reverse("partners:order-place"))
    order = Order.objects.get()
    _pay(client, order, django_capture_on_commit_callbacks)
    payment = Payment.objects.get(payable_type="partners.order")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        payables.on_refunded(payment)
    assert mail.outbox[0].to == [alice.organisations.get().email]
    assert "Zwróciliśmy płatność 1\xa0230,00\xa0zł" in mail.outbox[0].body
