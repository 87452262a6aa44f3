import io
from datetime import timedelta

import pytest
from django.core import mail
from pypdf import PdfReader

from invoicing.models import Invoice, InvoiceEvent
from invoicing.services import invoice_email_send, invoicing_sweep
from notifications.models import OutboxMessage

from .conftest import issue

pytestmark = pytest.mark.django_db


def test_it_emails_the_pdf_through_the_outbox_after_commit(
    ksef_fake, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue(send_to="biuro@polna.example.com")
        assert not OutboxMessage.objects.exists()  # nothing rendered under the counter lock
    message = OutboxMessage.objects.get(topic=f"invoice:{invoice.pk}")
    assert message.recipient == "biuro@polna.example.com"
    assert message.status == OutboxMessage.Status.SENT
    assert message.subject == f"Faktura VAT {invoice.number}"
    attachment = message.attachments.get()
    assert attachment.filename == f"Faktura_FV_{invoice.year}_000001.pdf"
    assert attachment.content_type == "application/pdf"

    [email] = mail.outbox
    assert email.to == ["biuro@polna.example.com"]
    assert invoice.number in email.body
    assert "ważna bez podpisów" in email.body
    assert invoice.number in email.alternatives[0].content
    [(filename, content, content_type)] = email.attachments
    assert filename == attachment.filename and content_type == "application/pdf"
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert invoice.number in text
    invoice.refresh_from_db()
    assert invoice.emailed_at is not None
    assert invoice.events.filter(kind=InvoiceEvent.Kind.EMAILED).count() == 1


def test_it_emails_once_however_often_the_task_runs(ksef_fake):
    invoice = issue(send_to="biuro@polna.example.com")
    assert invoice_email_send(invoice_id=invoice.pk) is True
    assert invoice_email_send(invoice_id=invoice.pk) is False
    assert OutboxMessage.objects.count() == 1


def test_it_sends_no_email_unless_asked(ksef_fake, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invoice = issue()
    assert invoice_email_send(invoice_id=invoice.pk) is False
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_the_sweep_sends_an_email_whose_task_was_lost(ksef_fake):
    invoice = issue(send_to="biuro@polna.example.com")  # no commit: the task never ran
    Invoice.objects.filter(pk=invoice.pk).update(created_at=invoice.created_at - timedelta(hours=1))
    invoicing_sweep()
    assert OutboxMessage.objects.filter(topic=f"invoice:{invoice.pk}").count() == 1
