"""GET /oferta/dokumenty/<slug>/: the three documents, served with the session checked."""

import hashlib

from django.urls import reverse

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
