"""KSeF states with the fake client: not sent, sent, accepted with a number, rejected."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from ksef_client.utils.ksef_number import validate_ksef_number

from invoicing import ksef
from invoicing.models import Invoice, InvoiceEvent
from invoicing.services import invoice_ksef_check, invoice_ksef_submit, invoicing_sweep
from invoicing.tasks import invoice_ksef_check_task, invoice_ksef_submit_task

from .conftest import issue

pytestmark = pytest.mark.django_db
State = Invoice.KsefState
KSEF_NUMBER = re.compile(r"^\d{10}-\d{8}-[0-9A-F]{12}-[0-9A-F]{2}$")


def test_it_submits_after_commit_and_records_the_ksef_number(
    ksef_fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue()
        assert invoice.ksef_state == State.NOT_SENT
        assert ksef_fake.submitted == []  # nothing leaves before commit
    invoice.refresh_from_db()
    assert invoice.ksef_state == State.ACCEPTED
    assert KSEF_NUMBER.match(invoice.ksef_number)
    assert invoice.ksef_number.startswith(invoice.seller_nip + "-")
    assert invoice.ksef_reference and invoice.ksef_sent_at and invoice.ksef_decided_at
    assert ksef_fake.submitted == [ksef.invoice_fa3_xml(invoice)]
    assert list(invoice.events.values_list("kind", flat=True)) == [
        InvoiceEvent.Kind.ISSUED,
        InvoiceEvent.Kind.KSEF_SENT,
        InvoiceEvent.Kind.KSEF_ACCEPTED,
    ]


def test_its_number_has_the_check_digits_ksef_computes():
    number = ksef.ksef_number_for(seller_nip="5250001233", day=date(2026, 2, 1), seed="x")
    assert number.startswith("5250001233-20260201-")
    assert validate_ksef_number(number).is_valid
    wrong = number[:-2] + ("00" if number[-2:] != "00" else "01")
    assert not validate_ksef_number(wrong).is_valid


def test_it_records_a_rejection_with_its_reason(ksef_fake):
    invoice = issue()
    ksef_fake.reject_next("Nieprawidłowy NIP nabywcy")
    invoice_ksef_submit_task(invoice.pk)
    invoice.refresh_from_db()
    assert invoice.ksef_state == State.REJECTED
    assert invoice.ksef_error == "Nieprawidłowy NIP nabywcy"
    assert invoice.ksef_number == ""


def test_it_stays_sent_while_ksef_is_processing(ksef_fake):
    invoice = issue()
    ksef_fake.hold_next()
    assert invoice_ksef_submit(invoice_id=invoice.pk)
    assert invoice_ksef_check(invoice_id=invoice.pk) == State.SENT
    invoice.refresh_from_db()
    ksef_fake.decide(
        invoice.ksef_reference, ksef.KsefStatus(state=ksef.Decision.ACCEPTED, ksef_number="N-1")
    )
    assert invoicing_sweep() >= 1  # asks KSeF again about every sent invoice
    invoice.refresh_from_db()
    assert (invoice.ksef_state, invoice.ksef_number) == (State.ACCEPTED, "N-1")


def test_running_the_tasks_twice_submits_once(ksef_fake):
    invoice = issue()
    assert invoice_ksef_submit_task(invoice.pk) is True
    assert invoice_ksef_submit_task(invoice.pk) is False
    assert invoice_ksef_check_task(invoice.pk) == State.ACCEPTED
    assert len(ksef_fake.submitted) == 1
    assert invoice.events.filter(kind=InvoiceEvent.Kind.KSEF_ACCEPTED).count() == 1


def test_a_lost_claim_is_freed_and_the_resubmission_is_not_a_second_invoice(ksef_fake):
    """A worker died after KSeF took the document: the retry gets the same reference."""
    invoice = issue()
    reference = ksef_fake.send(xml=ksef.invoice_fa3_xml(invoice), seller_nip=invoice.seller_nip)
    an_hour_ago = invoice.created_at - timedelta(hours=1)
    Invoice.objects.filter(pk=invoice.pk).update(
        ksef_claimed_at=an_hour_ago, created_at=an_hour_ago
    )
    invoicing_sweep()
    invoice.refresh_from_db()
    assert invoice.ksef_state == State.ACCEPTED
    assert invoice.ksef_reference == reference
    assert len(ksef_fake.submitted) == 1


def test_an_unreachable_ksef_frees_the_claim_for_a_retry(ksef_fake):
    invoice = issue()
    ksef_fake.fail_next("503 Service Unavailable")
    with pytest.raises(ksef.KsefError):
        invoice_ksef_submit(invoice_id=invoice.pk)
    invoice.refresh_from_db()
    assert (invoice.ksef_state, invoice.ksef_claimed_at) == (State.NOT_SENT, None)
    assert invoice.events.filter(kind=InvoiceEvent.Kind.KSEF_ERROR).get().note == (
        "503 Service Unavailable"
    )
    assert invoice_ksef_submit(invoice_id=invoice.pk) is True


def test_nothing_is_sent_when_ksef_is_disabled(settings, ksef_fake):
    settings.KSEF_CLIENT = "disabled"
    invoice = issue()
    assert invoice_ksef_submit_task(invoice.pk) is False
    invoice.refresh_from_db()
    assert invoice.ksef_state == State.NOT_SENT
    assert ksef_fake.submitted == []
    assert mail.outbox == []


def test_the_fake_answers_for_a_document_another_process_sent(ksef_fake):
    """A worker's sibling process (or a restarted one) gets the same acceptance."""
    invoice = issue()
    reference = ksef_fake.send(xml=ksef.invoice_fa3_xml(invoice), seller_nip=invoice.seller_nip)
    here = ksef_fake.status(reference=reference, seller_nip=invoice.seller_nip)
    elsewhere = ksef.FakeKsef().status(reference=reference, seller_nip=invoice.seller_nip)
    assert here == elsewhere
    assert here.state == ksef.Decision.ACCEPTED
    with pytest.raises(ksef.KsefError):
        ksef.FakeKsef().status(reference="nonsense", seller_nip=invoice.seller_nip)
