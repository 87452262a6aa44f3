"""The transitions the client/payments side calls: paid, then policy."""

from datetime import timedelta

import pytest
from django.core import mail

from offers import services
from offers.models import Offer, OfferEvent

from .conftest import make_offer, sent_offer


def test_it_marks_a_sent_offer_paid_and_tells_the_agent(alice, django_capture_on_commit_callbacks):
    offer = sent_offer(alice)
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="pi_1")
    offer.refresh_from_db()
    assert offer.state == Offer.State.PAID
    assert offer.payment_reference == "pi_1"
    assert not offer.links.filter(revoked_at__isnull=True).exists()
    assert mail.outbox[-1].to == ["alice@example.com"]
    assert "Potwierdzenie opłacenia" in mail.outbox[-1].subject


def test_it_ignores_a_repeated_payment_notice(alice):
    offer = sent_offer(alice)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="pi_1")
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="pi_1")
    assert offer.events.filter(kind=OfferEvent.Kind.PAID).count() == 1


def test_it_refuses_money_after_the_deadline(alice):
    offer = sent_offer(alice)
    with pytest.raises(services.DeadlinePassed):
        services.offer_mark_paid(
            offer=offer, paid_at=offer.payment_deadline, payment_reference="late"
        )
    offer.refresh_from_db()
    assert offer.state == Offer.State.SENT
    assert offer.events.filter(kind=OfferEvent.Kind.LATE_PAYMENT).exists()


def test_it_accepts_money_a_second_before_the_deadline(alice):
    offer = sent_offer(alice)
    services.offer_mark_paid(
        offer=offer, paid_at=offer.payment_deadline - timedelta(seconds=1), payment_reference="ok"
    )
    offer.refresh_from_db()
    assert offer.state == Offer.State.PAID


def test_it_refuses_polisuj_before_payment(alice):
    offer = sent_offer(alice)
    with pytest.raises(services.PolicyRequiresPayment) as error:
        services.offer_issue_policy(offer=offer, actor=alice)
    assert "9 lipca 2024" in error.value.message


def test_it_issues_the_policy_of_a_paid_offer_once(alice):
    offer = sent_offer(alice)
    services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="pi_1")
    services.offer_issue_policy(offer=offer, actor=alice)
    services.offer_issue_policy(offer=offer, actor=alice)
    offer.refresh_from_db()
    assert offer.state == Offer.State.POLICY
    assert offer.events.filter(kind=OfferEvent.Kind.POLICY).count() == 1


def test_it_refuses_payment_of_a_draft(alice):
    offer = make_offer(alice)
    with pytest.raises(services.DeadlinePassed):
        services.offer_mark_paid(offer=offer, paid_at=offer.created_at, payment_reference="x")


def test_it_lets_the_client_side_append_to_the_timeline(alice):
    offer = sent_offer(alice)
    event = services.offer_record_client_event(
        offer=offer, kind=OfferEvent.Kind.CLIENT_DOWNLOAD, details={"document": "owu"}
    )
    assert event.actor_label == "klient"
    assert event.offer_version == offer.version


def test_it_accepts_money_paid_in_time_whose_notice_came_after_expiry(alice):
    import time_machine

    from offers import tasks

    offer = sent_offer(alice)
    with time_machine.travel(offer.payment_deadline, tick=False):
        tasks.offers_expire_overdue()
    offer.refresh_from_db()
    assert offer.state == Offer.State.EXPIRED
    services.offer_mark_paid(
        offer=offer, paid_at=offer.payment_deadline - timedelta(seconds=30), payment_reference="p"
    )
    offer.refresh_from_db()
    assert offer.state == Offer.State.PAID


def test_it_refuses_money_for_a_cancelled_offer(alice):
    offer = sent_offer(alice)
    services.offer_cancel(offer=offer, actor=alice)
    with pytest.raises(services.DeadlinePassed):
        services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="x")


def test_it_writes_the_clients_name_as_text_in_the_agents_plain_text_email(
    alice, django_capture_on_commit_callbacks
):
    offer = sent_offer(alice, holder_name="O'Brien & Syn <Spółka>")
    with django_capture_on_commit_callbacks(execute=True):
        services.offer_mark_paid(offer=offer, paid_at=offer.sent_at, payment_reference="pi_1")
    sent = mail.outbox[-1]
    assert "Klient O'Brien & Syn <Spółka> opłacił ofertę" in sent.body
    html, _mimetype = sent.alternatives[0]
    assert "O&#x27;Brien &amp; Syn &lt;Spółka&gt;" in html
    assert "O'Brien & Syn" not in html
