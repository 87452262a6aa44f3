"""Everything the portal sends goes through the outbox.

A caller inside its own transaction calls `email_enqueue` or `sms_enqueue`:
the row is written with the caller's change and the delivery task is queued
only after commit. If the broker is down the request still succeeds; the row
waits and `outbox_requeue_stale` (Celery beat) queues it again later.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from accounts.queueing import queue, queue_after_commit

from .gateways import GatewayRejected, get_gateway
from .models import OutboxAttachment, OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_AFTER = timedelta(minutes=5)


class DeliveryError(Exception):
    """Sending failed in a way worth retrying."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/pdf"


def render_text(name: str, context: dict[str, Any]) -> str:
    """Render a plain-text template without HTML escaping: "O'Brien & Syn" stays as typed."""
    template = get_template(name).template  # type: ignore[attr-defined]  # Django's backend template wraps the engine's
    return template.render(Context(context, autoescape=False))


def render_email(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """Render emails/<template>.subject.txt, .txt and .html, in Polish.

    Only the HTML part is escaped: the subject and the text part are read as text.
    """
    context = {"base_url": settings.PORTAL_BASE_URL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_text(f"emails/{template}.subject.txt", context)
        text = render_text(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    return " ".join(subject.split()), text, html


def _queue_after_commit(message_id: int) -> None:
    queue_after_commit(
        "notifications.tasks.outbox_deliver", message_id, sweeper="outbox_requeue_stale"
    )


@transaction.atomic
def email_enqueue(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    topic: str = "",
    attachments: Iterable[Attachment] = (),
) -> OutboxMessage:
    """Record an e-mail from a three-part template and send it after commit."""
    subject, text, html = render_email(template, context)
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.EMAIL,
        recipient=to,
        sender=settings.DEFAULT_FROM_EMAIL,
        subject=subject,
        body_text=text,
        body_html=html,
        topic=topic,
    )
    OutboxAttachment.objects.bulk_create(
        OutboxAttachment(
            message=message, filename=a.filename, content=a.content, content_type=a.content_type
        )
        for a in attachments
    )
    _queue_after_commit(message.pk)
    return message


@transaction.atomic
def sms_enqueue(*, to: str, text: str, sender: str = "", topic: str = "") -> OutboxMessage:
    """Record an SMS and send it after commit."""
    message = OutboxMessage.objects.create(
        channel=OutboxMessage.Channel.SMS,
        recipient=to,
        sender=sender or settings.SMS_DEFAULT_SENDER,
        body_text=text,
        topic=topic,
    )
    _queue_after_commit(message.pk)
    return message


def _send_email(message: OutboxMessage) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.sender,
        to=[message.recipient],
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    email.send()


def _send_sms(message: OutboxMessage) -> str:
    return get_gateway().send(
        sender=message.sender,
        recipient=message.recipient,
        text=message.body_text,
        idempotency_key=f"outbox:{message.pk}",
    )


def outbox_deliver(*, message_id: int) -> bool:
    """Send one message if it is still pending. Safe to call twice: one caller claims it."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    gateway_id = ""
    try:
        if message.channel == OutboxMessage.Channel.EMAIL:
            _send_email(message)
        else:
            gateway_id = _send_sms(message)
    except Exception as exc:  # any failure of the outside world is recorded, never lost
        # A refusal for good (an invalid number) is not worth the remaining attempts.
        final = message.attempts >= MAX_ATTEMPTS or isinstance(exc, GatewayRejected)
        OutboxMessage.objects.filter(pk=message_id).update(
            status=OutboxMessage.Status.FAILED if final else OutboxMessage.Status.PENDING,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.warning("outbox: message %s failed (attempt %s)", message_id, message.attempts)
        if not final:
            raise DeliveryError(str(exc)) from exc
        return False
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
        last_error="",
        gateway_message_id=gateway_id,
    )
    return True


def outbox_requeue_stale() -> int:
    """Queue again what has waited too long: never queued, or claimed by a worker that died."""
    cutoff = timezone.now() - STALE_AFTER
    OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING, claimed_at__lt=cutoff - STALE_AFTER
    ).update(status=OutboxMessage.Status.PENDING)
    stale = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING)
        .filter(Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, created_at__lt=cutoff))
        .values_list("pk", flat=True)[:500]
    )
    for message_id in stale:
        queue("notifications.tasks.outbox_deliver", message_id, sweeper="outbox_requeue_stale")
    return len(stale)


@transaction.atomic
def outbox_retry(*, message: OutboxMessage) -> None:
    """Staff's "send again" for a message that failed for good."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.PENDING, attempts=0
    )
    _queue_after_commit(message.pk)
