"""The sandbox's hosted page and our waiting page, end to end through the webhook."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from payments.models import Payment, WebhookEvent
from payments.services import payment_start

pytestmark = pytest.mark.django_db
Status = Payment.Status


@pytest.fixture
def started(orders, sandbox):  # type: ignore[no-untyped-def]
    payment, url = payment_start(
        payable_type="tests.order",
        payable_id="1",
        amount=Decimal("406.00"),
        description="Polisa FM_T 248095725",
        customer_email="klient@example.com",
        method="blik",
        success_url="/oferta/gotowe/",
        cancel_url="/oferta/zaplac/",
    )
    return payment, url


def pay(client, url, capture, **data):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post(url, {"method": "blik", "action": "pay", **data})


def test_it_sends_the_client_to_the_sandbox_page(client, started):
    payment, url = started
    assert url == f"/platnosci/sandbox/{payment.checkout_id}/"
    assert payment.status == Status.PENDING
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kod BLIK" in html and "Przelewy24" in html and "Karta płatnicza" in html
    assert 'for="id_blik_code"' in html
    assert "406" in html


def test_blik_success_arrives_by_signed_webhook_and_moves_on(
    client, started, orders, django_capture_on_commit_callbacks
):
    payment, url = started
    response = pay(client, url, django_capture_on_commit_callbacks, blik_code="123456")
    assert response.status_code == 303
    assert response["Location"] == f"/platnosci/{payment.public_id}/"
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert orders.succeeded == [payment.pk]
    assert WebhookEvent.objects.get().type == "checkout.session.completed"
    # The waiting page moves on to the payable's page only now.
    wait = client.get(response["Location"])
    assert (wait.status_code, wait["Location"]) == (302, "/oferta/gotowe/")
    status = client.get(f"/platnosci/{payment.public_id}/status/").json()
    assert status == {"status": "succeeded", "waiting": False, "redirect": "/oferta/gotowe/"}


def test_an_expired_blik_code_says_so_and_a_retry_succeeds(
    client, started, orders, django_capture_on_commit_callbacks
):
    payment, url = started
    pay(client, url, django_capture_on_commit_callbacks, blik_code="000000")
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (Status.FAILED, "code_expired")
    wait = client.get(f"/platnosci/{payment.public_id}/").content.decode()
    assert "Kod BLIK wygasł" in wait
    assert "Wygeneruj nowy kod" in wait
    assert 'href="/oferta/zaplac/"' in wait
    # The session stays open, as on Stripe: a new code pays.
    assert "Kod BLIK wygasł" in client.get(url).content.decode()
    pay(client, url, django_capture_on_commit_callbacks, blik_code="654321")
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED
    assert orders.failed == [payment.pk] and orders.succeeded == [payment.pk]


def test_the_decline_button_fails_the_payment(client, started, django_capture_on_commit_callbacks):
    payment, url = started
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"method": "card", "action": "decline"})
    payment.refresh_from_db()
    assert (payment.status, payment.method) == (Status.FAILED, "card")
    wait = client.get(f"/platnosci/{payment.public_id}/").content.decode()
    assert "Płatność nie powiodła się" in wait
    assert "Bank odrzucił płatność kartą" in wait
    assert "Pieniądze nie zostały pobrane" in wait


def test_it_asks_again_for_a_malformed_blik_code(client, started):
    payment, url = started
    response = client.post(url, {"method": "blik", "action": "pay", "blik_code": "12a"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Wpisz 6 cyfr kodu BLIK" in html
    assert 'aria-invalid="true"' in html
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_p24_pays_without_a_code(client, started, django_capture_on_commit_callbacks):
    payment, url = started
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"method": "p24", "action": "pay"})
    payment.refresh_from_db()
    assert (payment.status, payment.method) == (Status.SUCCEEDED, "p24")


def test_a_session_left_too_long_expires(client, started, django_capture_on_commit_callbacks):
    payment, url = started
    with time_machine.travel(timezone.now() + timedelta(minutes=36)):
        pay(client, url, django_capture_on_commit_callbacks, blik_code="123456")
        payment.refresh_from_db()
        assert payment.status == Status.EXPIRED
        assert (
            "Czas na płatność minął"
            in client.get(f"/platnosci/{payment.public_id}/").content.decode()
        )


def test_the_waiting_page_polls_under_the_csp(client, started):
    payment, _ = started
    response = client.get(f"/platnosci/{payment.public_id}/")
    html = response.content.decode()
    assert "Czekamy na potwierdzenie płatności BLIK" in html
    assert "Kod BLIK jest ważny 2 minuty" in html
    assert 'data-blik-seconds="120"' in html
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag and "src=" in tag for tag in scripts)
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.get(f"/platnosci/{payment.public_id}/status/").json()["waiting"] is True


def test_pages_refuse_wrong_methods_and_unknown_ids(client, started):
    payment, url = started
    assert client.post(f"/platnosci/{payment.public_id}/").status_code == 405
    assert client.post(f"/platnosci/{payment.public_id}/status/").status_code == 405
    assert client.get("/platnosci/7f1e6a4e-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/platnosci/sandbox/cs_sbx_nope/").status_code == 404
    assert client.put(url).status_code == 405


def test_the_cancel_link_goes_back_without_changing_anything(client, started):
    payment, _ = started
    response = client.get(f"/platnosci/{payment.public_id}/rezygnacja/")
    assert response["Location"] == "/oferta/zaplac/"
    payment.refresh_from_db()
    assert payment.status == Status.PENDING


def test_the_sandbox_page_does_not_exist_when_stripe_is_the_provider(client, started, settings):
    _, url = started
    settings.PAYMENT_PROVIDER = "stripe"
    assert client.get(url).status_code == 404


def test_it_refuses_to_start_for_the_wrong_amount_or_an_outside_url(orders, sandbox):
    from payments.services import PaymentStartError

    args = dict(
        payable_type="tests.order", payable_id="1", description="x", customer_email="",
        method="blik", success_url="/ok/", cancel_url="/back/",
    )  # fmt: skip
    with pytest.raises(PaymentStartError):
        payment_start(amount=Decimal("1.00"), **args)
    with pytest.raises(PaymentStartError):
        payment_start(amount=Decimal("406.00"), **{**args, "success_url": "https://evil.example/"})
    assert not Payment.objects.filter(amount=Decimal("1.00")).exists()


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_can_deliver_over_http(orders, sandbox, live_server, settings):
    """The "http" mode posts to PORTAL_BASE_URL like an outside provider would."""
    from payments.sandbox import webhook_deliver

    settings.SANDBOX_WEBHOOK_DELIVERY = "http"
    settings.PORTAL_BASE_URL = live_server.url
    body = '{"id":"evt_sbx_http","object":"event","type":"customer.created","data":{"object":{}}}'
    webhook_deliver(body)
    assert WebhookEvent.objects.get().event_id == "evt_sbx_http"
