"""What the waiting page tells the client about a payment, in Polish."""

from dataclasses import dataclass, replace

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Payment

Status = Payment.Status

BLIK_CODE_LIFETIME_SECONDS = 120

# Stripe's decline codes that mean "the BLIK code ran out" (code_expired since
# the 2026-09-30 API; before, a timed-out attempt).
BLIK_EXPIRED = {"code_expired", "payment_intent_payment_attempt_expired"}

FAILURE_TEXT: dict[str, Promise] = {
    "code_invalid": _("Kod BLIK jest nieprawidłowy."),
    "customer_declined": _("Płatność została odrzucona w aplikacji banku."),
    "insufficient_funds": _("Na rachunku lub karcie zabrakło środków."),
    "payment_limit_exceeded": _("Przekroczono limit płatności ustawiony w banku."),
    "card_declined": _("Bank odrzucił płatność kartą."),
    "expired_card": _("Karta straciła ważność."),
    "provider_error": _("Nie udało się połączyć z operatorem płatności."),
}


@dataclass(frozen=True)
class PageState:
    tone: str  # "info", "success", "error", "warning": the alert style
    title: Promise | str
    message: Promise | str
    next_step: Promise | str
    waiting: bool = False
    retry: bool = False


_WAITING_NEXT = _("Ta strona odświeży się sama, gdy operator potwierdzi płatność.")
_NOT_TAKEN_RETRY = _("Pieniądze nie zostały pobrane. Spróbuj ponownie, tą samą lub inną metodą.")

# What the client's payment page says, by the payment's situation (see `_situation`).
# A message of None is filled in from the payment (`_message`).
PAGE_STATES: dict[str, PageState] = {
    "waiting_blik": PageState(
        "info",
        _("Czekamy na potwierdzenie płatności BLIK"),
        _("Potwierdź płatność w aplikacji swojego banku. Kod BLIK jest ważny 2 minuty."),
        _WAITING_NEXT,
        waiting=True,
    ),
    "waiting": PageState(
        "info",
        _("Czekamy na potwierdzenie płatności"),
        _("Operator płatności jeszcze jej nie potwierdził. Zwykle trwa to kilka sekund."),
        _WAITING_NEXT,
        waiting=True,
    ),
    "succeeded": PageState(
        "success", _("Płatność przyjęta"), _("Dziękujemy. Płatność została potwierdzona."), ""
    ),
    "blik_expired": PageState(
        "error",
        _("Kod BLIK wygasł"),
        _("Kod BLIK jest ważny 2 minuty i ten czas minął, zanim płatność została potwierdzona."),
        _("Wygeneruj nowy kod w aplikacji banku i zapłać ponownie. Pieniądze nie zostały pobrane."),
        retry=True,
    ),
    "failed": PageState("error", _("Płatność nie powiodła się"), "", _NOT_TAKEN_RETRY, retry=True),
    "expired": PageState(
        "warning",
        _("Czas na płatność minął"),
        _("Sesja płatności wygasła, zanim płatność została dokonana."),
        _("Pieniądze nie zostały pobrane. Rozpocznij płatność ponownie."),
        retry=True,
    ),
    "held": PageState(
        "warning",
        _("Płatność wymaga wyjaśnienia"),
        _("Otrzymaliśmy płatność, ale jej kwota lub waluta nie zgadza się z należnością."),
        _(
            "Nie płać ponownie. Skontaktuj się z agentem — sprawdzimy płatność "
            "i w razie potrzeby zwrócimy pieniądze."
        ),
    ),
    "duplicate": PageState(
        "warning",
        _("Ta należność była już opłacona"),
        _("Otrzymaliśmy drugą płatność za to samo, więc jej nie przyjęliśmy."),
        _("Pieniądze z drugiej płatności wrócą na Twoje konto lub kartę."),
    ),
    "refund_pending": PageState(
        "warning",
        _("Płatność nie mogła zostać przyjęta"),
        "",
        _("Pieniądze wrócą na Twoje konto lub kartę, zwykle w ciągu kilku dni roboczych."),
    ),
    "refunded": PageState(
        "warning",
        _("Płatność nie mogła zostać przyjęta"),
        "",
        _("Pieniądze zostały zwrócone na Twoje konto lub kartę."),
    ),
}


def _situation(payment: Payment) -> str:
    """Which entry of PAGE_STATES describes the payment."""
    status = payment.status
    if status in (Status.CREATED, Status.PENDING):
        return "waiting_blik" if payment.method == Payment.Method.BLIK else "waiting"
    if status == Status.FAILED:
        return "blik_expired" if payment.failure_code in BLIK_EXPIRED else "failed"
    simple: dict[str, str] = {
        Status.SUCCEEDED: "succeeded",
        Status.EXPIRED: "expired",
        Status.HELD: "held",
    }
    if status in simple:
        return simple[status]
    if payment.failure_code == "duplicate":
        return "duplicate"
    # Refused or refunded: the payable's own message says why, if it gave one.
    return "refund_pending" if status == Status.REFUND_PENDING else "refunded"


def _message(situation: str, payment: Payment) -> Promise | str:
    if situation == "failed":
        return FAILURE_TEXT.get(payment.failure_code, _("Operator płatności odrzucił płatność."))
    return payment.failure_message or _(
        "Płatność wpłynęła, ale nie mogła zostać przyjęta (na przykład po terminie)."
    )


def payment_page_state(payment: Payment) -> PageState:
    """What the client's payment page says about `payment`."""
    situation = _situation(payment)
    state = PAGE_STATES[situation]
    if state.message:
        return state
    return replace(state, message=_message(situation, payment))
