from django.urls import reverse

from .conftest import make_offer, sent_offer


def test_it_exports_the_timeline(alice, alice_client):
    offer = sent_offer(alice)
    response = alice_client.get(reverse("offers:timeline-csv", args=[offer.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0] == "Czas;Zdarzenie;Kto;Wersja oferty"
    assert "utworzono ofertę;alice;1" in lines[1]
    assert "wysłano link DMS" in lines[2]


def test_it_hides_another_agents_offer(bob, alice_client):
    offer = make_offer(bob)
    assert alice_client.get(reverse("offers:timeline-csv", args=[offer.pk])).status_code == 404


def test_it_refuses_post(alice, alice_client):
    offer = make_offer(alice)
    assert alice_client.post(reverse("offers:timeline-csv", args=[offer.pk])).status_code == 405


def test_it_neutralises_a_cell_a_spreadsheet_would_run(alice, alice_client):
    from offers.models import OfferEvent

    offer = make_offer(alice)
    OfferEvent.objects.create(
        offer=offer, kind=OfferEvent.Kind.CREATED, actor_label="-2+3", offer_version=1
    )
    response = alice_client.get(reverse("offers:timeline-csv", args=[offer.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert ";'-2+3;1" in body
    assert ";-2+3;" not in body
