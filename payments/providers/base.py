"""The interface every payment provider implements, and what it reports back.

Both providers speak Stripe's webhook format (the sandbox imitates it), so
the signature check and the reading of events live here, shared.
"""

import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

import stripe

if TYPE_CHECKING:
    from ..models import Payment

SIGNATURE_TOLERANCE = 300  # seconds; Stripe's own default


class ProviderError(Exception):
    """The provider refused a request; retrying the same request will not help."""


class ProviderUnavailable(ProviderError):
    """The provider could not be reached or failed on its side; retry later."""


class WebhookInvalid(Exception):
    """A webhook whose signature is missing, wrong or too old, or whose body is not an event."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    intent_id: str = ""


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # the provider's word: "succeeded", "pending", "failed" …


@dataclass(frozen=True)
class PaymentUpdate:
    """What a provider says about one payment, from a webhook or a status query.

    `outcome` is one of the OUTCOME_* values; `payment_ref` is our
    `Payment.public_id` as the provider echoed it back (metadata), the other
    references let us find the payment when it is missing.
    """

    outcome: str
    payment_ref: str = ""
    checkout_id: str = ""
    intent_id: str = ""
    amount_minor: int | None = None
    currency: str = ""
    method: str = ""
    failure_code: str = ""
    failure_message: str = ""
    # When the provider says it happened (the event's `created`); None when unknown.
    occurred_at: datetime | None = None
    payload: dict[str, Any] = field(default_factory=dict, compare=False)


OUTCOME_PENDING = "pending"
OUTCOME_SUCCEEDED = "succeeded"
OUTCOME_FAILED = "failed"
OUTCOME_EXPIRED = "expired"
OUTCOME_REFUNDED = "refunded"


class PaymentProvider(Protocol):
    name: str

    def checkout_create(
        self, *, payment: "Payment", success_url: str, cancel_url: str
    ) -> CheckoutSession:
        """Open a hosted payment page for `payment`; the client is sent to `.url`."""
        ...

    def webhook_verify(self, *, body: bytes, signature: str) -> dict[str, Any]:
        """Return the event if its signature over the raw body is good; else WebhookInvalid."""
        ...

    def webhook_interpret(self, event: dict[str, Any]) -> PaymentUpdate | None:
        """What the event says about a payment, or None if it says nothing we use."""
        ...

    def status_fetch(self, *, payment: "Payment") -> PaymentUpdate | None:
        """Ask the provider where the payment stands; None if it cannot tell."""
        ...

    def refund_create(
        self, *, payment: "Payment", amount_minor: int, idempotency_key: str
    ) -> RefundResult:
        """Return the money; the same idempotency key never refunds twice."""
        ...


# Signatures ------------------------------------------------------------------


def signature_verify(*, body: bytes, signature: str, secret: str) -> dict[str, Any]:
    """Check a `Stripe-Signature` header over the raw body and parse the event."""
    if not secret:
        raise WebhookInvalid("no webhook secret configured")
    try:
        stripe.WebhookSignature.verify_header(
            body.decode("utf-8"), signature, secret, tolerance=SIGNATURE_TOLERANCE
        )
        event = json.loads(body)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise WebhookInvalid(str(exc)) from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise WebhookInvalid("not an event")
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        raise WebhookInvalid("event without data.object")
    return event


# Reading Stripe-shaped events --------------------------------------------------
#
# Routed by event type through a dict, as Saleor does: an event type that is
# not in the table means nothing to us and is stored but not applied.


def _metadata_ref(obj: dict[str, Any]) -> str:
    metadata = obj.get("metadata") or {}
    return str(metadata.get("payment_id") or obj.get("client_reference_id") or "")


def _method_of(obj: dict[str, Any]) -> str:
    details = obj.get("payment_method_details") or {}
    if details.get("type"):
        return str(details["type"])
    error = obj.get("last_payment_error") or {}
    if (error.get("payment_method") or {}).get("type"):
        return str(error["payment_method"]["type"])
    types = obj.get("payment_method_types") or []
    return str(types[0]) if len(types) == 1 else ""


def session_update(outcome: str, obj: dict[str, Any]) -> PaymentUpdate:
    intent = obj.get("payment_intent")
    if isinstance(intent, dict):
        intent = intent.get("id")
    return PaymentUpdate(
        outcome=outcome,
        payment_ref=_metadata_ref(obj),
        checkout_id=str(obj.get("id") or ""),
        intent_id=str(intent or ""),
        amount_minor=obj.get("amount_total"),
        currency=str(obj.get("currency") or "").upper(),
        method=_method_of(obj),
        payload=obj,
    )


def _session_completed(obj: dict[str, Any]) -> PaymentUpdate:
    # Delayed methods complete the session unpaid; the money comes (or not)
    # with checkout.session.async_payment_succeeded / _failed.
    paid = obj.get("payment_status") in {"paid", "no_payment_required"}
    return session_update(OUTCOME_SUCCEEDED if paid else OUTCOME_PENDING, obj)


def _session_paid(obj: dict[str, Any]) -> PaymentUpdate:
    return session_update(OUTCOME_SUCCEEDED, obj)


def _session_failed(obj: dict[str, Any]) -> PaymentUpdate:
    return session_update(OUTCOME_FAILED, obj)


def _session_expired(obj: dict[str, Any]) -> PaymentUpdate:
    return session_update(OUTCOME_EXPIRED, obj)


def _intent(outcome: str, obj: dict[str, Any]) -> PaymentUpdate:
    error = obj.get("last_payment_error") or {}
    amount = obj.get("amount_received") if outcome == OUTCOME_SUCCEEDED else obj.get("amount")
    return PaymentUpdate(
        outcome=outcome,
        payment_ref=_metadata_ref(obj),
        intent_id=str(obj.get("id") or ""),
        amount_minor=amount if amount else obj.get("amount"),
        currency=str(obj.get("currency") or "").upper(),
        method=_method_of(obj),
        failure_code=str(error.get("decline_code") or error.get("code") or "")
        if outcome == OUTCOME_FAILED
        else "",
        failure_message=str(error.get("message") or "")[:255] if outcome == OUTCOME_FAILED else "",
        payload=obj,
    )


def _intent_succeeded(obj: dict[str, Any]) -> PaymentUpdate:
    return _intent(OUTCOME_SUCCEEDED, obj)


def _intent_failed(obj: dict[str, Any]) -> PaymentUpdate:
    return _intent(OUTCOME_FAILED, obj)


def _intent_processing(obj: dict[str, Any]) -> PaymentUpdate:
    return _intent(OUTCOME_PENDING, obj)


def _charge_refunded(obj: dict[str, Any]) -> PaymentUpdate | None:
    # Only a full refund ends the payment; a partial one is left to staff.
    if not obj.get("refunded"):
        return None
    return PaymentUpdate(
        outcome=OUTCOME_REFUNDED,
        payment_ref=_metadata_ref(obj),
        intent_id=str(obj.get("payment_intent") or ""),
        amount_minor=obj.get("amount"),
        currency=str(obj.get("currency") or "").upper(),
        method=_method_of(obj),
        payload=obj,
    )


EVENT_ROUTES = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_expired,
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "payment_intent.processing": _intent_processing,
    "charge.refunded": _charge_refunded,
}


def stripe_event_interpret(event: dict[str, Any]) -> PaymentUpdate | None:
    handler = EVENT_ROUTES.get(str(event.get("type")))
    if handler is None:
        return None
    update = handler(event["data"]["object"])
    created = event.get("created")
    if update is None or not isinstance(created, int):
        return update
    # Money paid at 20:59:50 is on time even if its webhook arrives at 21:00:10.
    return replace(update, occurred_at=datetime.fromtimestamp(created, tz=UTC))


def intent_interpret(obj: dict[str, Any]) -> PaymentUpdate:
    """Read a PaymentIntent (as retrieved from the API) as an update."""
    status = obj.get("status")
    if status == "succeeded":
        return _intent(OUTCOME_SUCCEEDED, obj)
    if status == "canceled":
        return _intent(OUTCOME_EXPIRED, obj)
    if status == "requires_payment_method" and obj.get("last_payment_error"):
        return _intent(OUTCOME_FAILED, obj)
    return _intent(OUTCOME_PENDING, obj)
