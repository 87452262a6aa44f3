"""The payment state machine: duplicates, disorder, retries, mismatches, refusals."""

from decimal import Decimal

import pytest

from accounts.models import AppendOnlyError, User
from payments.models import Payment, PaymentEvent
from payments.providers.base import PaymentUpdate
from payments.services import payment_apply_event

from .conftest import event, intent_object, make_payment, post_webhook, session_object

pytestmark = pytest.mark.django_db

Status = Payment.Status


def update(payment: Payment, outcome: str, **fields) -> PaymentUpdate:  # type: ignore[no-untyped-def]
    values = {
        "payment_ref": str(payment.public_id),
        "amount_minor": payment.amount_minor,
        "currency": "PLN",
        "method": payment.method,
    }
    values.update(fields)
    return PaymentUpdate(outcome=outcome, **values)


def apply(payment: Payment, outcome: str, **fields) -> Payment:  # type: ignore[no-untyped-def]
    return payment_apply_event(
        payment_id=payment.pk, update=update(payment, outcome, **fields), source="webhook"
    )


def test_it_never_downgrades_a_success_to_failed(db, orders):
    payment = make_payment()
    apply(payment, "succeeded")
    after = apply(payment, "failed", failure_code="card_declined")
    assert after.status == Status.SUCCEEDED
    assert orders.failed == []
    assert payment.events.filter(kind=PaymentEvent.Kind.IGNORED).count() == 1


def test_it_never_downgrades_a_success_to_expired_or_pending(db, orders):
    payment = make_payment()
    apply(payment, "succeeded")
    assert apply(payment, "expired").status == Status.SUCCEEDED
    assert apply(payment, "pending").status == Status.SUCCEEDED
    assert orders.succeeded == [payment.pk]


def test_it_applies_a_success_once(db, orders):
    payment = make_payment()
    apply(payment, "succeeded")
    apply(payment, "succeeded")
    assert orders.succeeded == [payment.pk]


def test_it_accepts_a_retry_after_a_failure(db, orders):
    payment = make_payment()
    failed = apply(payment, "failed", failure_code="code_expired")
    assert (failed.status, failed.failure_code) == (Status.FAILED, "code_expired")
    succeeded = apply(payment, "succeeded")
    assert (succeeded.status, succeeded.failure_code) == (Status.SUCCEEDED, "")
    assert orders.failed == [payment.pk]
    assert orders.succeeded == [payment.pk]


def test_it_accepts_money_that_arrives_after_the_session_expired(db, orders):
    payment = make_payment()
    apply(payment, "expired")
    assert apply(payment, "succeeded").status == Status.SUCCEEDED


def test_it_holds_a_payment_of_the_wrong_amount(db, orders):
    payment = make_payment()
    held = apply(payment, "succeeded", amount_minor=40500)
    assert held.status == Status.HELD
    assert held.flagged
    assert held.failure_code == "amount_mismatch"
    assert held.amount_received == Decimal("405.00")
    assert orders.succeeded == []
    assert orders.failed == [payment.pk]
    assert payment.events.filter(kind=PaymentEvent.Kind.MISMATCH).exists()


def test_it_holds_a_payment_in_the_wrong_currency(db, orders):
    payment = make_payment()
    held = apply(payment, "succeeded", currency="EUR")
    assert (held.status, held.failure_code) == (Status.HELD, "currency_mismatch")
    assert orders.succeeded == []


def test_it_holds_a_payment_when_the_payable_now_expects_another_amount(db, orders):
    payment = make_payment()
    orders.prices["1"] = Decimal("450.00")  # the offer was edited after payment started
    held = apply(payment, "succeeded")
    assert (held.status, held.failure_code) == (Status.HELD, "amount_mismatch")


def test_a_later_failure_does_not_release_a_held_payment(db, orders):
    payment = make_payment()
    apply(payment, "succeeded", amount_minor=1)
    assert apply(payment, "failed").status == Status.HELD


def test_it_refunds_money_the_payable_refuses(
    client, orders, sandbox, django_capture_on_commit_callbacks
):
    from payments.services import payment_start

    orders.refuse["1"] = "deadline_passed"
    payment, url = payment_start(
        payable_type="tests.order", payable_id="1", amount=Decimal("406.00"),
        description="Zamówienie 1", customer_email="k@example.com", method="blik",
        success_url="/gotowe/", cancel_url="/zaplac/",
    )  # fmt: skip
    from payments.sandbox import sandbox_checkout_complete

    with django_capture_on_commit_callbacks(execute=True):
        sandbox_checkout_complete(
            checkout_id=payment.checkout_id, method="blik", blik_code="123456"
        )
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED
    assert payment.failure_code == "deadline_passed"
    assert payment.failure_message == "Termin płatności minął o 21:00."
    assert payment.refund_id.startswith("re_sbx_")
    assert orders.succeeded == []
    assert orders.refunded == [payment.pk]
    # What the callback wrote before refusing was rolled back.
    assert not User.objects.filter(username__startswith="refused-").exists()
    page = client.get(f"/platnosci/{payment.public_id}/").content.decode()
    assert "Płatność nie mogła zostać przyjęta" in page
    assert "Termin płatności minął o 21:00." in page
    assert "zostały zwrócone" in page
    kinds = list(payment.events.values_list("kind", flat=True))
    assert PaymentEvent.Kind.REFUSED in kinds and PaymentEvent.Kind.REFUNDED in kinds


def test_it_refunds_a_second_payment_for_the_same_payable(
    client, orders, sandbox, django_capture_on_commit_callbacks
):
    from payments.sandbox import sandbox_checkout_complete
    from payments.services import payment_start

    args = dict(
        payable_type="tests.order", payable_id="1", amount=Decimal("406.00"),
        description="Zamówienie 1", customer_email="", method="card",
        success_url="/gotowe/", cancel_url="/zaplac/",
    )  # fmt: skip
    first, _ = payment_start(**args)
    second, _ = payment_start(**args)
    with django_capture_on_commit_callbacks(execute=True):
        sandbox_checkout_complete(checkout_id=first.checkout_id, method="card")
        sandbox_checkout_complete(checkout_id=second.checkout_id, method="card")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Status.SUCCEEDED
    assert (second.status, second.failure_code) == (Status.REFUNDED, "duplicate")
    assert orders.succeeded == [first.pk]
    assert orders.refunded == [second.pk]
    page = client.get(f"/platnosci/{second.public_id}/").content.decode()
    assert "Ta należność była już opłacona" in page


def test_a_refund_made_at_the_provider_is_recorded(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    payment = make_payment(intent_id="pi_refund_me")
    apply(payment, "succeeded")
    charge = {
        "id": "ch_1", "object": "charge", "amount": payment.amount_minor,
        "amount_refunded": payment.amount_minor, "currency": "pln", "refunded": True,
        "payment_intent": "pi_refund_me", "metadata": {},
    }  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, event("charge.refunded", charge))
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED
    assert orders.refunded == [payment.pk]


def test_a_failed_event_arriving_after_success_by_webhook_changes_nothing(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    payment = make_payment()
    failed = intent_object(
        payment,
        status="requires_payment_method",
        amount_received=0,
        last_payment_error={"code": "payment_method_declined", "decline_code": "code_expired"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, event("checkout.session.completed", session_object(payment)))
        post_webhook(client, event("payment_intent.payment_failed", failed))
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED


def test_a_late_processing_event_does_not_reopen_a_failure(db, orders):
    payment = make_payment()
    apply(payment, "failed", failure_code="card_declined")
    assert apply(payment, "pending").status == Status.FAILED


def test_delayed_methods_complete_unpaid_then_succeed(
    client, orders, stripe_webhooks, django_capture_on_commit_callbacks
):
    payment = make_payment(method="p24", status=Status.CREATED)
    unpaid = session_object(payment, payment_status="unpaid")
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(client, event("checkout.session.completed", unpaid))
    payment.refresh_from_db()
    assert payment.status == Status.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        post_webhook(
            client, event("checkout.session.async_payment_succeeded", session_object(payment))
        )
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED


def test_payment_events_are_append_only(db, orders):
    payment = make_payment()
    apply(payment, "succeeded")
    row = payment.events.first()
    row.note = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()


def test_staff_refund_a_held_payment_of_what_was_received(
    orders, sandbox, django_capture_on_commit_callbacks
):
    from payments.models import SandboxCheckout
    from payments.services import payment_refund, payment_start

    payment, _ = payment_start(
        payable_type="tests.order", payable_id="1", amount=Decimal("406.00"),
        description="Zamówienie 1", customer_email="", method="card",
        success_url="/gotowe/", cancel_url="/zaplac/",
    )  # fmt: skip
    SandboxCheckout.objects.filter(checkout_id=payment.checkout_id).update(status="paid")
    apply(payment, "succeeded", amount_minor=40500)
    with django_capture_on_commit_callbacks(execute=True):
        payment_refund(payment_id=payment.pk, reason="staff")
    payment.refresh_from_db()
    assert payment.status == Status.REFUNDED
    checkout = SandboxCheckout.objects.get(checkout_id=payment.checkout_id)
    assert checkout.refunded_minor == 40500
    assert orders.refunded == [payment.pk]
