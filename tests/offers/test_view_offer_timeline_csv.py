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
