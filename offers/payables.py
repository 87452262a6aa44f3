"""The offer as something `payments` can take money for (see `payments.registry`)."""

from payments import registry
from payments.models import Payment
from payments.registry import PayableInfo

from .models import PAYABLE_TYPE, Offer
from .policy import payment_failed_record, payment_refunded_notify, policy_issue_for_payment

__all__ = ["PAYABLE_TYPE", "describe", "register"]


def describe(payable_id: str) -> PayableInfo | None:
    """What the offer expects to be paid now; None when it cannot be paid any more."""
    try:
        pk = int(payable_id)
    except ValueError:
        return None
    offer = Offer.objects.select_related("product").filter(pk=pk).first()
    if offer is None or not offer.may_take_money():
        return None
    return PayableInfo(
        amount=offer.premium, currency="PLN", description=f"Oferta {offer.display_number}"
    )


def on_succeeded(payment: Payment) -> None:
    policy_issue_for_payment(payment=payment)


def on_failed(payment: Payment) -> None:
    payment_failed_record(payment=payment)


def on_refunded(payment: Payment) -> None:
    payment_refunded_notify(payment=payment)


def register() -> None:
    """Called from OffersConfig.ready()."""
    registry.register(
        PAYABLE_TYPE,
        describe=describe,
        on_succeeded=on_succeeded,
        on_failed=on_failed,
        on_refunded=on_refunded,
    )
