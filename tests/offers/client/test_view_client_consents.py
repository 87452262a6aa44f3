"""POST /oferta/zgody/: the required consents, after the three downloads, per version."""

from django.urls import reverse

from offers import services
from offers.evidence import CONSENTS, ConsentAcceptance
from offers.models import OfferEvent
from offers.selectors import consents_done

from .conftest import ALL_CONSENTS, Sent, download_all


def _accept(client, data=ALL_CONSENTS):  # type: ignore[no-untyped-def]
    return client.post(reverse("offers:client-consents"), data)


def test_it_records_each_consent_with_its_text_version(new_client, new_sent: Sent):
    download_all(new_client)

    response = _accept(new_client)

    assert response.status_code == 303
    rows = ConsentAcceptance.objects.filter(offer=new_sent.offer)
    assert {(r.code, r.text_version) for r in rows} == {(c.code, c.version) for c in CONSENTS}
    assert all(r.ip == "127.0.0.1" and r.offer_version == 1 for r in rows)
    assert rows.get(code="distance").text == CONSENTS[1].text
    assert new_sent.offer.events.filter(kind=OfferEvent.Kind.CLIENT_ACCEPTED).count() == 1
    assert consents_done(new_sent.offer)


def test_it_refuses_consents_before_all_three_downloads(new_client, new_sent: Sent):
    new_client.get(reverse("offers:client-document", args=["oferta"]))

    response = _accept(new_client)
    page = new_client.get(response["Location"]).content.decode()

    assert "Najpierw pobierz wszystkie trzy dokumenty" in page
    assert not ConsentAcceptance.objects.exists()


def test_it_refuses_a_missing_required_consent(new_client):
    download_all(new_client)

    response = _accept(new_client, {"documents": "on"})

    assert response.status_code == 200
    assert not ConsentAcceptance.objects.exists()


def test_an_edit_asks_for_downloads_and_consents_again(new_client, new_sent: Sent, alice):
    download_all(new_client)
    _accept(new_client)
    details = services.OfferDetails.from_offer(new_sent.offer)
    details.holder_address = "ul. Inna 3"
    offer = services.offer_update(offer=new_sent.offer, details=details, actor=alice)

    assert not consents_done(offer)
    response = _accept(new_client)
    assert "Najpierw pobierz" in new_client.get(response["Location"]).content.decode()

    download_all(new_client)
    _accept(new_client)
    assert consents_done(offer)


def test_it_needs_a_session(client, db):
    assert _accept(client)["Location"] == reverse("offers:client-access")


def test_it_refuses_get(new_client):
    assert new_client.get(reverse("offers:client-consents")).status_code == 405
