"""The Stripe provider over HTTP with the real `stripe` library: localstripe for
PaymentIntents, refunds and signed webhooks; a local stand-in for Checkout."""

import json
import threading
import time
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import stripe

from payments.models import Payment, PaymentEvent
from payments.providers.base import ProviderUnavailable
from payments.services import payment_reconcile, payment_refund, payment_start

from .conftest import make_payment, post_webhook

pytestmark = pytest.mark.django_db
Status = Payment.Status


def start(method: str = "blik") -> tuple[Payment, str]:
    return payment_start(
        payable_type="tests.order",
        payable_id="1",
        amount=Decimal("406.00"),
        description="Polisa FM_T 248095725",
        customer_email="klient@example.com",
        method=method,
        success_url="/oferta/gotowe/",
        cancel_url="/oferta/zaplac/",
    )


def localstripe_client(fake) -> stripe.StripeClient:  # type: ignore[no-untyped-def]
    return stripe.StripeClient("sk_test_portal", base_addresses={"api": fake.upstream})


def card_intent(fake, payment: Payment, number: str = "4242424242424242") -> str:  # type: ignore[no-untyped-def]
    """A card PaymentIntent confirmed at localstripe, as a client paying would leave it."""
    client = localstripe_client(fake)
    method = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    intent = client.v1.payment_intents.create(
        {
            "amount": payment.amount_minor,
            "currency": "pln",
            "payment_method": method.id,
            "metadata": {"payment_id": str(payment.public_id)},
        }
    )
    try:
        client.v1.payment_intents.confirm(intent.id)
    except stripe.CardError:
        pass  # a declined card: the intent now carries last_payment_error
    return intent.id


def test_it_opens_a_checkout_session_in_pln_for_the_chosen_method(orders, fake_stripe):
    payment, url = start("blik")
    assert url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert payment.status == Status.PENDING
    assert payment.checkout_id in url
    method, path, form, headers = fake_stripe.requests[-1]
    assert (method, path) == ("POST", "/v1/checkout/sessions")
    assert form["mode"] == "payment"
    assert form["payment_method_types[0]"] == "blik"
    assert "payment_method_types[1]" not in form
    assert form["line_items[0][price_data][currency]"] == "pln"
    assert form["line_items[0][price_data][unit_amount]"] == "40600"
    assert form["client_reference_id"] == str(payment.public_id)
    assert form["payment_intent_data[metadata][payment_id]"] == str(payment.public_id)
    assert form["success_url"].endswith(f"/platnosci/{payment.public_id}/")
    assert form["cancel_url"].endswith(f"/platnosci/{payment.public_id}/rezygnacja/")
    assert form["customer_email"] == "klient@example.com"
    assert headers["idempotency-key"] == f"checkout-{payment.public_id}"
    assert headers["authorization"] == "Bearer sk_test_portal"


def test_without_a_chosen_method_it_offers_all_three(orders, fake_stripe):
    start("")
    form = fake_stripe.requests[-1][2]
    methods = [form[f"payment_method_types[{i}]"] for i in range(3)]
    assert methods == ["blik", "p24", "card"]


def test_an_unreachable_stripe_fails_the_payment_cleanly(orders, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # discard port: nothing listens
    with pytest.raises(ProviderUnavailable):
        start()
    payment = Payment.objects.get()
    assert (payment.status, payment.failure_code) == (Status.FAILED, "provider_error")
    assert payment.events.filter(kind=PaymentEvent.Kind.ERROR).exists()


def test_reconciliation_finds_a_paid_session_at_stripe(orders, fake_stripe):
    payment, _ = start("card")
    intent_id = card_intent(fake_stripe, payment)
    fake_stripe.sessions[payment.checkout_id].update(
        payment_intent=intent_id, payment_status="paid", status="complete"
    )
    payment_reconcile(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert payment.intent_id == intent_id
    assert orders.succeeded == [payment.pk]
    assert payment.events.filter(source=PaymentEvent.Source.RECONCILE).exists()


def test_reconciliation_reads_the_payment_intent_of_an_open_session(orders, fake_stripe):
    payment, _ = start("card")
    intent_id = card_intent(fake_stripe, payment, number="4000000000000341")  # declined
    fake_stripe.sessions[payment.checkout_id].update(payment_intent=intent_id)
    payment_reconcile(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Status.FAILED
    assert payment.failure_code == "card_declined"


def test_reconciliation_reads_an_intent_from_localstripe(orders, fake_stripe):
    payment = make_payment(method="card")
    payment.intent_id = card_intent(fake_stripe, payment)
    payment.save()
    payment_reconcile(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert payment.amount_received == Decimal("406.00")


def test_reconciliation_sees_an_expired_session(orders, fake_stripe):
    payment, _ = start("p24")
    fake_stripe.sessions[payment.checkout_id].update(status="expired")
    payment_reconcile(payment_id=payment.pk)
    payment.refresh_from_db()
    assert payment.status == Status.EXPIRED


def test_a_refund_goes_through_localstripe_once(
    orders, fake_stripe, django_capture_on_commit_callbacks
):
    payment = make_payment(method="card", status=Status.SUCCEEDED)
    payment.intent_id = card_intent(fake_stripe, payment)
    payment.save()
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(payment_id=payment.pk, reason="staff")
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED
    assert payment.refund_id.startswith("re_")
    assert orders.refunded == [payment.pk]
    refunds = localstripe_client(fake_stripe).v1.refunds.list({"payment_intent": payment.intent_id})
    assert [r.id for r in refunds.data] == [payment.refund_id]
    assert refunds.data[0].amount == 40600


def test_localstripe_signed_webhooks_pass_our_verification(
    client, orders, fake_stripe, django_capture_on_commit_callbacks
):
    """localstripe signs its events as Stripe does; our endpoint accepts them."""
    received: list[tuple[bytes, str]] = []

    class Catch(BaseHTTPRequestHandler):
        def log_message(self, *args):  # type: ignore[no-untyped-def]
            pass

        def do_POST(self):  # type: ignore[no-untyped-def]
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers["Stripe-Signature"]))
            self.send_response(200)
            self.end_headers()

    catcher = ThreadingHTTPServer(("127.0.0.1", 0), Catch)
    threading.Thread(target=catcher.serve_forever, daemon=True).start()
    hook_id = "portal-tests"  # registering again replaces it
    config = urllib.request.Request(  # noqa: S310 (localstripe on 127.0.0.1)
        f"{fake_stripe.upstream}/_config/webhooks/{hook_id}",
        data=(
            f"url=http://127.0.0.1:{catcher.server_address[1]}/"
            f"&secret=whsec_test_portal&events[]=payment_intent.succeeded"
        ).encode(),
        method="POST",
    )
    urllib.request.urlopen(config, timeout=5).read()  # noqa: S310
    try:
        payment = make_payment(method="card")
        payment.intent_id = card_intent(fake_stripe, payment)
        payment.save()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not _ours(received, payment.intent_id):
            time.sleep(0.1)
    finally:
        catcher.shutdown()
        catcher.server_close()
    # Earlier tests' intents may be delivered too; take ours.
    body, signature = _ours(received, payment.intent_id)[0]
    assert json.loads(body)["type"] == "payment_intent.succeeded"
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, body, signature=signature)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert orders.succeeded == [payment.pk]


def _ours(received: list[tuple[bytes, str]], intent_id: str) -> list[tuple[bytes, str]]:
    return [r for r in received if json.loads(r[0])["data"]["object"]["id"] == intent_id]
