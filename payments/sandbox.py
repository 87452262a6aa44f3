"""The sandbox provider playing the outside world, for `make run` and tests.

The hosted page completes or fails a checkout the way a person would on
Stripe's page; events are signed exactly as Stripe signs them and delivered
to our own webhook endpoint, in-process or over HTTP. BLIK code 000000 fails
as an expired code; the "decline" button fails with the method's usual
decline code. A failed attempt leaves the session open for another try, as
Stripe Checkout does. The provider itself (what the portal calls) is
`payments.providers.sandbox`.
"""

import urllib.request

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import SandboxCheckout
from .providers.sandbox import event_send, intent_object, session_object, sign
from .webhooks import webhook_receive

BLIK_EXPIRED_CODE = "000000"
DECLINE_CODES = {"blik": "customer_declined", "p24": "payment_declined", "card": "card_declined"}


@transaction.atomic
def sandbox_checkout_complete(
    *, checkout_id: str, method: str, blik_code: str = "", decline: bool = False
) -> SandboxCheckout:
    """Play the provider when the person pays or fails on the sandbox page."""
    checkout = SandboxCheckout.objects.select_for_update().get(checkout_id=checkout_id)
    if checkout.status != SandboxCheckout.Status.OPEN:
        return checkout
    now = timezone.now()
    checkout.method = method
    if checkout.expires_at <= now:
        checkout.status = SandboxCheckout.Status.EXPIRED
        checkout.save(update_fields=["status", "method"])
        event_send("checkout.session.expired", session_object(checkout))
        return checkout
    if decline or (method == "blik" and blik_code == BLIK_EXPIRED_CODE):
        # The session stays open for another attempt, as on Stripe.
        checkout.failure_code = "code_expired" if not decline else DECLINE_CODES[method]
        checkout.save(update_fields=["method", "failure_code"])
        event_send("payment_intent.payment_failed", intent_object(checkout))
        return checkout
    checkout.status = SandboxCheckout.Status.PAID
    checkout.failure_code = ""
    checkout.completed_at = now
    checkout.save(update_fields=["status", "method", "failure_code", "completed_at"])
    event_send("checkout.session.completed", session_object(checkout))
    return checkout


# Delivery -----------------------------------------------------------------------------


def webhook_deliver(body: str) -> None:
    """Sign and deliver one event: in-process by default, or over HTTP to PORTAL_BASE_URL."""
    signature = sign(body.encode(), settings.SANDBOX_WEBHOOK_SECRET)
    if settings.SANDBOX_WEBHOOK_DELIVERY == "http":
        url = settings.PORTAL_BASE_URL + reverse("payments:webhook", args=["sandbox"])
        request = urllib.request.Request(  # noqa: S310 (our own configured base URL)
            url,
            data=body.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
        return
    # The same function the webhook view calls after reading the request:
    # verify the signature, store the event once, queue its processing.
    webhook_receive(provider="sandbox", body=body.encode(), signature=signature)
