"""The webhook endpoint: verify over the raw body, store once, answer at once."""

import time

import pytest
import time_machine
from django.utils import timezone

from payments.models import Payment, PaymentEvent, WebhookEvent

from .conftest import event, intent_object, make_payment, post_webhook, session_object, sign

pytestmark = pytest.mark.django_db


def test_it_applies_a_signed_checkout_completed(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    payment = make_payment()
    body = event("checkout.session.completed", session_object(payment))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, body)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.amount_received == payment.amount
    assert orders.succeeded == [payment.pk]
    stored = WebhookEvent.objects.get()
    assert stored.outcome == WebhookEvent.Outcome.APPLIED
    assert stored.body == body.decode()
    assert stored.payment == payment
    change = payment.events.get(kind=PaymentEvent.Kind.STATUS, status_after="succeeded")
    assert change.provider_event_id == stored.event_id
    assert change.payload["id"] == payment.checkout_id or change.payload["object"]


def test_it_answers_before_the_work_is_done(client, orders, stripe_webhooks):
    # Without running on-commit callbacks nothing is applied: the view only stores.
    payment = make_payment()
    response = post_webhook(client, event("payment_intent.succeeded", intent_object(payment)))
    assert response.status_code == 200
    assert WebhookEvent.objects.get().processed_at is None
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_it_rejects_a_bad_signature_with_no_effect(client, orders, stripe_webhooks):
    payment = make_payment()
    body = event("checkout.session.completed", session_object(payment))
    response = post_webhook(client, body, signature=sign(body, "whsec_someone_else"))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_it_rejects_a_body_changed_after_signing(client, orders, stripe_webhooks):
    payment = make_payment()
    body = event("checkout.session.completed", session_object(payment))
    tampered = body.replace(b'"paid"', b'"paid" ')
    response = post_webhook(client, tampered, signature=sign(body))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_it_rejects_a_missing_signature(client, orders, stripe_webhooks):
    body = event("checkout.session.completed", session_object(make_payment()))
    response = post_webhook(client, body, signature="")
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()


def test_it_accepts_a_signature_300_seconds_old_and_not_301(client, orders, stripe_webhooks):
    payment = make_payment()
    signed_at = int(time.time())
    old = event("payment_intent.succeeded", intent_object(payment))
    with time_machine.travel(signed_at + 301, tick=False):
        response = post_webhook(client, old, signature=sign(old, timestamp=signed_at))
    assert response.status_code == 400
    assert not WebhookEvent.objects.exists()
    with time_machine.travel(signed_at + 300, tick=False):
        response = post_webhook(client, old, signature=sign(old, timestamp=signed_at))
    assert response.status_code == 200
    assert WebhookEvent.objects.count() == 1


def test_it_stores_a_redelivered_event_once(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    payment = make_payment()
    body = event("checkout.session.completed", session_object(payment))
    with django_capture_on_commit_callbacks(execute=True):
        first = post_webhook(client, body)
        # A replay with a fresh signature is still the same event.
        second = post_webhook(client, body, signature=sign(body))
    assert (first.status_code, second.status_code) == (200, 200)
    assert WebhookEvent.objects.count() == 1
    assert orders.succeeded == [payment.pk]
    assert payment.events.filter(kind=PaymentEvent.Kind.STATUS).count() == 1


def test_it_stores_but_ignores_event_types_it_does_not_use(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    body = event("customer.created", {"id": "cus_1", "object": "customer"})
    with django_capture_on_commit_callbacks(execute=True):
        response = post_webhook(client, body)
    assert response.status_code == 200
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.IGNORED


def test_it_marks_events_for_unknown_payments_unmatched(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    payment = make_payment()
    obj = session_object(payment, metadata={}, client_reference_id=None, id="cs_other")
    obj["payment_intent"] = "pi_other"
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, event("checkout.session.completed", obj))
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.UNMATCHED
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_it_refuses_get(client, stripe_webhooks):
    assert client.get("/platnosci/webhook/stripe/").status_code == 405


def test_it_404s_for_an_unknown_provider(client, stripe_webhooks):
    body = event("checkout.session.completed", {"id": "cs_1"})
    assert post_webhook(client, body, provider="paypal").status_code == 404


def test_it_404s_for_sandbox_webhooks_when_stripe_is_the_provider(client, settings):
    settings.PAYMENT_PROVIDER = "stripe"
    body = event("checkout.session.completed", {"id": "cs_1"})
    assert post_webhook(client, body, provider="sandbox").status_code == 404


def test_it_answers_within_a_few_queries(
    client, orders, stripe_webhooks, django_assert_max_num_queries
):
    payment = make_payment()
    body = event("payment_intent.succeeded", intent_object(payment))
    # A select and an insert, each in its own savepoint: nothing is applied here.
    with django_assert_max_num_queries(6):
        assert post_webhook(client, body).status_code == 200
    assert WebhookEvent.objects.get().received_at <= timezone.now()
