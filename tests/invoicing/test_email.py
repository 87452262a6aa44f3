import io
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader

from invoicing import ksef
from invoicing.models import Invoice, InvoiceEvent
from invoicing.services import invoice_email_send, invoicing_sweep
from invoicing.tasks import invoice_ksef_check_task, invoice_ksef_submit_task
from notifications.models import OutboxMessage

from .conftest import issue

pytestmark = pytest.mark.django_db
TO = "biuro@polna.example.com"


def pdf_text(content: bytes) -> str:
    return PdfReader(io.BytesIO(content)).pages[0].extract_text().replace(" ", "")


def test_it_emails_the_pdf_with_its_ksef_number_after_commit(
    ksef_fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(send_to=TO)
        assert not OutboxMessage.objects.exists()  # nothing rendered under the counter lock
    invoice.refresh_from_db()
    assert invoice.ksef_state == Invoice.KsefState.ACCEPTED
    message = OutboxMessage.objects.get(topic=f"invoice:{invoice.pk}")
    assert message.recipient == TO
    assert message.status == OutboxMessage.Status.SENT
    assert message.subject == f"Faktura VAT {invoice.number}"
    attachment = message.attachments.get()
    assert attachment.filename == f"Faktura_FV_{invoice.year}_000001.pdf"
    assert attachment.content_type == "application/pdf"

    [email] = mail.outbox
    assert email.to == [TO]
    assert invoice.number in email.body
    assert invoice.ksef_number in email.body
    assert "ważna bez podpisów" in email.body
    assert invoice.number in email.alternatives[0].content
    [(filename, content, content_type)] = email.attachments
    assert filename == attachment.filename and content_type == "application/pdf"
    assert invoice.number in pdf_text(content)
    assert invoice.ksef_number in pdf_text(content)  # the buyer's copy carries KSeF's number
    assert invoice.emailed_at is not None
    assert invoice.events.filter(kind=InvoiceEvent.Kind.EMAILED).count() == 1


def test_it_emails_at_once_when_ksef_is_disabled(settings, django_capture_on_commit_callbacks):
    settings.KSEF_CLIENT = "disabled"
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(send_to=TO)
    [email] = mail.outbox
    assert invoice.number in email.body
    assert "KSeF" not in pdf_text(email.attachments[0][1])


def test_it_emails_once_however_often_the_task_runs(ksef_fake):
    invoice = issue(send_to=TO)
    invoice_ksef_submit_task(invoice.pk)
    assert invoice_email_send(invoice_id=invoice.pk) is True
    assert invoice_email_send(invoice_id=invoice.pk) is False
    assert OutboxMessage.objects.count() == 1


def test_it_sends_no_email_unless_asked(ksef_fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue()
    assert invoice_email_send(invoice_id=invoice.pk) is False
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_it_does_not_email_an_invoice_ksef_rejected(ksef_fake, django_capture_on_commit_callbacks):
    ksef_fake.reject_next("Błąd weryfikacji semantyki dokumentu")
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(send_to=TO)
    invoice.refresh_from_db()
    assert invoice.ksef_state == Invoice.KsefState.REJECTED
    Invoice.objects.filter(pk=invoice.pk).update(created_at=invoice.created_at - timedelta(days=1))
    invoicing_sweep()
    assert not OutboxMessage.objects.exists()  # staff act on it first


def test_it_emails_without_the_ksef_number_when_ksef_has_not_answered_in_an_hour(ksef_fake):
    ksef_fake.hold_next()
    invoice = issue(send_to=TO)
    invoice_ksef_submit_task(invoice.pk)
    assert invoice_email_send(invoice_id=invoice.pk) is False  # waits for KSeF
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        invoicing_sweep()
    assert OutboxMessage.objects.filter(topic=f"invoice:{invoice.pk}").count() == 1
    invoice.refresh_from_db()
    assert invoice.ksef_state == Invoice.KsefState.SENT


def test_the_check_that_brings_ksefs_number_sends_the_waiting_email(
    ksef_fake, django_capture_on_commit_callbacks
):
    ksef_fake.hold_next()
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(send_to=TO)
    invoice.refresh_from_db()
    assert invoice.ksef_state == Invoice.KsefState.SENT
    assert mail.outbox == []
    ksef_fake.decide(
        invoice.ksef_reference,
        ksef.KsefStatus(state=ksef.Decision.ACCEPTED, ksef_number="5250001233-X"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        invoice_ksef_check_task(invoice.pk)
    [email] = mail.outbox
    assert "5250001233-X" in email.body
