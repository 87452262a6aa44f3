"""Thin tasks: ids in, one service call, retries declared. Each is safe to run twice."""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from . import sandbox, services, webhooks
from .providers.base import ProviderUnavailable

# OperationalError covers a deadlock or serialisation failure that PostgreSQL
# resolved by cancelling us: the whole transaction can simply run again.
# OSError: the sandbox's HTTP delivery could not reach the portal.
RETRY_ON = (ProviderUnavailable, OperationalError, OSError)
RETRY: dict[str, Any] = {
    "autoretry_for": RETRY_ON,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 10,
}


@shared_task(**RETRY)
def webhook_event_process(webhook_event_id: int) -> str:
    return webhooks.webhook_event_process(webhook_event_id=webhook_event_id)


@shared_task(**RETRY)
def payment_refund_execute(payment_id: int) -> str | None:
    payment = services.payment_refund_execute(payment_id=payment_id)
    return payment.status


@shared_task(**RETRY)
def payment_reconcile(payment_id: int) -> str | None:
    payment = services.payment_reconcile(payment_id=payment_id)
    return payment.status if payment is not None else None


@shared_task
def payments_reconcile_pending() -> int:
    return len(services.payment_reconcile_pending())


@shared_task(**RETRY)
def sandbox_webhook_deliver(body: str) -> None:
    sandbox.webhook_deliver(body)
