"""An unpaid subscriber invoice as something `payments` can take money for."""

from django.utils import timezone

from payments import registry
from payments.models import Payment
from payments.registry import PayableInfo

PAYABLE_TYPE = "subscribers.invoice"


def describe(payable_id: str) -> PayableInfo | None:
    """The invoice's gross amount while it is unpaid; None once paid or unknown."""
    from .models import Invoice

    try:
        pk = int(payable_id)
    except ValueError:
        return None
    invoice = Invoice.objects.filter(pk=pk, paid_at__isnull=True).first()
    if invoice is None:
        return None
    return PayableInfo(
        amount=invoice.gross_total, currency="PLN", description=f"Faktura {invoice.number}"
    )


def on_succeeded(payment: Payment) -> None:
    from .services import invoice_mark_paid

    invoice_mark_paid(
        invoice_id=int(payment.payable_id),
        payment_id=payment.pk,
        paid_at=payment.succeeded_at or timezone.now(),
    )


def register() -> None:
    """Called from SubscribersConfig.ready()."""
    registry.register(PAYABLE_TYPE, describe=describe, on_succeeded=on_succeeded)
