"""A confirmed payment turns the offer into a policy, e-mailed encrypted; late money is refunded."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from notifications.sms.models import Policy as InsuredPolicy
from offers.evidence import Policy
from offers.models import Offer, OfferEvent
from offers.policy import policy_send
from payments.models import Payment
from tests.sms.conftest import make_agency

from .conftest import (
    PESEL,
    Sent,
    enter_new,
    opens_with,
    pay_in_sandbox,
    pdf_text,
    provider_says,
    ready_to_pay,
    send,
    start_payment,
)


def _paid(client, capture, method: str = "blik") -> Payment:  # type: ignore[no-untyped-def]
    ready_to_pay(client)
    payment = start_payment(client, method)
    with capture(execute=True):
        pay_in_sandbox(payment)
    return payment


def _policy_mail():  # type: ignore[no-untyped-def]
    return next(m for m in mail.outbox if "Twoja polisa" in m.subject)


def test_a_confirmed_payment_makes_a_policy_and_emails_it_with_the_pesel(
    new_client, new_sent: Sent, alice, django_capture_on_commit_callbacks
):
    _paid(new_client, django_capture_on_commit_callbacks)

    offer = Offer.objects.get(pk=new_sent.offer.pk)
    policy = Policy.objects.get(offer=offer)
    assert offer.state == Offer.State.POLICY
    assert policy.number == f"FM_T/P/{offer.number:09d}"
    message = _policy_mail()
    assert message.to == [offer.email]
    (filename, data, content_type) = message.attachments[0]
    assert content_type == "application/pdf"
    assert opens_with(data, PESEL)
    assert not opens_with(data, "2345")
    text = pdf_text(data, PESEL)
    assert policy.number in text
    assert f"(wersja {offer.version})" in text
    agent_mail = [m for m in mail.outbox if m.to == [alice.email]]
    assert any("Potwierdzenie opłacenia" in m.subject for m in agent_mail)
    kinds = list(offer.events.values_list("kind", flat=True))
    assert kinds[-3:] == [OfferEvent.Kind.PAID, OfferEvent.Kind.POLICY, OfferEvent.Kind.POLICY_SENT]


def test_the_old_portal_policy_opens_with_the_four_digits(
    old_client, django_capture_on_commit_callbacks
):
    _paid(old_client, django_capture_on_commit_callbacks, method="card")

    data = _policy_mail().attachments[0][1]
    assert opens_with(data, "0274")
    assert not opens_with(data, "0000")


def test_the_client_sees_the_policy_number_after_the_waiting_page(
    new_client, django_capture_on_commit_callbacks
):
    payment = _paid(new_client, django_capture_on_commit_callbacks)

    wait = new_client.get(reverse("payments:wait", args=[payment.public_id]))
    page = new_client.get(wait["Location"]).content.decode()

    assert wait["Location"] == reverse("offers:client-paid")
    assert "polisa wystawiona" in page
    assert Policy.objects.get().number in page


def test_returning_from_the_provider_without_confirmation_issues_nothing(new_client):
    ready_to_pay(new_client)
    start_payment(new_client)

    page = new_client.get(reverse("offers:client-paid")).content.decode()

    assert "Czekamy na potwierdzenie" in page
    assert not Policy.objects.exists()


def test_a_repeated_confirmation_makes_one_policy_and_one_email(
    new_client, django_capture_on_commit_callbacks
):
    payment = _paid(new_client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        provider_says(payment)

    assert Policy.objects.count() == 1
    assert len([m for m in mail.outbox if "Twoja polisa" in m.subject]) == 1
    assert policy_send(policy_id=Policy.objects.get().pk) is False


def test_the_database_refuses_a_second_policy_for_one_payment(
    new_client, django_capture_on_commit_callbacks
):
    payment = _paid(new_client, django_capture_on_commit_callbacks)
    policy = Policy.objects.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        Policy.objects.create(offer=policy.offer, payment=payment, number="X/1")


def _due_soon(client, agent, seconds_before: int):  # type: ignore[no-untyped-def]
    """An offer whose client starts paying `seconds_before` the 21:00 deadline."""
    sent = send(agent, "FM_T", days=2)
    clock = time_machine.travel(sent.offer.payment_deadline - timedelta(minutes=10), tick=False)
    traveller = clock.start()
    enter_new(client, sent)
    ready_to_pay(client)
    payment = start_payment(client)
    traveller.shift(timedelta(minutes=10) - timedelta(seconds=seconds_before))
    return sent, payment, clock


def test_money_after_the_deadline_is_refunded_and_both_sides_are_told(
    client, alice, django_capture_on_commit_callbacks
):
    sent, payment, clock = _due_soon(client, alice, seconds_before=0)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pay_in_sandbox(payment)
    finally:
        clock.stop()

    payment.refresh_from_db()
    offer = Offer.objects.get(pk=sent.offer.pk)
    assert payment.status == Payment.Status.REFUNDED
    assert payment.failure_code == "deadline_passed"
    assert offer.state == Offer.State.SENT
    assert not Policy.objects.exists()
    refunds = [m for m in mail.outbox if "Zwr" in m.subject]
    assert {tuple(m.to) for m in refunds} == {(offer.email,), (alice.email,)}
    assert "po terminie" in next(m for m in refunds if m.to == [offer.email]).body
    kinds = set(offer.events.values_list("kind", flat=True))
    assert {OfferEvent.Kind.LATE_PAYMENT, OfferEvent.Kind.PAYMENT_REFUNDED} <= kinds
    refunded = offer.events.filter(
        kind__in=[OfferEvent.Kind.LATE_PAYMENT, OfferEvent.Kind.PAYMENT_REFUNDED]
    )
    assert set(refunded.values_list("actor_label", flat=True)) == {"płatności"}


def test_money_one_second_before_the_deadline_makes_a_policy(
    client, alice, django_capture_on_commit_callbacks
):
    sent, payment, clock = _due_soon(client, alice, seconds_before=1)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            pay_in_sandbox(payment)
    finally:
        clock.stop()

    assert Policy.objects.filter(payment=payment, offer=sent.offer).exists()


def test_money_paid_before_the_deadline_counts_even_if_its_webhook_comes_after(
    client, alice, django_capture_on_commit_callbacks
):
    from payments.providers.base import OUTCOME_SUCCEEDED, PaymentUpdate
    from payments.services import payment_apply_event

    sent, payment, clock = _due_soon(client, alice, seconds_before=-10)
    try:
        update = PaymentUpdate(
            outcome=OUTCOME_SUCCEEDED,
            payment_ref=str(payment.public_id),
            amount_minor=int(payment.amount * 100),
            currency="PLN",
            occurred_at=sent.offer.payment_deadline - timedelta(seconds=10),
        )
        with django_capture_on_commit_callbacks(execute=True):
            payment_apply_event(payment_id=payment.pk, update=update, source="webhook")
    finally:
        clock.stop()

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.succeeded_at == sent.offer.payment_deadline - timedelta(seconds=10)
    assert Policy.objects.filter(payment=payment, offer=sent.offer).exists()


def test_a_failed_payment_then_a_successful_retry_makes_one_policy(
    new_client, django_capture_on_commit_callbacks
):
    from .conftest import fail

    ready_to_pay(new_client)
    first = start_payment(new_client)
    fail(first, "customer_declined")
    second = start_payment(new_client, "card")
    with django_capture_on_commit_callbacks(execute=True):
        pay_in_sandbox(second)

    assert Policy.objects.get().payment == second
    offer = Policy.objects.get().offer
    assert offer.events.get(kind=OfferEvent.Kind.PAYMENT_FAILED).actor_label == "płatności"


def test_the_history_names_the_system_as_the_sender_of_the_policy(
    new_client, new_sent: Sent, django_capture_on_commit_callbacks
):
    _paid(new_client, django_capture_on_commit_callbacks)

    offer = Offer.objects.get(pk=new_sent.offer.pk)
    assert offer.events.get(kind=OfferEvent.Kind.POLICY_SENT).actor_label == "system"
    by_client = set(offer.events.filter(actor_label="klient").values_list("kind", flat=True))
    assert by_client == {
        OfferEvent.Kind.CLIENT_LOGIN,
        OfferEvent.Kind.CLIENT_DOWNLOAD,
        OfferEvent.Kind.CLIENT_ACCEPTED,
        OfferEvent.Kind.PAYMENT_STARTED,
    }


def test_a_wrong_amount_is_held_and_makes_no_policy(new_client, django_capture_on_commit_callbacks):
    from decimal import Decimal

    ready_to_pay(new_client)
    payment = start_payment(new_client)
    with django_capture_on_commit_callbacks(execute=True):
        provider_says(payment, amount=Decimal("1.00"))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.HELD
    assert not Policy.objects.exists()


def test_a_policy_whose_email_was_never_queued_is_picked_up_by_beat(
    new_client, new_sent: Sent, django_capture_on_commit_callbacks
):
    """As when Redis was down at commit: the policy exists, its e-mail does not."""
    from offers.policy import policies_deliver_pending

    _paid(new_client, django_capture_on_commit_callbacks)
    policy = Policy.objects.get(offer=new_sent.offer)
    Policy.objects.filter(pk=policy.pk).update(sent_at=None)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert policies_deliver_pending(now=policy.issued_at + timedelta(minutes=4)) == 0
        assert policies_deliver_pending(now=policy.issued_at + timedelta(minutes=6)) == 1
    policy.refresh_from_db()
    assert policy.sent_at is not None
    assert opens_with(_policy_mail().attachments[0][1], PESEL)
    with django_capture_on_commit_callbacks(execute=True):
        assert policies_deliver_pending(now=policy.issued_at + timedelta(minutes=20)) == 0


def test_money_paid_in_time_makes_a_policy_even_after_the_beat_expired_the_offer(
    client, alice, django_capture_on_commit_callbacks
):
    """BLIK confirmed at 20:59:50, webhook applied after the 21:00 beat: a policy, no refund."""
    from offers.services import offers_expire_overdue
    from payments.providers.base import OUTCOME_SUCCEEDED, PaymentUpdate
    from payments.services import payment_apply_event

    sent, payment, clock = _due_soon(client, alice, seconds_before=-10)
    try:
        offers_expire_overdue()
        assert Offer.objects.get(pk=sent.offer.pk).state == Offer.State.EXPIRED
        update = PaymentUpdate(
            outcome=OUTCOME_SUCCEEDED,
            payment_ref=str(payment.public_id),
            amount_minor=int(payment.amount * 100),
            currency="PLN",
            occurred_at=sent.offer.payment_deadline - timedelta(seconds=10),
        )
        with django_capture_on_commit_callbacks(execute=True):
            payment_apply_event(payment_id=payment.pk, update=update, source="webhook")
    finally:
        clock.stop()

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Offer.objects.get(pk=sent.offer.pk).state == Offer.State.POLICY
    assert Policy.objects.filter(payment=payment, offer=sent.offer).exists()


def test_an_offer_edited_while_the_client_pays_makes_no_policy_and_is_refunded(
    new_client, new_sent: Sent, alice, django_capture_on_commit_callbacks
):
    """The client accepted version 1; a policy from a version they never saw is no sale."""
    from offers import services

    ready_to_pay(new_client)
    payment = start_payment(new_client)
    details = services.OfferDetails.from_offer(new_sent.offer)
    details.insured_same_as_holder = False
    details.insured_kind = "person"
    details.insured_name = "Jan Nowak"
    details.insured_pesel = "90020223457"
    services.offer_update(offer=new_sent.offer, details=details, actor=alice)

    with django_capture_on_commit_callbacks(execute=True):
        pay_in_sandbox(payment)

    payment.refresh_from_db()
    offer = Offer.objects.get(pk=new_sent.offer.pk)
    assert not Policy.objects.exists()
    assert offer.state == Offer.State.SENT
    assert payment.status == Payment.Status.REFUNDED
    assert payment.failure_code == "offer_changed"
    page = new_client.get(reverse("payments:wait", args=[payment.public_id])).content.decode()
    assert "zmienił ofertę w trakcie płatności" in page
    to_client = next(m for m in mail.outbox if m.to == [offer.email] and "Zwrot" in m.subject)
    assert "agent zmienił ofertę w trakcie płatności" in to_client.body
    assert "przygotuje nową ofertę" not in to_client.body
    agent_mails = [m for m in mail.outbox if m.to == [offer.agent.email]]
    to_agent = next(m for m in agent_mails if "Zwrócono" in m.subject)
    assert "nowej wersji nie zaakceptował" in to_agent.body


def test_a_policy_of_an_agent_in_an_sms_agency_lands_in_its_insured_base(
    new_client, new_sent: Sent, alice, bob, django_capture_on_commit_callbacks
):
    agency = make_agency("Agencja Alfa", "SMSALFA22", alice, bob)
    _paid(new_client, django_capture_on_commit_callbacks)

    policy = Policy.objects.get(offer=new_sent.offer)
    [landed] = InsuredPolicy.objects.filter(agency=agency)
    assert landed.number == policy.number
    assert landed.end_date == new_sent.offer.protection_end
    assert landed.person.marketing_consent is False


def test_a_policy_of_an_agent_without_an_agency_lands_nowhere(
    new_client, django_capture_on_commit_callbacks
):
    _paid(new_client, django_capture_on_commit_callbacks)

    assert not InsuredPolicy.objects.exists()
