"""GET /agent/oferty/<pk>/zaswiadczenie-sprzedazy/: the remote-sale certificate PDF."""

import io

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from offers.evidence import DocumentDownload

from .conftest import Sent, pay_in_sandbox, ready_to_pay, start_payment


def _url(sent: Sent) -> str:
    return reverse("offers:certificate", args=[sent.offer.pk])


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_agent_downloads_the_evidence_of_a_paid_sale(
    alice_client, new_client, new_sent: Sent, django_capture_on_commit_callbacks
):
    ready_to_pay(new_client)
    payment = start_payment(new_client)
    with django_capture_on_commit_callbacks(execute=True):
        pay_in_sandbox(payment)

    response = alice_client.get(_url(new_sent))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    text = "".join(_text(response.content).split())  # table cells wrap anywhere
    downloads = DocumentDownload.objects.all()
    assert len(downloads) == 3
    for row in downloads:
        assert row.sha256 in text
    assert "(2024-07-09)" in text
    assert "127.0.0.1" in text
    assert payment.intent_id in text
    assert "FM_T/P/" in text
    assert "85010112345" not in text


def test_staff_may_download_it(staff, new_sent: Sent):
    client = Client()
    client.force_login(staff)

    assert client.get(_url(new_sent)).status_code == 200


def test_another_agent_gets_404(bob_client, new_sent: Sent):
    assert bob_client.get(_url(new_sent)).status_code == 404


def test_a_client_session_is_not_enough(new_client, new_sent: Sent):
    response = new_client.get(_url(new_sent))

    assert response.status_code == 302
    assert "/agent/logowanie/" in response["Location"]


def test_it_refuses_post(alice_client, new_sent: Sent):
    assert alice_client.post(_url(new_sent)).status_code == 405
