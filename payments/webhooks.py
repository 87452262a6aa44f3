"""Provider webhooks: verify, store once, answer at once; apply later in a task.

Verification comes first and a bad or stale signature changes nothing. The
event is stored under (provider, event id), UNIQUE, so a redelivery or a
replay is recognised and does nothing. Applying it happens in a Celery task
queued on commit, which locks the event row and the payment rows.
"""

import json
import logging
import uuid

from django.db import transaction
from django.utils import timezone

from accounts.queueing import queue_after_commit

from .models import Payment, PaymentEvent, WebhookEvent
from .providers import get_provider
from .providers.base import PaymentUpdate
from .services import payment_apply_event

logger = logging.getLogger(__name__)


@transaction.atomic
def webhook_receive(*, provider: str, body: bytes, signature: str) -> WebhookEvent | None:
    """Verify and store one delivery; return the new event, or None for a repeat.

    Raises WebhookInvalid (answer 400) or ProviderError (no such provider: 404).
    """
    event = get_provider(provider).webhook_verify(body=body, signature=signature)
    stored, created = WebhookEvent.objects.get_or_create(
        provider=provider,
        event_id=str(event["id"])[:255],
        defaults={"type": str(event["type"])[:100], "body": body.decode("utf-8")},
    )
    if not created:
        return None
    queue_after_commit(
        "payments.tasks.webhook_event_process", stored.pk, sweeper="payment_reconcile_pending"
    )
    return stored


@transaction.atomic
def webhook_event_process(*, webhook_event_id: int) -> str:
    """Apply a stored event to its payment, once; return the outcome."""
    row = WebhookEvent.objects.select_for_update().filter(pk=webhook_event_id).first()
    if row is None or row.processed_at is not None:
        return "done"
    update = get_provider(row.provider).webhook_interpret(json.loads(row.body))
    payment = _payment_find(row.provider, update) if update is not None else None
    if update is None:
        row.outcome = WebhookEvent.Outcome.IGNORED
    elif payment is None:
        row.outcome = WebhookEvent.Outcome.UNMATCHED
        logger.warning("payments: %s event %s matches no payment", row.provider, row.event_id)
    else:
        payment_apply_event(
            payment_id=payment.pk,
            update=update,
            source=PaymentEvent.Source.WEBHOOK,
            provider_event_id=row.event_id,
        )
        row.outcome = WebhookEvent.Outcome.APPLIED
        row.payment = payment
    row.processed_at = timezone.now()
    row.save(update_fields=["outcome", "payment", "processed_at"])
    return str(row.outcome)


def _payment_find(provider: str, update: PaymentUpdate) -> Payment | None:
    payments = Payment.objects.filter(provider=provider)
    try:
        ref = uuid.UUID(update.payment_ref) if update.payment_ref else None
    except ValueError:
        ref = None
    if ref is not None:
        found = payments.filter(public_id=ref).first()
        if found is not None:
            return found
    if update.checkout_id:
        found = payments.filter(checkout_id=update.checkout_id).first()
        if found is not None:
            return found
    if update.intent_id:
        return payments.filter(intent_id=update.intent_id).first()
    return None
