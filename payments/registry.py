"""How a business app makes something payable.

`payments` never imports a business app. Instead, the app that owns a payable
(an offer, an SMS top-up, a partner order) registers callbacks in its
`AppConfig.ready()`:

    from payments import registry

    class OffersConfig(AppConfig):
        def ready(self) -> None:
            from . import payables
            registry.register(
                "offers.offer",
                describe=payables.describe,          # (payable_id: str) -> PayableInfo | None
                on_succeeded=payables.on_succeeded,  # (payment: Payment) -> None
                on_failed=payables.on_failed,        # optional, (payment) -> None
                on_refunded=payables.on_refunded,    # optional, (payment) -> None
            )

Then, to take money, the app calls

    payment, redirect_url = payments.services.payment_start(
        payable_type="offers.offer", payable_id=str(offer.pk), amount=offer.premium,
        description=f"Polisa {offer.number}", customer_email=offer.email,
        method=Payment.Method.BLIK, success_url=..., cancel_url=...,
    )

and redirects the client to `redirect_url` (303). After paying, the client
lands on our waiting page (`payments:wait`), which moves on to `success_url`
only once the provider has *confirmed* the payment by webhook or
reconciliation; `cancel_url` is where "try again" leads.

The contract of each callback:

- `describe(payable_id)` returns what the payable expects to be paid *now*
  (amount, currency, a description), or None when it no longer exists. It is
  read when a payment starts and again when money arrives: a payment whose
  amount or currency differs from either is not a success, it is HELD and
  flagged for staff, and `on_failed` is called.

- `on_succeeded(payment)` runs inside the transaction that marks the payment
  succeeded, with every payment row of this payable locked (so two payments
  for the same payable, or two deliveries of one event, are serialised).
  Lock your own row there (`select_for_update`), do your work (issue the
  policy, credit the balance) and queue mail with `transaction.on_commit`.
  Record the payment's pk in a UNIQUE column of what you create, so that no
  bug can turn one payment into two policies. It is called at most once per
  payment that stays succeeded.

  To refuse the money (the deadline has passed, the offer was cancelled),
  raise `PaymentRefused("deadline_passed", "…")`. Everything the callback
  wrote is rolled back (it runs in a savepoint), the payment goes to
  REFUND_PENDING with that code, the refund is made through the provider
  after commit, and `on_refunded` is called when the provider has accepted
  it. Any other exception rolls the whole event back and the task retries.

  If the payable has already been paid by another payment, `payments` does
  not call `on_succeeded` at all: the second payment is refunded with code
  "duplicate" and `on_refunded` tells you.

- `on_failed(payment)` runs in the same kind of transaction when a payment
  fails, expires or is held (`payment.status`, `payment.failure_code`);
  a later retry may still succeed. Use it for the timeline, not for state
  that a success would have to undo.

- `on_refunded(payment)` runs when the provider has accepted a refund
  (refused money, a duplicate, or a refund made by staff); tell both sides.

Callbacks must not call `payments` services that lock payments: the rows
are already locked by the caller. `payment.payable_id` is always a string.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Payment

PaymentCallback = Callable[["Payment"], None]


@dataclass(frozen=True)
class PayableInfo:
    """What a payable expects to be paid now."""

    amount: Decimal
    currency: str = "PLN"
    description: str = ""


@dataclass(frozen=True)
class PayableHandlers:
    payable_type: str
    describe: Callable[[str], PayableInfo | None]
    on_succeeded: PaymentCallback
    on_failed: PaymentCallback
    on_refunded: PaymentCallback


class PaymentRefused(Exception):
    """Raised by `on_succeeded` to refuse the money; the payment is refunded."""

    def __init__(self, code: str, message: str = "") -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message


class UnknownPayableType(LookupError):
    pass


_handlers: dict[str, PayableHandlers] = {}


def _ignore(payment: "Payment") -> None:
    return None


def register(
    payable_type: str,
    *,
    describe: Callable[[str], PayableInfo | None],
    on_succeeded: PaymentCallback,
    on_failed: PaymentCallback | None = None,
    on_refunded: PaymentCallback | None = None,
) -> None:
    """Make `payable_type` payable; registering the same type twice replaces it."""
    if "." not in payable_type or len(payable_type) > 64:
        raise ValueError("payable_type looks like 'app_label.model', at most 64 characters")
    _handlers[payable_type] = PayableHandlers(
        payable_type=payable_type,
        describe=describe,
        on_succeeded=on_succeeded,
        on_failed=on_failed or _ignore,
        on_refunded=on_refunded or _ignore,
    )


def unregister(payable_type: str) -> None:
    _handlers.pop(payable_type, None)


def get(payable_type: str) -> PayableHandlers:
    try:
        return _handlers[payable_type]
    except KeyError:
        raise UnknownPayableType(payable_type) from None
