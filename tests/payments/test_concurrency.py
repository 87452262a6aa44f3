"""Two deliveries at once, on PostgreSQL, in real transactions: one success, one fulfilment."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from payments.models import Payment, WebhookEvent
from payments.sandbox import sandbox_checkout_complete
from payments.services import payment_start

from .conftest import event, intent_object, make_payment, session_object, sign

pytestmark = pytest.mark.django_db(transaction=True)
Status = Payment.Status


@pytest.fixture
def fulfilment(orders):  # type: ignore[no-untyped-def]
    """What the payable creates on success, with the UNIQUE column the registry asks for."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_fulfilment (payment_id bigint UNIQUE NOT NULL)")
    orders.fulfil_sql = True
    orders.slow = 0.3  # hold the locks long enough for the other thread to collide
    yield orders
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_fulfilment")


def fulfilled() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT payment_id FROM test_fulfilment")
        return [row[0] for row in cursor.fetchall()]


def together(*jobs) -> list[object]:  # type: ignore[no-untyped-def]
    """Run the jobs in threads released at the same moment; re-raise their errors."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except BaseException as exc:  # noqa: BLE001 (reported below)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


def deliver(body: bytes):  # type: ignore[no-untyped-def]
    return lambda: (
        Client()
        .post(
            "/platnosci/webhook/stripe/",
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": sign(body)},
        )
        .status_code
    )


def test_two_deliveries_of_one_event_make_one_fulfilment(fulfilment, stripe_webhooks):
    payment = make_payment()
    body = event("checkout.session.completed", session_object(payment))
    assert together(deliver(body), deliver(body)) == [200, 200]
    assert WebhookEvent.objects.count() == 1
    assert fulfilled() == [payment.pk]
    assert fulfilment.succeeded == [payment.pk]
    payment.refresh_from_db()
    assert payment.status == Status.SUCCEEDED


def test_two_different_success_events_for_one_payment_make_one_fulfilment(
    fulfilment, stripe_webhooks
):
    payment = make_payment(intent_id="pi_concurrent")
    completed = event("checkout.session.completed", session_object(payment))
    succeeded = event("payment_intent.succeeded", intent_object(payment))
    assert together(deliver(completed), deliver(succeeded)) == [200, 200]
    # Both applied without error: the second waited for the first's lock and
    # found the payment succeeded, rather than tripping the UNIQUE column.
    outcomes = list(WebhookEvent.objects.values_list("outcome", flat=True))
    assert outcomes == [WebhookEvent.Outcome.APPLIED] * 2
    assert fulfilled() == [payment.pk]
    assert fulfilment.succeeded == [payment.pk]


def test_two_payments_for_one_payable_paid_at_once_make_one_fulfilment(fulfilment, sandbox):
    args = dict(
        payable_type="tests.order", payable_id="1", amount=Decimal("406.00"),
        description="Zamówienie 1", customer_email="", method="blik",
        success_url="/gotowe/", cancel_url="/zaplac/",
    )  # fmt: skip
    first, _ = payment_start(**args)
    second, _ = payment_start(**args)

    def pay(payment: Payment):  # type: ignore[no-untyped-def]
        return lambda: sandbox_checkout_complete(
            checkout_id=payment.checkout_id, method="blik", blik_code="123456"
        )

    together(pay(first), pay(second))
    statuses = sorted(Payment.objects.values_list("status", flat=True))
    assert statuses == [Status.REFUNDED, Status.SUCCEEDED]
    winner = Payment.objects.get(status=Status.SUCCEEDED)
    loser = Payment.objects.get(status=Status.REFUNDED)
    assert fulfilled() == [winner.pk]
    assert loser.failure_code == "duplicate"
    assert fulfilment.refunded == [loser.pk]
