"""Reconciliation: a lost webhook never leaves a paid client waiting for ever."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from payments.models import Payment, PaymentEvent, SandboxCheckout, WebhookEvent
from payments.services import payment_reconcile_pending, payment_start

from .conftest import event, make_payment, session_object

pytestmark = pytest.mark.django_db
Status = Payment.Status
T0 = timezone.datetime(2026, 11, 25, 12, 0, tzinfo=timezone.get_fixed_timezone(60))


@pytest.fixture
def started(orders, sandbox):  # type: ignore[no-untyped-def]
    with time_machine.travel(T0, tick=False):
        payment, _ = payment_start(
            payable_type="tests.order", payable_id="1", amount=Decimal("406.00"),
            description="Zamówienie 1", customer_email="", method="blik",
            success_url="/gotowe/", cancel_url="/zaplac/",
        )  # fmt: skip
    return payment


def paid_without_webhook(payment: Payment) -> None:
    """The client paid at the provider, and the webhook was lost on the way."""
    SandboxCheckout.objects.filter(checkout_id=payment.checkout_id).update(
        status=SandboxCheckout.Status.PAID, method="blik"
    )


def test_it_asks_about_a_payment_pending_for_15_minutes_not_before(started, orders):
    paid_without_webhook(started)
    with time_machine.travel(T0 + timedelta(minutes=14, seconds=59), tick=False):
        assert payment_reconcile_pending() == []
    started.refresh_from_db()
    assert started.status == Status.PENDING
    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        assert payment_reconcile_pending() == [started.pk]
    started.refresh_from_db()
    assert started.status == Status.SUCCEEDED
    assert orders.succeeded == [started.pk]
    assert started.events.filter(source=PaymentEvent.Source.RECONCILE).exists()


def test_it_does_not_ask_again_within_15_minutes(started):
    with time_machine.travel(T0 + timedelta(minutes=15), tick=False):
        assert payment_reconcile_pending() == [started.pk]
    started.refresh_from_db()
    assert started.status == Status.PENDING  # still waiting, and no history row for that
    assert not started.events.filter(source=PaymentEvent.Source.RECONCILE).exists()
    with time_machine.travel(T0 + timedelta(minutes=29), tick=False):
        assert payment_reconcile_pending() == []
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        assert payment_reconcile_pending() == [started.pk]


def test_it_expires_a_session_nobody_paid(started, orders):
    with time_machine.travel(T0 + timedelta(minutes=36), tick=False):
        payment_reconcile_pending()
    started.refresh_from_db()
    assert started.status == Status.EXPIRED
    assert orders.failed == [started.pk]


def test_it_leaves_settled_and_old_payments_alone(orders, sandbox):
    with time_machine.travel(T0, tick=False):
        make_payment(status=Status.SUCCEEDED)
        make_payment(payable_id="2", amount=Decimal("120.50"), status=Status.REFUNDED)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        make_payment(payable_id="2", amount=Decimal("120.50"))
    with time_machine.travel(T0 + timedelta(days=3, minutes=10), tick=False):
        assert payment_reconcile_pending() == []


def test_it_retries_a_refund_that_was_never_made(
    started, orders, django_capture_on_commit_callbacks
):
    paid_without_webhook(started)
    Payment.objects.filter(pk=started.pk).update(
        status=Status.REFUND_PENDING, failure_code="deadline_passed"
    )
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            payment_reconcile_pending()
    started.refresh_from_db()
    assert started.status == Status.REFUNDED
    assert orders.refunded == [started.pk]


def test_it_requeues_webhook_events_stored_while_the_broker_was_down(started, orders):
    body = event("checkout.session.completed", session_object(started))
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        WebhookEvent.objects.create(
            provider="sandbox",
            event_id=json.loads(body)["id"],
            type="checkout.session.completed",
            body=body.decode(),
        )
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        payment_reconcile_pending()
    assert WebhookEvent.objects.get().outcome == WebhookEvent.Outcome.APPLIED
    started.refresh_from_db()
    assert started.status == Status.SUCCEEDED


def test_the_beat_schedule_runs_reconciliation():
    entries = [e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "payments.tasks.payments_reconcile_pending" in entries
