"""Stripe: hosted Checkout for BLIK, Przelewy24 and card in PLN; PaymentIntents and Refunds.

The client is redirected to Stripe's page, so no Stripe script or card field
is ever on ours. Calls go through the official `stripe` library; tests point
`STRIPE_API_BASE` at localstripe (and a small local stand-in for Checkout).
"""

import json
import time
from typing import TYPE_CHECKING, Any

import stripe
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from .base import (
    OUTCOME_EXPIRED,
    OUTCOME_SUCCEEDED,
    CheckoutSession,
    PaymentUpdate,
    ProviderError,
    ProviderUnavailable,
    RefundResult,
    intent_interpret,
    session_update,
    signature_verify,
    stripe_event_interpret,
)

if TYPE_CHECKING:
    from ..models import Payment

ALL_METHODS = ["blik", "p24", "card"]
# Stripe allows 30 minutes to 24 hours; a little over 30 leaves room for clock skew.
CHECKOUT_LIFETIME = 35 * 60


def _plain(obj: Any) -> dict[str, Any]:
    """A plain JSON-able dict: the library hands back objects with Decimals inside."""
    data = obj.to_dict() if hasattr(obj, "to_dict") else dict(obj)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


class StripeProvider:
    name = "stripe"

    @property
    def client(self) -> stripe.StripeClient:
        # Built on use: reading a webhook needs only the webhook secret.
        if not settings.STRIPE_SECRET_KEY:
            raise ProviderError("STRIPE_SECRET_KEY is not set")
        base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses=base,  # type: ignore[arg-type]  # stripe's stubs want a TypedDict; a plain dict is what it reads
            max_network_retries=2,
        )

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        """Run one API call, sorting Stripe's errors into retry-later and give-up."""
        try:
            return fn(*args, **kwargs)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise ProviderUnavailable(str(exc)) from exc
        except stripe.StripeError as exc:
            if (exc.http_status or 500) >= 500:
                raise ProviderUnavailable(str(exc)) from exc
            raise ProviderError(str(exc)) from exc

    def checkout_create(
        self, *, payment: "Payment", success_url: str, cancel_url: str
    ) -> CheckoutSession:
        metadata = {
            "payment_id": str(payment.public_id),
            "payable_type": payment.payable_type,
            "payable_id": payment.payable_id,
        }
        params: dict[str, Any] = {
            "mode": "payment",
            "locale": "pl",
            "payment_method_types": [payment.method] if payment.method else ALL_METHODS,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payment.currency.lower(),
                        "unit_amount": payment.amount_minor,
                        "product_data": {"name": payment.description},
                    },
                }
            ],
            "client_reference_id": str(payment.public_id),
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata, "description": payment.description},
            "success_url": success_url,
            "cancel_url": cancel_url,
            "expires_at": int(time.time()) + CHECKOUT_LIFETIME,
        }
        if payment.customer_email:
            params["customer_email"] = payment.customer_email
        # The same key on a retry returns the same session instead of a second one.
        session = _plain(
            self._call(
                self.client.v1.checkout.sessions.create,
                params,
                {"idempotency_key": f"checkout-{payment.public_id}"},
            )
        )
        intent = session.get("payment_intent") or ""
        return CheckoutSession(id=session["id"], url=session["url"], intent_id=str(intent))

    def webhook_verify(self, *, body: bytes, signature: str) -> dict[str, Any]:
        return signature_verify(
            body=body, signature=signature, secret=settings.STRIPE_WEBHOOK_SECRET
        )

    def webhook_interpret(self, event: dict[str, Any]) -> PaymentUpdate | None:
        return stripe_event_interpret(event)

    def status_fetch(self, *, payment: "Payment") -> PaymentUpdate | None:
        if payment.checkout_id:
            session = _plain(
                self._call(self.client.v1.checkout.sessions.retrieve, payment.checkout_id)
            )
            update = _session_status(session)
            if update is not None or not session.get("payment_intent"):
                return update
            intent_id = str(session["payment_intent"])
        elif payment.intent_id:
            intent_id = payment.intent_id
        else:
            return None
        intent = _plain(self._call(self.client.v1.payment_intents.retrieve, intent_id))
        return intent_interpret(intent)

    def refund_create(
        self, *, payment: "Payment", amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        if not payment.intent_id:
            raise ProviderError("payment has no PaymentIntent to refund")
        refund = _plain(
            self._call(
                self.client.v1.refunds.create,
                {
                    "payment_intent": payment.intent_id,
                    "amount": amount_minor,
                    "metadata": {"payment_id": str(payment.public_id)},
                },
                {"idempotency_key": idempotency_key},
            )
        )
        return RefundResult(id=refund["id"], status=str(refund.get("status") or ""))


def _session_status(session: dict[str, Any]) -> PaymentUpdate | None:
    """A session that has settled speaks for itself; an open one defers to its PaymentIntent."""
    if session.get("payment_status") == "paid":
        return session_update(OUTCOME_SUCCEEDED, session)
    if session.get("status") == "expired":
        return session_update(OUTCOME_EXPIRED, session)
    return None
