"""An SMS top-up as something `payments` can take money for (see `payments.registry`)."""

from payments import registry
from payments.models import Payment
from payments.registry import PayableInfo

from .topups import PAYABLE_TYPE, topup_credit_online


def describe(payable_id: str) -> PayableInfo | None:
    from .models import TopUp

    try:
        pk = int(payable_id)
    except ValueError:
        return None
    topup = TopUp.objects.filter(pk=pk, source=TopUp.Source.ONLINE, credit__isnull=True).first()
    if topup is None:
        return None
    return PayableInfo(
        amount=topup.amount, currency="PLN", description=f"Doladowanie SMS {topup.pk}"
    )


def on_succeeded(payment: Payment) -> None:
    topup_credit_online(payment=payment)


def register() -> None:
    """Called from SmsConfig.ready()."""
    registry.register(PAYABLE_TYPE, describe=describe, on_succeeded=on_succeeded)
