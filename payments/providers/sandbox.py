"""The sandbox provider for `make run` and tests: a hosted page on our own site.

It behaves like Stripe from the outside: a checkout session with a page
where a person picks BLIK, Przelewy24 or card and succeeds or fails, and
webhooks in Stripe's event format signed exactly as Stripe signs them
(`Stripe-Signature: t=…,v1=HMAC-SHA256(secret, "t.body")`), delivered to the
same webhook endpoint. Its own books are `SandboxCheckout` rows, so
reconciliation asks it the same question it would ask Stripe.

This module is the provider as the portal sees it (a leaf: it imports
nothing of payments but its models and `providers.base`). The other half,
the sandbox playing the outside world (the hosted page completing a checkout,
signing and delivering its webhooks), lives in `payments.sandbox`, beside
the sandbox's views.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.queueing import queue_after_commit

from ..models import SandboxCheckout
from .base import (
    OUTCOME_EXPIRED,
    OUTCOME_FAILED,
    OUTCOME_PENDING,
    OUTCOME_SUCCEEDED,
    CheckoutSession,
    PaymentUpdate,
    ProviderError,
    RefundResult,
    signature_verify,
    stripe_event_interpret,
)

if TYPE_CHECKING:
    from ..models import Payment

logger = logging.getLogger(__name__)

CHECKOUT_LIFETIME = timedelta(minutes=35)


def sign(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header value for `body`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class SandboxProvider:
    name = "sandbox"

    def checkout_create(
        self, *, payment: "Payment", success_url: str, cancel_url: str
    ) -> CheckoutSession:
        checkout = SandboxCheckout.objects.create(
            checkout_id=f"cs_sbx_{secrets.token_hex(12)}",
            intent_id=f"pi_sbx_{secrets.token_hex(12)}",
            payment_ref=str(payment.public_id),
            amount_minor=payment.amount_minor,
            currency=payment.currency,
            method=payment.method,
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=timezone.now() + CHECKOUT_LIFETIME,
        )
        url = reverse("payments:sandbox", args=[checkout.checkout_id])
        return CheckoutSession(id=checkout.checkout_id, url=url, intent_id=checkout.intent_id)

    def webhook_verify(self, *, body: bytes, signature: str) -> dict[str, Any]:
        return signature_verify(
            body=body, signature=signature, secret=settings.SANDBOX_WEBHOOK_SECRET
        )

    def webhook_interpret(self, event: dict[str, Any]) -> PaymentUpdate | None:
        return stripe_event_interpret(event)

    def status_fetch(self, *, payment: "Payment") -> PaymentUpdate | None:
        checkout = SandboxCheckout.objects.filter(checkout_id=payment.checkout_id).first()
        if checkout is None:
            return None
        if checkout.status == SandboxCheckout.Status.OPEN and checkout.expires_at <= timezone.now():
            checkout.status = SandboxCheckout.Status.EXPIRED
            checkout.save(update_fields=["status"])
        outcome = {
            SandboxCheckout.Status.PAID: OUTCOME_SUCCEEDED,
            SandboxCheckout.Status.EXPIRED: OUTCOME_EXPIRED,
            SandboxCheckout.Status.FAILED: OUTCOME_FAILED,
        }.get(SandboxCheckout.Status(checkout.status), OUTCOME_PENDING)
        if outcome == OUTCOME_PENDING and checkout.failure_code:
            outcome = OUTCOME_FAILED
        return PaymentUpdate(
            outcome=outcome,
            payment_ref=checkout.payment_ref,
            checkout_id=checkout.checkout_id,
            intent_id=checkout.intent_id,
            amount_minor=checkout.amount_minor,
            currency=checkout.currency,
            method=checkout.method,
            failure_code=checkout.failure_code if outcome == OUTCOME_FAILED else "",
            payload=session_object(checkout),
        )

    def refund_create(
        self, *, payment: "Payment", amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        refund_id = "re_sbx_" + hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        with transaction.atomic():
            checkout = SandboxCheckout.objects.select_for_update().get(
                checkout_id=payment.checkout_id
            )
            if checkout.status != SandboxCheckout.Status.PAID:
                raise ProviderError("nothing was paid in this sandbox session")
            if checkout.refunded_minor == 0:
                checkout.refunded_minor = min(amount_minor, checkout.amount_minor)
                checkout.save(update_fields=["refunded_minor"])
                event_send("charge.refunded", _charge_object(checkout, refunded=True))
        return RefundResult(id=refund_id, status="succeeded")


# Events in Stripe's shape --------------------------------------------------------


def _metadata(checkout: SandboxCheckout) -> dict[str, str]:
    return {"payment_id": checkout.payment_ref}


def session_object(checkout: SandboxCheckout) -> dict[str, Any]:
    paid = checkout.status == SandboxCheckout.Status.PAID
    return {
        "id": checkout.checkout_id,
        "object": "checkout.session",
        "amount_total": checkout.amount_minor,
        "currency": checkout.currency.lower(),
        "client_reference_id": checkout.payment_ref,
        "metadata": _metadata(checkout),
        "mode": "payment",
        "payment_intent": checkout.intent_id,
        "payment_method_types": [checkout.method] if checkout.method else ["blik", "p24", "card"],
        "payment_status": "paid" if paid else "unpaid",
        "status": {"paid": "complete", "expired": "expired"}.get(checkout.status, "open"),
        "expires_at": int(checkout.expires_at.timestamp()),
        "livemode": False,
    }


def intent_object(checkout: SandboxCheckout) -> dict[str, Any]:
    return {
        "id": checkout.intent_id,
        "object": "payment_intent",
        "amount": checkout.amount_minor,
        "amount_received": 0,
        "currency": checkout.currency.lower(),
        "metadata": _metadata(checkout),
        "payment_method_types": [checkout.method],
        "status": "requires_payment_method",
        "last_payment_error": {
            "type": "card_error" if checkout.method == "card" else "invalid_request_error",
            "code": "card_declined" if checkout.method == "card" else "payment_method_declined",
            "decline_code": checkout.failure_code,
            "message": "Płatność odrzucona w sandboxie.",
            "payment_method": {"type": checkout.method},
        },
        "livemode": False,
    }


def _charge_object(checkout: SandboxCheckout, *, refunded: bool) -> dict[str, Any]:
    return {
        "id": "ch_sbx_" + checkout.intent_id.removeprefix("pi_sbx_"),
        "object": "charge",
        "amount": checkout.amount_minor,
        "amount_refunded": checkout.refunded_minor,
        "currency": checkout.currency.lower(),
        "metadata": {},
        "payment_intent": checkout.intent_id,
        "payment_method_details": {"type": checkout.method},
        "refunded": refunded,
        "status": "succeeded",
        "livemode": False,
    }


def event_send(event_type: str, obj: dict[str, Any]) -> None:
    """Send one event in Stripe's format to our webhook endpoint, after commit."""
    event = {
        "id": f"evt_sbx_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": "2026-09-30.endive",
        "created": int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
    body = json.dumps(event, separators=(",", ":"))
    # After commit, like a real provider that only learns of the payment once
    # it is recorded; the signature is made at delivery time (payments.sandbox).
    queue_after_commit(
        "payments.tasks.sandbox_webhook_deliver", body, sweeper="payment_reconcile_pending"
    )
