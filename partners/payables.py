"""The partner's order as something `payments` can take money for (see `payments.registry`)."""

from payments import registry
from payments.models import Payment
from payments.registry import PayableInfo

PAYABLE_TYPE = "partners.order"


def describe(payable_id: str) -> PayableInfo | None:
    from .models import Order

    try:
        pk = int(payable_id)
    except ValueError:
        return None
    order = Order.objects.filter(pk=pk, state=Order.State.PENDING).first()
    if order is None:
        return None
    return PayableInfo(amount=order.total_gross, currency="PLN", description=f"Zamówienie {order}")


def on_succeeded(payment: Payment) -> None:
    from .shop import order_fulfil

    order_fulfil(payment=payment)


def on_refunded(payment: Payment) -> None:
    from .shop import order_refund_notify

    order_refund_notify(payment=payment)


def register() -> None:
    """Called from PartnersConfig.ready()."""
    registry.register(
        PAYABLE_TYPE, describe=describe, on_succeeded=on_succeeded, on_refunded=on_refunded
    )
