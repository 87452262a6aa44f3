"""Every change is an order staff process; nothing submitted is lost when sending fails."""

import pytest

from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from subscribers import services
from subscribers.models import Case, Order

from .conftest import login_as

pytestmark = pytest.mark.django_db


def test_it_applies_a_payment_form_when_staff_complete_the_order(staff_client, alice_account):
    order = services.payment_form_request(
        account=alice_account, payment_form="e_invoice", email="nowy@example.com"
    )
    response = staff_client.post(
        "/admin/subscribers/order/",
        {"action": "mark_done", "_selected_action": [order.pk]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    alice_account.refresh_from_db()
    assert order.state == Order.State.DONE and order.processed_at is not None
    assert alice_account.payment_form == "e_invoice" and alice_account.email == "nowy@example.com"


def test_it_lists_orders_for_staff_by_state(staff_client, alice_account):
    services.payment_form_request(account=alice_account, payment_form="direct_debit")
    html = staff_client.get("/admin/subscribers/order/?state__exact=waiting").content.decode()
    assert "zmiana formy płatności" in html


def test_it_keeps_the_case_when_the_mail_server_is_down(
    alice_account, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    client = login_as(alice_account, code=True)
    client.post(
        "/abonent/bok/nowe/?rodzaj=reklamacja&typ=jakosc",
        {"place": "Warszawa, Prosta 1", "since": "2026-11-20", "description": "Brak zasięgu.",
         "delivery": "email"},
    )  # fmt: skip
    case = Case.objects.get()
    message = OutboxMessage.objects.get(topic=f"subscriber-case:{case.pk}")
    with pytest.raises(Exception):  # noqa: B017 - the outbox's retry signal
        outbox_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.last_error
    assert Case.objects.filter(pk=case.pk, description="Brak zasięgu.").exists()
    assert case.order.kind == Order.Kind.LETTER
