"""GET /oferta/dokumenty/<slug>/: the three documents, served with the session checked."""

import hashlib
from datetime import timedelta

import time_machine
from django.urls import reverse
from django.utils import timezone

from offers import services
from offers.evidence import DocumentDownload
from offers.models import OfferEvent

from .conftest import PESEL, Sent, opens_with


def test_the_new_portal_offer_pdf_opens_with_the_pesel_only(new_client, new_sent: Sent):
    response = new_client.get(reverse("offers:client-document", args=["oferta"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert opens_with(response.content, PESEL)
    assert not opens_with(response.content, "2345")
    assert not opens_with(response.content, "")


def test_the_old_portal_offer_pdf_opens_with_the_four_digits(old_client):
    response = old_client.get(reverse("offers:client-document", args=["oferta"]))

    assert opens_with(response.content, "0274")
    assert not opens_with(response.content, "0000")


def test_it_keeps_the_sha256_of_the_exact_bytes_served_with_ip_and_browser(client, new_sent: Sent):
    from .conftest import enter_new

    client.defaults["HTTP_USER_AGENT"] = "Testowa przeglądarka 1.0"
    enter_new(client, new_sent)

    for slug, kind in (("oferta", "offer"), ("owu", "owu"), ("regulamin", "regulations")):
        response = client.get(reverse("offers:client-document", args=[slug]))
        row = DocumentDownload.objects.filter(kind=kind).latest("pk")
        assert row.sha256 == hashlib.sha256(response.content).hexdigest()
        assert row.size == len(response.content)
        assert row.ip == "127.0.0.1"
        assert row.user_agent == "Testowa przeglądarka 1.0"
        assert row.offer_version == new_sent.offer.version
    kinds = [
        e.details["document"]
        for e in new_sent.offer.events.filter(kind=OfferEvent.Kind.CLIENT_DOWNLOAD)
    ]
    assert kinds == ["offer", "owu", "regulations"]


def test_the_owu_and_regulations_are_plain_pdfs(new_client):
    for slug in ("owu", "regulamin"):
        response = new_client.get(reverse("offers:client-document", args=[slug]))
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"].startswith("attachment;")
        assert "no-store" in response["Cache-Control"]


def test_an_unknown_document_is_404(new_client):
    assert new_client.get(reverse("offers:client-document", args=["polisa"])).status_code == 404


def test_it_needs_an_unlocked_session(client, old_sent: Sent):
    client.get(old_sent.link)  # in, but the file password not yet given

    response = client.get(reverse("offers:client-document", args=["oferta"]))

    assert response["Location"] == reverse("offers:client-password")
    assert not DocumentDownload.objects.exists()


def test_it_refuses_post(new_client):
    assert new_client.post(reverse("offers:client-document", args=["owu"])).status_code == 405


def _document(client):  # type: ignore[no-untyped-def]
    return client.get(reverse("offers:client-document", args=["oferta"]))


def test_a_cancelled_offer_serves_no_documents(new_client, new_sent: Sent, alice):
    services.offer_cancel(offer=new_sent.offer, actor=alice)

    response = _document(new_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("offers:client-offer")
    assert not DocumentDownload.objects.exists()
    page = new_client.get(response["Location"]).content.decode()
    assert "Dokumenty nieaktualnej oferty nie są już dostępne" in page
    assert reverse("offers:client-document", args=["oferta"]) not in page


def test_an_offer_past_its_deadline_serves_no_documents(new_client, new_sent: Sent):
    after = new_sent.offer.payment_deadline + timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        assert _document(new_client).status_code == 302  # still "sent": beat has not run
        services.offer_expire(offer=new_sent.offer)
        assert _document(new_client).status_code == 302
    assert not DocumentDownload.objects.exists()


def test_a_paid_offer_still_serves_its_documents(new_client, new_sent: Sent):
    services.offer_mark_paid(
        offer=new_sent.offer, paid_at=timezone.now(), payment_reference="pi_test"
    )

    assert _document(new_client).status_code == 200
