"""What the client's payment page says, for each situation of a payment (no database)."""

import pytest

from payments.models import Payment
from payments.selectors import PAGE_STATES, payment_page_state

Status = Payment.Status


@pytest.mark.parametrize(
    ("status", "method", "code", "title", "retry"),
    [
        (Status.PENDING, "blik", "", "Czekamy na potwierdzenie płatności BLIK", False),
        (Status.CREATED, "card", "", "Czekamy na potwierdzenie płatności", False),
        (Status.SUCCEEDED, "blik", "", "Płatność przyjęta", False),
        (Status.FAILED, "blik", "code_expired", "Kod BLIK wygasł", True),
        (Status.FAILED, "card", "card_declined", "Płatność nie powiodła się", True),
        (Status.EXPIRED, "p24", "", "Czas na płatność minął", True),
        (Status.HELD, "card", "", "Płatność wymaga wyjaśnienia", False),
        (Status.REFUNDED, "blik", "duplicate", "Ta należność była już opłacona", False),
        (
            Status.REFUND_PENDING,
            "blik",
            "deadline_passed",
            "Płatność nie mogła zostać przyjęta",
            False,
        ),
    ],
)
def test_it_says_what_happened(status, method, code, title, retry):
    state = payment_page_state(Payment(status=status, method=method, failure_code=code))
    assert str(state.title) == title
    assert state.retry is retry
    assert state.waiting is (status in (Status.CREATED, Status.PENDING))
    assert str(state.message)


def test_a_decline_reads_the_bank_reason_and_an_unknown_code_a_general_one():
    declined = payment_page_state(Payment(status=Status.FAILED, failure_code="card_declined"))
    assert str(declined.message) == "Bank odrzucił płatność kartą."
    other = payment_page_state(Payment(status=Status.FAILED, failure_code="nieznany"))
    assert str(other.message) == "Operator płatności odrzucił płatność."


def test_a_refusal_shows_the_payables_own_message_and_where_the_money_goes():
    refused = Payment(
        status=Status.REFUND_PENDING, failure_code="offer_changed", failure_message="Agent zmienił."
    )
    state = payment_page_state(refused)
    assert state.message == "Agent zmienił."
    assert "w ciągu kilku dni roboczych" in str(state.next_step)
    refunded = payment_page_state(Payment(status=Status.REFUNDED, failure_code="deadline_passed"))
    assert "po terminie" in str(refunded.message)
    assert str(refunded.next_step) == "Pieniądze zostały zwrócone na Twoje konto lub kartę."


def test_every_entry_of_the_table_is_reachable():
    seen = {
        str(payment_page_state(Payment(status=s, method=m, failure_code=c)).title)
        for s in Status.values
        for m in ("blik", "card")
        for c in ("", "code_expired", "duplicate")
    }
    assert {str(state.title) for state in PAGE_STATES.values()} <= seen
