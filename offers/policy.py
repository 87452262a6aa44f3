"""A paid offer becomes a policy; the client gets it by e-mail, encrypted.

`policy_issue_for_payment` runs inside the payments transaction that marks
the payment succeeded (see `offers.payables`), so the offer, the payment and
the policy change together or not at all. The policy PDF is rendered after
commit by a task (about 100 ms of WeasyPrint and encryption, kept out of the
locked transaction), and its e-mail is claimed once.

Money after the deadline makes no policy: the callback refuses it, payments
refunds it, and `payment_refunded_notify` tells both sides.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.queueing import queue, queue_after_commit
from notifications.pdf import encrypt_pdf, render_pdf
from notifications.services import Attachment, email_enqueue
from notifications.sms.services import sms_insured_from_policy
from payments.models import Payment
from payments.registry import PaymentRefused

from . import services
from .evidence import DOCUMENT_KINDS, ConsentAcceptance, DocumentDownload, Policy
from .models import WARSAW, Offer, OfferEvent
from .selectors import consents_done, downloads_done, payments_of_offer

logger = logging.getLogger(__name__)

REFUSAL_LATE = "deadline_passed"
REFUSAL_NOT_OPEN = "offer_not_open"
REFUSAL_CHANGED = "offer_changed"
PENDING_DELIVERY_AFTER = timedelta(minutes=5)


def policy_number(offer: Offer) -> str:
    """`FM_T/P/248095725`: one policy per offer, so the offer's number makes it unique."""
    return f"{offer.product.code}/P/{offer.number:09d}"


def policy_issue_for_payment(*, payment: Payment) -> Policy:
    """Turn the payment's offer into a policy, or refuse late money (PaymentRefused).

    Called inside the payments transaction; the offer row is locked here so
    that an agent's edit or cancel cannot cross the payment.
    """
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("product", "package", "agent")
        .get(pk=int(payment.payable_id))
    )
    existing = Policy.objects.filter(payment=payment).first()
    if existing is not None:
        return existing
    paid_at = payment.succeeded_at or timezone.now()
    _refuse_unless_payable(offer, paid_at)
    offer = services.offer_mark_paid(
        offer=offer, paid_at=paid_at, payment_reference=str(payment.public_id)
    )
    offer = services.offer_issue_policy(offer=offer, actor_label=services.PAYMENTS)
    policy = Policy.objects.create(
        offer=offer, payment=payment, number=policy_number(offer), issued_at=timezone.now()
    )
    # The policyholder lands in the agent's agency's SMS base (no marketing consent).
    sms_insured_from_policy(
        agent=offer.agent,
        name=offer.holder_name,
        phone=offer.mobile,
        policy_number=policy.number,
        end_date=offer.protection_end,
        premium=offer.premium,
    )
    _queue_delivery(policy.pk)
    return policy


def _refuse_unless_payable(offer: Offer, paid_at: datetime) -> None:
    """Raise PaymentRefused, with the reason payments refunds under, for money we cannot keep."""
    if not offer.may_take_money(paid_at):
        if offer.state in (Offer.State.SENT, Offer.State.EXPIRED):
            raise PaymentRefused(
                REFUSAL_LATE, str(_("Płatność wpłynęła po terminie płatności oferty."))
            )
        raise PaymentRefused(
            REFUSAL_NOT_OPEN,
            str(_("Oferta nie czekała już na płatność (anulowana, wygasła lub opłacona).")),
        )
    # The agent may edit the offer while the client is on the provider's page:
    # a policy is only ever issued from the version the client downloaded and accepted.
    if downloads_done(offer) != set(DOCUMENT_KINDS) or not consents_done(offer):
        raise PaymentRefused(
            REFUSAL_CHANGED,
            str(
                _(
                    "Agent zmienił ofertę w trakcie płatności. Sprawdź nową wersję oferty, "
                    "pobierz dokumenty, zaznacz zgody i zapłać ponownie."
                )
            ),
        )


def _queue_delivery(policy_id: int) -> None:
    queue_after_commit("offers.tasks.policy_deliver", policy_id, sweeper="policies_deliver_pending")


def policy_pdf(policy: Policy) -> bytes:
    """The policy as an A4 PDF, encrypted like the offer (PESEL or the 4 digits)."""
    offer = policy.offer
    data = render_pdf(
        "policy",
        {
            "policy": policy,
            "offer": offer,
            "product": offer.product,
            "package": offer.package,
            "issued": policy.issued_at.astimezone(WARSAW),
        },
    )
    return encrypt_pdf(data, offer.document_password)


def policy_filename(policy: Policy) -> str:
    return "Polisa_" + policy.number.replace("/", "_").replace(" ", "_") + ".pdf"


@transaction.atomic
def policy_send(*, policy_id: int) -> bool:
    """E-mail the encrypted policy PDF to the client, once. False when already sent."""
    claimed = Policy.objects.filter(pk=policy_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    policy = Policy.objects.select_related("offer__product", "offer__package", "offer__agent").get(
        pk=policy_id
    )
    offer = policy.offer
    data = policy_pdf(policy)
    policy.pdf_sha256 = DocumentDownload.digest(data)
    policy.save(update_fields=["pdf_sha256"])
    email_enqueue(
        to=offer.email,
        template="policy_client",
        context={
            "offer": offer,
            "policy": policy,
            "number": offer.display_number,
            "new_portal": offer.product.is_new_portal,
        },
        topic=f"offer:{offer.pk}",
        attachments=[Attachment(policy_filename(policy), data, "application/pdf")],
    )
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.POLICY_SENT,
        details={"policy": policy.number, "sha256": policy.pdf_sha256},
    )
    return True


def policies_deliver_pending(*, now: datetime | None = None) -> int:
    """Queue again the policies whose e-mail never went: the broker was down at commit."""
    cutoff = (now or timezone.now()) - PENDING_DELIVERY_AFTER
    pending = list(
        Policy.objects.filter(sent_at__isnull=True, issued_at__lt=cutoff).values_list(
            "pk", flat=True
        )[:200]
    )
    for policy_id in pending:
        queue("offers.tasks.policy_deliver", policy_id, sweeper="policies_deliver_pending")
    return len(pending)


def payment_failed_record(*, payment: Payment) -> None:
    """A failed, expired or held payment: a line in the timeline (a retry may still succeed)."""
    offer = Offer.objects.filter(pk=int(payment.payable_id)).first()
    if offer is None:
        return
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.PAYMENT_FAILED,
        details={
            "payment": str(payment.public_id),
            "status": payment.status,
            "code": payment.failure_code,
            "method": payment.method,
        },
    )


def payment_refunded_notify(*, payment: Payment) -> None:
    """Money returned (late, offer closed, or paid twice): timeline, and tell both sides."""
    offer = (
        Offer.objects.select_related("product", "agent").filter(pk=int(payment.payable_id)).first()
    )
    if offer is None:
        return
    if payment.failure_code == REFUSAL_LATE:
        services.offer_record_client_event(
            offer=offer,
            kind=OfferEvent.Kind.LATE_PAYMENT,
            details={"payment": str(payment.public_id)},
        )
    services.offer_record_client_event(
        offer=offer,
        kind=OfferEvent.Kind.PAYMENT_REFUNDED,
        details={"payment": str(payment.public_id), "code": payment.failure_code},
    )
    context: dict[str, Any] = {
        "offer": offer,
        "number": offer.display_number,
        "amount": payment.amount_received or payment.amount,
        "reason": payment.failure_code,
        "late": payment.failure_code == REFUSAL_LATE,
        "duplicate": payment.failure_code == "duplicate",
        "changed": payment.failure_code == REFUSAL_CHANGED,
        "deadline": offer.payment_deadline_local,
        "agent": offer.agent,
        "agent_url": settings.PORTAL_BASE_URL + reverse("offers:detail", args=[offer.pk]),
    }
    topic = f"offer:{offer.pk}"
    to_client = offer.email or payment.customer_email
    if to_client:
        email_enqueue(to=to_client, template="policy_refund_client", context=context, topic=topic)
    email_enqueue(
        to=offer.agent.email, template="policy_refund_agent", context=context, topic=topic
    )


# Remote-sale certificate ---------------------------------------------------------------


def certificate_context(offer: Offer) -> dict[str, Any]:
    return {
        "offer": offer,
        "product": offer.product,
        "package": offer.package,
        "downloads": DocumentDownload.objects.filter(offer=offer).order_by("at", "pk"),
        "consents": ConsentAcceptance.objects.filter(offer=offer).order_by("at", "pk"),
        "events": offer.events.select_related("actor").order_by("at", "pk"),
        "payments": payments_of_offer(offer),
        "policy": Policy.objects.filter(offer=offer).first(),
        "generated": timezone.now().astimezone(WARSAW),
        "deadline": offer.payment_deadline_local,
    }


def certificate_pdf(offer: Offer) -> bytes:
    """The "remote sale certificate": what the client received, agreed to and paid, and when."""
    return render_pdf("remote_sale_certificate", certificate_context(offer))
