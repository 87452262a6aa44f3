"""Use cases of payments: start, apply what the provider says, refund, reconcile.

Every change of a payment happens in a transaction with the payable's payment
rows locked, and leaves a `PaymentEvent` row behind. Business apps learn of
changes through the callbacks they registered (see `payments.registry`).
"""

import logging
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.queueing import queue, queue_after_commit

from . import registry
from .models import Payment, PaymentEvent, WebhookEvent, from_minor
from .providers import get_provider
from .providers.base import (
    OUTCOME_EXPIRED,
    OUTCOME_FAILED,
    OUTCOME_PENDING,
    OUTCOME_REFUNDED,
    OUTCOME_SUCCEEDED,
    PaymentUpdate,
    ProviderError,
    ProviderUnavailable,
)

logger = logging.getLogger(__name__)

Status = Payment.Status
Kind = PaymentEvent.Kind
Source = PaymentEvent.Source

RECONCILE_AFTER = timedelta(minutes=15)
# Stripe keeps a Checkout Session open for at most a day; past that a
# payment can no longer change by itself and is not worth asking about.
RECONCILE_WITHIN = timedelta(days=2)
WEBHOOK_STALE_AFTER = timedelta(minutes=5)


class PaymentStartError(Exception):
    """The payment cannot start: the payable or the request is not what it should be."""


# Helpers -----------------------------------------------------------------------


def _record(
    payment: Payment,
    kind: str,
    *,
    source: str,
    before: str = "",
    provider_event_id: str = "",
    note: str = "",
    payload: dict[str, Any] | None = None,
) -> PaymentEvent:
    return PaymentEvent.objects.create(
        payment=payment,
        kind=kind,
        source=source,
        status_before=before,
        status_after=payment.status,
        provider_event_id=provider_event_id,
        note=note[:255],
        payload=payload or {},
    )


def _lock(payment_id: int) -> Payment:
    """Lock every payment of the payable `payment_id` belongs to, and return that one.

    All of them, in id order, so that two payments for one payable (two tabs,
    two checkouts) are applied one after the other and only one succeeds.
    """
    payment = Payment.objects.get(pk=payment_id)
    siblings = list(
        Payment.objects.select_for_update()
        .filter(payable_type=payment.payable_type, payable_id=payment.payable_id)
        .order_by("pk")
    )
    return next(p for p in siblings if p.pk == payment_id)


def _local_path(url: str) -> str:
    if not url.startswith("/") or url.startswith("//"):
        # Only our own pages: these addresses come back to the browser as redirects.
        raise PaymentStartError(f"success and cancel URLs must be local paths, not {url!r}")
    return url


def _queue_refund(payment: Payment) -> None:
    queue_after_commit(
        "payments.tasks.payment_refund_execute", payment.pk, sweeper="payment_reconcile_pending"
    )


# Start ---------------------------------------------------------------------------


def payment_start(
    *,
    payable_type: str,
    payable_id: str,
    amount: Decimal,
    description: str,
    customer_email: str,
    method: str,
    success_url: str,
    cancel_url: str,
    currency: str = "PLN",
) -> tuple[Payment, str]:
    """Open a payment at the configured provider; return it and where to send the client.

    Not one transaction on purpose: the payment row is committed before the
    provider is called, so that a webhook arriving at once finds it, and no
    database lock is held while the provider answers. Call it outside your
    own transaction when you can.
    """
    _require_payable(payable_type, str(payable_id), amount=amount, currency=currency)
    if method and method not in Payment.Method.values:
        raise PaymentStartError(f"unknown method {method!r}")
    provider = get_provider()
    payment = _payment_create(
        provider=provider.name,
        payable_type=payable_type,
        payable_id=str(payable_id),
        amount=amount,
        currency=currency,
        description=description[:200],
        customer_email=customer_email,
        method=method,
        success_url=_local_path(success_url),
        cancel_url=_local_path(cancel_url),
    )
    base = settings.PORTAL_BASE_URL
    try:
        session = provider.checkout_create(
            payment=payment,
            success_url=base + reverse("payments:wait", args=[payment.public_id]),
            cancel_url=base + reverse("payments:cancel", args=[payment.public_id]),
        )
    except ProviderError as exc:
        _payment_checkout_failed(payment_id=payment.pk, error=str(exc))
        raise
    return _payment_checkout_opened(payment_id=payment.pk, session=session), session.url


def _require_payable(payable_type: str, payable_id: str, *, amount: Decimal, currency: str) -> None:
    """Refuse (PaymentStartError) unless the payable expects exactly this amount now."""
    info = registry.get(payable_type).describe(payable_id)
    if info is None:
        raise PaymentStartError("the payable does not exist or cannot be paid")
    if info.amount != amount or info.currency != currency:
        raise PaymentStartError("amount or currency differs from what the payable expects")


@transaction.atomic
def _payment_create(**fields: Any) -> Payment:
    """The payment row and its first event, committed before the provider is called."""
    payment = Payment.objects.create(**fields)
    _record(payment, Kind.CREATED, source=Source.SYSTEM)
    return payment


@transaction.atomic
def _payment_checkout_failed(*, payment_id: int, error: str) -> None:
    payment = _lock(payment_id)
    before = payment.status
    if payment.status == Status.CREATED:
        payment.status = Status.FAILED
        payment.failure_code = "provider_error"
        payment.save(update_fields=["status", "failure_code", "updated_at"])
    _record(payment, Kind.ERROR, source=Source.SYSTEM, before=before, note=error)


@transaction.atomic
def _payment_checkout_opened(*, payment_id: int, session: Any) -> Payment:
    payment = _lock(payment_id)
    before = payment.status
    payment.checkout_id = session.id
    payment.intent_id = payment.intent_id or session.intent_id
    # A fast webhook may already have moved the payment on; never step back.
    if payment.status == Status.CREATED:
        payment.status = Status.PENDING
    payment.save(update_fields=["checkout_id", "intent_id", "status", "updated_at"])
    _record(payment, Kind.CHECKOUT, source=Source.SYSTEM, before=before, note=session.id)
    return payment


# Applying what the provider says ---------------------------------------------------


@transaction.atomic
def payment_apply_event(
    *, payment_id: int, update: PaymentUpdate, source: str, provider_event_id: str = ""
) -> Payment:
    """Move a payment according to a provider's report, once, and never backwards.

    Safe to call again with the same report: a success is applied once, a
    failure never overrides money received, a refund is recorded once.
    """
    payment = _lock(payment_id)
    ctx = {"source": source, "provider_event_id": provider_event_id, "payload": update.payload}
    _remember_references(payment, update)
    apply = {
        OUTCOME_SUCCEEDED: _apply_success,
        OUTCOME_FAILED: _apply_failure,
        OUTCOME_EXPIRED: _apply_failure,
        OUTCOME_PENDING: _apply_pending,
        OUTCOME_REFUNDED: _apply_refunded,
    }[update.outcome]
    apply(payment, update, ctx)
    return payment


def _remember_references(payment: Payment, update: PaymentUpdate) -> None:
    fields = []
    if update.intent_id and not payment.intent_id:
        payment.intent_id = update.intent_id
        fields.append("intent_id")
    if update.method in Payment.Method.values and update.method != payment.method:
        payment.method = update.method
        fields.append("method")
    if fields:
        payment.save(update_fields=[*fields, "updated_at"])


def _ignore(payment: Payment, ctx: dict[str, Any], note: str) -> None:
    _record(payment, Kind.IGNORED, before=payment.status, note=note, **ctx)


def _set_status(payment: Payment, status: str, ctx: dict[str, Any], **fields: Any) -> str:
    before = payment.status
    payment.status = status
    for name, value in fields.items():
        setattr(payment, name, value)
    payment.save(update_fields=["status", *fields, "updated_at"])
    _record(payment, Kind.STATUS, before=before, **ctx)
    return before


def _apply_success(payment: Payment, update: PaymentUpdate, ctx: dict[str, Any]) -> None:
    if payment.status in Payment.MONEY_STATUSES:
        return _ignore(payment, ctx, f"already {payment.status}")
    handlers = registry.get(payment.payable_type)
    received = from_minor(update.amount_minor) if update.amount_minor is not None else None
    currency = update.currency.upper()
    received_fields = {"amount_received": received, "currency_received": currency}
    mismatch = _mismatch(payment, handlers, received, currency)
    if mismatch:
        _set_status(
            payment, Status.HELD, ctx, failure_code=mismatch, flagged=True, **received_fields
        )
        _record(payment, Kind.MISMATCH, note=mismatch, **ctx)
        handlers.on_failed(payment)
        return None
    if _other_success_exists(payment):
        _refund_request(payment, "duplicate", "", Kind.DUPLICATE, ctx, **received_fields)
        return None
    before = payment.status
    try:
        # A savepoint: a refusal undoes whatever the callback wrote.
        with transaction.atomic():
            cleared = {"failure_code": "", "failure_message": ""}
            now = timezone.now()
            # The provider's time of payment decides deadlines, never a later one of ours.
            paid_at = min(update.occurred_at, now) if update.occurred_at else now
            _set_status(
                payment, Status.SUCCEEDED, ctx, succeeded_at=paid_at, **cleared, **received_fields
            )
            handlers.on_succeeded(payment)
    except registry.PaymentRefused as refusal:
        payment.status, payment.succeeded_at = before, None
        _refund_request(
            payment, refusal.code, refusal.message, Kind.REFUSED, ctx, **received_fields
        )
    return None


def _mismatch(
    payment: Payment, handlers: registry.PayableHandlers, received: Decimal | None, currency: str
) -> str:
    if received is None:
        return "amount_unknown"
    if currency != payment.currency:
        return "currency_mismatch"
    if received != payment.amount:
        return "amount_mismatch"
    # The payable may have changed since the payment started (an edited offer).
    info = handlers.describe(payment.payable_id)
    if info is not None and (info.amount != received or info.currency != currency):
        return "amount_mismatch"
    return ""


def _other_success_exists(payment: Payment) -> bool:
    return (
        Payment.objects.filter(payable_type=payment.payable_type, payable_id=payment.payable_id)
        .filter(status=Status.SUCCEEDED)
        .exclude(pk=payment.pk)
        .exists()
    )


def _refund_request(
    payment: Payment, code: str, message: str, kind: str, ctx: dict[str, Any], **fields: Any
) -> None:
    before = payment.status
    _set_status(
        payment,
        Status.REFUND_PENDING,
        ctx,
        failure_code=code[:64],
        failure_message=message[:255],
        **fields,
    )
    _record(payment, kind, before=before, note=code, **ctx)
    _queue_refund(payment)


def _apply_failure(payment: Payment, update: PaymentUpdate, ctx: dict[str, Any]) -> None:
    if payment.status in Payment.MONEY_STATUSES:
        return _ignore(payment, ctx, f"{update.outcome} after {payment.status}: no downgrade")
    status = Status.EXPIRED if update.outcome == OUTCOME_EXPIRED else Status.FAILED
    if payment.status == Status.EXPIRED or (
        payment.status == status and payment.failure_code == update.failure_code
    ):
        return _ignore(payment, ctx, f"{update.outcome} again")
    _set_status(
        payment,
        status,
        ctx,
        failure_code=update.failure_code[:64],
        failure_message=update.failure_message[:255],
    )
    registry.get(payment.payable_type).on_failed(payment)
    return None


def _apply_pending(payment: Payment, update: PaymentUpdate, ctx: dict[str, Any]) -> None:
    # Only a fresh payment becomes pending: "processing" arriving late after a
    # failure or a success says nothing new.
    if payment.status != Status.CREATED:
        return _ignore(payment, ctx, f"pending after {payment.status}")
    _set_status(payment, Status.PENDING, ctx)
    return None


def _apply_refunded(payment: Payment, update: PaymentUpdate, ctx: dict[str, Any]) -> None:
    if payment.status == Status.REFUNDED:
        return _ignore(payment, ctx, "already refunded")
    # A refund made at the provider (the dashboard) or confirmed for ours.
    _set_status(payment, Status.REFUNDED, ctx, refunded_at=timezone.now())
    registry.get(payment.payable_type).on_refunded(payment)
    return None


# Refunds --------------------------------------------------------------------------


@transaction.atomic
def payment_refund(*, payment_id: int, reason: str, source: str = Source.STAFF) -> Payment:
    """Ask for a payment's money to be returned; the provider is called after commit."""
    payment = _lock(payment_id)
    if payment.status == Status.REFUND_PENDING:
        return payment
    if payment.status not in (Status.SUCCEEDED, Status.HELD):
        raise ProviderError(f"a {payment.status} payment cannot be refunded")
    ctx = {"source": source, "provider_event_id": "", "payload": {}}
    _refund_request(payment, reason, "", Kind.REFUND_REQUESTED, ctx)
    return payment


@transaction.atomic
def payment_refund_execute(*, payment_id: int) -> Payment:
    """Have the provider return the money of a REFUND_PENDING payment; safe to repeat."""
    payment = _lock(payment_id)
    if payment.status != Status.REFUND_PENDING:
        return payment
    amount = payment.amount_received or payment.amount
    provider = get_provider(payment.provider)
    try:
        # The key makes a retry after a lost answer return the same refund.
        result = provider.refund_create(
            payment=payment,
            amount_minor=int(amount * 100),
            idempotency_key=f"refund-{payment.public_id}",
        )
    except ProviderUnavailable:
        raise  # the task retries later
    except ProviderError as exc:
        payment.flagged = True
        payment.save(update_fields=["flagged", "updated_at"])
        _record(payment, Kind.ERROR, source=Source.SYSTEM, before=payment.status, note=str(exc))
        return payment
    before = payment.status
    payment.status = Status.REFUNDED
    payment.refund_id = result.id
    payment.refunded_at = timezone.now()
    payment.save(update_fields=["status", "refund_id", "refunded_at", "updated_at"])
    _record(
        payment,
        Kind.REFUNDED,
        source=Source.SYSTEM,
        before=before,
        note=f"{result.id} {result.status}",
    )
    registry.get(payment.payable_type).on_refunded(payment)
    return payment


# Reconciliation ------------------------------------------------------------------


def payment_reconcile_pending(*, now: datetime | None = None) -> list[int]:
    """Queue a provider check of every payment that has waited over 15 minutes."""
    now = now or timezone.now()
    # Asked again at most every 15 minutes: checked_at moves on each time.
    due = (
        Payment.objects.filter(updated_at__lte=now - RECONCILE_AFTER)
        .filter(Q(checked_at__isnull=True) | Q(checked_at__lte=now - RECONCILE_AFTER))
        .filter(
            Q(status__in=Payment.OPEN_STATUSES, created_at__gte=now - RECONCILE_WITHIN)
            | Q(status=Status.REFUND_PENDING)
        )
    )
    ids = list(due.values_list("pk", flat=True))
    for payment_id in ids:
        queue("payments.tasks.payment_reconcile", payment_id, sweeper="payment_reconcile_pending")
    # Events stored while the broker was down were never queued.
    stale = WebhookEvent.objects.filter(
        processed_at__isnull=True, received_at__lte=now - WEBHOOK_STALE_AFTER
    )
    for event_id in stale.values_list("pk", flat=True):
        queue("payments.tasks.webhook_event_process", event_id, sweeper="payment_reconcile_pending")
    return ids


def payment_reconcile(*, payment_id: int) -> Payment | None:
    """Ask the provider where one payment stands and apply the answer.

    The question is asked without holding a lock; the answer is applied
    under one, by the same rules as a webhook, so a webhook that arrives in
    between changes nothing.
    """
    payment = Payment.objects.filter(pk=payment_id).first()
    if payment is None:
        return None
    if payment.status == Status.REFUND_PENDING:
        return payment_refund_execute(payment_id=payment_id)
    if payment.status not in Payment.OPEN_STATUSES:
        return payment
    update = get_provider(payment.provider).status_fetch(payment=payment)
    if update is None and not payment.checkout_id:
        # The provider never opened a checkout for it: nobody can pay it.
        update = PaymentUpdate(outcome=OUTCOME_EXPIRED, failure_code="checkout_not_created")
    with transaction.atomic():
        Payment.objects.filter(pk=payment_id).update(checked_at=timezone.now())
        # "Still waiting" about a waiting payment is not worth a history row.
        unchanged = update is not None and (update.outcome, payment.status) == (
            OUTCOME_PENDING,
            Status.PENDING,
        )
        if update is not None and not unchanged:
            payment = payment_apply_event(
                payment_id=payment_id, update=update, source=Source.RECONCILE
            )
    return payment
