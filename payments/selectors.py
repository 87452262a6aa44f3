"""What the waiting page tells the client about a payment, in Polish."""

from dataclasses import dataclass

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


def payment_page_state(payment: Payment) -> PageState:
    status = payment.status
    if status in (Status.CREATED, Status.PENDING):
        if payment.method == Payment.Method.BLIK:
            return PageState(
                "info",
                _("Czekamy na potwierdzenie płatności BLIK"),
                _("Potwierdź płatność w aplikacji swojego banku. Kod BLIK jest ważny 2 minuty."),
                _("Ta strona odświeży się sama, gdy operator potwierdzi płatność."),
                waiting=True,
            )
        return PageState(
            "info",
            _("Czekamy na potwierdzenie płatności"),
            _("Operator płatności jeszcze jej nie potwierdził. Zwykle trwa to kilka sekund."),
            _("Ta strona odświeży się sama, gdy operator potwierdzi płatność."),
            waiting=True,
        )
    if status == Status.SUCCEEDED:
        return PageState(
            "success", _("Płatność przyjęta"), _("Dziękujemy. Płatność została potwierdzona."), ""
        )
    if status == Status.FAILED:
        if payment.failure_code in BLIK_EXPIRED:
            return PageState(
                "error",
                _("Kod BLIK wygasł"),
                _(
                    "Kod BLIK jest ważny 2 minuty i ten czas minął, "
                    "zanim płatność została potwierdzona."
                ),
                _(
                    "Wygeneruj nowy kod w aplikacji banku i zapłać ponownie. "
                    "Pieniądze nie zostały pobrane."
                ),
                retry=True,
            )
        return PageState(
            "error",
            _("Płatność nie powiodła się"),
            FAILURE_TEXT.get(payment.failure_code, _("Operator płatności odrzucił płatność.")),
            _("Pieniądze nie zostały pobrane. Spróbuj ponownie, tą samą lub inną metodą."),
            retry=True,
        )
    if status == Status.EXPIRED:
        return PageState(
            "warning",
            _("Czas na płatność minął"),
            _("Sesja płatności wygasła, zanim płatność została dokonana."),
            _("Pieniądze nie zostały pobrane. Rozpocznij płatność ponownie."),
            retry=True,
        )
    if status == Status.HELD:
        return PageState(
            "warning",
            _("Płatność wymaga wyjaśnienia"),
            _("Otrzymaliśmy płatność, ale jej kwota lub waluta nie zgadza się z należnością."),
            _(
                "Nie płać ponownie. Skontaktuj się z agentem — sprawdzimy płatność "
                "i w razie potrzeby zwrócimy pieniądze."
            ),
        )
    if payment.failure_code == "duplicate":
        return PageState(
            "warning",
            _("Ta należność była już opłacona"),
            _("Otrzymaliśmy drugą płatność za to samo, więc jej nie przyjęliśmy."),
            _("Pieniądze z drugiej płatności wrócą na Twoje konto lub kartę."),
        )
    # Refused or refunded: the payable's own message says why, if it gave one.
    return PageState(
        "warning",
        _("Płatność nie mogła zostać przyjęta"),
        payment.failure_message
        or _("Płatność wpłynęła, ale nie mogła zostać przyjęta (na przykład po terminie)."),
        _("Pieniądze wrócą na Twoje konto lub kartę, zwykle w ciągu kilku dni roboczych.")
        if status == Status.REFUND_PENDING
        else _("Pieniądze zostały zwrócone na Twoje konto lub kartę."),
    )
